#!/usr/bin/env bash
# fuzz/run.sh - run the libFuzzer binaries built by mk/fuzz.mk.
#
#   fuzz/run.sh run     BUILD_DIR SECONDS TARGET...   bounded fuzzing
#   fuzz/run.sh regress BUILD_DIR 0       TARGET...   every input once
#   fuzz/run.sh cov     BUILD_DIR 0       TARGET...   line coverage
#
# run: one target at a time, single process, for SECONDS each, starting
# from fuzz/corpus/<t> and fuzz/regress/<t> (read only); new inputs go to
# BUILD_DIR/corpus/<t>, crash/leak/timeout inputs to
# BUILD_DIR/artifacts/<t>/, the log to BUILD_DIR/logs/<t>.log.
# regress: each file of fuzz/corpus/<t> and fuzz/regress/<t> is run once.
# cov: BUILD_DIR/cov/bin/<t> runs every seed, regression and grown input;
# per-file line coverage of the sources under test goes to
# BUILD_DIR/cov/report.txt (the fuzz/ harness files themselves excluded).
# Prints one line per target; exits 1 if any target failed.
set -uo pipefail

if [ $# -lt 4 ]; then
	echo "usage: $0 run|regress BUILD_DIR SECONDS TARGET..." >&2
	exit 2
fi
cd "$(dirname "$0")/.." || exit 2
mode=$1 bdir=${2%/} secs=$3
shift 3

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ "$mode" = cov ] && ! command -v llvm-profdata >/dev/null; then
	echo "fuzz cov: llvm-profdata / llvm-cov not found (Debian: llvm-14)" >&2
	exit 1
fi

failed=()
for t in "$@"; do
	bin=$bdir/bin/$t
	if [ ! -x "$bin" ]; then
		echo "fuzz $t: $bin not built" >&2
		failed+=("$t")
		continue
	fi
	seeds=()
	for d in fuzz/corpus/$t fuzz/regress/$t; do
		[ -d "$d" ] && seeds+=("$d")
	done
	dict=()
	[ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
	mkdir -p "$bdir/logs"
	log=$bdir/logs/$t.log

	if [ "$mode" = cov ]; then
		cbin=$bdir/cov/bin/$t
		mkdir -p "$bdir/cov/prof"
		dirs=("${seeds[@]}")
		[ -d "$bdir/corpus/$t" ] && dirs+=("$bdir/corpus/$t")
		rm -f "$bdir/cov/prof/$t".*
		LLVM_PROFILE_FILE="$bdir/cov/prof/$t.%p.profraw" \
			"$cbin" -runs=0 -rss_limit_mb=2560 "${dirs[@]}" >"$log" 2>&1
		rc=$?
		llvm-profdata merge -sparse -o "$bdir/cov/prof/$t.profdata" \
			"$bdir/cov/prof/$t".*.profraw || rc=1
		{
			echo "== $t"
			llvm-cov report "$cbin" -instr-profile="$bdir/cov/prof/$t.profdata" \
				-ignore-filename-regex='(^|/)fuzz/' | \
				awk 'NF == 13 && $1 != "Filename" {
					printf "  %-28s lines %5s missed %5s  line %7s  branch %7s\n",
					       $1, $8, $9, $10, $13 }'
		} >>"$bdir/cov/report.txt.new"
		echo "fuzz $t: rc=$rc coverage (see $bdir/cov/report.txt)"
	elif [ "$mode" = run ]; then
		mkdir -p "$bdir/corpus/$t" "$bdir/artifacts/$t"
		"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2560 \
			-print_final_stats=1 "${dict[@]}" \
			-artifact_prefix="$bdir/artifacts/$t/" \
			"$bdir/corpus/$t" "${seeds[@]}" >"$log" 2>&1
		rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
		ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1)
		echo "fuzz $t: rc=$rc ${secs}s execs=${execs:-?} exec/s=${eps:-?} ${cov:-cov: ?} ${ft:-ft: ?} (log $log)"
	else
		files=()
		for d in "${seeds[@]}"; do
			while IFS= read -r -d '' f; do
				files+=("$f")
			done < <(find "$d" -type f ! -name '.*' -print0 | sort -z)
		done
		if [ ${#files[@]} -eq 0 ]; then
			echo "fuzz $t: no inputs in fuzz/corpus/$t or fuzz/regress/$t" >&2
			failed+=("$t")
			continue
		fi
		"$bin" -timeout=25 -rss_limit_mb=2560 "${files[@]}" >"$log" 2>&1
		rc=$?
		echo "fuzz $t: rc=$rc regress ${#files[@]} inputs (log $log)"
	fi
	if [ $rc -ne 0 ]; then
		failed+=("$t")
		grep -m5 -E 'ERROR|FUZZ INVARIANT|runtime error|Assertion|Test unit written' "$log" | sed 's/^/    /'
	fi
done

if [ "$mode" = cov ] && [ -f "$bdir/cov/report.txt.new" ]; then
	mv "$bdir/cov/report.txt.new" "$bdir/cov/report.txt"
	cat "$bdir/cov/report.txt"
fi
if [ ${#failed[@]} -ne 0 ]; then
	echo "fuzz: FAILED: ${failed[*]}" >&2
	exit 1
fi
exit 0
