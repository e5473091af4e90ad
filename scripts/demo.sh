#!/usr/bin/env bash
# demo.sh - build everything, then run three simulated hosts (three of our
# sanlock daemons, each with its own run dir and host name) on one lease
# file under build/demo/, narrated as a timeline:
#
#   host1 takes the lease of resource vm1, host2 is refused while host1 is
#   alive, host1 crashes (its daemon and lease holder are SIGKILLed), and
#   host2 takes vm1 over once the protocol allows: after host1's delta lease
#   has not been renewed for host_dead_seconds = 8*io_timeout + W
#   (io_timeout 1, W 60: 68 s), never before.
#
# The daemons run with -w 0 (no watchdog: in a real cluster host1's watchdog
# would have reset it by then, which is what makes the wait safe).
# Environment: SANLOCK (binary to use, default build/bin/sanlock),
# DEMO_NO_BUILD=1 (skip deps + make, e.g. for an installed binary),
# DEMO_DIR (work dir, default build/demo).  Every process it starts is
# stopped by pid when it exits, also on failure or Ctrl-C.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SANLOCK=${SANLOCK:-$ROOT/build/bin/sanlock}
DEMO=${DEMO_DIR:-$ROOT/build/demo}
LEASES=$DEMO/leases
IO=1                       # io_timeout of every host (seconds)
W=60                       # watchdog fire timeout sanlock assumes
HOST_DEAD=$((8 * IO + W))  # algorithms.md §2.1
LS=demo
RES="demo:vm1:$LEASES:1048576"

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B= N=; fi
T0=$(date +%s)
say()  { printf '\n%s[%3ds] %s%s\n' "$B" "$(( $(date +%s) - T0 ))" "$*" "$N"; }
show() { printf '$ %s\n' "$*"; "$@"; }

if [ "${DEMO_NO_BUILD:-0}" != 1 ]; then
	say "Installing missing build dependencies (Debian packages)"
	./scripts/deps.sh
	say "Building (make -j2): programs in build/bin, libraries in build/lib"
	make -j2 >/dev/null
fi

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$DEMO"
mkdir -p "$DEMO"
host() {                   # host N sanlock-args...: run as host N
	local n=$1; shift
	SANLOCK_RUN_DIR=$DEMO/host$n "$SANLOCK" "$@"
}
wait_for() {               # wait_for SECONDS DESCRIPTION command...
	local limit=$1 what=$2 i; shift 2
	for ((i = 0; i < limit * 10; i++)); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	echo "demo: timed out waiting for $what" >&2
	return 1
}
# holding (not "ADD": acquire in progress, not "REM"): the line ends in the pid
holds() { host "$1" client status | grep -Eq "^r demo:vm1:.* p [0-9]+$"; }

say "A 3 MiB lease file shared by three hosts: $LEASES"
truncate -s 3M "$LEASES"
show "$SANLOCK" direct init -s "$LS:0:$LEASES:0" -o "$IO"
echo "(-o $IO records io_timeout $IO in every slot: a first join waits 2 x that)"
show "$SANLOCK" direct init -r "$RES"

say "Starting three sanlock daemons: host1, host2, host3 (own run dirs)"
for n in 1 2 3; do
	mkdir -p "$DEMO/host$n"
	SANLOCK_RUN_DIR=$DEMO/host$n SANLOCK_PRIVILEGED=0 \
		"$SANLOCK" daemon -D -w 0 -l 0 -h 0 -U root -G root -e "host$n" \
		>"$DEMO/host$n/daemon.log" 2>&1 &
	PIDS+=($!)
	eval "DAEMON$n=$!"
	disown $!
done
for n in 1 2 3; do
	wait_for 10 "host$n's daemon" test -S "$DEMO/host$n/sanlock.sock"
done

say "Each host joins lockspace '$LS' with its own host_id (io_timeout $IO s: about 2 s)"
for n in 1 2 3; do
	host "$n" client add_lockspace -s "$LS:$n:$LEASES:0" -o "$IO" >"$DEMO/host$n/add.out" &
	eval "ADD$n=$!"
done
for n in 1 2 3; do eval "wait \$ADD$n"; sed "s/^/host$n: /" "$DEMO/host$n/add.out"; done
show host 1 client gets -h 1

say "host1 takes the lease of resource vm1 for a process (sleep 3600 holds it)"
host 1 client command -r "$RES" -c /bin/sleep 3600 >/dev/null 2>&1 &
HOLDER1=$!
PIDS+=("$HOLDER1")
disown "$HOLDER1"
wait_for 30 "host1 to hold vm1" holds 1
show host 1 client status

say "host2 asks for vm1 too: refused, its owner host1 is alive"
show host 2 client command -r "$RES" -c /bin/true || true
echo "(-243 = SANLK_ACQUIRE_IDLIVE: the owner is renewing its delta lease)"

say "host1 crashes: its daemon and its lease holder are killed (SIGKILL)"
kill -KILL "$DAEMON1" "$HOLDER1"
CRASH=$(date +%s)
echo "host1 stops renewing; host2 may take vm1 only after host1's delta lease"
echo "has been stale for 8 x io_timeout + W = $HOST_DEAD s (its watchdog would"
echo "have reset it by then)."

say "host2 keeps asking for vm1 (a new attempt whenever the last was refused)"
echo "While host1 still looks alive an attempt is refused at once (-243); once"
echo "host1's lease has gone stale, host2's daemon waits out the rest itself."
TRIES=0
try_host2() {
	host 2 client command -r "$RES" -c /bin/sleep 3600 >/dev/null 2>&1 &
	HOLDER2=$!
	PIDS+=("$HOLDER2")
	disown "$HOLDER2"
	TRIES=$((TRIES + 1))
}
try_host2
last=""
until holds 2; do
	now=$(date +%s)
	if ! kill -0 "$HOLDER2" 2>/dev/null; then try_host2; fi
	left=$((CRASH + HOST_DEAD - now))
	state=$(host 2 client gets -h 1 | awk '/^h 1 /{print $NF}')
	line="  host1 is ${state:-?}; at least ~$(( left > 0 ? left : 0 )) s to go"
	if [ "$line" != "$last" ] && [ $(( (now - CRASH) % 5 )) = 0 ]; then
		echo "$line"; last=$line
	fi
	if [ $((now - CRASH)) -gt $((HOST_DEAD + 8 * IO + 30)) ]; then
		echo "demo: host2 did not get vm1 in time" >&2; exit 1
	fi
	sleep 1
done
TOOK=$(( $(date +%s) - CRASH ))
say "host2 holds vm1 (attempt $TRIES), $TOOK s after host1 crashed ($HOST_DEAD s after host1's last renewal, which came at most $((2 * IO)) s before the crash)"
show host 2 client status
show host 2 client gets -h 1

say "host3 asks for vm1: refused, the new owner host2 is alive"
show host 3 client command -r "$RES" -c /bin/true || true

say "On disk: vm1's leader now names host_id 2 with a higher lease version"
show "$SANLOCK" direct dump "$LEASES"

say "Done: two hosts never held vm1 at the same time."
