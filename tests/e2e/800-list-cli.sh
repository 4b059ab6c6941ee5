#!/bin/bash
# Lists from the command line (issue 12): create with its checks, show, subscribe and
# unsubscribe by an administrator (each with its consent row), members --json (what scripts
# rely on: an array of {address, name, status}), export read back by import, the ledger, and
# delete, which keeps the append-only ledger and frees the name.
. "$(dirname "$0")/lib.sh"

pd_setup
for c in create show members subscribe unsubscribe import export delete ledger links; do
	check "list $c --help" pd list "$c" --help
done
is "list create prints the id" "$(pd list create news --address News@Example.com --title 'Example News' \
	--topics 'Releases, security' --policy confirm --queue support --owner boss@example.com \
	--digest daily)" 1
is "a taken name is refused" "$(pd list create news --address other@example.com >/dev/null; echo $?)" 64
is "a taken address is refused" "$(pd list create other --address news@example.com >/dev/null; echo $?)" 64
is "a bad name is refused" "$(pd list create 'No Good' --address x@example.com >/dev/null; echo $?)" 64
is "an address with -request is refused" "$(pd list create x --address x-request@example.com >/dev/null; echo $?)" 64
is "an unknown policy is refused" "$(pd list create x --address x@example.com --policy moderated >/dev/null; echo $?)" 64
is "a queue's address is refused" "$(pd list create x --address support@example.com >/dev/null; echo $?)" 64
is "an unknown queue is refused" "$(pd list create x --address x@example.com --queue nowhere >/dev/null; echo $?)" 64
show=$(pd list show news --json)
is "show: address lower-cased" "$(echo "$show" | json .address)" news@example.com
is "show: request address" "$(echo "$show" | json .request_address)" news-request@example.com
is "show: topics normalised" "$(echo "$show" | json .topics)" releases,security
is "show: digest" "$(echo "$show" | json .digest)" daily
is "show: no subscribers yet" "$(echo "$show" | json .subscribers.active)" 0
is "an unknown list" "$(pd list show nope >/dev/null; echo $?)" 66

check "subscribe by admin" pd list subscribe news Ann@X.org --name "Ann Smith"
check "subscribe bob" pd list subscribe news bob@x.org
is "a bad address is refused" "$(pd list subscribe news 'not an address' >/dev/null; echo $?)" 64
check "unsubscribe bob" pd list unsubscribe news bob@x.org
is "unsubscribe of a non-member fails" "$(pd list unsubscribe news nobody@x.org >/dev/null; echo $?)" 66
members=$(pd list members news --json)
is "members --json is an array of {address,name,status}" \
	"$(echo "$members" | jq -c '[.[] | {address, name, status}]')" \
	'[{"address":"ann@x.org","name":"Ann Smith","status":"active"},{"address":"bob@x.org","name":null,"status":"unsubscribed"}]'
is "the ledger: subscribe, subscribe, unsubscribe" \
	"$(pd list ledger news --json | jq -c '[.[] | [.address, .action, .via]]')" \
	'[["ann@x.org","subscribe","admin"],["bob@x.org","subscribe","admin"],["bob@x.org","unsubscribe","admin"]]'
is "the ledger of one subscriber" "$(pd list ledger news bob@x.org --json | jq length)" 2
check "the evidence names the admin" test -n "$(pd list ledger news --json | jq -r '.[0].evidence' | grep '^cli ')"
is "admin subscribe of someone who unsubscribed is refused without --force" "$(pd list subscribe news bob@x.org >/dev/null 2>&1; echo $?)" 65
is "bob still unsubscribed, no ledger row" "$(pd list members news --json | jq -r '.[] | select(.address=="bob@x.org") | .status') $(pd list ledger news bob@x.org --json | jq length)" "unsubscribed 2"
check "the refusal names --force" sh -c "$POSTDESK list subscribe news bob@x.org 2>&1 | grep -q -- --force"
check "admin subscribe --force brings bob back (an administrator's act)" pd list subscribe news bob@x.org --force
is "bob active again" "$(pd list members news --json | jq -r '.[] | select(.address=="bob@x.org") | .status')" active
is "the ledger says forced, by admin" "$(pd list ledger news bob@x.org --json | jq -c '.[-1] | [.action, .via, .detail]')" '["subscribe","admin","forced"]'
check "subscribe of an active member still succeeds (scripts)" pd list subscribe news bob@x.org
check "and with --force too" pd list subscribe news bob@x.org --force
is "no ledger row for either" "$(pd list ledger news bob@x.org --json | jq length)" 3

# export as CSV and read it back into another list
pd list export news >"$TEST_TMP/news.csv"
is "export: header" "$(head -1 "$TEST_TMP/news.csv")" "address,name,locale,topics,status"
is "export: a name with a comma stays one field" "$(pd list subscribe news carl@x.org --name 'Smith, Carl' >/dev/null; pd list export news | grep carl)" 'carl@x.org,"Smith, Carl",,,active'
pd list export news >"$TEST_TMP/news.csv"
check "a second list" pd list create copy --address copy@example.com
check "export read back by import" pd list import copy "$TEST_TMP/news.csv"
is "the copy has the same members" "$(pd list members copy --json | jq -c '[.[] | [.address, .name]]')" \
	"$(pd list members news --json | jq -c '[.[] | [.address, .name]]')"
is "export --format json" "$(pd list export news --format json | jq length)" 3
is "export --format xml is refused" "$(pd list export news --format xml >/dev/null; echo $?)" 64

# delete: a list that never had anyone goes; one with a ledger is moved away
check "an empty list" pd list create empty --address empty@example.com
check "delete the empty list" pd list delete empty
is "it is gone" "$(pd list show empty >/dev/null; echo $?)" 66
check "delete news" pd list delete news
is "news is gone" "$(pd list show news >/dev/null; echo $?)" 66
check "the name can be used again" pd list create news --address news@example.com
is "the new list is empty" "$(pd list members news --json | jq length)" 0
is "the old ledger is kept (append-only)" \
	"$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT count(*) FROM consent WHERE action = 'unsubscribe' AND detail = 'list deleted'")" 3
is "list show lists the lists" "$(pd list show --json | jq -c '[.[].name]')" '["copy","news"]'
finish
