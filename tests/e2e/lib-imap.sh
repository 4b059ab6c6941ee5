# lib-imap.sh - a throw-away Dovecot for the IMAP fetcher tests (sourced after lib.sh).
# start_dovecot: Dovecot on 127.0.0.1 (plain IMAP on DOVE_PORT with STARTTLS, imaps on
# DOVE_TLS_PORT, a certificate for localhost and 127.0.0.1 signed by a test CA made here,
# $DOVE_DIR/ca.pem), users support, sales, tls, sttls, plain (no IDLE/MOVE/UIDPLUS after
# login) and those named in DOVE_USERS (password "secret") whose mail is under
# $TEST_TMP/dovecot/mail, owned by nobody (as root) or by the current user (otherwise:
# Dovecot then runs unprivileged). DOVE_SSL=no: no TLS at all (no STARTTLS, no imaps; plain
# text logins allowed), as some internal servers are set up.
# imap_append/imap_count/imap_flags/imap_uidvalidity talk to it with python3's imaplib.

DOVE_DIR="$TEST_TMP/dovecot"

start_dovecot() {
	mkdir -p "$DOVE_DIR/run" "$DOVE_DIR/state" "$DOVE_DIR/mail"
	# as root, mail processes run as nobody; otherwise everything runs as the current user
	local uid=65534 gid=65534 users=""
	if [ "$(id -u)" = 0 ]; then
		chmod o+x "$TEST_TMP" "$DOVE_DIR"
		chown nobody:nogroup "$DOVE_DIR/mail"
	else
		uid=$(id -u) gid=$(id -g)
		users="default_internal_user = $(id -un)
default_login_user = $(id -un)
default_internal_group = $(id -gn)"
	fi
	: "${DOVE_PORT:=$(free_port)}"
	: "${DOVE_TLS_PORT:=$(free_port)}"
	[ -f "$DOVE_DIR/cert.pem" ] || make_test_ca "$DOVE_DIR" ||
		bail "openssl could not make a certificate"
	local u ssl="ssl = yes" tls_listener=$DOVE_TLS_PORT
	if [ "${DOVE_SSL:-yes}" = no ]; then
		ssl="ssl = no"
		tls_listener=0
	fi
	: >"$DOVE_DIR/passwd"
	for u in support sales tls sttls ${DOVE_USERS:-}; do
		echo "$u:{PLAIN}secret:$uid:$gid::$DOVE_DIR/mail/$u::" >>"$DOVE_DIR/passwd"
	done
	# "plain" sees a server without IDLE, MOVE and UIDPLUS (polling, COPY + EXPUNGE)
	echo "plain:{PLAIN}secret:$uid:$gid::$DOVE_DIR/mail/plain::userdb_imap_capability=IMAP4rev1" >>"$DOVE_DIR/passwd"
	cat >"$DOVE_DIR/dovecot.conf" <<-CONF
		protocols = imap
		listen = 127.0.0.1
		base_dir = $DOVE_DIR/run
		state_dir = $DOVE_DIR/state
		log_path = $DOVE_DIR/dovecot.log
		info_log_path = $DOVE_DIR/dovecot.log
		$ssl
		ssl_cert = <$DOVE_DIR/cert.pem
		ssl_key = <$DOVE_DIR/key.pem
		disable_plaintext_auth = no
		auth_mechanisms = plain login
		mail_location = maildir:~/Maildir
		first_valid_uid = 1
		$users
		passdb {
		  driver = passwd-file
		  args = scheme=PLAIN username_format=%u $DOVE_DIR/passwd
		}
		userdb {
		  driver = passwd-file
		  args = username_format=%u $DOVE_DIR/passwd
		}
		service imap-login {
		  inet_listener imap {
		    address = 127.0.0.1
		    port = $DOVE_PORT
		  }
		  inet_listener imaps {
		    address = 127.0.0.1
		    port = $tls_listener
		  }
		}
		service anvil {
		  chroot =
		}
		service imap-login {
		  chroot =
		}
	CONF
	/usr/sbin/dovecot -F -c "$DOVE_DIR/dovecot.conf" >>"$DOVE_DIR/dovecot.log" 2>&1 &
	DOVE_PID=$!
	pd_track "$DOVE_PID"
	wait_for 30 imap_login support || bail "dovecot did not start (see $DOVE_DIR/dovecot.log)"
}

# make_test_ca DIR: DIR/ca.pem (a CA made for this test), DIR/cert.pem + DIR/key.pem (a server
# certificate it signed for localhost and 127.0.0.1)
make_test_ca() {
	local d=$1
	openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=postdesk test CA" -days 2 \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$d/ca-key.pem" -out "$d/ca.pem" >>"$LOG" 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$d/key.pem" \
		-out "$d/req.pem" >>"$LOG" 2>&1 &&
	printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' >"$d/ext.cnf" &&
	openssl x509 -req -in "$d/req.pem" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial \
		-days 2 -extfile "$d/ext.cnf" -out "$d/cert.pem" >>"$LOG" 2>&1
}

# stop_dovecot: the master and its children (imap processes outlive a master stopped alone,
# and their sessions would go on)
stop_dovecot() {
	local children
	children=$(pgrep -P "$DOVE_PID" | tr '\n' ' ')
	# shellcheck disable=SC2086
	kill "$DOVE_PID" $children 2>/dev/null
	wait "$DOVE_PID" 2>/dev/null
	# the master's children go with it; wait until the port is free again
	wait_for 20 sh -c "! $PY -c 'import socket; socket.create_connection((\"127.0.0.1\", $DOVE_PORT), 1)'"
}

# imap_py USER SCRIPT [ARGS...]: run python with M = a logged-in imaplib connection
imap_py() {
	local user=$1 script=$2
	shift 2
	$PY - "$DOVE_PORT" "$user" "$@" <<-PYEOF
		import imaplib, sys
		port, user, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
		M = imaplib.IMAP4("127.0.0.1", port)
		M.login(user, "secret")
		$script
		M.logout()
	PYEOF
}

imap_login() { imap_py "$1" 'pass'; }

# imap_append USER FILE [MAILBOX]
imap_append() {
	imap_py "$1" '
typ, data = M.append(args[1] if len(args) > 1 else "INBOX", None, None, open(args[0], "rb").read())
assert typ == "OK", data' "$2" "${3:-}" 2>>"$LOG"
}

# imap_count USER [MAILBOX]: messages in the mailbox (0 if it does not exist)
imap_count() {
	imap_py "$1" '
typ, data = M.select(args[0] if args and args[0] else "INBOX", readonly=True)
print(int(data[0]) if typ == "OK" else 0)' "${2:-}" 2>>"$LOG"
}

# imap_unseen USER: messages in INBOX without \Seen
imap_unseen() {
	imap_py "$1" '
M.select("INBOX", readonly=True)
typ, data = M.search(None, "UNSEEN")
print(len(data[0].split()))' 2>>"$LOG"
}

imap_uidvalidity() {
	imap_py "$1" '
typ, data = M.status("INBOX", "(UIDVALIDITY)")
print(data[0].decode().split("UIDVALIDITY ")[1].rstrip(")"))' 2>>"$LOG"
}

# make_mails DIR N TAG: N customer messages DIR/TAG-1.eml ... to support@example.com
make_mails() {
	local dir=$1 n=$2 tag=$3 i
	mkdir -p "$dir"
	for i in $(seq 1 "$n"); do
		mail "$dir/$tag-$i.eml" "Customer $tag$i <c$tag$i@customer.example>" \
			support@example.com "Help request $tag $i" <<-BODY
			Hello,

			this is request $tag number $i. Please help.
			Regards
		BODY
	done
}

# db SQL: a query on the postdesk database
# a busy timeout: a daemon's checkpoint on close, or the recovery after kill -9, holds a lock
db() { sqlite3 -cmd '.timeout 10000' "$POSTDESK_HOME/postdesk.db" "$1"; }
intake_count() { db "SELECT count(*) FROM intake WHERE source = 'imap:$1'"; }

# make_big FILE MB TAG: a message of about MB megabytes (10^6 bytes) to support@example.com,
# in CRLF lines (as IMAP sends them), each numbered, so a piece lost, repeated or out of
# order changes the bytes
make_big() {
	$PY - "$1" "$2" "$3" <<-'PY'
		import sys
		path, mb, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
		with open(path, "wb") as f:
		    f.write(b"From: Big <big@customer.example>\r\nTo: support@example.com\r\n"
		            b"Subject: Big " + tag + b"\r\nMessage-ID: <big-" + tag +
		            b"@customer.example>\r\n\r\n")
		    i = 0
		    while f.tell() < mb * 1000 * 1000:
		        f.write(b"%09d the quick brown fox jumps over the lazy dog, again and again.\r\n" % i)
		        i += 1
	PY
}

# start_relay ARGS...: tests/lib/imap-relay.py between the test and Dovecot (see there for
# ARGS); sets RELAY_PORT
start_relay() {
	rm -f "$TEST_TMP/relay.port"
	$PY "$POSTDESK_SRCDIR/tests/lib/imap-relay.py" --port-file "$TEST_TMP/relay.port" \
		--target "$DOVE_PORT" "$@" >>"$LOG" 2>&1 &
	pd_track $!
	wait_for 20 test -s "$TEST_TMP/relay.port" || bail "the relay did not start"
	RELAY_PORT=$(cat "$TEST_TMP/relay.port")
}
