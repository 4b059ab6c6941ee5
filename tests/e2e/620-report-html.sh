#!/bin/bash
# The HTML reports in a real browser: headless Chromium (tests/lib/report-browser.py) opens
# `report sla` and `report volume` as files and finds the charts drawn (a screenshot that is
# not blank and shows the bars, the SVG elements with the expected bar counts, <title>/<desc>),
# a table per section, no script and nothing fetched. `report ... --mail ADDR` queues the
# report as multipart/alternative (text, then HTML) through the outbox; `send` delivers it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-report.sh"

start_capture
report_setup
report_data
export POSTDESK_NOW=2026-12-02T00:00:00Z
W=(--since 2026-11-30 --until 2026-12-02)

browse() { # NAME EXPECT-JSON
	pd report "$1" "${W[@]}" --format html >"$TEST_TMP/$1.html"
	"$PY" "$POSTDESK_SRCDIR/tests/lib/report-browser.py" "$TEST_TMP/$1.html" "$TEST_TMP/profile-$1" "$2" \
		>"$TEST_TMP/browser-$1.out" 2>>"$LOG"
	local rc=$? line
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "$1 in the browser: ${line#ok }" ;;
		"not ok "*) not_ok "$1 in the browser: ${line#not ok }" ;;
		esac
	done <"$TEST_TMP/browser-$1.out"
	is "$1: the browser script ran to the end" "$rc" 0
}
# sla: attainment 2 rows x (met, breached); times 3 rows (support, sales, all) x 2 medians
browse sla '{"chart-attainment": 4, "chart-times": 6}'
# volume: 2 days x (created, answers); the totals have no chart
browse volume '{"chart-days": 4}'

h="$TEST_TMP/sla.html"
is "sla html: svg elements" "$(grep -c '<svg ' "$h")" 2
is "sla html: bars" "$(grep -o '<rect class="bar ' "$h" | wc -l)" 10
check "sla html: the numbers are in the tables too" grep -q '<td style="[^"]*">33.3%</td>' "$h"
check "sla html: self-contained (no src, href, url() or script)" sh -c "! grep -Eq 'src=|href=|url\\(|<script' '$h'"

# by mail
out=$(pd report usage "${W[@]}" --mail boss@example.com)
check "report --mail says what it queued" grep -q '^report usage queued for boss@example.com (outbox ' <<<"$out"
is "one outbox row of kind report" "$(pd outbox list --json | jq '[.[] | select(.kind == "report" and .rcpt == "boss@example.com")] | length')" 1
pd send >>"$LOG"
m=$(grep -l '^To: boss@example.com' "$CAPTURE_DIR"/*.eml | head -n 1)
check "the report was delivered" test -n "$m"
if [ -n "$m" ]; then
	check "multipart/alternative" grep -qi '^Content-Type: multipart/alternative' "$m"
	parts=$("$PY" -c '
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(" ".join(p.get_content_type() for p in m.walk() if not p.is_multipart()))
html = [p for p in m.walk() if p.get_content_type() == "text/html"][0].get_payload(decode=True).decode()
text = [p for p in m.walk() if p.get_content_type() == "text/plain"][0].get_payload(decode=True).decode()
print(html.count("<svg "), html.count("<rect class=\"bar "), "alice@example.com" in text)
' "$m")
	is "text first, then HTML" "$(head -n 1 <<<"$parts")" "text/plain text/html"
	is "the HTML part has the usage charts (3 svgs, 2x3 + 7 + 3 bars)" "$(tail -n 1 <<<"$parts")" "3 16 True"
	is "subject names the report and the window" "$(header Subject "$m")" "postdesk report: How agents work, 2026-11-30 to 2026-12-01"
	is "automatic mail" "$(header Auto-Submitted "$m")" auto-generated
fi
finish
