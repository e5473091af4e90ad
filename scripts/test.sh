#!/usr/bin/env bash
# test.sh - build everything and run every test; the CI entry point
# (.ci/run runs exactly this).  Works from any directory.
#
#   1. scripts/deps.sh                 install missing Debian packages
#   2. make -j2                        build/      (programs, libraries, unit tests)
#   3. make SAN=1 -j2                  build-san/  (the same with ASan+UBSan)
#   4. scripts/run_unit.sh build       C unit tests (cmocka)
#      scripts/run_unit.sh build-san   the same under the sanitizers
#   5. pytest tests/integration        everything, against build/
#      pytest -m san tests/integration the tests marked `san`, against
#                                      build-san/ (cheap ones that drive our
#                                      parsers/encoders hardest; ~1 min)
#   6. one totals line, last:  total: N passed, N failed, N skipped
#
# A build that fails counts as one failure (a build that works counts as
# nothing) and the remaining steps still run (make -k), so one broken module
# does not hide every other result.
# Exit status: 0 only if nothing failed and at least one test ran.
#
# Environment: JOBS (default 2), PYTEST_ARGS (extra pytest arguments, e.g.
# "-k init"), SKIP_SAN=1 (skip the sanitizer build and its tests; for quick
# local runs only - CI runs everything).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
JOBS=${JOBS:-2}
PY=/usr/bin/python3          # Debian's python: it has python3-pytest and python3-sanlock
LOGDIR=$ROOT/build/test-logs
FAILDIR=$ROOT/build/test-failures     # logs of failed integration tests (conftest.py)
T0=$(date +%s)

P=0 F=0 S=0
declare -a SUMMARY=()

section() { printf '\n==================== %s ====================\n' "$*"; }
account() {            # account NAME PASSED FAILED SKIPPED
	P=$((P + $2)); F=$((F + $3)); S=$((S + $4))
	SUMMARY+=("$(printf '%-28s %4d passed, %4d failed, %4d skipped' "$1:" "$2" "$3" "$4")")
}

section "dependencies"
if ! ./scripts/deps.sh; then
	echo "!!! dependency installation failed"
	account deps 0 1 0
fi

mkdir -p "$LOGDIR"
rm -rf "$FAILDIR"

# Many daemons run at once in the parallel integration run.  Ours share a
# few AIO contexts (disk_ctx.c); the Debian 3.8.5 peers take theirs from
# the same system-wide pool (fs.aio-max-nr, 65536 by default): raise it so
# that none fails with -EAGAIN from io_setup under load.
if [ "$(id -u)" = 0 ] && [ "$(cat /proc/sys/fs/aio-max-nr 2>/dev/null || echo 0)" -lt 1048576 ]; then
	sysctl -qw fs.aio-max-nr=1048576 2>/dev/null || true
fi

build() {              # build NAME make-args...
	local name=$1; shift
	section "build: make $* -j$JOBS"
	if make -k -j"$JOBS" "$@"; then
		account "$name" 0 0 0
	else
		echo "!!! build failed: make $*"
		account "$name" 0 1 0
	fi
}

build "build"
if [ "${SKIP_SAN:-0}" != 1 ]; then
	build "build-san" SAN=1
fi

unit() {               # unit BUILD_DIR
	section "unit tests: $1"
	local log=$LOGDIR/unit-$1.log
	./scripts/run_unit.sh "$1" 2>&1 | tee "$log"
	local line
	line=$(grep -E "^unit\($1\): " "$log" | tail -1)
	if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped ]]; then
		account "unit($1)" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
	else
		echo "!!! run_unit.sh $1 printed no summary"
		account "unit($1)" 0 1 0
	fi
}

unit build
[ "${SKIP_SAN:-0}" != 1 ] && unit build-san

# Deterministic simulation of lease/ (sim/): SIM_SEEDS seeds of many hosts
# with storage faults, crashes, pauses and watchdogs; any violation fails.
section "simulation: make sim SEEDS=${SIM_SEEDS:-2000}"
if make -s sim SEEDS="${SIM_SEEDS:-2000}" 2>&1 | tee "$LOGDIR/sim.log" | tail -3 &&
   grep -q '^sim: .* violations=0$' "$LOGDIR/sim.log"; then
	account sim 1 0 0
else
	echo "!!! sim: violations or failure (see $LOGDIR/sim.log)"
	account sim 0 1 0
fi

pytest_run() {         # pytest_run NAME BUILD_DIR pytest-args...
	local name=$1 bdir=$2; shift 2
	section "integration: $name (SANLOCK_BUILD=$bdir)"
	local xml=$LOGDIR/$name.xml
	rm -f "$xml"
	# Integration tests spend most of their time waiting on protocol
	# timeouts, so files run in parallel (one file per worker: tests in a
	# file may share fixtures); PYTEST_WORKERS=0 runs them serially.
	local par=()
	if [ "${PYTEST_WORKERS:-4}" != 0 ] && "$PY" -c 'import xdist' 2>/dev/null; then
		par=(-n "${PYTEST_WORKERS:-4}" --dist loadfile)
	fi
	# shellcheck disable=SC2086
	SANLOCK_TEST_KEEP=$FAILDIR/$name SANLOCK_BUILD=$bdir "$PY" -m pytest -p no:cacheprovider -q -rfEs \
		"${par[@]}" --junitxml="$xml" "$@" ${PYTEST_ARGS:-} tests/integration
	local rc=$?
	if [ "$rc" -eq 5 ]; then
		echo "!!! $name: pytest collected no tests"
		account "$name" 0 1 0
		return
	fi
	if [ ! -s "$xml" ]; then
		echo "!!! $name: pytest exited $rc without a report"
		account "$name" 0 1 0
		return
	fi
	local counts
	counts=$("$PY" - "$xml" <<-'EOF'
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
	t = f = e = s = 0
	for x in suites:
	    t += int(x.get("tests", 0)); f += int(x.get("failures", 0))
	    e += int(x.get("errors", 0)); s += int(x.get("skipped", 0))
	print(t - f - e - s, f + e, s)
	EOF
	)
	# shellcheck disable=SC2086
	set -- $counts
	local p=${1:-0} f=${2:-0} s=${3:-0}
	# pytest failing for a reason the report does not show (internal error,
	# usage error) must not pass silently
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!!! $name: pytest exit status $rc"
		f=1
	fi
	account "$name" "$p" "$f" "$s"
}

# Storage latency while the integration tests run (tests/tools/disk_probe.py):
# lockspaces there use io_timeout 1, so a stall over 1 s fails them.
"$PY" tests/tools/disk_probe.py "$ROOT/build" > "$LOGDIR/disk_probe.log" 2>&1 &
PROBE=$!
trap 'kill "$PROBE" 2>/dev/null' EXIT
pytest_run integration build
if [ "${SKIP_SAN:-0}" != 1 ]; then
	pytest_run integration-san build-san -m san
fi
kill "$PROBE" 2>/dev/null
wait "$PROBE" 2>/dev/null
trap - EXIT

if [ -d "$FAILDIR" ]; then
	# <FAILDIR>/<run>/<test>/<file>: the daemons' logs (error lines, then
	# the last lines); files deeper down (a test's own data) only counted.
	section "logs kept from failed tests ($FAILDIR)"
	find "$FAILDIR" -mindepth 3 -maxdepth 3 -type f -name '*.log' | sort | head -n 20 |
	while read -r f; do
		printf -- '--- %s (%s bytes): error/warning lines\n' "${f#"$FAILDIR"/}" "$(stat -c %s "$f")"
		grep -E 'error|warn|fail' "$f" | grep -v -E 'error -(243|244|245|246|11|16|17) ' | tail -n 20
		printf -- '--- last lines\n'
		tail -n 8 "$f"
	done
	printf -- '--- %s more files below the tests'"'"' directories\n' \
		"$(find "$FAILDIR" -mindepth 4 -type f | wc -l)"
fi

section "summary ($(( $(date +%s) - T0 ))s)"
for l in "${SUMMARY[@]}"; do echo "  $l"; done
sed 's/^/  /' "$LOGDIR/disk_probe.log" 2>/dev/null
if [ $((P + F)) -eq 0 ]; then
	echo "!!! no tests ran at all"
	F=$((F + 1))
fi
echo "total: $P passed, $F failed, $S skipped"
[ "$F" -eq 0 ]
