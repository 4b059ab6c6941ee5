#!/bin/bash
# A subscriber disabled by bounces comes back the way Mailman brings back a member whose
# delivery was disabled (issue 12, lists4): by an administrator (`list subscribe`, no --force:
# --force is for someone who left on their own) or by their own confirmation (a subscribe
# request by mail, confirmed by mail or on the web page). The ledger says `enable` with how
# (admin, mail, web) and what it was. A request alone (perhaps forged) changes nothing: the
# subscriber stays disabled until the confirmation; an old confirm link from before the
# disabling cannot bring them back. On a closed list the join policy does not stop a
# disabled member from re-enabling (they are a member still), while a stranger is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-listfb.sh"

HTTP_PORT=$(free_port)
serve_setup "http = 127.0.0.1:$HTTP_PORT"
URL="http://127.0.0.1:$HTTP_PORT"
check "a list" pd list create news --address news@example.com
for a in ann bob cat dan; do
	check "subscribe $a" pd list subscribe news $a@customer.example
done
status_of() { pd list members news --json | jq -r --arg a "$1@customer.example" '.[] | select(.address==$a) | .status'; }
last_row() { pd list ledger news "$1@customer.example" --json | jq -c '.[-1] | [.action, .via, .detail]'; }
rows() { pd list ledger news "$1@customer.example" --json | jq length; }
sid() { sql "SELECT id FROM subscribers WHERE address = '$1@customer.example'"; }
score() { sql "SELECT bounce_score FROM subscribers WHERE address = '$1@customer.example'"; }
last_outbox() { pd outbox show "$(pd outbox list --json | jq -r 'max_by(.id).id')"; }
ask() { # ask WHO SUBJECT: mail from WHO to news-request
	mail "$TEST_TMP/$1.$RANDOM.eml" "$1 <$1@customer.example>" news-request@example.com "$2" <<<""
	deliver "$(ls -t "$TEST_TMP"/$1.*.eml | head -1)" --recipient news-request@example.com >/dev/null
}

# erin joins by mail and confirms: her confirm link is from before the bounces
ask erin subscribe
erin_link=$(last_outbox | grep -o "$URL/list/confirm/[^ ]*" | tr -d '\r' | head -1)
tok=$(last_outbox | grep -m1 '^Subject: confirm ' | tr -d '\r')
ask erin "${tok#Subject: }"
is "erin is active" "$(status_of erin)" active

# three hard bounces each disable ann, bob, cat and erin (the real bounce path)
L=$(sql "SELECT id FROM lists WHERE name = 'news'")
for c in 1 2 3; do mkcampaign $c "$L" announcement done; done
d=0
for who in ann bob cat erin; do
	for c in 1 2 3; do
		d=$((d + 1))
		sql "INSERT INTO deliveries (id, campaign_id, subscriber_id, seq, domain, state, sent_at)
		     VALUES ($d, $c, $(sid $who), $d, 'customer.example', 'sent', 1)"
		dsn "$TEST_TMP/dsn$d.eml" "$(verp $d)" $who@customer.example 5.1.1 failed
		bounce_in "$TEST_TMP/dsn$d.eml" "$(verp $d)" >/dev/null
	done
	is "$who is disabled by bounces" "$(status_of $who)" disabled
done

# 1. the administrator re-enables ann: no --force needed, recorded as enable via admin
out=$(pd list subscribe news ann@customer.example)
is "list subscribe of a disabled subscriber: exit 0 without --force" "$?" 0
is "it says so" "$out" "ann@customer.example re-enabled (was disabled)"
is "ann is active, her score is 0" "$(status_of ann):$(score ann)" "active:0.0"
is "the ledger: enable via admin, from disabled" "$(last_row ann)" '["enable","admin","was disabled"]'
# someone who unsubscribed on their own still needs --force
check "dan unsubscribes" pd list unsubscribe news dan@customer.example
pd list subscribe news dan@customer.example >/dev/null
is "an unsubscribed one is still refused without --force (65)" "$?" 65

# 2. bob asks by mail: nothing changes until he confirms; then enable via mail
n=$(rows bob)
ask bob subscribe
is "a request leaves bob disabled" "$(status_of bob)" disabled
is "the request is recorded (request via mail, from disabled)" "$(last_row bob)" '["request","mail","disabled"]'
tok=$(last_outbox | grep -m1 '^Subject: confirm ' | tr -d '\r')
check "a confirmation was sent to bob" test -n "$tok"
ask bob "${tok#Subject: }"
is "bob confirmed: active, score 0" "$(status_of bob):$(score bob)" "active:0.0"
is "the ledger: enable via mail" "$(last_row bob)" '["enable","mail","was disabled"]'
is "two rows more: the request and the enable" "$(rows bob)" $((n + 2))

# 3. cat asks by mail and confirms on the web page: GET shows the button, POST re-enables
ask cat subscribe
is "a request leaves cat disabled" "$(status_of cat)" disabled
link=$(last_outbox | grep -o "$URL/list/confirm/[^ ]*" | tr -d '\r' | head -1)
check "the confirmation carries a confirm link" test -n "$link"
serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"
n=$(rows cat)
page=$(curl -s "$link")
check "GET: a confirm button in a POST form" grep -q '<form method="post" action="/list/confirm/' <<<"$page"
is "GET changes nothing" "$(status_of cat)/$(rows cat)" "disabled/$n"
is "POST confirms: 200" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$link")" 200
is "cat is active" "$(status_of cat)" active
is "the ledger: enable via web" "$(last_row cat)" '["enable","web","was disabled"]'

# 4. erin's confirm link from before the bounces does not bring her back
n=$(rows erin)
curl -s -o /dev/null -X POST "$erin_link"
is "an old confirm link leaves erin disabled" "$(status_of erin)/$(rows erin)" "disabled/$n"
serve_stop

# 5. a closed list: its disabled member may re-enable by confirming; a stranger may not join
check "a closed list" pd list create staff --address staff@example.com --policy closed
check "fay is put on it" pd list subscribe staff fay@customer.example
fay=$(sql "SELECT id FROM subscribers WHERE address = 'fay@customer.example'")
sql "UPDATE subscribers SET status = 'disabled', bounce_score = 3.0 WHERE id = $fay;
     INSERT INTO consent (subscriber_id, at, action, via, detail)
     VALUES ($fay, strftime('%s'), 'disable', 'bounce', 'bounce score 3.00 reached 3.00')"
sstatus() { pd list members staff --json | jq -r --arg a "$1@customer.example" '.[] | select(.address==$a) | .status'; }
sask() {
	mail "$TEST_TMP/s$1.$RANDOM.eml" "$1 <$1@customer.example>" staff-request@example.com "$2" <<<""
	deliver "$(ls -t "$TEST_TMP"/s$1.*.eml | head -1)" --recipient staff-request@example.com >/dev/null
}
sask fay subscribe
tok=$(last_outbox | grep -m1 '^Subject: confirm ' | tr -d '\r')
check "fay, disabled on a closed list, gets a confirmation" test -n "$tok"
is "and is still disabled" "$(sstatus fay)" disabled
sask fay "${tok#Subject: }"
is "her confirmation re-enables her" "$(sstatus fay)" active
is "the ledger: enable via mail" "$(pd list ledger staff fay@customer.example --json | jq -c '.[-1] | [.action, .via, .detail]')" '["enable","mail","was disabled"]'
sask gus subscribe
is "a stranger is still refused by the closed list" "$(sstatus gus)" ""
finish
