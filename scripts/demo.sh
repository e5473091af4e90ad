#!/usr/bin/env bash
# demo.sh - build everything, then show our `sanlock` writing and reading
# lease areas on a plain file, narrated step by step.  Works from any
# directory; everything it creates is under build/demo/.
#
# (Today: the on-disk format and the `direct` tools.  Later this grows into
# a multi-host demo with daemons sharing one lease file.)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SANLOCK=$ROOT/build/bin/sanlock
DEMO=$ROOT/build/demo
LEASES=$DEMO/leases

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B= N=; fi
say()  { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "Installing missing build dependencies (Debian packages)"
./scripts/deps.sh

say "Building (make -j2): programs in build/bin, libraries in build/lib"
make -j2 >/dev/null
ls -l build/bin/sanlock

# Our commands never need a daemon here, but make sure nothing could reach
# a system daemon at /run/sanlock either.
export SANLOCK_RUN_DIR=$DEMO/run
mkdir -p "$DEMO" "$SANLOCK_RUN_DIR"

say "Creating a 4 MiB lease file: $LEASES"
rm -f "$LEASES"
truncate -s 4M "$LEASES"
echo "A regular file counts as 512-byte sectors, so each lease area is 1 MiB (512/1M)."

say "Initialising lockspace 'demo' at offset 0: 2000 host_id slots (delta leases)"
show "$SANLOCK" direct init -s "demo:0:$LEASES:0"

say "Initialising resource 'vm1' at 1 MiB and 'vm2' at 2 MiB (paxos leases)"
show "$SANLOCK" direct init -r "demo:vm1:$LEASES:1M"
show "$SANLOCK" direct init -r "demo:vm2:$LEASES:2097152" -n 4
echo "(vm2 was given -n 4: only 4 hosts take part in its ballots)"

say "Dumping the file: the lockspace prints no line until a host joins; one line per resource"
show "$SANLOCK" direct dump "$LEASES"

say "Reading host_id 1's delta lease in lockspace 'demo'"
show "$SANLOCK" direct read_leader -s "demo:1:$LEASES:0"

say "Reading the leader record of resource 'vm2'"
show "$SANLOCK" direct read_leader -r "demo:vm2:$LEASES:2M"

say "The first 200 bytes on disk (host_id 1's delta lease record, little-endian)"
xxd -l 208 -g 1 "$LEASES" | grep -v ': 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00' || true
echo "magic 0x12212010, version 0x30004, flags 0x10 (1M), sector size 512, name 'demo',"
echo "checksum at byte 168, io_timeout 10 at byte 174."

if [ -x /usr/sbin/sanlock ]; then
	say "Debian's sanlock 3.8.5 reads our file the same way"
	show /usr/sbin/sanlock direct dump "$LEASES"
fi

say "Done. Files are in $DEMO"
