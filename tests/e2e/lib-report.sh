# lib-report.sh - the known data set of the report tests (sourced after lib.sh and
# lib-serve.sh): two days of support and sales mail with the clock set (POSTDESK_NOW), agents
# answering by mail, one acknowledgement refused by the rate limit, two autoreplies, and one
# "this answered my question" row. The figures the reports must give are in 610-report.sh.
#
# support: first response 1 h, resolution 8 h (calendar time); sales: no targets.
# 2026-11-30 (Monday, UTC)
#   09:00 T1 ann -> support           09:30 alice answers T1 (first response 30 min)
#   10:00 alice #agree, 10:10 #status in_progress, 11:00 #status resolved (cycle 2 h)
#   10:00 T2 cy -> support            12:00 bob "#take" + answer (first response 2 h: breached)
#   13:00 T3 ann -> support: no acknowledgement (per_day = 1); nobody answers
#   14:00 an out-of-office from dan (vacation), 14:05 an autoreply from fay
# 2026-12-01
#   09:00 T4 eve -> sales             10:00 bob #comment; 11:00 bob answers (2 h)
#   12:00 alice "#status bogus" on T1: refused, an error mail
#   15:00 eve clicked "this answered my question" on T4 (an events row)
# report_setup [CONFIG-LINES]: the home (through $REPORT_SETUP, default pd_setup; the lines
# come first, so serve_setup's [serve] keys can be given) and the two agents
report_setup() {
	"${REPORT_SETUP:-pd_setup}" "$@" '[autoreply]' 'per_day = 1'
	sed -i 's/^tag = SUPPORT$/tag = SUPPORT\nfirst_response = 1h\nresolution = 8h/' "$POSTDESK_HOME/postdesk.conf"
	pd agent add alice@example.com --name "Alice Agent" --queues support >>"$LOG" || bail "agent add"
	pd agent add bob@example.com --name "Bob Agent" --queues support,sales >>"$LOG" || bail "agent add"
}

# customer AT FROM TO SUBJECT BODY
customer() {
	mail "$TEST_TMP/m.eml" "$2" "$3" "$4" <<<"$5"
	[ "$(POSTDESK_NOW=$1 deliver "$TEST_TMP/m.eml")" = 0 ] || bail "deliver $4"
}

# agent_address TICKET AGENT: the signed agent address of TICKET, from AGENT's notification
agent_address() {
	local id
	id=$("$POSTDESK" outbox list --json | jq -r "[.[] | select(.kind == \"notify\" and .ticket == $1 and .rcpt == \"$2\")][0].id")
	"$POSTDESK" outbox show "$id" | tr -d '\r' | grep -Eo '[a-z]+\+a[0-9]+-[0-9a-f]+@example.com' | head -n 1
}

# agent AT AGENT-ADDRESS NAME TICKET BODY: the agent writes to the ticket's agent address
agent() {
	local to
	to=$(agent_address "$4" "$2")
	[ -n "$to" ] || bail "no agent address for ticket $4"
	mail "$TEST_TMP/a.eml" "$3 <$2>" "$to" "Re: ticket $4" <<<"$5"
	[ "$(POSTDESK_NOW=$1 deliver "$TEST_TMP/a.eml" --recipient "$to")" = 0 ] || bail "agent mail on $4"
}

report_data() {
	customer 2026-11-30T09:00:00Z 'Ann Customer <ann@customer.example>' support@example.com "Invoice wrong" "The total is wrong."
	customer 2026-11-30T10:00:00Z 'Cy Customer <cy@customer.example>' support@example.com "Login fails" "I cannot log in."
	agent 2026-11-30T09:30:00Z alice@example.com "Alice Agent" 1 "Hello Ann, we are looking at it."
	agent 2026-11-30T10:00:00Z alice@example.com "Alice Agent" 1 "#agree"
	agent 2026-11-30T10:10:00Z alice@example.com "Alice Agent" 1 "#status in_progress"
	agent 2026-11-30T11:00:00Z alice@example.com "Alice Agent" 1 "#status resolved"
	agent 2026-11-30T12:00:00Z bob@example.com "Bob Agent" 2 "#take

Hello Cy, please try again now."
	customer 2026-11-30T13:00:00Z 'Ann Customer <ann@customer.example>' support@example.com "Second question" "Another thing."
	mail "$TEST_TMP/ar.eml" 'Dan <dan@customer.example>' support@example.com "Out of office" 'Auto-Submitted: auto-replied' <<<"I am away."
	[ "$(POSTDESK_NOW=2026-11-30T14:00:00Z deliver "$TEST_TMP/ar.eml")" = 0 ] || bail "autoreply"
	mail "$TEST_TMP/ar2.eml" 'Fay <fay@customer.example>' support@example.com "Ticket received" 'Auto-Submitted: auto-generated' <<<"Thanks for your mail."
	[ "$(POSTDESK_NOW=2026-11-30T14:05:00Z deliver "$TEST_TMP/ar2.eml")" = 0 ] || bail "autoreply"
	customer 2026-12-01T09:00:00Z 'Eve Customer <eve@customer.example>' sales@example.com "Price list" "Prices, please."
	agent 2026-12-01T10:00:00Z bob@example.com "Bob Agent" 4 "#comment checking with finance"
	agent 2026-12-01T11:00:00Z bob@example.com "Bob Agent" 4 "Hello Eve, the price list is attached in spirit."
	agent 2026-12-01T12:00:00Z alice@example.com "Alice Agent" 1 "#status bogus"
	db "INSERT INTO events (ticket_id, at, actor, kind, detail) VALUES (4, $(date -u -d 2026-12-01T15:00:00Z +%s), 'eve@customer.example', 'kb-answered', 'price-list')"
}
