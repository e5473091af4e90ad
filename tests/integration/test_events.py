"""sanlock 3.8 host events with exact 3.8.5 behaviour (spec/algorithms.md
§8.2, §9; api.md §4.6, §8.6; cli.md set_event; messages.md §5.6, §10):
a 3.8.5 host's set_event reaches our sanlock_get_event and our host_event
callback, ours reaches the 3.8.5 host's get_event; the event_cb bytes are
identical; set_event results (flag precedence, EBUSY, host_id checks), the
published write_* words and bitmap, and the event-fd rules (32 slots,
sweep, -ENOCSI, END_EVENT, EOF when the lockspace goes) are the same for
our daemon and Debian's 3.8.5, driven through Debian's python3-sanlock.

Hosts: Debian's 3.8.5 daemon and ours, `-w 0`, io_timeout 1, W = 60 (a
lockspace shared with a 3.8.5 host, algorithms.md §2.4): renewal 2 s,
set_bitmap_seconds 6 s, so an event is seen about 3 times.  Processes are
stopped by pid in finalizers.
"""

import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from helpers import ProcessRegistry, read_direct, run
from test_messages_lib import (IO, JOIN_MAX, RENEWAL, RENEW_SLACK, Host,
                               init_lockspace, join_all, mono, wait_for)

SYSTEM_PYTHON = "/usr/bin/python3"      # Debian's, with python3-sanlock
SBS = 6 * IO                            # set_bitmap_seconds
# one event: the sender's next renewal writes it, the receiver's next
# renewal sees it
EVENT_MAX = 2 * (RENEWAL + RENEW_SLACK) + 2
SM_MAGIC = 0x04282010
ENOCSI, EBUSY, EINVAL, ENOENT = -50, -16, -22, -2
LE, LA, LB = "evls", "evla", "evlb"


def _need_python_sanlock():
    if run([SYSTEM_PYTHON, "-c", "import sanlock"], timeout=60).rc != 0:
        pytest.skip("python3-sanlock is not installed")


@pytest.fixture(scope="module")
def pair(ours, theirs, _scratch_base):
    """T = Debian's 3.8.5 (host 1 of LE, host 1 of LB), O = ours (host 2 of
    LE, host 1 of LA)."""
    _need_python_sanlock()
    e = type("Pair", (), {})()
    e.procs = ProcessRegistry()
    e.dir = Path(tempfile.mkdtemp(prefix="events-", dir=_scratch_base))
    e.run_dirs = [tempfile.mkdtemp(prefix=f"sl-ev{n}-", dir="/tmp")
                  for n in "TO"]
    e.hosts = []
    e.ours, e.theirs = ours, theirs
    try:
        for ls in (LE, LA, LB):
            p = e.dir / ls
            with open(p, "wb") as f:
                f.truncate(8 << 20)
            init_lockspace(ours, p, ls)
            setattr(e, "p_" + ls, str(p))
        e.T = Host(theirs, "evT", e.run_dirs[0], e.dir / "T.log", e.procs,
                   ours=False)
        e.hosts.append(e.T)
        e.O = Host(ours, "evO", e.run_dirs[1], e.dir / "O.log", e.procs)
        e.hosts.append(e.O)
        join_all([(e.T, 1), (e.O, 2)], LE, e.p_evls)
        assert e.O.add(LA, 1, e.p_evla) == 0
        assert e.T.add(LB, 1, e.p_evlb) == 0
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


def py(host, code, timeout=60):
    """Run python3-sanlock code against host's daemon; its stdout as
    json."""
    env = dict(os.environ)
    env.update(host.env)
    r = run([SYSTEM_PYTHON, "-c", "import sanlock, json, sys\n" + code],
            env=env, timeout=timeout)
    assert r.rc == 0, r
    return json.loads(r.out.strip().splitlines()[-1])


LISTENER = r"""
import sanlock, select, sys, json
fd = sanlock.reg_event(sys.argv[1].encode())
print(json.dumps({"registered": fd}), flush=True)
while True:
    r, _, _ = select.select([fd], [], [], 1.0)
    if not r:
        continue
    try:
        evs = sanlock.get_event(fd)
    except sanlock.SanlockException as e:
        print(json.dumps({"error": e.errno}), flush=True)
        break
    for ev in evs:
        print(json.dumps(ev), flush=True)
"""


class Listener:
    """python3-sanlock reg_event + get_event loop in a process of its own
    (the library caches the daemon's address per process)."""

    def __init__(self, host, procs, ls):
        env = dict(os.environ)
        env.update(host.env)
        self.p = procs.start([SYSTEM_PYTHON, "-c", LISTENER, ls], env=env)
        self.items = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        wait_for(lambda: self.got("registered"), 20, "reg_event")

    def _read(self):
        for line in self.p.stdout:
            with self.lock:
                self.items.append(json.loads(line))

    def got(self, key):
        with self.lock:
            return [i for i in self.items if key in i]

    def events(self):
        with self.lock:
            return [i for i in self.items if "event" in i]

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def raw_reg_event(host, ls):
    """REG_EVENT on a raw socket: (socket, reply header)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(host.run_dir, "sanlock.sock"))
    lsb = ls.encode().ljust(1104, b"\0")
    s.sendall(struct.pack("<8I", SM_MAGIC, 1, 30, 0, 32 + 1104 + 32, 0, 0, 0)
              + lsb + b"\0" * 32)
    h = s.recv(32, socket.MSG_WAITALL)
    return s, struct.unpack("<8I", h)


def recv_event(s, timeout):
    s.settimeout(timeout)
    b = s.recv(80, socket.MSG_WAITALL)
    assert len(b) == 80, b
    return b


def leader_fields(path, host_id):
    """write_id, write_generation, write_timestamp and the bitmap of a
    512-byte delta sector."""
    buf = read_direct(path, 0, 1 << 20)
    s = buf[(host_id - 1) * 512:host_id * 512]
    return struct.unpack_from("<QQQ", s, 176), s[256:512]


# --------------------------------------------------------------------- tests

def test_events_both_ways(pair):
    """§10: a 3.8.5 host's set_event reaches our sanlock_get_event and our
    host_event callback; our set_event reaches the 3.8.5 host's
    sanlock_get_event.  Duplicates: one per sender renewal seen while the
    bit is set (about set_bitmap_seconds / 2*io = 3)."""
    T, O = pair.T, pair.O
    lo, lt = Listener(O, pair.procs, LE), Listener(T, pair.procs, LE)
    cbo = O.callbacks(LE)
    time.sleep(0.5)
    gt = O.hosts(LE)[1][0]
    go = T.hosts(LE)[2][0]
    r = T.client("set_event", "-s", LE, "-i", "2", "-g", "0", "-e", "0x55",
                 "-d", "0x66")
    assert r.out == "set_event 2 0 event 0x55 data 0x66\nset_event done 0\n", r
    r = O.client("set_event", "-s", LE, "-i", "1", "-g", str(gt), "-e",
                 "0x77", "-d", "0x88")
    assert r.out == (f"set_event 1 {gt} event 0x77 data 0x88\n"
                     "set_event done 0\n"), r
    want_o = {"from_host_id": 1, "from_generation": gt, "host_id": 2,
              "generation": 0, "event": 0x55, "data": 0x66}
    want_t = {"from_host_id": 2, "from_generation": go, "host_id": 1,
              "generation": gt, "event": 0x77, "data": 0x88}
    wait_for(lambda: lo.events(), EVENT_MAX, "event at ours")
    wait_for(lambda: lt.events(), EVENT_MAX, "event at 3.8.5")
    line = f"host_event ls {LE} from 1 gen {gt} event 0x55 data 102"
    cbo.wait(lambda L: line in L, EVENT_MAX, line)
    time.sleep(SBS + RENEWAL + RENEW_SLACK)   # the bits have expired
    for lst, want in ((lo, want_o), (lt, want_t)):
        evs = lst.events()
        assert evs and all(ev == want for ev in evs), evs
        assert 1 <= len(evs) <= SBS // (2 * IO) + 1, evs
    assert cbo.texts().count(line) == len(lo.events())
    n = len(lo.events())
    time.sleep(2 * RENEWAL)                   # nothing more once expired
    assert len(lo.events()) == n
    for x in (lo, lt, cbo):
        x.stop()


def test_event_cb_bytes(pair):
    """api.md §8.6: the 80-byte event_cb is byte-identical (header magic,
    version 1, cmd 1, length 80, other fields 0); the REG_EVENT reply
    header too."""
    T, O = pair.T, pair.O
    so, ho = raw_reg_event(O, LE)
    st, ht = raw_reg_event(T, LE)
    assert ho == ht and ho[6] == 0, (ho, ht)
    r = T.client("set_event", "-s", LE, "-i", "2", "-e", "0x31", "-d", "5")
    assert r.done_rv("set_event") in (0, EBUSY)
    if r.done_rv("set_event") == EBUSY:       # the previous one is recent
        time.sleep(SBS)
        r = T.client("set_event", "-s", LE, "-i", "2", "-e", "0x31", "-d", "5")
        assert r.done_rv("set_event") == 0, r
    r = O.client("set_event", "-s", LE, "-i", "1", "-e", "0x31", "-d", "5",
                 "-g", "3")
    assert r.done_rv("set_event") in (0, EBUSY)
    if r.done_rv("set_event") == EBUSY:
        time.sleep(SBS)
        r = O.client("set_event", "-s", LE, "-i", "1", "-e", "0x31", "-d",
                     "5", "-g", "3")
        assert r.done_rv("set_event") == 0, r
    bo = recv_event(so, EVENT_MAX + SBS)
    bt = recv_event(st, EVENT_MAX + SBS)
    assert bo[:32] == bt[:32] == struct.pack("<8I", SM_MAGIC, 1, 1, 0, 80, 0,
                                             0, 0), (bo[:32], bt[:32])
    he_o = struct.unpack_from("<6Q", bo, 32)
    he_t = struct.unpack_from("<6Q", bt, 32)
    assert he_o[:4] == (2, 0, 0x31, 5) and he_o[4] == 1, he_o
    assert he_t[:4] == (1, 3, 0x31, 5) and he_t[4] == 2, he_t
    so.close()
    st.close()


SETEV_CUR, SETEV_CLR_HOST, SETEV_CLR_EV, SETEV_REPL, SETEV_ALL = 1, 2, 4, 8, 16

SET_EVENT_SEQ = [
    # (ls, host_id, generation, event, data, flags)
    ("nols", 0, 0, 1, 0, 0), ("nols", 5, 0, 1, 0, 0),
    ("nols", 3000, 0, 1, 0, 0), ("", 5, 0, 1, 0, 0),
    (None, 0, 0, 1, 0, 0), (None, 2001, 0, 1, 0, 0),
    (None, 2000, 0, 1, 0, 0), (None, 2, 0, 5, 0, 0),
    (None, 2, 0, 1, 9, 0), (None, 3, 4, 5, 7, SETEV_REPL),
    (None, 0, 0, 0, 0, SETEV_CLR_EV),
    (None, 4, 0, 9, 0, SETEV_CLR_EV | SETEV_CLR_HOST | SETEV_REPL),
    (None, 2, 0, 6, 0, 0), (None, 2, 0, 7, 0, 0x100),
    (None, 2, 0, 7, 0, SETEV_CLR_HOST), (None, 1, 0, 6, 1, 0),
    (None, 5, 0, 6, 2, SETEV_ALL), (None, 7, 0, 6, 3, SETEV_CUR),
    (None, 9, 0, 6, 3, SETEV_CLR_HOST | SETEV_ALL),
]

SET_EVENT_CODE = r"""
seq = json.loads(sys.argv[1])
out = []
for ls, hid, gen, ev, data, flags in seq:
    try:
        sanlock.set_event(ls.encode(), hid, gen, ev, data, flags)
        out.append(0)
    except sanlock.SanlockException as e:
        out.append(-e.errno if e.errno > 0 else e.errno)
print(json.dumps(out))
"""


def _set_events(host, ls, seq):
    env = dict(os.environ)
    env.update(host.env)
    calls = [[ls if s[0] is None else s[0], *s[1:]] for s in seq]
    r = run([SYSTEM_PYTHON, "-c", "import sanlock, json, sys\n" +
             SET_EVENT_CODE, json.dumps(calls)], env=env, timeout=60)
    assert r.rc == 0, r
    return json.loads(r.out)


def test_set_event_matches_385(pair):
    """algorithms.md §9.1: every result of the same set_event sequence
    (checks, precedence, EBUSY) equals 3.8.5's, and so do the event words
    and the bitmap each host then publishes (ondisk.md §4.2-§4.3)."""
    res = {}

    def one(name, host, ls):
        res[name] = _set_events(host, ls, SET_EVENT_SEQ)
    ts = [threading.Thread(target=one, args=("ours", pair.O, LA)),
          threading.Thread(target=one, args=("theirs", pair.T, LB))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert res["ours"] == res["theirs"], res
    assert res["ours"][:4] == [EINVAL, ENOENT, EINVAL, EINVAL]
    assert EBUSY in res["ours"]
    # after a renewal of each: same words, same bitmap
    time.sleep(RENEWAL + RENEW_SLACK + 0.5)
    fo = leader_fields(pair.p_evla, 1)
    ft = leader_fields(pair.p_evlb, 1)
    assert fo[0] == ft[0], (fo[0], ft[0])
    assert fo[0] == (0, 6, 3), fo[0]          # CUR_GENERATION of an unused slot
    assert fo[1] == ft[1]
    assert fo[1][0] == 0xFE and fo[1][1] == 0xFE   # ALL_HOSTS; 9 cleared


def test_event_fd_rules_match_385(pair):
    """api.md §8.6: 32 event fds per lockspace, then -ENOCSI; a slot whose
    client closed is swept and reused; reg_event on an unknown / empty
    name; end_event on an unknown lockspace; the same for both daemons."""
    code = r"""
ls = sys.argv[1].encode()
out = []
def tr(f, *a):
    try:
        return f(*a)
    except sanlock.SanlockException as e:
        return -e.errno if e.errno > 0 else e.errno
fds = [tr(sanlock.reg_event, ls) for _ in range(32)]
out.append(all(f >= 0 for f in fds))
out.append(tr(sanlock.reg_event, ls))
import os
os.close(fds[0])
f = tr(sanlock.reg_event, ls)
out.append(f >= 0)
out.append(tr(sanlock.reg_event, ls))
out.append(tr(sanlock.reg_event, b"nols"))
out.append(tr(sanlock.reg_event, b""))
out.append(tr(sanlock.end_event, fds[1], b"nols"))
out.append(tr(sanlock.end_event, fds[2], ls))
out.append(tr(sanlock.reg_event, ls) >= 0)
print(json.dumps(out))
"""
    got = {}
    for name, host, ls in (("ours", pair.O, LA), ("theirs", pair.T, LB)):
        env = dict(os.environ)
        env.update(host.env)
        r = run([SYSTEM_PYTHON, "-c", "import sanlock, json, sys\n" + code,
                 ls], env=env, timeout=60)
        assert r.rc == 0, r
        got[name] = json.loads(r.out)
    assert got["ours"] == got["theirs"], got
    assert got["ours"][:4] == [True, ENOCSI, True, ENOCSI], got
    assert got["ours"][4:6] == [ENOENT, EINVAL], got


def test_client_set_event_output(pair):
    """cli.md set_event: the same lines and exit status as 3.8.5 (the
    example of §2 with -16 for a pending different event)."""
    outs = {}
    time.sleep(SBS + 1)                       # earlier events not pending
    for name, host, ls in (("ours", pair.O, LA), ("theirs", pair.T, LB)):
        rs = [host.client("set_event", "-s", ls, "-i", "1", "-g", "1", "-e",
                          ev, "-d", "0x20") for ev in ("0x10", "0x11")]
        outs[name] = [(r.out, r.rc) for r in rs]
    assert outs["ours"] == outs["theirs"], outs
    assert outs["ours"][1] == ("set_event 1 1 event 0x11 data 0x20\n"
                               "set_event done -16\n", 1)


def test_event_fd_eof_when_lockspace_goes(pair):
    """api.md §8.6: removing the lockspace closes its event fds: the client
    reads end-of-file."""
    O = pair.O
    lsx = "evlx"
    p = pair.dir / lsx
    with open(p, "wb") as f:
        f.truncate(8 << 20)
    init_lockspace(pair.ours, p, lsx)
    assert O.add(lsx, 1, str(p)) == 0
    s, h = raw_reg_event(O, lsx)
    assert h[6] == 0
    assert O.rem(lsx, 1, str(p)) == 0
    s.settimeout(10)
    assert s.recv(80) == b""
    s.close()
