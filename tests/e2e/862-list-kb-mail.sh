#!/bin/bash
# New knowledge-base articles reach the lists that follow their topics with no human step: the
# scheduler (`postdesk tick`) makes a running campaign of kind 'article' (subject the title,
# body the text and its link) with one delivery per active subscriber whose topics match, once
# however often and however many schedulers run; a daily list collects them into one 'digest'
# campaign a day. Articles published before the list existed, internal ones, drafts and the
# topic 'announcements' are never mailed. Each announcement is archived as a published kb
# article of topic 'announcements' with the list's visibility, once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-listfb.sh"

pd_setup "[serve]" "public_url = https://help.example.com/"
T0=$(date -u -d 2026-12-01T10:00:00Z +%s)
export POSTDESK_NOW=$((T0 - 100))
pd kb add old-zlib --title "Old zlib news" --body "Old." --topics zlib --status published >>"$LOG"
mklist 1 news "" public "zlib,security" immediate $T0
mklist 2 weekly "" public zlib daily $T0
mklist 3 procs "" public procps immediate $T0
mklist 4 echo "" public announcements immediate $T0
mklist 5 quiet "" public zlib immediate $T0
mksub 1 1 a@customer.example
mksub 2 1 b@customer.example active security
mksub 3 1 c@customer.example active zlib
mksub 4 1 d@customer.example unsubscribed
mksub 5 1 e@customer.example pending
mksub 6 1 f@customer.example disabled
mksub 7 2 g@customer.example
mksub 8 2 h@customer.example active security
mksub 9 3 i@customer.example
mksub 10 4 j@customer.example
campaigns() { sql "SELECT count(*) FROM campaigns WHERE list_id = $1 ${2:+AND kind = '$2'}"; }
recipients() { sql "SELECT group_concat(subscriber_id, ',') FROM (SELECT subscriber_id FROM deliveries WHERE campaign_id = $1 ORDER BY subscriber_id)"; }
art() { sql "SELECT id FROM kb_articles WHERE slug = '$1'"; }

export POSTDESK_NOW=$((T0 + 60))
pd kb add zlib-crash --title "zlib 1.3 crash fixed" --body "Upgrade to 1.3.1: it fixes the inflate crash." \
	--topics zlib --status published >>"$LOG"
pd kb add zlib-secret --title "Internal zlib notes" --body "Internal." --topics zlib \
	--visibility internal --status published >>"$LOG"
pd kb add zlib-draft --title "Draft" --body "Not yet." --topics zlib >>"$LOG"
pd kb add echo-back --title "Announced" --body "An archived announcement." \
	--topics "announcements, zlib" --status published >>"$LOG"
export POSTDESK_NOW=$((T0 + 120))
check "tick runs" pd tick
is "one campaign for the news list" "$(campaigns 1)" 1
c=$(sql "SELECT id FROM campaigns WHERE list_id = 1")
is "of kind article, running, for zlib-crash" "$(sql "SELECT kind, state, article_id FROM campaigns WHERE id = $c")" "article|running|$(art zlib-crash)"
is "subject is the title" "$(sql "SELECT subject FROM campaigns WHERE id = $c")" "zlib 1.3 crash fixed"
check "body has the text" sh -c "sqlite3 '$DB' 'SELECT body FROM campaigns WHERE id = $c' | grep -q 'fixes the inflate crash'"
check "body has the link" sh -c "sqlite3 '$DB' 'SELECT body FROM campaigns WHERE id = $c' | grep -qF 'https://help.example.com/kb/zlib-crash'"
is "deliveries: the active subscribers whose topics match (a: all, c: zlib)" "$(recipients $c)" "1,3"
is "total counts them" "$(sql "SELECT total FROM campaigns WHERE id = $c")" 2
is "deliveries are pending, in seq order" "$(sql "SELECT group_concat(state || seq, ',') FROM deliveries WHERE campaign_id = $c")" "pending1,pending2"
is "the procps list gets nothing" "$(campaigns 3)" 0
is "the list following 'announcements' gets nothing" "$(campaigns 4)" 0
is "the daily list has no campaign yet" "$(campaigns 2)" 0
is "a list with nobody to mail gets a campaign that is done at once" \
	"$(sql "SELECT state, total FROM campaigns WHERE list_id = 5")" "done|0"
is "it collected zlib-crash for its digest" "$(sql "SELECT state FROM list_articles WHERE list_id = 2 AND article_id = $(art zlib-crash)")" pending
is "the old article was never claimed" "$(sql "SELECT count(*) FROM list_articles WHERE article_id = $(art old-zlib)")" 0

# again: nothing new
pd tick >>"$LOG"
is "a second run mails nothing twice" "$(campaigns 1)" 1
is "no more deliveries" "$(sql 'SELECT count(*) FROM deliveries')" 2
is "no more campaigns anywhere" "$(sql 'SELECT count(*) FROM campaigns')" 2
out=$(pd list-feedback run)
is "list-feedback run agrees" "$(echo "$out" | json '.campaigns')" 0

# a security article: b (security) and a, not c (zlib only); three schedulers at once
export POSTDESK_NOW=$((T0 + 200))
pd kb add sec-fix --title "Security fix" --body "Patch now." --topics security --status published >>"$LOG"
for i in 1 2 3; do pd tick >>"$LOG" & done
wait
c2=$(sql "SELECT id FROM campaigns WHERE article_id = $(art sec-fix)")
is "three concurrent schedulers make one campaign" "$(sql "SELECT count(*) FROM campaigns WHERE article_id = $(art sec-fix)")" 1
is "for a and b" "$(recipients $c2)" "1,2"
pd kb add zlib-two --title "zlib 1.3.2" --body "Another release." --topics zlib --status published >>"$LOG"
pd kb add zlib-gone --title "Withdrawn" --body "Oops." --topics zlib --status published >>"$LOG"
pd tick >>"$LOG"
is "the daily list still waits (less than a day)" "$(campaigns 2)" 0
pd kb unpublish zlib-gone >>"$LOG"

# a day after the first collected article: one digest with both
export POSTDESK_NOW=$((T0 + 120 + 86400))
pd tick >>"$LOG"
is "the daily list gets one digest" "$(campaigns 2 digest)" 1
d=$(sql "SELECT id FROM campaigns WHERE list_id = 2 AND kind = 'digest'")
check "the digest has the first article" sh -c "sqlite3 '$DB' 'SELECT body FROM campaigns WHERE id = $d' | grep -q 'zlib 1.3 crash fixed'"
check "and the second" sh -c "sqlite3 '$DB' 'SELECT body FROM campaigns WHERE id = $d' | grep -q 'zlib 1.3.2'"
check "and their links" sh -c "sqlite3 '$DB' 'SELECT body FROM campaigns WHERE id = $d' | grep -qF 'https://help.example.com/kb/zlib-two'"
is "the digest's subject" "$(sql "SELECT subject FROM campaigns WHERE id = $d")" "The weekly list: 2 new articles"
is "to g (h follows security only)" "$(recipients $d)" 7
check "an article unpublished before the digest is left out" sh -c "! sqlite3 '$DB' 'SELECT body FROM campaigns WHERE id = $d' | grep -q Withdrawn"
is "and marked skipped" "$(sql "SELECT state FROM list_articles WHERE list_id = 2 AND article_id = $(art zlib-gone)")" skipped
is "both articles are marked mailed by it" "$(sql "SELECT group_concat(state || ':' || campaign_id) FROM list_articles WHERE list_id = 2 AND state != 'skipped'")" "mailed:$d,mailed:$d"
pd tick >>"$LOG"
is "no second digest" "$(campaigns 2 digest)" 1

# the archive: an announcement running on the news list, whose visibility is customer
sql "UPDATE lists SET visibility = 'customer' WHERE id = 1"
mkcampaign 50 1 announcement running "Big news" 'Hello {{name}}, zlib 2 is out. Leave: {{unsubscribe_url}}'
mkcampaign 51 1 announcement draft "Not yet sent"
pd tick >>"$LOG"
a=$(sql "SELECT article_id FROM campaigns WHERE id = 50")
check "the announcement has its article" test -n "$a"
is "published, topic announcements, the list's visibility" \
	"$(sql "SELECT status, topics, visibility, title FROM kb_articles WHERE id = $a")" "published|announcements|customer|Big news"
check "the archived text has no personal placeholders" sh -c "sqlite3 '$DB' 'SELECT body FROM kb_articles WHERE id = $a' | grep -q 'zlib 2 is out' && ! sqlite3 '$DB' 'SELECT body FROM kb_articles WHERE id = $a' | grep -q '{{'"
is "a draft announcement is not archived" "$(sql "SELECT article_id IS NULL FROM campaigns WHERE id = 51")" 1
pd tick >>"$LOG"
is "archived once" "$(sql "SELECT count(*) FROM kb_articles WHERE topics = 'announcements'")" 1
is "the archive is not mailed to the list that follows 'announcements'" "$(campaigns 4)" 0
is "nor anywhere" "$(sql "SELECT count(*) FROM campaigns WHERE article_id = $a AND kind != 'announcement'")" 0
finish
