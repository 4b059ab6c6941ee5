#!/bin/bash
# The scheduler thread of `postdesk serve` follows a SIGHUP like every other thread: it never
# reads the config file itself, and a reload makes it run at once with the new settings.
# With tick_interval = 3600 a breach that happens after serve's first run waits; after the
# escalation address is changed and serve gets SIGHUP, the escalation goes out at once, to
# the new address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup 'tick_interval = 3600'
sed -i 's/^tag = SUPPORT$/tag = SUPPORT\nfirst_response = 1h\nescalation = old@example.com/' "$POSTDESK_HOME/postdesk.conf"
escalations() { db "SELECT count(*) FROM outbox WHERE kind = 'sla-escalation'${1:+ AND rcpt = '$1'}"; }

mail "$TEST_TMP/c1.eml" 'Ann Customer <ann@customer.example>' support@example.com "Slow printer" <<<"It prints one page an hour."
POSTDESK_NOW=2026-11-30T09:00:00Z deliver "$TEST_TMP/c1.eml" >/dev/null
is "ticket 1 is due at 10:00" "$(POSTDESK_NOW=2026-11-30T09:00:00Z pd ticket show 1 --json | json .sla.first_response_due)" 2026-11-30T10:00:00Z

# serve's clock: 09:30, ticket 1 not yet breached; its first scheduler run finds nothing
export POSTDESK_NOW=2026-11-30T09:30:00Z
serve_start
sleep 2
is "nothing breached at serve's start" "$(escalations)" 0
# ticket 2 arrived at 08:00: breached at 09:30, but the next run is an hour away
mail "$TEST_TMP/c2.eml" 'Bob Customer <bob@customer.example>' support@example.com "No toner" <<<"The toner is empty."
POSTDESK_NOW=2026-11-30T08:00:00Z deliver "$TEST_TMP/c2.eml" >/dev/null
sleep 3
is "a breach after the run waits for the interval" "$(escalations)" 0

sed -i 's/^escalation = old@example.com$/escalation = new@example.com/' "$POSTDESK_HOME/postdesk.conf"
kill -HUP "$SERVE_PID"
check "after SIGHUP the scheduler runs at once" wait_for 20 db_is 1 "SELECT count(*) FROM outbox WHERE kind = 'sla-escalation'"
is "the escalation goes to the new address" "$(escalations new@example.com)" 1
is "none to the old one" "$(escalations old@example.com)" 0
check "the reload is logged" grep -q 'configuration reloaded' "$SERVE_LOG"
serve_stop
is "serve stops cleanly" "$SERVE_RC" 0
finish
