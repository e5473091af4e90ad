#!/bin/sh
# sim_mutants.sh - does the simulator catch planted protocol bugs?
#
# Each mutant is a tiny `#ifdef SIM_MUTANT_<NAME>` block in lease/ (a
# "planted bug for the simulator").  For each one this builds the
# simulator with -DSIM_MUTANT_<NAME> in its own build dir (build-mut-<name>)
# and runs seeds from 1 until the checker reports a violation (at most
# SIM_MUTANT_SEEDS seeds).  A violation counts only if the unmutated
# simulator (build/bin/sanlock-sim) passes the same seed; otherwise the
# search goes on past it.  Then the checker's self-test: faults OUTSIDE
# the storage model of spec/algorithms.md §1A must be caught too.
#
# Output: one line per excluded fault and per mutant, last line exactly
#   mutants: caught=K of M
# Exit status: non-zero if any mutant (or the lost-write self-test) was
# not caught.
#
# Environment: SIM_MUTANT_SEEDS (default 20000), SIM_JOBS (default 2),
# MAKE (default make), SIM_MUTANTS (space-separated subset).

set -u
cd "$(dirname "$0")/.." || exit 2

MAKE=${MAKE:-make}
SEEDS=${SIM_MUTANT_SEEDS:-20000}
JOBS=${SIM_JOBS:-2}
ALL="DELTA_NO_HELD_WAIT DELTA_SHORT_HELD_WAIT DELTA_LATE_TIMESTAMP
     PAXOS_NO_OWNER_WAIT PAXOS_NO_PHASE2_READ PAXOS_NO_ADOPT
     PAXOS_NO_MBAL_ABORT PAXOS_IGNORE_SHARED PAXOS_RELEASE_NO_CHECK"
MUTANTS=${SIM_MUTANTS:-$ALL}
EXCLUDED="lost-write overtake wrong-sector torn-sector clock-rate"
BASE=build/bin/sanlock-sim
MAX_RETRIES=20      # baseline-also-fails seeds skipped per mutant

if ! $MAKE -s -j"$JOBS" "$BASE" >/tmp/sim_mutants.$$.log 2>&1; then
	cat /tmp/sim_mutants.$$.log
	echo "sim_mutants: cannot build $BASE"
	rm -f /tmp/sim_mutants.$$.log
	exit 2
fi
rm -f /tmp/sim_mutants.$$.log

# first_bad BIN START COUNT [ARGS...]: lowest violating seed in
# [START, START+COUNT), nothing, or "crash" when the simulator died (an
# assertion inside lease/ fired: not a catch by the checker).
first_bad() {
	bin=$1; start=$2; count=$3; shift 3
	out=$("$bin" --start "$start" --seeds "$count" --jobs "$JOBS" "$@" 2>&1)
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo crash
		return 0
	fi
	echo "$out" | sed -n 's/^sim: .*, first violating seed \([0-9]*\)$/\1/p'
}

# caught BIN [ARGS...]: seed at which BIN violates while the baseline
# passes, or nothing.
caught() {
	bin=$1; shift
	start=1
	tries=0
	while [ "$start" -le "$SEEDS" ] && [ "$tries" -lt "$MAX_RETRIES" ]; do
		s=$(first_bad "$bin" "$start" $((SEEDS - start + 1)) "$@")
		[ -n "$s" ] || return 0
		if [ "$s" = crash ]; then
			echo crash
			return 0
		fi
		if "$BASE" --seed "$s" -q >/dev/null 2>&1; then
			echo "$s"
			return 0
		fi
		# the unmutated code fails this seed too: not evidence
		start=$((s + 1))
		tries=$((tries + 1))
	done
}

status=0
for x in $EXCLUDED; do
	s=$(caught "$BASE" --allow-excluded-fault="$x")
	if [ -n "$s" ] && [ "$s" != crash ]; then
		echo "excluded-fault $x (outside spec §1A): caught at seed $s"
	else
		echo "excluded-fault $x (outside spec §1A): NOT caught"
		[ "$x" = lost-write ] && status=1
	fi
done

k=0
m=0
for name in $MUTANTS; do
	m=$((m + 1))
	lower=$(echo "$name" | tr 'A-Z_' 'a-z-')
	dir=build-mut-$lower
	mkdir -p "$dir"
	if ! CFLAGS="-DSIM_MUTANT_$name" $MAKE -s -j"$JOBS" B="$dir" \
	     "$dir/bin/sanlock-sim" >"$dir/build.log" 2>&1; then
		echo "mutant $name: BUILD FAILED (see $dir/build.log)"
		status=1
		continue
	fi
	s=$(caught "$dir/bin/sanlock-sim")
	if [ "$s" = crash ]; then
		echo "mutant $name: NOT caught (the simulator crashed first)"
		status=1
	elif [ -n "$s" ]; then
		echo "mutant $name: caught at seed $s"
		k=$((k + 1))
	else
		echo "mutant $name: NOT caught"
		status=1
	fi
done
echo "mutants: caught=$k of $m"
exit $status
