#!/usr/bin/env bash
# run.sh - runs sanlock-bench with the defaults of `make bench` from the
# repository root: ours = $B/bin/sanlock + $B/lib/libsanlock.so.1, peer =
# Debian's /usr/sbin/sanlock + its libsanlock.so.1.  Output (the table and
# the last "bench: ..." line) goes to stdout and to $B/bench/bench.txt;
# progress to stderr.  Extra arguments are passed to sanlock-bench.
set -euo pipefail

cd "$(dirname "$0")/.."
B=${B:-build}
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
PEER_LIB=/usr/lib/$MULTIARCH/libsanlock.so.1

for f in "$B/bin/sanlock-bench" "$B/bin/sanlock" "$B/lib/libsanlock.so.1" \
	 /usr/sbin/sanlock "$PEER_LIB"; do
	if [ ! -e "$f" ]; then
		echo "run.sh: $f is missing (make bench builds/installs it)" >&2
		exit 1
	fi
done
command -v strace >/dev/null || echo "run.sh: strace missing: I/O rows will be n/a" >&2

mkdir -p "$B/bench"
"$B/bin/sanlock-bench" \
	--ours-daemon "$B/bin/sanlock" --ours-lib "$B/lib/libsanlock.so.1" \
	--peer-daemon /usr/sbin/sanlock --peer-lib "$PEER_LIB" \
	"$@" | tee "$B/bench/bench.txt"
