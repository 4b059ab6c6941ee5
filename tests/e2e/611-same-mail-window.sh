#!/bin/bash
# The window within which copies of one mail to several queue addresses are one ticket is a
# setting, [route] same_mail_window (issue 13; the constant hour stays the default).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup '' '[route]' 'same_mail_window = 3h'

qp() { pd ticket list --json | json "[.[] | select(.subject == \"$1\") | .queue] | join(\" \")"; }
copies() { # FILE SUBJECT FIRST-TIME SECOND-TIME
	mail "$1" 'Lu <lu@home.example>' 'support@example.com, sales@example.com' "$2" <<<"Hi."
	POSTDESK_NOW=$3 deliver "$1" --recipient support@example.com >/dev/null
	POSTDESK_NOW=$4 deliver "$1" --recipient sales@example.com >/dev/null
}

copies "$TEST_TMP/a.eml" 'Two hours apart' 2026-11-20T10:00:00Z 2026-11-20T12:00:00Z
is "3h window: a copy two hours later is the same ticket" "$(qp 'Two hours apart')" "support"
copies "$TEST_TMP/b.eml" 'Four hours apart' 2026-11-20T10:00:00Z 2026-11-20T14:00:00Z
is "3h window: a copy four hours later is a new ticket" "$(qp 'Four hours apart')" "support sales"

# the default is still one hour
sed -i 's/^same_mail_window = 3h$//' "$POSTDESK_HOME/postdesk.conf"
copies "$TEST_TMP/c.eml" 'Half an hour default' 2026-11-20T10:00:00Z 2026-11-20T10:30:00Z
is "default: half an hour apart is the same ticket" "$(qp 'Half an hour default')" "support"
copies "$TEST_TMP/d.eml" 'Two hours default' 2026-11-20T10:00:00Z 2026-11-20T12:00:00Z
is "default: two hours apart is a new ticket" "$(qp 'Two hours default')" "support sales"

printf '[route]\nsame_mail_window = soon\n' >>"$POSTDESK_HOME/postdesk.conf"
check "a malformed window is a config error naming the key" \
	bash -c "'$POSTDESK' queue list 2>&1 | grep -q 'same_mail_window'"

finish
