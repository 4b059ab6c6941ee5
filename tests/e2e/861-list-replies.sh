#!/bin/bash
# What else comes back from campaign mail: a vacation reply to the return path is recorded
# (kind vacation) and changes nothing else; an ARF complaint unsubscribes (consent row
# 'complaint', via complaint), tied to the delivery by the original's VERP return path or its
# campaign Message-ID; a person's reply to an announcement (In-Reply-To naming a campaign
# Message-ID <cC.dD.…@example.com>, or mail to the list's address) opens a ticket in the
# list's queue by the normal ticket path; other mail keeps its own queue.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-listfb.sh"

pd_setup
mklist 1 news sales public zlib immediate 1
for s in 1 2 3 4 5; do mksub $s 1 "user$s@customer.example"; done
mkcampaign 1 1
for s in 1 2 3 4 5; do mkdelivery $s 1 $s; done
status() { sql "SELECT status FROM subscribers WHERE id = $1"; }
snapshot() { sql "SELECT group_concat(status || ':' || bounce_score, ',') FROM subscribers ORDER BY id"; }
before=$(snapshot)

# a vacation reply to the return path of delivery 2
v2=$(verp 2)
mail "$TEST_TMP/oof.eml" 'User Two <user2@customer.example>' "$v2" "Out of office: News 1" \
	"Auto-Submitted: auto-replied" "In-Reply-To: <c1.d2.x7@example.com>" <<<"I am away until Monday."
is "vacation: deliver exits 0" "$(deliver "$TEST_TMP/oof.eml" --recipient "$v2")" 0
is "the vacation reply is recorded for delivery 2" "$(sql "SELECT kind, score_added, subscriber_id FROM list_bounces")" "vacation|0.0|2"
is "no subscriber changed" "$(snapshot)" "$before"
is "delivery 2 is still sent" "$(sql 'SELECT state FROM deliveries WHERE id = 2')" sent
is "no consent row" "$(sql 'SELECT count(*) FROM consent')" 0
is "a vacation reply opens no ticket" "$(pd ticket list --json | json length)" 0
is "and is not answered" "$(pd outbox list --json | json length)" 0

# an ARF complaint whose original carries delivery 3's return path
v3=$(verp 3)
arf() { # FILE RETURN-PATH MESSAGE-ID [TO of the original]
	cat >"$1" <<ARF
From: <fbl@isp.example>
Date: Mon, 23 Nov 2026 11:00:00 +0000
Subject: FW: News 1
To: <abuse@example.com>
Message-ID: <arf.$RANDOM@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

This is an abuse report for a message received from 192.0.2.1.

--F
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FBL/1.0
Version: 1

--F
Content-Type: text/rfc822-headers

Return-Path: <$2>
From: The news list <news@example.com>
To: <${4:-undisclosed}>
Subject: News 1
Message-ID: <$3>
Date: Mon, 23 Nov 2026 09:00:00 +0000

--F--
ARF
}
arf "$TEST_TMP/arf3.eml" "$v3" "not-a-campaign.1@example.com"
is "complaint: deliver exits 0" "$(deliver "$TEST_TMP/arf3.eml" --recipient abuse@example.com)" 0
is "the complaint unsubscribes subscriber 3" "$(status 3)" unsubscribed
is "the ledger says complaint, via complaint" "$(sql "SELECT action, via FROM consent WHERE subscriber_id = 3")" "complaint|complaint"
is "a complaint row for delivery 3" "$(sql "SELECT kind FROM list_bounces WHERE delivery_id = 3")" complaint
is "others are untouched" "$(status 4)" active
# by the original's campaign Message-ID alone (the return path a plain address)
# (and, since a Message-ID is no secret, the returned headers' To naming the subscriber)
arf "$TEST_TMP/arf4.eml" "bounces@example.com" "c1.d4.q1w2@example.com" user4@customer.example
deliver "$TEST_TMP/arf4.eml" --recipient abuse@example.com >/dev/null
is "a complaint naming a campaign Message-ID unsubscribes subscriber 4" "$(status 4)" unsubscribed
# a Message-ID whose campaign does not match its delivery names nobody
arf "$TEST_TMP/arf5.eml" "bounces@example.com" "c9.d5.q1w2@example.com"
deliver "$TEST_TMP/arf5.eml" --recipient abuse@example.com >/dev/null
is "a Message-ID with the wrong campaign changes nothing" "$(status 5)" active
# the same complaint twice: one ledger row
arf "$TEST_TMP/arf3b.eml" "$v3" "not-a-campaign.2@example.com"
deliver "$TEST_TMP/arf3b.eml" --recipient abuse@example.com >/dev/null
is "a second complaint is recorded" "$(sql "SELECT count(*) FROM list_bounces WHERE delivery_id = 3")" 2
is "but adds no second consent row" "$(sql 'SELECT count(*) FROM consent WHERE subscriber_id = 3')" 1

# a person answers the announcement: In-Reply-To names delivery 1's Message-ID
mail "$TEST_TMP/re.eml" 'User One <user1@customer.example>' support@example.com "Re: News 1" \
	"In-Reply-To: <c1.d1.k9f@example.com>" "References: <c1.d1.k9f@example.com>" <<<"Does this fix my crash?"
is "reply: deliver exits 0" "$(deliver "$TEST_TMP/re.eml" --recipient support@example.com)" 0
is "a ticket is opened" "$(pd ticket list --json | json length)" 1
is "in the list's queue (sales)" "$(pd ticket list --json | json '.[0].queue')" sales
is "the reply is recorded for delivery 1" "$(sql "SELECT kind FROM list_bounces WHERE delivery_id = 1")" reply
is "the customer gets the normal acknowledgement" "$(pd outbox list --json | json length)" 1
# mail to the list's own address
mail "$TEST_TMP/to-list.eml" 'Zed <zed@elsewhere.example>' news@example.com "Question about the news" <<<"Hello?"
deliver "$TEST_TMP/to-list.eml" --recipient news@example.com >/dev/null
is "mail to the list address opens a ticket" "$(pd ticket list --json | json length)" 2
is "in the list's queue too" "$(pd ticket list --json | json '[.[] | select(.customer == "zed@elsewhere.example")][0].queue')" sales
# ordinary mail to support stays in support
mail "$TEST_TMP/plain.eml" 'Ann <ann@customer.example>' support@example.com "My printer" <<<"It jams."
deliver "$TEST_TMP/plain.eml" --recipient support@example.com >/dev/null
is "other mail keeps its queue" "$(pd ticket list --json | json '[.[] | select(.customer == "ann@customer.example")][0].queue')" support
# a reply naming a Message-ID of another domain is ordinary mail
mail "$TEST_TMP/other.eml" 'Bo <bo@customer.example>' support@example.com "Re: something" \
	"In-Reply-To: <c1.d1.k9f@elsewhere.example>" <<<"Hi"
deliver "$TEST_TMP/other.eml" --recipient support@example.com >/dev/null
is "a foreign c1.d1 Message-ID is not ours" "$(pd ticket list --json | json '[.[] | select(.customer == "bo@customer.example")][0].queue')" support
finish
