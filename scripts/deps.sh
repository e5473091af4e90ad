#!/usr/bin/env bash
# deps.sh - install everything the build, the demo and the tests need on
# Debian 12 (bookworm).  Idempotent: a package is installed only when
# dpkg says it is missing, and `apt-get update` runs at most once, only
# if something has to be installed.  Needs root (or sudo) only in that case.
#
# Debian's own sanlock 3.8.5 (packages sanlock, libsanlock-dev,
# python3-sanlock) is installed as a black-box peer for interoperability
# tests; its services are NOT started by this script (a temporary
# policy-rc.d forbids it while apt runs), and no test talks to a system
# daemon: every test uses its own SANLOCK_RUN_DIR.
set -euo pipefail

PKGS=(
	build-essential      # gcc, make
	pkg-config
	libaio-dev           # disk/: Linux AIO
	libcmocka-dev        # tests/unit
	python3
	python3-pytest       # tests/integration (run with /usr/bin/python3)
	python3-pytest-xdist # run integration test files in parallel (mostly waits)
	sanlock              # Debian's sanlock 3.8.5: the reference peer
	libsanlock-dev       # its headers: ABI tests compile against them
	python3-sanlock      # its python binding: ABI tests load our .so under it
	libfuse3-dev fuse3   # fault-injecting file system for I/O tests
	clang libclang-rt-14-dev   # fuzzers (libFuzzer runtime)
	util-linux           # losetup, blockdev
	dmsetup              # device-mapper error/delay targets
	xxd                  # hex dumps in the demo and in test diagnostics
	e2fsprogs            # chattr (read-only file tests)
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	if [ "$st" != "install ok installed" ]; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

echo "deps: installing: ${missing[*]}"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	else
		echo "deps: not root and no sudo: install these packages first: ${missing[*]}" >&2
		exit 1
	fi
fi

# Keep package scripts from starting sanlock/wdmd services while we install
# (Debian's standard policy-rc.d mechanism; exit 101 = "action forbidden").
# An existing policy file is left alone.
POLICY=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
	"${SUDO[@]}" chmod 755 "$POLICY"
	made_policy=1
fi
cleanup() {
	if [ "$made_policy" = 1 ]; then
		"${SUDO[@]}" rm -f "$POLICY"
	fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: done"
