#!/bin/bash
# Keywords learned from the customers' own words (`kb learn`, issue 11 kbq4): customers ask in
# words no article uses ("a paid app we sell"), so their acknowledgements suggest nothing and
# the questions are noted (kb_misses); an agent answers each with `#kb ID`. `kb learn` then
# proposes the words that came back in those questions for that article (not one question's
# word, not a word of the title, not a word every question has), `--apply` adds them as the
# article's keywords (db/039), and the next customer who asks that way gets the article.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup '[serve]' 'public_url = https://help.example.com/'
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support
check "import the FAQ articles" pd kb import "$POSTDESK_SRCDIR/tests/data/kb/articles"
id_comm=$(pd kb show zlib-commercial-use --json | json '.id')
id_java=$(pd kb show zlib-java --json | json '.id')
first() { pd kb suggest --json "$1" | jq -r '.suggestions[0].slug // "none"'; }

n=0
# ask FROM SUBJECT BODY ARTICLE-ID: a customer's mail (a new ticket), then the agent's answer
# with #kb ARTICLE-ID through the signed address of the notification
ask() {
	n=$((n + 1))
	mail "$TEST_TMP/c$n.eml" "$1" support@example.com "$2" <<<"$3"
	local before note addr
	before=$(captured_count)
	deliver "$TEST_TMP/c$n.eml" >/dev/null
	pd send >/dev/null
	note=$(ls "$CAPTURE_DIR"/*.json | tail -n +$((before + 1)) | xargs grep -l '"alice@example.com"' | head -n 1)
	addr=$(header From "${note%.json}.eml" | grep -Eo 'support\+a[0-9]+-[0-9a-f]{12}@example.com')
	{
		printf 'From: Alice Agent <alice@example.com>\nTo: %s\nSubject: Re: %s\n' "$addr" "$2"
		printf 'Message-ID: <learn%s@mail.example>\nDate: Mon, 23 Nov 2026 11:00:00 +0000\n' "$n"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n#kb %s\nSee the article below.\n' "$4"
	} >"$TEST_TMP/a$n.eml"
	deliver "$TEST_TMP/a$n.eml" --recipient "$addr" >/dev/null
	pd send >/dev/null
}

printf 'Subject: licensing\n\nHi, may we sell a paid app built with your library?\n\nAna\n' >"$TEST_TMP/next.eml"
is "before: nothing suggested for the next customer's 'paid app' question" "$(first "$TEST_TMP/next.eml")" none
is "kb learn: nothing to learn yet" "$(pd kb learn)" ""

ask 'Jo <jo@shop.example>' "selling our app" "Hi,

we want to sell a paid app that includes your library. Is that allowed?

Thanks, Jo" "$id_comm"
ask 'Kim <kim@tools.example>' "paid tool" "Hello,

we sell a paid tool for shops and it has your library inside. Fine with you?

Regards, Kim" "$id_comm"
ask 'Luis <luis@apps.example>' "question" "Can we put zlib inside a paid app on the store?

Luis" "$id_comm"
# another article's questions: what every question says is no keyword of one article
ask 'Max <max@java.example>' "jvm" "Hello, is there something for the jvm? Our library is in Java.

Max" "$id_java"
ask 'Eve <eve@java.example>' "jvm again" "Hi, we are a Java shop: jvm bindings for your library?

Eve" "$id_java"

db() { sqlite3 "$POSTDESK_HOME/postdesk.db" "$1"; }
check "the acknowledgements suggested nothing: 5 questions noted" test "$(db "SELECT count(*) FROM kb_misses WHERE how = 'ack'")" -eq 5
is "the agent's answers were counted" "$(db "SELECT count(*) FROM kb_usage WHERE how = 'sent'")" 5

pd kb learn --json >"$TEST_TMP/learned.json"
is "learned for the commercial-use article, from its 3 questions" \
	"$(jq -r '.[] | select(.slug == "zlib-commercial-use") | .questions' "$TEST_TMP/learned.json")" 3
words=$(jq -r '.[] | select(.slug == "zlib-commercial-use") | [.words[].word] | join(" ")' "$TEST_TMP/learned.json")
is "the words that came back: paid (3), app, inside and sell (2 each; 'selling' is 'sell')" "$words" "paid app inside sell"
check "not a word of one question only ('shops')" sh -c "! echo '$words' | grep -qw shops"
check "not what every question says ('library')" sh -c "! jq -e '.[].words[] | select(.word == \"library\")' '$TEST_TMP/learned.json' >/dev/null"
is "the Java article learns 'jvm' (its title says java already)" \
	"$(jq -r '.[] | select(.slug == "zlib-java") | [.words[].word] | join(" ")' "$TEST_TMP/learned.json")" jvm
check "text output: one line per article" sh -c "'$POSTDESK' kb learn | grep -qx 'zlib-commercial-use: paid (3), app (2), inside (2), sell (2)  \[of 3 questions\]'"
is "with --min 3: only 'paid'" "$(pd kb learn --min 3 --json | jq -r '[.[].words[].word] | join(" ")')" paid
is "printing stored nothing" "$(pd kb show zlib-commercial-use --json | jq -r .keywords)" ""

check "kb learn --apply" pd kb learn --apply --author learner
is "the keywords were added, as one keyword" "$(pd kb show zlib-commercial-use --json | jq -r .keywords)" "paid app inside sell"
is "as a new version by the author given" \
	"$(db "SELECT v.author FROM kb_versions v JOIN kb_articles a ON a.id = v.article_id WHERE a.slug = 'zlib-commercial-use' AND v.version = a.version")" learner
is "after: the next customer's question gets the article" "$(first "$TEST_TMP/next.eml")" zlib-commercial-use
is "learning again: nothing new (the words are keywords now)" "$(pd kb learn)" ""
check "--min 0 is refused" sh -c "! '$POSTDESK' kb learn --min 0 2>/dev/null"
finish
