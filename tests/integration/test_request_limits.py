"""A request naming a resource with more than 4 disks (SANLK_MAX_DISKS),
sent on the raw socket protocol (libsanlock refuses it client side):
our daemon answers exactly as Debian's sanlock 3.8.5 daemon does and keeps
the connection usable (spec/api.md §8.4; daemon/request.h req_range_*).

Observed on 3.8.5 and required of ours, for REQUEST, WRITE_RESOURCE,
READ_RESOURCE, READ_RESOURCE_OWNERS and ACQUIRE:
  * the reply's result is -ERANGE (-34); READ_RESOURCE and
    READ_RESOURCE_OWNERS carry the 128-byte resource header they received
    as the reply payload (length 160), the others no payload;
  * the daemon has consumed the request up to the end of that resource
    header, so a client that sent only the header (it cannot know the
    disks are unwanted) gets its next request on the same connection
    answered; ACQUIRE also drops the rest of the request that already
    arrived (up to the header's `length`), so even a full 5-disk acquire
    leaves the registered connection usable.
Each test runs once against our daemon and once against 3.8.5's, with
the same assertions, so a change in either shows up.
"""

import os
import struct
import subprocess
import sys

import pytest

from conftest import build_dir

from test_resources_lib import (CMD, Host, Wire, options_bytes, res_bytes)

ERANGE = 34
REPLY_TIMEOUT = 30     # bound on one reply; a missing reply fails the test
DISKS5 = [("/nonexistent/lease", i * (1 << 20)) for i in range(5)]

# (command, its `data` field, reply payload length)
SINGLE = [
    ("REQUEST", 11, 1, 0),
    ("WRITE_RESOURCE", 19, 0, 0),
    ("READ_RESOURCE", 21, 0, 128),
    ("READ_RESOURCE_OWNERS", 24, 0, 128),
]


@pytest.fixture(params=["ours", "theirs"])
def daemon(request, procs, run_dir, workdir):
    who = request.param
    binary = request.getfixturevalue(who)
    return Host(binary, who, f"limits-{who}", run_dir(who),
                workdir / f"daemon-{who}.log", procs)


def raw_reply(w):
    """(header fields, payload) of the next reply."""
    h = struct.unpack("<8I", w.recv_exact(32))
    body = w.recv_exact(h[4] - 32) if h[4] > 32 else b""
    return h, body


def signed(v):
    return struct.unpack("<i", struct.pack("<I", v))[0]


def assert_version_answered(w, daemon):
    rv, _, _ = w.call(CMD["VERSION"])
    assert rv == 0, f"{daemon.who}: VERSION after the error got {rv}"


@pytest.mark.san
@pytest.mark.parametrize("num_disks", [5, 6, 0xFFFFFFFF])
@pytest.mark.parametrize("name,cmd,data,echo", SINGLE, ids=[s[0] for s in SINGLE])
def test_single_resource_too_many_disks(daemon, name, cmd, data, echo,
                                        num_disks):
    hdr = res_bytes("LSX", "RESY", [], num_disks=num_disks, lver=7, flags=0x4)
    with Wire(daemon.run_dir, timeout=REPLY_TIMEOUT) as w:
        w.send(cmd, 0, data, 0, hdr)
        h, body = raw_reply(w)
        assert h[2] == cmd and signed(h[6]) == -ERANGE, \
            f"{daemon.who} {name}: reply {h}\n{daemon.logtail()}"
        assert h[4] == 32 + echo and len(body) == echo
        if echo:
            assert body == hdr, f"{daemon.who} {name}: echo differs"
        # the connection stays usable, twice over
        assert_version_answered(w, daemon)
        w.send(cmd, 0, data, 0, hdr)
        h, body = raw_reply(w)
        assert signed(h[6]) == -ERANGE
        assert_version_answered(w, daemon)
    assert daemon.p.poll() is None


@pytest.mark.san
@pytest.mark.parametrize("mode", ["header-only", "two-res-header-only",
                                  "second-bad", "full"])
def test_acquire_too_many_disks(daemon, workdir, mode):
    good = res_bytes("LSX", "R1", [(str(workdir / "none"), 0)])
    if mode == "header-only":
        count, payload = 1, res_bytes("LSX", "R", DISKS5, with_disks=False)
    elif mode == "two-res-header-only":
        count, payload = 2, res_bytes("LSX", "R", DISKS5, with_disks=False)
    elif mode == "second-bad":
        count, payload = 2, good + res_bytes("LSX", "R2", DISKS5,
                                              with_disks=False)
    else:   # everything a client would send, disks and options included
        count, payload = 1, res_bytes("LSX", "R", DISKS5) + options_bytes()
    with Wire(daemon.run_dir, timeout=REPLY_TIMEOUT) as w:
        w.register()
        w.send(CMD["ACQUIRE"], 0, count, -1, payload)
        h, body = raw_reply(w)
        assert h[2] == CMD["ACQUIRE"] and signed(h[6]) == -ERANGE, \
            f"{daemon.who} {mode}: reply {h}\n{daemon.logtail()}"
        assert h[4] == 32 and body == b""
        # same registered connection: still answered, nothing held
        rv, count_held, _ = w.call(CMD["INQUIRE"], 0, 0, -1)
        assert (rv, count_held) == (0, 0), f"{daemon.who} {mode}: inquire {rv}"
    assert daemon.p.poll() is None


# set_lvb with more than 4096 bytes is refused from the header alone: the
# daemon answers -E2BIG and closes without reading the lvb.  A client still
# sending it then gets EPIPE; our library must still return the daemon's
# answer (a 1 MiB lvb cannot fit in the socket buffers, so the send is
# still under way when the daemon closes, every time).
DEBIAN_LIB = "/usr/lib/x86_64-linux-gnu/libsanlock_client.so.1"
SET_LVB_PROG = r"""
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
res = bytearray(128 + 264)
res[0:3] = b"LSX"; res[48:51] = b"RLV"
res[112:116] = (1).to_bytes(4, "little")          # num_disks
size = int(sys.argv[2])
lvb = ctypes.create_string_buffer(size)
rv = lib.sanlock_set_lvb(0, (ctypes.c_char * len(res)).from_buffer(res),
                         lvb, size)
print(rv)
"""


@pytest.mark.parametrize("size", [4097, 1 << 20])
@pytest.mark.parametrize("lib", ["libsanlock.so.1", "libsanlock_client.so.1",
                                 "debian"])
def test_set_lvb_over_limit_through_library(daemon, size, lib):
    env = dict(os.environ)
    env["SANLOCK_RUN_DIR"] = daemon.run_dir
    path = str(build_dir() / "lib" / lib) if lib != "debian" else DEBIAN_LIB
    if not os.path.exists(path):
        pytest.skip(f"{path} is not installed (package libsanlock-client1)")
    for _ in range(3):
        p = subprocess.run([sys.executable, "-c", SET_LVB_PROG, path,
                            str(size)], env=env, capture_output=True,
                           text=True, timeout=REPLY_TIMEOUT)
        assert p.returncode == 0, p.stderr
        assert p.stdout.strip() == "-7", \
            f"{daemon.who}: set_lvb({size}) gave {p.stdout}\n{daemon.logtail()}"
    assert_version_answered_fresh(daemon)


def assert_version_answered_fresh(daemon):
    with Wire(daemon.run_dir, timeout=REPLY_TIMEOUT) as w:
        assert_version_answered(w, daemon)


def test_set_lvb_over_limit_skips_the_lvb(daemon):
    """Ours skips the refused lvb and reads the next request (3.8.5 reads
    the lvb's bytes as headers instead: nothing to compare there)."""
    if daemon.who != "ours":
        pytest.skip("3.8.5 parses the refused lvb as request headers")
    res = res_bytes("LSX", "RLV", [("/nonexistent/lease", 0)])
    with Wire(daemon.run_dir, timeout=REPLY_TIMEOUT) as w:
        for size in (4097, 1 << 20):
            w.send(CMD["SET_LVB"], 0, 0, 0, res + bytes(size))
            h, body = raw_reply(w)
            assert signed(h[6]) == -7 and body == b"", \
                f"set_lvb({size}): reply {h}\n{daemon.logtail()}"
            assert_version_answered(w, daemon)
    assert daemon.p.poll() is None
