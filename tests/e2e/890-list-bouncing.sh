#!/bin/bash
# A subscriber with a bounce score above 0 and below the threshold is 'bouncing' (consent row
# 'bounce' via bounce), and 'active' again when the score has decayed to 0 (consent 'enable'
# via bounce). The score decays between bounces too: `tick` (the scheduler) stores the decayed
# score with the time it counts from, so a later pass does not halve it twice. 'bouncing' is
# still mailed and a subscribe request does not make it pending; a success DSN to a VERP
# address records nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-listfb.sh"

pd_setup
mklist 1 news sales public zlib immediate 1
mksub 1 1 ann@customer.example
mksub 2 1 bob@customer.example
mksub 3 1 cat@customer.example
for c in 1 2 3; do
	mkcampaign $c 1
	for s in 1 2 3; do mkdelivery $(((c - 1) * 3 + s)) $c $s; done
done
score() { sql "SELECT bounce_score FROM subscribers WHERE id = $1"; }
status() { sql "SELECT status FROM subscribers WHERE id = $1"; }
ledger() { sql "SELECT group_concat(action || '/' || via, ' ') FROM (SELECT * FROM consent WHERE subscriber_id = $1 ORDER BY id)"; }
DAY=86400
T0=$(date -u -d 2026-12-01T10:00:00Z +%s)

# ann: one hard bounce makes her bouncing
dsn "$TEST_TMP/a1.eml" "$(verp 1)" ann@customer.example 5.1.1 failed "dsn.ann1@mx.customer.example"
POSTDESK_NOW=$T0 bounce_in "$TEST_TMP/a1.eml" "$(verp 1)" >/dev/null
is "one hard bounce: score 1" "$(score 1)" 1.0
is "ann is bouncing" "$(status 1)" bouncing
is "the ledger: bounce via bounce, the DSN's Message-ID, the score" \
	"$(sql "SELECT action, via, evidence, detail FROM consent WHERE subscriber_id = 1")" \
	"bounce|bounce|dsn.ann1@mx.customer.example|bounce score 1.00 (disabled at 3.00)"
# a second bounce while bouncing adds no status row
dsn "$TEST_TMP/a2.eml" "$(verp 4)" ann@customer.example 5.1.1 failed
POSTDESK_NOW=$((T0 + 60)) bounce_in "$TEST_TMP/a2.eml" "$(verp 4)" >/dev/null
is "two bounces: score 2, still bouncing" "$(score 1):$(status 1)" "2.0:bouncing"
is "no second status row" "$(ledger 1)" "bounce/bounce"

# bouncing is still mailed: a new article goes to her, and a subscribe request (perhaps
# forged) does not make her pending
mail "$TEST_TMP/req.eml" 'Ann <ann@customer.example>' news-request@example.com "subscribe" <<<"subscribe"
POSTDESK_NOW=$((T0 + 120)) deliver "$TEST_TMP/req.eml" --recipient news-request@example.com >/dev/null
is "a subscribe request leaves a bouncing subscriber bouncing" "$(status 1)" bouncing
is "and adds no ledger row" "$(ledger 1)" "bounce/bounce"

# the scheduler's pass: nothing to decay yet
check "tick runs" env POSTDESK_NOW=$((T0 + 3600)) "$POSTDESK" tick
is "a pass within the quiet period changes nothing" "$(score 1):$(status 1)" "2.0:bouncing"
# 8 quiet days: one halving, stored
check "tick after 8 days" env POSTDESK_NOW=$((T0 + 60 + 8 * DAY)) "$POSTDESK" tick
is "the pass stored the halved score" "$(score 1)" 1.0
is "counted from the end of the period it decayed" \
	"$(sql 'SELECT bounce_score_at - last_bounce_at FROM subscribers WHERE id = 1')" $((7 * DAY))
# 13 days after the last bounce: the stored 1.0 is only 6 days old, not halved again
check "tick after 13 days" env POSTDESK_NOW=$((T0 + 60 + 13 * DAY)) "$POSTDESK" tick
is "no second halving of an already halved score" "$(score 1)" 1.0
is "still bouncing at 1" "$(status 1)" bouncing
# the next bounce counts from the stored score: 1.0 (14 days: halved once more) + 1
dsn "$TEST_TMP/a3.eml" "$(verp 7)" ann@customer.example 5.1.1 failed
POSTDESK_NOW=$((T0 + 60 + 14 * DAY)) bounce_in "$TEST_TMP/a3.eml" "$(verp 7)" >/dev/null
is "a bounce after the pass: 0.5 + 1" "$(score 1)" 1.5
# a long quiet time: the score decays to 0 and she is active again
check "tick after a year" env POSTDESK_NOW=$((T0 + 400 * DAY)) "$POSTDESK" tick
is "the score decayed to 0" "$(score 1)" 0.0
is "ann is active again" "$(status 1)" active
is "the ledger: bounce, then enable via bounce" "$(ledger 1)" "bounce/bounce enable/bounce"
is "the enable row says why" "$(sql "SELECT detail FROM consent WHERE subscriber_id = 1 AND action = 'enable'")" "bounce score decayed to 0"
check "tick again" env POSTDESK_NOW=$((T0 + 401 * DAY)) "$POSTDESK" tick
is "a pass with nothing to do adds no row" "$(ledger 1)" "bounce/bounce enable/bounce"

# bob: bouncing, then disabled at the threshold; the ledger has both
for i in 1 2 3; do
	dsn "$TEST_TMP/b$i.eml" "$(verp $((3 * (i - 1) + 2)))" bob@customer.example 5.1.1 failed
	POSTDESK_NOW=$((T0 + i)) bounce_in "$TEST_TMP/b$i.eml" "$(verp $((3 * (i - 1) + 2)))" >/dev/null
done
is "bob is disabled at 3" "$(status 2)" disabled
is "the ledger: bounce, then disable" "$(ledger 2)" "bounce/bounce disable/bounce"
check "tick after a year (bob)" env POSTDESK_NOW=$((T0 + 400 * DAY)) "$POSTDESK" tick
is "decay does not re-enable a disabled subscriber" "$(status 2)" disabled
is "and adds no row for him" "$(ledger 2)" "bounce/bounce disable/bounce"
# he asks to join again and confirms from his address: active, and the old score is gone (else
# the next pass would call him bouncing and the next bounce disable him at once)
# (his score as it was a day after his third bounce: the year's decay took it already)
sql "UPDATE subscribers SET bounce_score = 3.0, last_bounce_at = $((T0 + 400 * DAY)), bounce_score_at = NULL WHERE id = 2"
mail "$TEST_TMP/bsub.eml" 'Bob <bob@customer.example>' news-request@example.com "subscribe" <<<""
POSTDESK_NOW=$((T0 + 401 * DAY)) deliver "$TEST_TMP/bsub.eml" --recipient news-request@example.com >/dev/null
is "a disabled subscriber may ask again: disabled until he confirms (lists4)" "$(status 2)" disabled
tok=$(pd outbox show "$(pd outbox list --json | jq -r 'max_by(.id).id')" | grep -m1 '^Subject: confirm ' | tr -d '\r')
check "the confirmation was queued" test -n "$tok"
mail "$TEST_TMP/bconf.eml" 'Bob <bob@customer.example>' news-request@example.com "${tok#Subject: }" <<<""
POSTDESK_NOW=$((T0 + 401 * DAY + 60)) deliver "$TEST_TMP/bconf.eml" --recipient news-request@example.com >/dev/null
is "confirmed: active with score 0" "$(status 2):$(score 2)" "active:0.0"
check "tick (bob again)" env POSTDESK_NOW=$((T0 + 401 * DAY + 120)) "$POSTDESK" tick
is "and a pass leaves him active" "$(status 2)" active

# an old database row: active with a score (before 'bouncing' existed) is set right by a pass
sql "UPDATE subscribers SET bounce_score = 0.5, last_bounce_at = $T0 WHERE id = 3"
check "tick (cat)" env POSTDESK_NOW=$((T0 + DAY)) "$POSTDESK" tick
is "an active subscriber with a score becomes bouncing in a pass" "$(status 3)" bouncing
is "with its ledger row (no evidence: the pass)" "$(sql "SELECT action, via, coalesce(evidence, 'none') FROM consent WHERE subscriber_id = 3")" "bounce|bounce|none"

# a success DSN (Action: delivered) to a VERP address is not a vacation: nothing is recorded
sql "UPDATE subscribers SET status = 'active', bounce_score = 0 WHERE id = 3"
before=$(sql 'SELECT count(*) FROM list_bounces')
dsn "$TEST_TMP/ok.eml" "$(verp 9)" cat@customer.example 2.0.0 delivered
sed -i 's/^Subject: .*/Subject: Successful Mail Delivery Report/; s/could not be delivered/was delivered/' "$TEST_TMP/ok.eml"
is "success DSN: deliver exits 0" "$(POSTDESK_NOW=$T0 bounce_in "$TEST_TMP/ok.eml" "$(verp 9)")" 0
is "it is autoreply-class" "$(sql 'SELECT class FROM intake ORDER BY id DESC LIMIT 1')" autoreply
is "a success DSN records nothing" "$(sql 'SELECT count(*) FROM list_bounces')" "$before"
is "cat is untouched" "$(score 3):$(status 3)" "0.0:active"
is "delivery 9 is still sent" "$(sql 'SELECT state FROM deliveries WHERE id = 9')" sent
# a real vacation reply to a VERP address is still recorded
mail "$TEST_TMP/oof.eml" 'Cat <cat@customer.example>' "$(verp 9)" "Out of office" \
	"Auto-Submitted: auto-replied" <<<"Away until Monday."
deliver "$TEST_TMP/oof.eml" --recipient "$(verp 9)" >/dev/null
is "a vacation reply is still recorded" "$(sql "SELECT kind FROM list_bounces WHERE delivery_id = 9")" vacation
finish
