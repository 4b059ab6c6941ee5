#!/bin/bash
# Subscribers managing themselves by mail (issue 12): double opt-in end to end through the
# outbox and a capturing SMTP server (a subscribe request makes a pending subscriber and a
# confirmation; a confirm from another address does not activate; the reply from the same
# address does), NAME+subscribe@ / NAME+unsubscribe@, the signed List-Unsubscribe mailto
# (whoever sends it; a forged signature does nothing), the policies closed and customers,
# automatic mail to the request address (never answered, never a ticket) and the limit on
# answers per recipient. The first requests go in through swaks to serve's SMTP listener.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

start_capture
serve_setup "public_url = https://lists.example.com" '' '[autoreply]' 'per_hour = 4' 'per_day = 10'
check "a list" pd list create news --address news@example.com --title "Example News"
req=news-request@example.com
body_of() { "$PY" -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$1"; }
status_of() { pd list members news --json | jq -r --arg a "$1" '.[] | select(.address==$a) | .status'; }
outbox_to() { pd outbox list --json | jq --arg a "$1" '[.[] | select(.rcpt==$a)] | length'; }

# --- double opt-in, the request by SMTP (swaks to serve) ---
serve_start
check "swaks: subscribe to news-request@" swaks --silent 2 --server 127.0.0.1 --port "$SMTP_PORT" \
	--from bob@y.org --to "$req" --header "Subject: subscribe" --header "From: Bob <bob@y.org>" \
	--body "please"
swaks --silent 2 --server 127.0.0.1 --port "$SMTP_PORT" --from x@y.org --to nolist-request@example.com \
	--body "subscribe" >>"$LOG" 2>&1
is "the request address of no list is refused at RCPT (swaks exit 24)" "$?" 24
check "LMTP takes news+subscribe@ too" bash -c "printf 'LHLO t\nMAIL FROM:<dan@y.org>\nRCPT TO:<news+subscribe@example.com>\nQUIT\n' | $PY $CHAT_PY $LMTP_PORT | grep -q '^250 2.1.5'"
check "LMTP takes the list's own address (replies to announcements)" bash -c "printf 'LHLO t\nMAIL FROM:<dan@y.org>\nRCPT TO:<news@example.com>\nQUIT\n' | $PY $CHAT_PY $LMTP_PORT | grep -q '^250 2.1.5'"
check "but no other +extension of it" bash -c "printf 'LHLO t\nMAIL FROM:<dan@y.org>\nRCPT TO:<news+x@example.com>\nQUIT\n' | $PY $CHAT_PY $LMTP_PORT | grep -q '^550 5.1.1'"
captured_at_least() { [ "$(captured_count)" -ge "$1" ]; }
check "the confirmation is sent" wait_for 30 captured_at_least 1
serve_stop
is "serve exits 0" "$SERVE_RC" 0
is "bob is pending" "$(status_of bob@y.org)" pending
conf="$CAPTURE_DIR/0001.eml"
is "the confirmation goes to bob" "$(jq -r '.rcpt_tos[0]' "$CAPTURE_DIR/0001.json")" bob@y.org
subject=$(header Subject "$conf")
token=${subject#confirm }
check "its subject is 'confirm TOKEN'" test "${subject%% *}" = confirm -a -n "$token"
is "it comes from the request address" "$(header From "$conf")" "Example News <$req>"
is "it is an automatic answer" "$(header Auto-Submitted "$conf")" auto-replied
check "it carries the web confirm link" grep -q "https://lists.example.com/list/confirm/$token" <(body_of "$conf")
check "and the confirm instruction" grep -q "confirm $token" <(body_of "$conf")
is "no ticket for a list request" "$(pd ticket list --json | jq length)" 0

# a confirm from another address does not activate
mail "$TEST_TMP/eve.eml" 'Eve <eve@z.org>' "$req" "Re: confirm $token" <<<"yes"
is "eve's confirm is taken" "$(deliver "$TEST_TMP/eve.eml" --recipient "$req")" 0
is "bob is still pending" "$(status_of bob@y.org)" pending
is "eve gets the help text, not a welcome" "$(pd outbox list --json | jq -r '[.[] | select(.rcpt=="eve@z.org")] | length')" 1
# a confirm with a forged token does nothing
mail "$TEST_TMP/forged.eml" 'Bob <bob@y.org>' "$req" "confirm ${token%-*}-000000000000" <<<""
deliver "$TEST_TMP/forged.eml" --recipient "$req" >/dev/null
is "a forged token does not activate" "$(status_of bob@y.org)" pending
# bob's reply does
mail "$TEST_TMP/bob2.eml" 'Bob <bob@y.org>' "$req" "Re: $subject" <<EOF2
> someone, probably you, asked to subscribe
EOF2
is "bob's confirm is taken" "$(deliver "$TEST_TMP/bob2.eml" --recipient "$req")" 0
is "bob is active" "$(status_of bob@y.org)" active
is "the ledger: request then confirm, by mail" \
	"$(pd list ledger news bob@y.org --json | jq -c '[.[] | [.action, .via]]')" '[["request","mail"],["confirm","mail"]]'
check "the evidence holds the Message-ID and the address" \
	test -n "$(pd list ledger news bob@y.org --json | jq -r '.[1].evidence' | grep '^<.*> from bob@y.org$')"
check "send the answers" pd send
welcome=$(grep -l "^Subject: Welcome to Example News" "$CAPTURE_DIR"/*.eml | head -1)
check "bob gets a welcome" test -n "$welcome"
check "with his preferences link" grep -q "https://lists.example.com/list/prefs/m" <(body_of "$welcome")

# --- NAME+subscribe@ and NAME+unsubscribe@ ---
mail "$TEST_TMP/carol.eml" 'Carol <carol@y.org>' news+subscribe@example.com "hello" <<<"let me in"
deliver "$TEST_TMP/carol.eml" --recipient news+subscribe@example.com >/dev/null
is "news+subscribe@ makes carol pending" "$(status_of carol@y.org)" pending
is "and sends her a confirmation" "$(outbox_to carol@y.org)" 1
mail "$TEST_TMP/bob3.eml" 'Bob <bob@y.org>' news+unsubscribe@example.com "bye" <<<""
deliver "$TEST_TMP/bob3.eml" --recipient news+unsubscribe@example.com >/dev/null
is "news+unsubscribe@ unsubscribes bob" "$(status_of bob@y.org)" unsubscribed
# "unsubscribe" in the body's first lines
check "dave is subscribed by the admin" pd list subscribe news dave@y.org
mail "$TEST_TMP/dave.eml" 'Dave <dave@y.org>' "$req" "a question" <<<"Hello,
unsubscribe
thanks"
deliver "$TEST_TMP/dave.eml" --recipient "$req" >/dev/null
is "a command in the body's first lines" "$(status_of dave@y.org)" unsubscribed

# --- the signed List-Unsubscribe mailto: whoever sends it ---
check "ann is subscribed" pd list subscribe news ann@y.org
mailto=$(pd list links news ann@y.org --json | jq -r .mailto)
check "the mailto address is signed" test -n "$(echo "$mailto" | grep '^news-request+m[0-9]*-[0-9a-f]*@example.com$')"
mail "$TEST_TMP/mailto.eml" 'robot@mua.example' "$mailto" "unsubscribe" <<<""
deliver "$TEST_TMP/mailto.eml" --recipient "$mailto" >/dev/null
is "the mailto unsubscribes ann, whoever sent it" "$(status_of ann@y.org)" unsubscribed
is "the goodbye goes to ann, not to the sender" "$(outbox_to ann@y.org)/$(outbox_to robot@mua.example)" 1/0
check "fred is subscribed" pd list subscribe news fred@y.org
fmailto=$(pd list links news fred@y.org --json | jq -r .mailto)
forged=$(echo "$fmailto" | sed 's/-[0-9a-f]*@/-000000000000@/')
mail "$TEST_TMP/forged2.eml" 'robot@mua.example' "$forged" "unsubscribe" <<<""
deliver "$TEST_TMP/forged2.eml" --recipient "$forged" >/dev/null
is "a forged mailto signature unsubscribes nobody" "$(status_of fred@y.org)" active
check "gus is subscribed" pd list subscribe news gus@y.org
gmailto=$(pd list links news gus@y.org --json | jq -r .mailto)
mail "$TEST_TMP/gmailto.eml" 'unsubscriber@mua.example' "$gmailto" "unsubscribe" "Auto-Submitted: auto-generated" <<<""
deliver "$TEST_TMP/gmailto.eml" --recipient "$gmailto" >/dev/null
is "a program's mail to the mailto unsubscribes too (RFC 2369)" "$(status_of gus@y.org)" unsubscribed
is "but is not answered" "$(outbox_to gus@y.org)/$(outbox_to unsubscriber@mua.example)" 0/0

# --- automatic mail to the request address: never answered, never a ticket ---
before=$(pd outbox list --json | jq length)
mail "$TEST_TMP/auto.eml" 'Fred <fred@y.org>' "$req" "Out of office" "Auto-Submitted: auto-replied" <<<"I am away"
deliver "$TEST_TMP/auto.eml" --recipient "$req" >/dev/null
mail "$TEST_TMP/vac.eml" 'Fred <fred@y.org>' "$req" "Automatic reply: subscribe" "X-Autoreply: yes" <<<"away"
deliver "$TEST_TMP/vac.eml" --recipient "$req" >/dev/null
mail "$TEST_TMP/sub-auto.eml" 'Gina <gina@y.org>' "$req" "subscribe" "Auto-Submitted: auto-generated" <<<""
deliver "$TEST_TMP/sub-auto.eml" --recipient "$req" >/dev/null
printf 'From: <>\nTo: %s\nSubject: subscribe\nMessage-ID: <nul1@y.org>\n\n' "$req" >"$TEST_TMP/null.eml"
deliver "$TEST_TMP/null.eml" --recipient "$req" --sender '' >/dev/null
is "automatic mail gets no answer" "$(pd outbox list --json | jq length)" "$before"
is "an automatic 'subscribe' subscribes nobody" "$(status_of gina@y.org)" ""
is "still no ticket" "$(pd ticket list --json | jq length)" 0
is "the intake rows are done" "$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT count(*) FROM intake WHERE state <> 'done'")" 0

# --- answers are limited per recipient (per_hour = 4) ---
for i in 1 2 3 4 5 6; do
	mail "$TEST_TMP/h$i.eml" 'Hank <hank@y.org>' "$req" "help" <<<"$i"
	deliver "$TEST_TMP/h$i.eml" --recipient "$req" >/dev/null
done
is "six help requests, four answers" "$(outbox_to hank@y.org)" 4

# --- policies ---
check "a closed list" pd list create closed --address closed@example.com --policy closed
mail "$TEST_TMP/c1.eml" 'Ivan <ivan@y.org>' closed-request@example.com "subscribe" <<<""
deliver "$TEST_TMP/c1.eml" --recipient closed-request@example.com >/dev/null
is "closed: no subscriber" "$(pd list members closed --json | jq length)" 0
check "closed: the answer says so" test -n "$(pd outbox list --json | jq -r '.[] | select(.rcpt=="ivan@y.org") | .id')"
check "a customers list" pd list create cust --address cust@example.com --policy customers \
	--allowed-domains partner.example
mail "$TEST_TMP/k1.eml" 'Jo <jo@y.org>' cust-request@example.com "subscribe" <<<""
deliver "$TEST_TMP/k1.eml" --recipient cust-request@example.com >/dev/null
is "customers: a stranger is refused" "$(pd list members cust --json | jq length)" 0
mail "$TEST_TMP/k2.eml" 'Kim <kim@partner.example>' cust-request@example.com "subscribe" <<<""
deliver "$TEST_TMP/k2.eml" --recipient cust-request@example.com >/dev/null
is "customers: an allowed domain may ask" "$(pd list members cust --json | jq -r '.[0].status')" pending
mail "$TEST_TMP/t1.eml" 'Jo <jo@y.org>' support@example.com "my printer" <<<"broken"
deliver "$TEST_TMP/t1.eml" --recipient support@example.com >/dev/null
deliver "$TEST_TMP/k1.eml" --recipient cust-request@example.com >/dev/null
mail "$TEST_TMP/k3.eml" 'Jo <jo@y.org>' cust-request@example.com "subscribe" <<<""
deliver "$TEST_TMP/k3.eml" --recipient cust-request@example.com >/dev/null
is "customers: a known customer may ask" "$(pd list members cust --json | jq -r '.[] | select(.address=="jo@y.org") | .status')" pending
finish
