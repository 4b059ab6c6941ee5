#!/bin/bash
# GET /metrics on serve's HTTP listener: Prometheus text format (a HELP and a TYPE line before
# each metric family, sample lines NAME{LABELS} VALUE), with the known data set of the report
# tests: intake by class and state, outbox by state, open tickets per queue, SLA breaches (the
# escalations `tick` fired) and reminders; the numbers follow the store between scrapes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-report.sh"

HTTP_PORT=$(free_port)
REPORT_SETUP=serve_setup report_setup "http = 127.0.0.1:$HTTP_PORT" 'tick_interval = 3600'
report_data
export POSTDESK_NOW=2026-12-02T00:00:00Z
pd tick >>"$LOG"
# ticket 2's resolution, ticket 3's first response and resolution are past due and not done
is "tick fired three escalations" "$(db "SELECT count(*) FROM sla_timers WHERE kind = 'escalation'")" 3
serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"
URL="http://127.0.0.1:$HTTP_PORT/metrics"

curl -s -D "$TEST_TMP/headers" -o "$TEST_TMP/m1" "$URL"
is "200" "$(head -n 1 "$TEST_TMP/headers" | cut -d' ' -f2)" 200
check "the Prometheus text content type" grep -qi '^Content-Type: text/plain; version=0.0.4' "$TEST_TMP/headers"
m=$(cat "$TEST_TMP/m1")
metric() { grep -F "$1 " <<<"$m" | grep -v '^#' | awk '{print $NF}'; }

# the format: every line a comment or NAME[{k="v",...}] NUMBER; HELP and TYPE per family
check "every line is a comment or a sample" sh -c "! grep -Ev '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? [0-9]+)\$' '$TEST_TMP/m1'"
families=$(grep -v '^#' "$TEST_TMP/m1" | sed 's/[{ ].*//' | sort -u)
for f in $families; do
	check "$f has HELP and TYPE" sh -c "grep -q '^# HELP $f ' '$TEST_TMP/m1' && grep -Eq '^# TYPE $f (counter|gauge)\$' '$TEST_TMP/m1'"
done
is "the families" "$(echo $families)" "postdesk_campaign_deliveries postdesk_campaigns postdesk_handoffs_total postdesk_intake_messages_total postdesk_list_subscribers postdesk_outbox_messages postdesk_queue_open_tickets postdesk_sla_breaches_total postdesk_sla_reminders_total"

is "intake: human mails done" "$(metric 'postdesk_intake_messages_total{class="human",state="done"}')" 12
is "intake: autoreply" "$(metric 'postdesk_intake_messages_total{class="autoreply",state="done"}')" 1
is "intake: vacation" "$(metric 'postdesk_intake_messages_total{class="vacation",state="done"}')" 1
is "outbox: queued (no relay), as in the store" "$(metric 'postdesk_outbox_messages{state="queued"}')" "$(db "SELECT count(*) FROM outbox WHERE state = 'queued'")"
is "outbox: 17 queued (3 acks, 7 notifications, 3 answers, 3 confirmations, 1 error)" "$(metric 'postdesk_outbox_messages{state="queued"}')" 17
is "outbox: none sent" "$(metric 'postdesk_outbox_messages{state="sent"}')" 0
is "outbox: none failed" "$(metric 'postdesk_outbox_messages{state="failed"}')" 0
is "queue depth: support" "$(metric 'postdesk_queue_open_tickets{queue="support"}')" 2
is "queue depth: sales" "$(metric 'postdesk_queue_open_tickets{queue="sales"}')" 1
is "SLA breaches: first response" "$(metric 'postdesk_sla_breaches_total{target="first_response"}')" 1
is "SLA breaches: resolution" "$(metric 'postdesk_sla_breaches_total{target="resolution"}')" 2
is "SLA reminders: none configured" "$(metric 'postdesk_sla_reminders_total{target="resolution"}')" 0
is "no hand-offs" "$(metric postdesk_handoffs_total)" 0
is "no subscribers yet" "$(metric 'postdesk_list_subscribers{status="active"}')" 0
is "no campaigns yet" "$(metric 'postdesk_campaigns{state="running"}')" 0

# lists and campaigns (rows as the lists code writes them)
db "INSERT INTO lists (id, name, address, created_at) VALUES (1, 'news', 'news@example.com', 0);
    INSERT INTO subscribers (list_id, address, status, created_at, updated_at) VALUES
      (1, 'a@x.example', 'active', 0, 0), (1, 'b@x.example', 'active', 0, 0), (1, 'c@x.example', 'unsubscribed', 0, 0);
    INSERT INTO campaigns (id, list_id, subject, state, created_at) VALUES (1, 1, 'News', 'running', 0);
    INSERT INTO deliveries (campaign_id, subscriber_id, seq, domain, state) VALUES
      (1, 1, 1, 'x.example', 'sent'), (1, 2, 2, 'x.example', 'pending');"
m=$(curl -s "$URL")
is "subscribers: active" "$(metric 'postdesk_list_subscribers{status="active"}')" 2
is "subscribers: unsubscribed" "$(metric 'postdesk_list_subscribers{status="unsubscribed"}')" 1
is "campaigns: running" "$(metric 'postdesk_campaigns{state="running"}')" 1
is "deliveries: sent and pending" "$(metric 'postdesk_campaign_deliveries{state="sent"}') $(metric 'postdesk_campaign_deliveries{state="pending"}')" "1 1"

# a new customer mail: the numbers move at the next scrape
mail "$TEST_TMP/new.eml" 'Gil <gil@customer.example>' sales@example.com "Another question" <<<"Hello?"
is "deliver" "$(deliver "$TEST_TMP/new.eml")" 0
m=$(curl -s "$URL")
is "queue depth: sales after a new ticket" "$(metric 'postdesk_queue_open_tickets{queue="sales"}')" 2
is "intake: human mails after it" "$(metric 'postdesk_intake_messages_total{class="human",state="done"}')" 13
is "POST /metrics is not a scrape" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL")" 404
serve_stop
finish
