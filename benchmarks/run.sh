#!/usr/bin/env bash
# Builds the JMH jar and runs the benchmarks, then writes results/latest.md (absolute figures and ratios
# to our queue, all from this one run) next to the JMH JSON.
#
#   benchmarks/run.sh                 the recorded run: every benchmark (about 27 minutes on 2 cores)
#   benchmarks/run.sh --quick         every benchmark, short iterations (under 5 minutes): a smoke test
#   benchmarks/run.sh [--quick] REGEX only the benchmarks matching the JMH regex, e.g. 'WakeLatency'
#   benchmarks/run.sh ... -- ARGS     extra JMH arguments, e.g. -- -p impl=swq,tpe
#
# Options: --no-build (reuse target/benchmarks.jar), --out NAME (results/NAME.json and .md; default latest).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

quick=false
build=true
name=latest
regexes=()
extra=()
while (($#)); do
	case "$1" in
		--quick) quick=true ;;
		--no-build) build=false ;;
		--out) shift; name="$1" ;;
		--) shift; extra=("$@"); break ;;
		-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
		*) regexes+=("$1") ;;
	esac
	shift
done
if ((${#regexes[@]} == 0)); then
	regexes=('io.github.selectorwakequeue.benchmarks.')
fi

if $quick; then
	# One short iteration each, and the latency benchmark only with pinned threads: a smoke test.
	iterations=(-f 1 -wi 1 -w 500ms -i 1 -r 1s -p placement=cross-cpu)
else
	iterations=(-f 1 -wi 3 -w 1s -i 6 -r 2s)
fi

if $build; then
	echo "Building the benchmark jar..." >&2
	(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi

mkdir -p "$here/results"
json="$here/results/$name.json"
meta="$here/results/$name.meta"
{
	echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "cores=$(nproc)"
	echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
	echo "java=$(java -version 2>&1 | head -2 | tail -1)"
	echo "mode=$($quick && echo quick || echo full) (${iterations[*]})"
	echo "load_before=$(uptime | sed 's/.*load average: //')"
} >"$meta"

java -jar "$here/target/benchmarks.jar" "${regexes[@]}" "${iterations[@]}" -prof gc \
	-rf json -rff "$json" "${extra[@]}"

echo "load_after=$(uptime | sed 's/.*load average: //')" >>"$meta"
python3 "$here/report.py" "$json" "$meta" >"$here/results/$name.md"
echo "Wrote $here/results/$name.md" >&2
