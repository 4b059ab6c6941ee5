#!/bin/bash
# `postdesk kb report` (to become `postdesk report kb`): first what real use records - an
# article suggested in an acknowledgement, viewed twice on the web, marked as answering, sent
# by an agent with #kb; then a known data set (rows written directly, in 2020) with exact
# ranks, counts, answer rates, the unanswered questions grouped by their common words, the
# --since/--until bounds and the text, CSV and JSON forms.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
HTTP_PORT=$(free_port)
URL="http://127.0.0.1:$HTTP_PORT"
start_capture
serve_setup "http = 127.0.0.1:$HTTP_PORT"
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support
check "import the FAQ articles" pd kb import "$DATA/articles"
serve_start
is "the question: deliver" "$(deliver "$DATA/mails/003.eml" --recipient support@example.com)" 0
pd send >/dev/null
wait_for 30 test "$(captured_count)" -ge 2 || bail "the ack and the notification were not sent"
ack=$(grep -l '"customer3@example.net"' "$CAPTURE_DIR"/*.json | sed 's/\.json$/.eml/')
note=$(grep -l '"alice@example.com"' "$CAPTURE_DIR"/*.json | sed 's/\.json$/.eml/')
answered=$(grep -Eo "$URL/kb/zlib-thread-safety/answered\?t=[0-9a-f-]+" "$ack")
check "the ack suggests the article with an answered link" test -n "$answered"
get() { curl -s -o "$TEST_TMP/b" -w '%{http_code}' "$@"; }
is "view 1" "$(get "$URL/kb/zlib-thread-safety")" 200
is "view 2" "$(get "$URL/kb/zlib-thread-safety")" 200
is "the answered form (not a view)" "$(get "$answered")" 200
is "POST: answered" "$(get --data-urlencode "t=${answered##*t=}" "$URL/kb/zlib-thread-safety/answered")" 200
agent_addr=$(header From "$note" | grep -Eo 'support\+a1-[0-9a-f]{12}@example.com')
{
	printf 'From: Alice Agent <alice@example.com>\nTo: %s\nSubject: Re: [SUPPORT #1] x\n' "$agent_addr"
	printf 'Message-ID: <r1@mail.example>\nDate: Mon, 23 Nov 2026 11:00:00 +0000\n\n#kb zlib-thread-safety\nSee below.\n'
} >"$TEST_TMP/reply.eml"
is "the agent's #kb reply: deliver" "$(deliver "$TEST_TMP/reply.eml" --recipient "$agent_addr")" 0
serve_stop
is "serve exits 0" "$SERVE_RC" 0
r=$(pd kb report --format json)
echo "$r" | jq -c '.articles[]' | sed 's/^/# /'
is "real use: suggested, sent, mailed, viewed, answered, requests, rate" \
	"$(echo "$r" | jq -c '.articles[] | select(.slug == "zlib-thread-safety") | [.suggested, .sent, .mailed, .viewed, .answered, .requests, .answer_rate_pct]')" \
	"[1,1,0,2,1,4,100]"
is "real use: ranked first" "$(echo "$r" | json '.articles[0].slug')" zlib-thread-safety
is "real use: each row names its ticket" \
	"$(db "SELECT group_concat (DISTINCT coalesce (ticket_id, 0)) FROM kb_usage WHERE how != 'viewed'")" 1

# the known data set: three articles, uses in March 2020, one on 1 May 2020 00:00 UTC
pd kb add alpha --title "Alpha article" --body "a" --status published >/dev/null
pd kb add beta --title "Beta, the second" --body "b" --status published >/dev/null
pd kb add gamma --title "Gamma article" --body "c" --status published >/dev/null
db "$(cat <<'SQL'
INSERT INTO kb_usage (article_id, how, ticket_id, at)
	SELECT a.id, u.how, NULL, u.at FROM kb_articles a JOIN (
		SELECT 'alpha' s, 'suggested' how, 1583020800 at UNION ALL SELECT 'alpha', 'suggested', 1583020801
		UNION ALL SELECT 'alpha', 'suggested', 1583020802 UNION ALL SELECT 'alpha', 'suggested', 1583020803
		UNION ALL SELECT 'alpha', 'answered', 1583020900 UNION ALL SELECT 'alpha', 'answered', 1583020901
		UNION ALL SELECT 'alpha', 'answered', 1583020902 UNION ALL SELECT 'alpha', 'viewed', 1583020903
		UNION ALL SELECT 'alpha', 'viewed', 1583020904 UNION ALL SELECT 'alpha', 'sent', 1583020905
		UNION ALL SELECT 'beta', 'suggested', 1583020800 UNION ALL SELECT 'beta', 'suggested', 1583020801
		UNION ALL SELECT 'beta', 'mailed', 1583020802 UNION ALL SELECT 'beta', 'mailed', 1583020803
		UNION ALL SELECT 'beta', 'mailed', 1583020804 UNION ALL SELECT 'beta', 'mailed', 1583020805
		UNION ALL SELECT 'beta', 'mailed', 1583020806
		UNION ALL SELECT 'gamma', 'viewed', 1588291200
	) u ON u.s = a.slug;
INSERT INTO kb_misses (how, ticket_id, question, words, at) VALUES
	('ack', NULL, 'Where is a copy of my invoice? It is missing.', 'copy invoice missing', 1583020800),
	('mailed', NULL, 'The invoice has the wrong address', 'invoice wrong address', 1583020801),
	('ack', NULL, 'The VAT number on the invoice is wrong', 'vat number invoice wrong', 1583020802),
	('ack', NULL, 'My printer is offline', 'printer offline', 1583020803),
	('mailed', NULL, 'What is the status of my refund?', 'status refund', 1583020804),
	('ack', NULL, 'later question about invoices', 'later invoice', 1588291200);
SQL
)"
march="--since 2020-01-01 --until 2020-04-30"
pd kb report $march >"$TEST_TMP/text"
sed 's/^/# /' "$TEST_TMP/text"
cat >"$TEST_TMP/want" <<'TEXT'
Knowledge base usage from 2020-01-01 00:00 UTC to 2020-05-01 00:00 UTC

Most requested articles (requests = suggested + sent + mailed + viewed)
rank requests suggested  sent mailed viewed answered  answer  article
   1        7         4     1      0      2        3     75%  alpha  Alpha article
   2        7         2     0      5      0        0      0%  beta  Beta, the second

Questions nothing answered: 5
  invoice: 3 questions; common words: invoice, wrong
    "Where is a copy of my invoice? It is missing."
    "The invoice has the wrong address"
    "The VAT number on the invoice is wrong"
  sharing no word: 2 questions
    "My printer is offline"
    "What is the status of my refund?"
TEXT
check "text: the known figures exactly" diff -u "$TEST_TMP/want" "$TEST_TMP/text"
pd kb report $march --format csv >"$TEST_TMP/csv"
cat >"$TEST_TMP/want" <<'CSV'
rank,slug,title,requests,suggested,sent,mailed,viewed,answered,answer_rate
1,alpha,Alpha article,7,4,1,0,2,3,0.75
2,beta,"Beta, the second",7,2,0,5,0,0,0.00

word,questions,common_words,examples
invoice,3,invoice wrong,Where is a copy of my invoice? It is missing. | The invoice has the wrong address | The VAT number on the invoice is wrong
,2,,My printer is offline | What is the status of my refund?
CSV
check "csv: the known figures exactly" diff -u "$TEST_TMP/want" "$TEST_TMP/csv"
# the same figures through `postdesk report kb`, in the report framework's formats
pd report kb $march --format html >"$TEST_TMP/kb.html"
is "report kb: html exits 0" "$?" 0
check "report kb html: the top article with its counts" \
	grep -q 'Alpha article' "$TEST_TMP/kb.html"
check "report kb html: no script" sh -c "! grep -qi '<script' '$TEST_TMP/kb.html'"
pd report kb $march --format csv >"$TEST_TMP/kb.csv"
check "report kb csv: alpha with 7 requests and 3 answers" \
	sh -c "grep -q 'alpha' '$TEST_TMP/kb.csv' && grep 'alpha' '$TEST_TMP/kb.csv' | grep -q ',7,.*,3,'"
j=$(pd kb report $march --format json)
is "json: the bounds" "$(echo "$j" | jq -c '[.since, .until]')" "[1577836800,1588291200]"
is "json: ranks, counts, rates" \
	"$(echo "$j" | jq -c '[.articles[] | [.rank, .slug, .requests, .suggested, .sent, .mailed, .viewed, .answered, .answer_rate_pct]]')" \
	'[[1,"alpha",7,4,1,0,2,3,75],[2,"beta",7,2,0,5,0,0,0]]'
is "json: the groups" "$(echo "$j" | jq -c '.unanswered | [.questions, [.groups[] | [.word, .questions, .common_words]]]')" \
	'[5,[["invoice",3,["invoice","wrong"]],[null,2,[]]]]'
# --until is the end of the day named; a time is exact; gamma's view is at 2020-05-01 00:00 UTC
is "until 2020-05-01 takes gamma and the later question" \
	"$(pd kb report --since 2020-01-01 --until 2020-05-01 --format json | jq -c '[[.articles[].slug], .unanswered.questions, .unanswered.groups[0].questions]')" \
	'[["alpha","beta","gamma"],6,4]'
is "since 2020-05-01 (unix seconds): gamma alone" \
	"$(pd kb report --since 1588291200 --until 2021-01-01 --format json | jq -c '[[.articles[] | [.slug, .viewed]], .unanswered.questions]')" \
	'[[["gamma",1]],1]'
"$POSTDESK" kb report --format xml >/dev/null 2>"$TEST_TMP/err"
is "an unknown format: exit 64" "$?" 64
"$POSTDESK" kb report --since yesterday >/dev/null 2>"$TEST_TMP/err"
is "a bad date: exit 64" "$?" 64
check "the error says what is wanted" grep -q 'want YYYY-MM-DD' "$TEST_TMP/err"
check "--help" sh -c "\"$POSTDESK\" kb report --help | grep -q -- --format"
is "the usage rows are append-only" "$(db "UPDATE kb_usage SET how = 'viewed'" 2>&1 | grep -c 'append-only')" 1
finish
