#!/bin/bash
# run.sh - run each libFuzzer target of a --enable-fuzzing build for POSTDESK_FUZZ_SECONDS
# (default 20; the chain three times that) from its seeds; one TAP result per target: ok when it ran the whole time with
# no crash, leak, sanitizer report or input slower than POSTDESK_FUZZ_TIMEOUT seconds (10).
# New corpus entries and findings go to a temporary directory, never into the seeds.
set -u

: "${POSTDESK:?POSTDESK must name the built postdesk binary}"
: "${POSTDESK_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${POSTDESK_CORPUS:=$POSTDESK_SRCDIR/../shared/corpus}"
scale=${POSTDESK_FUZZ_SECONDS:-20}
timeout=${POSTDESK_FUZZ_TIMEOUT:-10}
bindir=$(cd "$(dirname "$POSTDESK")/.." && pwd)/tests/fuzz
seeds=$POSTDESK_SRCDIR/tests/fuzz/seeds
work=$(mktemp -d "${TMPDIR:-/tmp}/pd-fuzz.XXXXXX")
failed=0
n=0

# target, seconds (x POSTDESK_FUZZ_SECONDS/20), longest input, then its seed directories (each
# must exist: a missing corpus is a failure). The chain gets longer: reading its ~1,000 seed
# messages alone takes some 25 s under the sanitizers. The hostile messages of
# tests/data/hostile seed the chain too, once there are any.
hostile=""
[ -d "$POSTDESK_SRCDIR/tests/data/hostile" ] && hostile=$POSTDESK_SRCDIR/tests/data/hostile
targets=(
	"fuzz-chain 60 65536 $POSTDESK_CORPUS $hostile"
	"fuzz-template 20 8192 $POSTDESK_SRCDIR/templates/en $seeds/template"
	"fuzz-smtp 20 16384 $seeds/smtp"
	"fuzz-command 20 4096 $seeds/command"
)
echo "1..${#targets[@]}"
for t in "${targets[@]}"; do
	read -r -a words <<<"$t"
	name=${words[0]}
	secs=$((words[1] * scale / 20))
	[ "$secs" -ge 1 ] || secs=1 # 0 would mean no limit
	max_len=${words[2]}
	dirs=("${words[@]:3}")
	n=$((n + 1))
	log=$work/$name.log
	mkdir -p "$work/$name-corpus"
	missing=""
	for d in "${dirs[@]}"; do
		[ -d "$d" ] || missing="$missing $d"
	done
	if [ ! -x "$bindir/$name" ] || [ -n "$missing" ]; then
		echo "not ok $n - $name: no binary $bindir/$name or no seeds:$missing"
		failed=$((failed + 1))
		continue
	fi
	start=$(date +%s)
	"$bindir/$name" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
		-max_len="$max_len" -print_final_stats=1 -artifact_prefix="$work/$name-" \
		"$work/$name-corpus" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	finds=$(find "$work" -maxdepth 1 -name "$name-*" -type f | head -n 3)
	if [ "$rc" -eq 0 ] && [ -z "$finds" ] && [ -n "$runs" ]; then
		echo "ok $n - $name: ${took} s, $runs runs, no finding"
	else
		echo "not ok $n - $name: exit $rc after ${took} s, ${runs:-?} runs; finding:" $finds
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -n 20 | sed 's/^/# /'
		tail -n 30 "$log" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
if [ "$failed" -gt 0 ] || [ "${PD_KEEP:-0}" = 1 ]; then
	echo "# kept $work"
else
	rm -rf "$work"
fi
[ "$failed" -eq 0 ]
