#!/usr/bin/env bash
# run_unit.sh BUILD_DIR - run every cmocka unit-test binary BUILD_DIR/tests/test_*
# and print one summary line:
#     unit(<BUILD_DIR>): N passed, N failed, N skipped
# Exit status: 0 if nothing failed, 1 otherwise.
#
# Counting: cmocka is switched to TAP output (CMOCKA_MESSAGE_OUTPUT=TAP):
# `ok N - name` passes, `not ok N # SKIP name` is skipped, any other
# `not ok N` fails.  A binary that exits non-zero without reporting a failing
# test (crash, sanitizer abort, timeout) counts as one more failure; so does a
# binary that reports no test at all.  Each binary gets UNIT_TIMEOUT seconds
# (default 300).
set -uo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
cd "$(dirname "$0")/.." || exit 2
BDIR=${1%/}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}

# Sanitizer builds: report and fail loudly, never continue past an error.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=86}
export CMOCKA_MESSAGE_OUTPUT=TAP

pass=0 fail=0 skip=0 nbin=0
failed_bins=()

shopt -s nullglob
for bin in "$BDIR"/tests/test_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	nbin=$((nbin + 1))
	echo "--- $bin"
	out=$(timeout -k 10 "$UNIT_TIMEOUT" "$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -cE '^ok [0-9]+')
	s=$(printf '%s\n' "$out" | grep -cE '^not ok [0-9]+ # SKIP')
	f=$(printf '%s\n' "$out" | grep -E '^not ok [0-9]+' | grep -cvE '^not ok [0-9]+ # SKIP')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "!!! $bin: timed out after ${UNIT_TIMEOUT}s"
		else
			echo "!!! $bin: exit status $rc without a failing test (crash or sanitizer report?)"
		fi
		f=1
	fi
	if [ $((p + s + f)) -eq 0 ]; then
		echo "!!! $bin: reported no tests"
		f=1
	fi
	[ "$f" -gt 0 ] && failed_bins+=("$(basename "$bin")")
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done

if [ "$nbin" -eq 0 ]; then
	echo "!!! no unit test binaries in $BDIR/tests (not built?)"
	fail=$((fail + 1))
fi
if [ ${#failed_bins[@]} -gt 0 ]; then
	echo "failing unit test binaries in $BDIR: ${failed_bins[*]}"
fi
echo "unit($BDIR): $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
