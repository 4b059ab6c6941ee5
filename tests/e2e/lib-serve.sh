# lib-serve.sh - helpers for the `postdesk serve` listener tests (sourced after lib.sh):
# a home with LMTP/SMTP listeners on free ports, starting/stopping the daemon, and `chat`,
# a small SMTP/LMTP client that prints every reply line.

# serve_setup [EXTRA-CONFIG-LINES]: pd_setup with [serve] lmtp/smtp on free ports
# (LMTP_PORT, SMTP_PORT). Extra lines go after the [serve] lines, so '[serve]'-section
# keys can be given directly.
serve_setup() {
	LMTP_PORT=$(free_port)
	SMTP_PORT=$(free_port)
	while [ "$SMTP_PORT" = "$LMTP_PORT" ]; do SMTP_PORT=$(free_port); done
	export LMTP_PORT SMTP_PORT
	pd_setup '[serve]' "lmtp = 127.0.0.1:$LMTP_PORT" "smtp = 127.0.0.1:$SMTP_PORT" \
		'send_interval = 1' "$@"
}

# port_open PORT: something accepts connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# serve_start: run `postdesk serve` in the background (SERVE_PID, log in $SERVE_LOG) and wait
# until its listeners answer.
SERVE_LOG="$TEST_TMP/serve.log"
serve_start() {
	"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
	SERVE_PID=$!
	pd_track "$SERVE_PID"
	wait_for 60 port_open "$LMTP_PORT" && wait_for 60 port_open "$SMTP_PORT" ||
		{ cat "$SERVE_LOG" >>"$LOG"; bail "postdesk serve did not start listening"; }
}

# serve_stop [SIGNAL]: signal the daemon (TERM; 0: just wait) and wait; exit status in SERVE_RC
serve_stop() {
	kill -"${1:-TERM}" "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_RC=$?
}

# db SQL: a read-only query on the store
# a busy timeout: the daemon's last close checkpoints the WAL under an exclusive lock
db() { sqlite3 -cmd '.timeout 10000' "$POSTDESK_HOME/postdesk.db" "$@"; }

# db_is WANT SQL: the query's answer is WANT (for wait_for)
db_is() { [ "$(db "$2")" = "$1" ]; }

# tickets_are N: `postdesk ticket list` has N tickets (for wait_for)
tickets_are() { [ "$("$POSTDESK" ticket list --json 2>/dev/null | jq length)" = "$1" ]; }

CHAT_PY="$TEST_TMP/chat.py"
cat >"$CHAT_PY" <<'EOF'
# chat.py PORT [--pipeline] [--timeout S] < SCRIPT: send SCRIPT's lines (CRLF-terminated) and
# print every reply line. Lockstep: one reply per command; after the DATA terminator one
# reply per accepted recipient for LMTP (the conversation starts with LHLO), else one.
# --pipeline: send everything at once, then print replies until the server closes.
import socket, sys

port = int(sys.argv[1])
pipeline = "--pipeline" in sys.argv
timeout = float(sys.argv[sys.argv.index("--timeout") + 1]) if "--timeout" in sys.argv else 30
lines = sys.stdin.buffer.read().split(b"\n")
if lines and lines[-1] == b"":
    lines.pop()
sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
f = sock.makefile("rb")

def reply():
    out = []
    while True:
        line = f.readline()
        if not line:
            print("EOF", flush=True)
            sys.exit(0)
        line = line.rstrip(b"\r\n").decode("utf-8", "replace")
        print(line, flush=True)
        out.append(line)
        if len(line) < 4 or line[3] != "-":
            return out

try:
    if pipeline:
        sock.sendall(b"".join(l + b"\r\n" for l in lines))
        while True:
            reply()
    reply()  # greeting
    lmtp = bool(lines) and lines[0][:4].upper() == b"LHLO"
    in_data = False
    accepted = 0
    for l in lines:
        sock.sendall(l + b"\r\n")
        if in_data:
            if l == b".":
                in_data = False
                for _ in range(accepted if lmtp else 1):
                    reply()
                accepted = 0
            continue
        r = reply()
        verb = l[:4].upper()
        if verb == b"RCPT" and r[-1].startswith("250"):
            accepted += 1
        if verb in (b"MAIL", b"RSET", b"LHLO", b"EHLO", b"HELO") and r[-1].startswith("250"):
            accepted = 0 if verb != b"MAIL" else accepted
        if verb == b"DATA" and r[-1].startswith("354"):
            in_data = True
except (socket.timeout, ConnectionError) as e:
    print("ERROR %s" % e, flush=True)
    sys.exit(1)
EOF

# chat PORT [--pipeline] < SCRIPT: see chat.py above; replies on stdout
chat() { $PY "$CHAT_PY" "$@"; }

# codes: the reply codes of chat's output, space-separated (multi-line replies once)
codes() { grep -E '^[0-9]{3} ' | cut -c1-3 | tr '\n' ' ' | sed 's/ $//'; }

# make_backlog N: N messages stored as a listener leaves them (bytes and intake row, not yet
# processed), from old1..oldN@customer.example to support@example.com; old_pending counts
# those still pending (e2e 290, 291)
make_backlog() {
	local i sha size
	for i in $(seq 1 "$1"); do
		mail "$TEST_TMP/old$i.eml" "old$i@customer.example" support@example.com "Old $i" <<<"body $i"
		sha=$(sha256sum "$TEST_TMP/old$i.eml" | cut -c1-64)
		size=$(stat -c %s "$TEST_TMP/old$i.eml")
		echo "INSERT INTO bodies (sha256, size, raw) VALUES ('$sha', $size, readfile('$TEST_TMP/old$i.eml'));
			INSERT INTO intake (dedup_key, received_at, source, envelope_from, envelope_rcpt, size, sha256, body_id)
			VALUES ('$sha support@example.com', strftime('%s'), 'lmtp', 'old$i@customer.example', 'support@example.com', $size, '$sha', last_insert_rowid());"
	done | sqlite3 "$POSTDESK_HOME/postdesk.db"
}
old_pending() { db "select count(*) from intake where state = 'pending' and envelope_from like 'old%'"; }
