# lib-envelopes.sh - the envelopes an MTA's pipe passes postdesk-deliver, for tests that
# compare the rows two ways of taking a mail write (e2e 292, 297): `envelope_cases FN` writes
# one mail per case into $TEST_TMP and calls FN DESCRIPTION FILE ARGS... for each: one
# recipient, two with messy case and spaces, the null sender as Postfix passes it, positional
# recipients with --recipient=ADDR, and no envelope at all.
envelope_cases() {
	local fn=$1
	mail "$TEST_TMP/one.eml" 'Ann <ann@customer.example>' support@example.com "One" <<<"hello"
	"$fn" "one recipient" "$TEST_TMP/one.eml" -f ann@customer.example -r support@example.com
	mail "$TEST_TMP/two.eml" 'Bo <bo@customer.example>' support@example.com "Two" <<<"to two queues"
	"$fn" "two recipients, messy case and spaces" "$TEST_TMP/two.eml" --sender ' Bo@Customer.Example ' \
		--recipient 'SUPPORT@example.com ' -r ' sales@EXAMPLE.com'
	mail "$TEST_TMP/null.eml" 'MAILER-DAEMON@mx.example' support@example.com "Undelivered" <<<"bounce"
	"$fn" "the null sender as Postfix passes it" "$TEST_TMP/null.eml" -f MAILER-DAEMON support@example.com
	mail "$TEST_TMP/pos.eml" 'Cy <cy@customer.example>' sales@example.com "Positional" <<<"x"
	"$fn" "positional recipients and --recipient=ADDR" "$TEST_TMP/pos.eml" -f cy@customer.example sales@example.com --recipient=support@example.com
	mail "$TEST_TMP/none.eml" 'Di <di@customer.example>' support@example.com "No envelope" <<<"y"
	"$fn" "no envelope at all" "$TEST_TMP/none.eml"
}
