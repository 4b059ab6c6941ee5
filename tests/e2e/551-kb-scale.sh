#!/bin/bash
# The suggester's scale (issue 11, kbgen): both of its shares are measured in units of a word a
# single article has (ln (1 + articles)), so that a score means the same for a knowledge base of
# 54 articles and of 117, for a two-line mail and a long one. Through the real binary and
# `kb import` (the articles' stored stems): a title of a word every article has is no longer
# fully said by a near miss naming the product (the title's prior); a long mail is judged by
# what one article can explain of it (the question's reach); an article whose body says the
# question's rarest words is a candidate though its title ranks below 20 others (the bodies'
# candidates, checked against FTS5's own bm25 () too).
. "$(dirname "$0")/lib.sh"

pd_setup
first() { pd kb suggest --json "$1" | jq -r '.suggestions[0].slug // "none"'; }
slugs() { pd kb suggest --json "$1" | jq -r '[.suggestions[].slug] | join(" ")'; }
article() { # DIR SLUG TITLE BODY
	printf -- '---\nslug: %s\ntitle: %s\n---\n\n%s\n' "$2" "$3" "$4" >"$1/$2.md"
}
acme() { # DIR: eight articles whose titles all say "Acme"
	local i=0 t
	mkdir -p "$1"
	for t in "Acme crashes on start" "Acme license terms" "Installing Acme on Linux" \
		"Acme proxy settings" "Where Acme writes its log files" "Upgrading Acme to a new release" \
		"Acme keyboard shortcuts" "Printing labels with Acme"; do
		article "$1" "acme-$i" "$t" "See the manual's chapter on it."
		i=$((i + 1))
	done
}

# 1. the title's prior: "Who makes Acme?" is one word every title has
acme "$TEST_TMP/a"
article "$TEST_TMP/a" who-makes-acme "Who makes Acme?" "Acme is made by a team of nine in Oslo, since 2004."
check "import the Acme articles" pd kb import "$TEST_TMP/a"
printf 'Subject: Acme in Oslo\n\nDoes the Acme office in Oslo offer training courses?\n' >"$TEST_TMP/oslo.eml"
PD_KB_FEATURES=1 "$POSTDESK" kb suggest "$TEST_TMP/oslo.eml" 2>"$TEST_TMP/oslo.features" >/dev/null
check "the near miss's best candidate is the short title's article" \
	grep -q '^F	cand	who-makes-acme	' "$TEST_TMP/oslo.features"
is "a near miss naming the product and one more of its words: nothing suggested" \
	"$(slugs "$TEST_TMP/oslo.eml")" ""
# ... while a short title of words few articles have still counts nearly fully (the price: a
# title of common words only, "Who makes Acme?", is hard to reach at all - see README)
printf 'Subject: licence\n\nWhat are the license terms of Acme?\n' >"$TEST_TMP/terms.eml"
is "a short specific title: its article" "$(first "$TEST_TMP/terms.eml")" acme-1

# 2. the question's reach: a long mail about one short question
rm -f "$TEST_TMP/a/who-makes-acme.md"
article "$TEST_TMP/a" reset-password "Resetting a lost Acme password when the administrator has left" \
	"Open Settings, Account, Reset password, and follow the link we mail you."
mkdir -p "$TEST_TMP/h2" && cp "$POSTDESK_HOME/postdesk.conf" "$TEST_TMP/h2/"
export POSTDESK_HOME="$TEST_TMP/h2"
pd init >>"$LOG"
check "import the Acme articles and the password article" pd kb import "$TEST_TMP/a"
printf 'Subject: password\n\nGood morning, our bookkeeping office in Rotterdam moved to new laptops last week; the colleague who managed everything retired in spring and nobody wrote anything down, the spreadsheet with the accounts vanished together with the old desktop, the backup drive is blank, the intern tried guessing combinations all afternoon. How do I reset the Acme password?\n\nMarieke\n' >"$TEST_TMP/long.eml"
is "a long mail with one question: its article" "$(first "$TEST_TMP/long.eml")" reset-password
printf 'Subject: password\n\nHow do I reset the Acme password?\n' >"$TEST_TMP/short.eml"
is "the question alone: the same article" "$(first "$TEST_TMP/short.eml")" reset-password

# 3. the bodies' candidates: 25 short titles say "widget", the answer's long title too, and
# only its body has the question's rarest words
mkdir -p "$TEST_TMP/w" "$TEST_TMP/h3" && cp "$POSTDESK_HOME/postdesk.conf" "$TEST_TMP/h3/"
export POSTDESK_HOME="$TEST_TMP/h3"
pd init >>"$LOG"
for i in $(seq 0 24); do
	article "$TEST_TMP/w" "widget-$i" "Widget $i setup" "Plug it in and press the green button."
done
article "$TEST_TMP/w" widget-calibration \
	"Calibrating the widget of the second series with the extended housing after a repair" \
	"If the flange zorbulates, loosen the three screws and turn the flange a quarter turn."
check "import the widget articles" pd kb import "$TEST_TMP/w"
printf 'Subject: Widget flange zorbulates\n\nMy widget flange zorbulates.\n' >"$TEST_TMP/flange.eml"
is "the article whose body says it" "$(first "$TEST_TMP/flange.eml")" widget-calibration
check "both candidate queries are bm25 ()'s (PD_KB_RANK_CHECK)" \
	env PD_KB_RANK_CHECK=1 "$POSTDESK" kb suggest --json "$TEST_TMP/flange.eml"
finish
