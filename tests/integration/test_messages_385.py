"""Host messages with Debian's sanlock 3.8.5 in the picture
(spec/messages.md §1, §2, §4, §8, §10): a 3.8.5 destination is refused
with -EPROTONOSUPPORT and nothing is queued; our library and CLI never
send commands 41+ to a 3.8.5 daemon (-EPROTONOSUPPORT, no hang); the
fire-timeout guard refuses our host with W != 60 while a 3.8.5 host is
live; a 3.8.5 host is undisturbed by our record in bytes 200..255 (its
leader checks pass, it sees us LIVE); a slot released by us and taken by
a 3.8.5 host carries no stale record.

Hosts: Debian's 3.8.5 daemon (T) and ours (O), `-w 0`, io_timeout 1,
W = 60 except where the guard is tested.  Processes are stopped by pid in
finalizers.
"""

import ctypes
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from helpers import ProcessRegistry, run
from test_messages_lib import (JOIN_MAX, MSG_MAX, RENEWAL, RENEW_SLACK, Host,
                               init_lockspace, join_all, mono, read_message,
                               write_conf)

LM = "msg385"
EPROTONOSUPPORT, EINVAL = -93, -22


@pytest.fixture(scope="module")
def mixed(ours, theirs, _scratch_base):
    e = type("Mixed", (), {})()
    e.procs = ProcessRegistry()
    e.dir = Path(tempfile.mkdtemp(prefix="msg385-", dir=_scratch_base))
    e.run_dirs = []
    e.hosts = []
    e.ours, e.theirs = ours, theirs

    def run_dir(n):
        d = tempfile.mkdtemp(prefix=f"sl-{n}-", dir="/tmp")
        e.run_dirs.append(d)
        return d

    def host(binary, name, **kw):
        h = Host(binary, name, run_dir(name), e.dir / f"{name}.log", e.procs,
                 ours=binary is ours, **kw)
        e.hosts.append(h)
        return h
    e.host = host
    try:
        e.path = str(e.dir / LM)
        with open(e.path, "wb") as f:
            f.truncate(8 << 20)
        init_lockspace(ours, e.path, LM)
        e.T = host(theirs, "m385T")
        e.O = host(ours, "m385O")
        join_all([(e.T, 1), (e.O, 2)], LM, e.path)
        yield e
    finally:
        for h in e.hosts:
            h.stop()
        e.procs.stop_all()
        reports = [h.sanitizer_report() for h in e.hosts if h.ours]
        for d in e.run_dirs:
            shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(e.dir, ignore_errors=True)
        assert not any(reports), reports


def test_385_destination_refused(mixed):
    """§4/§10: a destination whose slot holds a valid leader but no message
    record (a sanlock 3.x host) -> -EPROTONOSUPPORT, nothing queued."""
    O = mixed.O
    O.wait_state(LM, 1, ("UNKNOWN", "LIVE"), JOIN_MAX)
    seq, rv, r = O.host_message(LM, 1, "0x100", wait=True, timeout=30)
    assert rv == EPROTONOSUPPORT, r
    assert r.out == "host_message seq 0\nhost_message done -93\n", r
    time.sleep(RENEWAL + RENEW_SLACK)
    rec = read_message(mixed.ours, LM, mixed.path, 2)
    assert rec["record"] == "valid" and rec["dest_host_id"] == 0, rec
    t = read_message(mixed.ours, LM, mixed.path, 1)
    assert t["record"] == "none" and t["gen"] >= 1, t


def test_no_ext_commands_to_385_daemon(mixed):
    """api.md §8.8: our CLI and library identify the daemon first; a 3.8.5
    daemon (which would never answer 41+) gives -EPROTONOSUPPORT at once."""
    T = mixed.T
    t0 = mono()
    r = mixed.ours("client", "host_message", "-s", LM, "-i", "2", "-m",
                   "0x100", "-w", "1", env=T.env, timeout=30)
    assert r.done_rv("host_message") == EPROTONOSUPPORT, r
    r = mixed.ours("client", "callbacks", "-s", LM, env=T.env, timeout=30)
    assert r.out == "callbacks done -93\n" and r.rc == 1, r
    assert mono() - t0 < 10
    bdir = Path(mixed.ours.path).parents[1]
    lib = bdir / "lib" / "libsanlock.so.1"
    if bdir.name.endswith("san") or not lib.exists():
        return          # a sanitizer-built library cannot go into python
    code = f"""
import ctypes, sys
L = ctypes.CDLL({str(lib)!r})
seq = ctypes.c_uint32(0)
a = L.sanlock_host_message(b"{LM}", ctypes.c_uint64(2), ctypes.c_uint64(0),
                           ctypes.c_uint32(0x100), ctypes.byref(seq),
                           ctypes.c_uint32(0))
b = L.sanlock_reg_lockspace(b"{LM}", ctypes.c_uint32(0))
print(a, b)
"""
    env = dict(os.environ)
    env.update(T.env)
    r = run(["/usr/bin/python3", "-c", code], env=env, timeout=30)
    assert r.rc == 0 and r.out.split() == ["-93", "-93"], r


def test_guard_refuses_w_with_385_host(mixed):
    """§8: our W is not 60 and a live host has no record (3.8.5): the join
    fails with -EINVAL, both values logged, nothing written.  (A lockspace
    of its own, where the 3.8.5 host is the only live one.)"""
    lsg, pg = "msg385g", str(mixed.dir / "msg385g")
    with open(pg, "wb") as f:
        f.truncate(8 << 20)
    init_lockspace(mixed.ours, pg, lsg)
    assert mixed.T.add(lsg, 1, pg) == 0
    conf = write_conf(mixed.dir / "w10.conf", watchdog_fire_timeout=10)
    G = mixed.host(mixed.ours, "m385G", conf=conf)
    before = read_message(mixed.ours, lsg, pg, 3)
    t0 = mono()
    assert G.add(lsg, 3, pg) == EINVAL, G.logtail()
    # one read, then at most one renewal interval of the live host
    assert mono() - t0 <= 2 * (RENEWAL + RENEW_SLACK) + 3
    assert re.search(r"live host 1 is a sanlock 3\.x host \(fire timeout 60\)"
                     r", ours is 10", G.logtext()), G.logtail()
    assert read_message(mixed.ours, lsg, pg, 3) == before
    G.stop()


def test_385_undisturbed_by_our_record(mixed):
    """§1/§2: 3.8.5 decodes only the leader and the bitmap: it sees our host
    LIVE and our leader valid although bytes 200..255 hold our record."""
    T = mixed.T
    T.wait_state(LM, 2, ("LIVE",), JOIN_MAX + 2 * RENEWAL)
    r = mixed.theirs("direct", "read_leader", "-s", f"{LM}:2:{mixed.path}:0",
                     timeout=60)
    assert r.done_rv("read_leader") == 0, r
    assert read_message(mixed.ours, LM, mixed.path, 2)["record"] == "valid"


def test_slot_taken_by_385_has_no_record(mixed):
    """§1: our release keeps the record (ack, no message); a 3.8.5 host
    taking the slot writes zeros there: the new holder shows no record."""
    O = mixed.O
    assert O.rem(LM, 2, mixed.path) == 0
    rec = read_message(mixed.ours, LM, mixed.path, 2)
    assert rec["timestamp"] == 0 and rec["record"] == "valid" and \
        rec["dest_host_id"] == 0, rec
    r = mixed.theirs("direct", "acquire_id", "-s", f"{LM}:2:{mixed.path}:0",
                     "-e", "m385other", "-o", "1", timeout=60)
    assert "acquire_id done 0" in r.out, r
    new = read_message(mixed.ours, LM, mixed.path, 2)
    assert new["record"] == "none" and new["gen"] == rec["gen"] + 1, new
