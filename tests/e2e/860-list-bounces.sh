#!/bin/bash
# VERP bounces of campaign mail (bounces+dID-SIG@): a hard bounce scores 1, a soft one 0.5 and
# at most once a day, scores halve after 7 quiet days, a score below the threshold makes the
# subscriber bouncing, and at the threshold (3) the subscriber is disabled with a consent-ledger row (disable, via bounce, the DSN's Message-ID); the
# delivery becomes 'bounced'. A delayed DSN and a bounce with a forged token change nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-listfb.sh"

pd_setup
mklist 1 news sales public zlib immediate 1
mksub 1 1 ann@customer.example
mksub 2 1 bob@customer.example
mksub 3 1 cat@customer.example
mksub 4 1 dan@customer.example
for c in 1 2 3; do
	mkcampaign $c 1
	for s in 1 2 3 4; do mkdelivery $(((c - 1) * 4 + s)) $c $s; done
done
score() { sql "SELECT bounce_score FROM subscribers WHERE id = $1"; }
status() { sql "SELECT status FROM subscribers WHERE id = $1"; }
T0=$(date -u -d 2026-12-01T10:00:00Z +%s)

# ann: three hard bounces, one per campaign, the third disables
v=$(verp 1)
check "the VERP address is the bounce address with a d token" sh -c "echo '$v' | grep -Eq '^bounces\+d1-[0-9a-f]+@example.com$'"
dsn "$TEST_TMP/h1.eml" "$v" ann@customer.example 5.1.1 failed
is "hard bounce 1: deliver exits 0" "$(POSTDESK_NOW=$T0 bounce_in "$TEST_TMP/h1.eml" "$v")" 0
is "hard bounce 1 is recorded" "$(sql "SELECT kind, score_added, delivery_id FROM list_bounces WHERE subscriber_id = 1")" "hard|1.0|1"
is "ann's score is 1" "$(score 1)" 1.0
is "ann is bouncing (below the threshold)" "$(status 1)" bouncing
is "delivery 1 is bounced" "$(sql 'SELECT state FROM deliveries WHERE id = 1')" bounced
is "delivery 2 (bob) is untouched" "$(sql 'SELECT state FROM deliveries WHERE id = 2')" sent
is "no ticket from a bounce" "$(pd ticket list --json | json length)" 0
dsn "$TEST_TMP/h2.eml" "$(verp 5)" ann@customer.example 5.1.1 failed
POSTDESK_NOW=$((T0 + 3600)) bounce_in "$TEST_TMP/h2.eml" "$(verp 5)" >/dev/null
is "ann's score is 2 after the second" "$(score 1)" 2.0
is "still bouncing at 2" "$(status 1)" bouncing
dsn "$TEST_TMP/h3.eml" "$(verp 9)" ann@customer.example 5.1.1 failed "dsn.third@mx.customer.example"
POSTDESK_NOW=$((T0 + 7200)) bounce_in "$TEST_TMP/h3.eml" "$(verp 9)" >/dev/null
is "ann's score is 3" "$(score 1)" 3.0
is "ann is disabled at the threshold" "$(status 1)" disabled
is "the ledger has the disable, via bounce, with the DSN's Message-ID" \
	"$(sql "SELECT action, via, evidence FROM consent WHERE subscriber_id = 1 ORDER BY id DESC LIMIT 1")" "disable|bounce|dsn.third@mx.customer.example"
is "three bounces recorded for ann" "$(sql 'SELECT count(*) FROM list_bounces WHERE subscriber_id = 1')" 3

# bob: soft bounces count once a day
for i in 1 2 3; do
	dsn "$TEST_TMP/s$i.eml" "$(verp $((4 * (i - 1) + 2)))" bob@customer.example 4.2.2 failed
done
POSTDESK_NOW=$T0 bounce_in "$TEST_TMP/s1.eml" "$(verp 2)" >/dev/null
is "a soft bounce scores 0.5" "$(score 2)" 0.5
POSTDESK_NOW=$((T0 + 5 * 3600)) bounce_in "$TEST_TMP/s2.eml" "$(verp 6)" >/dev/null
is "a second soft bounce the same day scores nothing" "$(score 2)" 0.5
is "but it is recorded (score 0)" "$(sql "SELECT kind, score_added FROM list_bounces WHERE delivery_id = 6")" "soft|0.0"
POSTDESK_NOW=$((T0 + 86400)) bounce_in "$TEST_TMP/s3.eml" "$(verp 10)" >/dev/null
is "a soft bounce a day later counts" "$(score 2)" 1.0
is "bob is bouncing" "$(status 2)" bouncing
is "bob has one consent row, bounce via bounce" "$(sql 'SELECT action, via FROM consent WHERE subscriber_id = 2')" "bounce|bounce"

# cat: a hard bounce, then 8 quiet days, then another: 1 halves to 0.5, + 1
dsn "$TEST_TMP/c1.eml" "$(verp 3)" cat@customer.example 5.1.1 failed
POSTDESK_NOW=$T0 bounce_in "$TEST_TMP/c1.eml" "$(verp 3)" >/dev/null
dsn "$TEST_TMP/c2.eml" "$(verp 7)" cat@customer.example 5.1.1 failed
POSTDESK_NOW=$((T0 + 8 * 86400)) bounce_in "$TEST_TMP/c2.eml" "$(verp 7)" >/dev/null
is "after 8 quiet days the score halved before the new bounce" "$(score 3)" 1.5

# dan: a delayed DSN is recorded and changes nothing
dsn "$TEST_TMP/d1.eml" "$(verp 4)" dan@customer.example 4.4.1 delayed
is "delayed: deliver exits 0" "$(POSTDESK_NOW=$T0 bounce_in "$TEST_TMP/d1.eml" "$(verp 4)")" 0
is "the delay is recorded with no score" "$(sql "SELECT kind, score_added FROM list_bounces WHERE subscriber_id = 4")" "delayed|0.0"
is "dan's score is 0" "$(score 4)" 0.0
is "dan is active" "$(status 4)" active
is "delivery 4 is still sent" "$(sql 'SELECT state FROM deliveries WHERE id = 4')" sent

# a forged token (wrong signature) is no delivery: nothing recorded
forged=$(verp 8 | sed -E 's/-[0-9a-f]+@/-0000000000@/')
dsn "$TEST_TMP/f.eml" "$forged" dan@customer.example 5.1.1 failed
POSTDESK_NOW=$T0 bounce_in "$TEST_TMP/f.eml" "$forged" >/dev/null
is "a forged VERP token records nothing" "$(sql 'SELECT count(*) FROM list_bounces WHERE delivery_id = 8')" 0
is "delivery 8 stays sent" "$(sql 'SELECT state FROM deliveries WHERE id = 8')" sent
is "dan's score stays 0" "$(score 4)" 0.0

# the token also counts when the MTA put it only in Delivered-To (no envelope recipient given)
dsn "$TEST_TMP/dt.eml" "support@example.com" dan@customer.example 5.1.1 failed
sed -i "1i Delivered-To: $(verp 12)" "$TEST_TMP/dt.eml"
POSTDESK_NOW=$T0 deliver "$TEST_TMP/dt.eml" >/dev/null
is "a token in Delivered-To ties the bounce to delivery 12" "$(sql "SELECT kind FROM list_bounces WHERE delivery_id = 12")" hard
is "dan's score is 1" "$(score 4)" 1.0
# a hostile report: 200 KB of "+d" look-alikes before the real return path in the original
# (the search is bounded per candidate, so it stays linear in the size of the report)
dsn "$TEST_TMP/hostile.eml" "support@example.com" dan@customer.example 5.1.1 failed
$PY -c 'import sys; sys.stdout.write("x+d" * 70000 + "\n")' >"$TEST_TMP/junk"
sed -i -e "/^Your message could not/r $TEST_TMP/junk" -e "s|^Reporting-MTA:.*|&\nX-Original-Envelope-Id: <$(verp 16)>|" "$TEST_TMP/hostile.eml"
sql "INSERT INTO campaigns (id, list_id, subject, state, created_at) VALUES (4, 1, 'c4', 'running', 1)"
mkdelivery 16 4 4
POSTDESK_NOW=$T0 deliver "$TEST_TMP/hostile.eml" --recipient support@example.com >/dev/null
is "a token after 200 KB of look-alikes is still found" "$(sql "SELECT kind FROM list_bounces WHERE delivery_id = 16")" hard
finish
