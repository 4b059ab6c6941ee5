#!/bin/bash
# A knowledge-base article published on a topic a list follows reaches the list's subscribers
# through the campaign sender with no human step: `tick` (the kb mailer) makes the campaign,
# `send` delivers it, each subscriber once, with the article's text, its web link and the
# subscriber's own unsubscribe link; a subscriber whose topics exclude it gets nothing, and a
# second tick mails nothing again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0'
check "a list following zlib" pd list create news --address news@example.com --topics zlib,procps
for i in 1 2 3; do check "subscribe user$i" pd list subscribe news "user$i@d$i.example"; done
db "UPDATE subscribers SET topics = 'procps' WHERE address = 'user3@d3.example'"
cat >"$TEST_TMP/a.md" <<'MD'
---
slug: zlib-inflate-crash
title: Inflate crash fixed in 1.3.1
topics: zlib
visibility: public
status: published
---
The inflate crash on truncated streams is fixed in zlib 1.3.1.
MD
check "publish an article on zlib" pd kb import "$TEST_TMP/a.md"
check "tick: the kb mailer" pd tick
is "one article campaign" "$(db "SELECT kind || ':' || state || ':' || total FROM campaigns")" "article:running:2"
check "send" pd send
is "the campaign is done" "$(campaign_state 1)" done
is "two copies" "$(wc -l <"$SINK_OUT")" 2
is "to the two who follow zlib" "$(jq -r .rcpt[0] "$SINK_OUT" 2>/dev/null | sort | tr '\n' ' ')" "user1@d1.example user2@d2.example "
check "the copies carry the article's text" sh -c "grep -c 'fixed in zlib 1.3.1' '$SINK_OUT' | grep -qx 2"
check "and its web link" grep -q 'https://lists.example.com/kb/zlib-inflate-crash' "$SINK_OUT"
check "each copy has the one-click unsubscribe header" sh -c "grep -c 'List-Unsubscribe-Post: List-Unsubscribe=One-Click' '$SINK_OUT' | grep -qx 2"
check "each copy has a signed VERP return path" sh -c "jq -r .mail_from '$SINK_OUT' | grep -c '^bounces+d[0-9]*-[0-9a-f]*@' | grep -qx 2"
check "no copy names another subscriber" sh -c "! jq -r .data '$SINK_OUT' | grep -q 'user3@'"
check "tick again" pd tick
check "send again" pd send
is "nothing mailed twice" "$(wc -l <"$SINK_OUT")" 2
is "still one campaign" "$(db "SELECT count(*) FROM campaigns")" 1
finish
