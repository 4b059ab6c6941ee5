#!/bin/bash
# An ARF complaint tied to a delivery by the campaign Message-ID alone (no signed return path)
# is believed only when the report also names the subscriber's address (Original-Rcpt-To, or
# the To of the returned headers): a campaign's Message-ID (<cC.dD.…@domain>) is no secret.
# Otherwise it is recorded against nobody (no campaign's complaint rate counts it) and changes
# nothing. The signed return path needs no address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-listfb.sh"

pd_setup
mklist 1 news sales public zlib immediate 1
for s in 1 2 3 4 5 6; do mksub $s 1 "user$s@customer.example"; done
mkcampaign 1 1
for s in 1 2 3 4 5 6; do mkdelivery $s 1 $s; done
status() { sql "SELECT status FROM subscribers WHERE id = $1"; }

# arf FILE RETURN-PATH MESSAGE-ID TO [EXTRA-REPORT-FIELD]
arf() {
	cat >"$1" <<ARF
From: <fbl@isp.example>
Date: Mon, 23 Nov 2026 11:00:00 +0000
Subject: FW: News 1
To: <abuse@example.com>
Message-ID: <arf.$RANDOM$RANDOM@isp.example>
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
${5:-}

--F
Content-Type: text/rfc822-headers

Return-Path: <$2>
From: The news list <news@example.com>
To: $4
Subject: News 1
Message-ID: <$3>
Date: Mon, 23 Nov 2026 09:00:00 +0000

--F--
ARF
}
complain() { deliver "$1" --recipient abuse@example.com >/dev/null; }

# 1: Message-ID only, the To says nothing: a forger's report
arf "$TEST_TMP/1.eml" bounces@example.com "c1.d1.zz@example.com" "<undisclosed-recipients:;>"
complain "$TEST_TMP/1.eml"
is "a complaint by Message-ID alone does not unsubscribe" "$(status 1)" active
is "no consent row" "$(sql 'SELECT count(*) FROM consent')" 0
is "it is recorded against nobody, saying why" \
	"$(sql "SELECT kind, coalesce(subscriber_id, 'none'), coalesce(delivery_id, 'none'), detail LIKE 'not believed: delivery 1 %' FROM list_bounces")" \
	"complaint|none|none|1"
is "no complaint counts for delivery 1 (a campaign's complaint rate)" \
	"$(sql "SELECT count(*) FROM list_bounces WHERE delivery_id = 1")" 0

# 2: Message-ID and the returned headers' To naming the subscriber
arf "$TEST_TMP/2.eml" bounces@example.com "c1.d2.zz@example.com" "User Two <USER2@customer.example>"
complain "$TEST_TMP/2.eml"
is "Message-ID plus the To naming the subscriber (any case) unsubscribes" "$(status 2)" unsubscribed
is "consent complaint via complaint" "$(sql 'SELECT action, via FROM consent WHERE subscriber_id = 2')" "complaint|complaint"

# 3: Message-ID and Original-Rcpt-To in the report
arf "$TEST_TMP/3.eml" bounces@example.com "c1.d3.zz@example.com" "<undisclosed-recipients:;>" \
	"Original-Rcpt-To: user3@customer.example"
complain "$TEST_TMP/3.eml"
is "Message-ID plus Original-Rcpt-To unsubscribes" "$(status 3)" unsubscribed

# 4: another subscriber's address, or one that only contains this one, is not this one
arf "$TEST_TMP/4.eml" bounces@example.com "c1.d4.zz@example.com" "<xuser4@customer.example>"
complain "$TEST_TMP/4.eml"
is "an address containing the subscriber's is not the subscriber's" "$(status 4)" active
arf "$TEST_TMP/4b.eml" bounces@example.com "c1.d4.zz@example.com" "<user4@customer.example.evil>"
complain "$TEST_TMP/4b.eml"
is "nor one it is the start of" "$(status 4)" active
arf "$TEST_TMP/4c.eml" bounces@example.com "c1.d4.zz@example.com" "<user5@customer.example>"
complain "$TEST_TMP/4c.eml"
is "nor another subscriber's" "$(status 4):$(status 5)" "active:active"
# the address only in the body text is not a header
arf "$TEST_TMP/4d.eml" bounces@example.com "c1.d4.zz@example.com" "<undisclosed-recipients:;>"
sed -i 's/^This is an abuse report.*/& It went to user4@customer.example./' "$TEST_TMP/4d.eml"
complain "$TEST_TMP/4d.eml"
is "nor the address in the report's text" "$(status 4)" active

# 5: the signed return path alone is believed, with no address
arf "$TEST_TMP/5.eml" "$(verp 5)" "not-ours.1@example.com" "<undisclosed-recipients:;>"
complain "$TEST_TMP/5.eml"
is "the signed return path needs no address" "$(status 5)" unsubscribed
is "and its complaint counts for delivery 5" "$(sql "SELECT kind FROM list_bounces WHERE delivery_id = 5")" complaint
finish
