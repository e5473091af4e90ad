"""The daemon's lockspaces (spec/algorithms.md §2-§4, §10.1, §11.3, §12;
cli.md §1.8, §3.1-§3.3; api.md §4.3): joining, host status tracking,
detection of a dead host, host_id contention, removal, bad input - with
our daemons and with Debian's sanlock 3.8.5 as a peer on the same disk.

Every daemon runs unprivileged with its own SANLOCK_RUN_DIR and host name
(-e), `-w 0`, and joins with io_timeout 1 (`add_lockspace -o 1`), so
W = 60 and: renewal 2*io = 2 s, fail 8*io = 8 s, host_dead 8*io + W = 68 s,
held wait before taking a slot another name holds 8*io + W = 68 s.
Every wait is derived from those formulas and polls for its condition.
Daemons are stopped by pid (SIGKILL) in a finalizer, also on failure.

The ~70 s waits (dead detection, host_id contention) all run inside ONE
test, in parallel, so the file stays well under 6 minutes.
"""

import os
import re
import signal
import subprocess
import threading
import time

import pytest

from helpers import SANITIZER_MARKERS, MiB, decode_leader, read_direct

IO = 1                                  # io_timeout of every join here
W = 60                                  # watchdog fire timeout (3.8.5: fixed)
RENEWAL = 2 * IO                        # id_renewal_seconds
FAIL = 8 * IO                           # id_renewal_fail_seconds
HOST_DEAD = 8 * IO + W                  # host_dead_seconds
HELD_WAIT = 8 * IO + W                  # delta held-wait (slot io = 1)
SHORT_DELAY = 2 * IO
# A free join: 2*io short delay + up to 3*io of I/O + 3.8.5's 1 s poll.
JOIN_MAX = SHORT_DELAY + 3 * IO + 1 + 2
# A join over a live holder: held wait + read (+ I/O) then -262.
BUSY_MAX = HELD_WAIT + SHORT_DELAY + 4 * IO + 1 + 3
# Another host's LIVE: UNKNOWN until our 2nd examination shows a change.
LIVE_MAX = JOIN_MAX + 3 * (RENEWAL + 2) + 2
SLACK = 2                               # scheduling + whole-second clocks
POLL = 0.25

STATE_RE = re.compile(r"^h (\d+) gen (\d+) timestamp (\d+) (\w+)$")


def mono():
    return time.clock_gettime(time.CLOCK_MONOTONIC)


# ------------------------------------------------------------------ daemons

class Daemon:
    """One sanlock daemon = one host.  Started through the `procs`
    registry; stop()/kill() signal only this pid."""

    def __init__(self, binary, who, name, run_dir, logfile, procs,
                 watchdog=0):
        self.binary = binary
        self.who = who
        self.name = name
        self.run_dir = str(run_dir)
        self.env = {"SANLOCK_RUN_DIR": self.run_dir,
                    "SANLOCK_PRIVILEGED": "0"}
        self.log = open(logfile, "wb")
        self.logfile = logfile
        env = dict(os.environ)
        env.update(self.env)
        if binary.env:
            env.update(binary.env)
        self.p = procs.start([binary.path, "daemon", "-D", "-w", str(watchdog),
                              "-l", "0", "-h", "0", "-U", "root",
                              "-G", "root", "-e", name],
                             env=env, stdout=self.log, stderr=self.log)
        deadline = mono() + 15
        while True:
            r = self.client("status", timeout=10)
            if r.rc == 0 and r.out.startswith("daemon "):
                break
            assert self.p.poll() is None, \
                f"{who} daemon {name} exited: {self.p.returncode}\n{self.logtail()}"
            assert mono() < deadline, f"{who} daemon {name} not ready:\n{r}"
            time.sleep(0.1)

    def client(self, *args, timeout=BUSY_MAX + 60):
        return self.binary("client", *args, env=self.env, timeout=timeout)

    def kill(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.wait()

    def stop(self):
        """Ours: forced shutdown (releases every lease; lets a sanitizer
        build check for leaks at exit), bounded; then SIGKILL whatever is
        left.  3.8.5: SIGKILL."""
        if self.who == "ours" and self.alive():
            self.client("shutdown", "-f", "1", timeout=10)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def sanitizer_report(self):
        self.log.flush()
        try:
            with open(self.logfile, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return None
        for m in SANITIZER_MARKERS:
            i = text.find(m)
            if i >= 0:
                return text[max(0, i - 200):i + 3000]
        return None

    def alive(self):
        return self.p.poll() is None

    def logtail(self, n=40):
        self.log.flush()
        try:
            with open(self.logfile, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(
                    errors="replace")
        except OSError:
            return ""

    # ---- commands ----

    def add(self, ls, host_id, path, io=IO, offset=0):
        t0 = mono()
        r = self.client("add_lockspace", "-o", str(io), "-s",
                        f"{ls}:{host_id}:{path}:{offset}")
        rv = r.done_rv("add_lockspace_timeout" if io != 10 else "add_lockspace")
        assert rv is not None, f"{self.who}: no add result\n{r}"
        return rv, mono() - t0

    def rem(self, ls, host_id, path, offset=0):
        t0 = mono()
        r = self.client("rem_lockspace", "-s", f"{ls}:{host_id}:{path}:{offset}")
        rv = r.done_rv("rem_lockspace")
        assert rv is not None, f"{self.who}: no rem result\n{r}"
        return rv, mono() - t0

    def inq(self, ls, host_id, path, offset=0):
        r = self.client("inq_lockspace", "-s", f"{ls}:{host_id}:{path}:{offset}")
        return r.done_rv("inq_lockspace")

    def gets(self):
        """{lockspace: {"flags": "ADD"/"REM"/"", "hosts": {id: (gen, ts, state)},
        "note": "hosts not ready" | "hosts error -2" | None}}"""
        r = self.client("gets", "-h", "1", timeout=30)
        assert r.rc == 0, f"{self.who} gets failed\n{r}"
        out, cur = {}, None
        for line in r.out.splitlines():
            if line.startswith("s "):
                assert line.endswith(" "), f"gets line without trailing space: {line!r}"
                spec, _, flag = line[2:].partition(" ")
                name = spec.split(":", 1)[0]
                cur = out[name] = {"flags": flag.strip(), "hosts": {},
                                   "note": None}
            elif line.startswith("h "):
                m = STATE_RE.match(line)
                assert m, f"bad host line {line!r}"
                cur["hosts"][int(m.group(1))] = (
                    int(m.group(2)), int(m.group(3)), m.group(4))
            elif line.strip():
                cur["note"] = line.strip()
        return out

    def host_status(self, ls):
        """{host_id: {key: value}} from `host_status -s LS -D`."""
        r = self.client("host_status", "-s", ls, "-D", timeout=30)
        hosts, cur = {}, None
        for line in r.out.splitlines():
            if line.startswith("    "):
                k, _, v = line.strip().partition("=")
                cur[k] = v
            elif line.strip():
                hid, _, ts = line.partition(" timestamp ")
                cur = hosts[int(hid)] = {"timestamp_line": int(ts)}
        return hosts

    def status_ls(self):
        """{lockspace: {key: value}} from `client status -D`."""
        r = self.client("status", "-D", timeout=30)
        spaces, cur = {}, None
        for line in r.out.splitlines():
            if line.startswith("s "):
                cur = spaces[line[2:].split(":", 1)[0]] = {"line": line}
            elif line.startswith("    ") and cur is not None:
                k, _, v = line.strip().partition("=")
                cur[k] = v
            else:
                cur = None
        return spaces

    def state_of(self, ls, host_id):
        g = self.gets().get(ls)
        if not g:
            return None
        h = g["hosts"].get(host_id)
        return h[2] if h else None


@pytest.fixture
def daemons(procs, run_dir, workdir):
    """daemons(binary, who, name) -> Daemon; every one is SIGKILLed by pid
    at teardown (also when the test failed)."""
    made = []

    def start(binary, who, name, watchdog=0):
        d = Daemon(binary, who, name, run_dir(name[:8]),
                   workdir / f"daemon-{name}.log", procs, watchdog)
        made.append(d)
        return d
    yield start
    reports = []
    for d in made:
        d.stop()
        rep = d.sanitizer_report()
        if rep:
            reports.append(f"{d.who} {d.name}:\n{rep}")
        d.log.close()
    if reports:
        pytest.fail("sanitizer report in daemon logs:\n" + "\n".join(reports))


@pytest.fixture
def lockspace(ours, workdir):
    """lockspace(name, size=1 MiB) -> path of a file formatted by
    `sanlock direct init -s NAME:0:PATH:0 -o 1` (our binary)."""
    def make(name, size=1 * MiB, io=IO, fname=None):
        path = workdir / f"{fname or name}.img"
        with open(path, "wb") as f:
            f.truncate(size)
        r = ours.direct("init", "-s", f"{name}:0:{path}:0", "-o", str(io))
        assert r.rc == 0 and r.done_rv("init") == 0, f"init failed\n{r}"
        return path
    return make


def in_threads(*fns):
    """Run fns at the same moment (barrier) in threads; their results in
    order.  An exception in a thread fails the test."""
    out = [None] * len(fns)
    err = []
    barrier = threading.Barrier(len(fns))

    def run(i, fn):
        try:
            barrier.wait()
            out[i] = fn()
        except BaseException as e:          # noqa: B902 - re-raised below
            err.append(e)
    ts = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(fns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if err:
        raise err[0]
    return out


def wait_for(what, cond, bound, poll=POLL):
    """Poll cond() until it returns a true value; fail after bound s."""
    t0 = mono()
    while True:
        v = cond()
        if v:
            return v, mono() - t0
        assert mono() - t0 < bound, f"not within {bound} s: {what}"
        time.sleep(poll)


def slot(path, host_id, ss=512):
    return decode_leader(read_direct(path, 0, 4096 * ((host_id * ss) // 4096 + 1))
                         [(host_id - 1) * ss:(host_id - 1) * ss + 200])


def py_sanlock():
    try:
        import sanlock                  # noqa: F401 - Debian's python3-sanlock
        return sanlock
    except ImportError:
        return None


def py_get_hosts(d, ls, host_id=0):
    """get_hosts through Debian's python3-sanlock (its libsanlock talking
    to our daemon), in a child so SANLOCK_RUN_DIR is the daemon's."""
    code = ("import sanlock, sys; "
            f"print(sanlock.get_hosts({ls.encode()!r}, {host_id}))")
    env = dict(os.environ)
    env.update(d.env)
    p = subprocess.run(["/usr/bin/python3", "-c", code], env=env,
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


# ------------------------------------------------- the long, parallel test

class DeathWatch:
    """A watcher daemon looking at victim host_id in lockspace ls after
    the victim was killed at t_kill: records when FAIL and DEAD were first
    seen and the watcher's last_live for that slot (its own clock, which
    is our CLOCK_MONOTONIC: same machine)."""

    def __init__(self, label, watcher, ls, victim_id):
        self.label = label
        self.watcher = watcher
        self.ls = ls
        self.victim_id = victim_id
        self.seen = []                  # (t_before, t_after, state)
        self.first = {}                 # state -> (t_before, t_after)
        self.last_live = None

    def poll(self):
        t0 = mono()
        st = self.watcher.state_of(self.ls, self.victim_id)
        t1 = mono()
        self.seen.append((t0, t1, st))
        self.first.setdefault(st, (t0, t1))
        if st in ("FAIL", "DEAD") and self.last_live is None:
            hs = self.watcher.host_status(self.ls)
            self.last_live = int(hs[self.victim_id]["last_live"])
        return st == "DEAD"

    def check(self, t_kill):
        L = self.last_live
        assert L is not None, f"{self.label}: never saw FAIL/DEAD: {self.seen[-5:]}"
        # The last change it saw is from before the kill, or at most one
        # watcher renewal after it (the victim's last write landing late).
        assert L >= int(t_kill) - RENEWAL - SLACK - 1, (self.label, L, t_kill)
        assert L <= t_kill + RENEWAL + 1 + SLACK, (self.label, L, t_kill)
        for t0, t1, st in self.seen:
            # Queries that ended before L + 8 could only be LIVE (<= fail).
            if int(t1) <= L + FAIL:
                assert st == "LIVE", (self.label, "not LIVE within 8*io", L,
                                      t0, t1, st)
            # Never DEAD before host_dead_seconds have passed (strict >).
            if st == "DEAD":
                assert int(t1) >= L + HOST_DEAD + 1, \
                    (self.label, "DEAD too early", L, t1)
            if st == "FAIL":
                assert int(t1) >= L + FAIL + 1, (self.label, "FAIL early", L, t1)
        assert "FAIL" in self.first, f"{self.label}: FAIL never seen"
        assert "DEAD" in self.first, f"{self.label}: DEAD never seen"
        # Seen as soon as the formula allows (+ poll, whole seconds, slack).
        assert self.first["FAIL"][0] <= L + FAIL + 1 + RENEWAL + SLACK, \
            (self.label, "FAIL late", L, self.first["FAIL"])
        assert self.first["DEAD"][0] <= L + HOST_DEAD + 1 + RENEWAL + SLACK, \
            (self.label, "DEAD late", L, self.first["DEAD"])
        print(f"{self.label}: last_live {L}, kill at {t_kill:.1f}; FAIL first "
              f"seen {self.first['FAIL'][1] - L:.1f} s and DEAD "
              f"{self.first['DEAD'][1] - L:.1f} s after last_live "
              f"(formula: > {FAIL} and > {HOST_DEAD})")


@pytest.mark.theirs
def test_live_dead_and_busy_in_parallel(ours, theirs, daemons, lockspace):
    """Everything that needs ~70 s, at once:
      A: our o1 (host 1) + our o2 (host 2): o1 sees o2 LIVE, o2 killed,
         o1 sees FAIL then DEAD at the formula's times;
      B: our o1 (1) + 3.8.5 t1 (2): LIVE both ways; t1 killed, o1 sees
         it DEAD;
      C: 3.8.5 t2 (1) + our o2 (2): LIVE both ways; o2 killed, t2 sees it
         DEAD;
      D: our o1 and our o3 add host_id 1 at the same moment: exactly one
         succeeds, the other gets -262;
      E: 3.8.5 t2 holds host_id 1, our o1 adds host_id 1 -> -262;
      F: our o1 holds host_id 1, 3.8.5 t2 adds host_id 1 -> -262."""
    paths = {n: lockspace(n) for n in "ABCDEF"}
    o1 = daemons(ours, "ours", "ours-o1")
    o2 = daemons(ours, "ours", "ours-o2")
    o3 = daemons(ours, "ours", "ours-o3")
    t1 = daemons(theirs, "3.8.5", "theirs-t1")
    t2 = daemons(theirs, "3.8.5", "theirs-t2")

    # ---- joins on free slots, all at once
    joins = [(o1, "A", 1), (o2, "A", 2), (o1, "B", 1), (t1, "B", 2),
             (t2, "C", 1), (o2, "C", 2), (t2, "E", 1), (o1, "F", 1)]
    res = in_threads(*[lambda d=d, n=n, h=h: d.add(n, h, paths[n])
                       for d, n, h in joins])
    for (d, n, h), (rv, dt) in zip(joins, res):
        assert rv == 0, f"{d.who} {d.name} add {n}:{h} -> {rv}\n{d.logtail()}"
        assert dt <= JOIN_MAX, f"{d.who} add {n}:{h} took {dt:.1f} s"

    # ---- every member sees every other LIVE
    pairs = [(o1, "A", 2), (o2, "A", 1), (o1, "B", 2), (t1, "B", 1),
             (t2, "C", 2), (o2, "C", 1)]
    for d, n, h in pairs:
        wait_for(f"{d.name} sees host {h} LIVE in {n}",
                 lambda: d.state_of(n, h) == "LIVE", LIVE_MAX)
        g = d.gets()[n]
        own = 1 if h == 2 else 2
        assert g["hosts"][own][2] == "LIVE", (d.name, n, g)
        hs = d.host_status(n)
        assert set(hs) >= {1, 2}, (d.name, n, hs)
        other = hs[h]
        assert other["owner_id"] == str(h) and other["io_timeout"] == str(IO)
        assert other["owner_name"] == {(o1.name, "A"): o2.name,
                                       (o2.name, "A"): o1.name,
                                       (o1.name, "B"): t1.name,
                                       (t1.name, "B"): o1.name,
                                       (t2.name, "C"): o2.name,
                                       (o2.name, "C"): t2.name}[(d.name, n)]
    if py_sanlock():
        rc, out, err = py_get_hosts(o1, "A")
        assert rc == 0, err
        assert "'host_id': 2" in out and "'flags': 3" in out, out

    # ---- contention: started now, they run through the death watch
    busy = {}

    def busy_add(key, d, n):
        busy[key] = d.add(n, 1, paths[n])
    busy_threads = [threading.Thread(target=busy_add, args=a) for a in
                    (("D-o1", o1, "D"), ("D-o3", o3, "D"),
                     ("E-o1", o1, "E"), ("F-t2", t2, "F"))]
    for t in busy_threads:
        t.start()

    # ---- kill both victims at once, watch all three views
    o2.kill()
    t1.kill()
    t_kill = mono()
    watches = [DeathWatch("ours sees ours dead (A)", o1, "A", 2),
               DeathWatch("ours sees 3.8.5 dead (B)", o1, "B", 2),
               DeathWatch("3.8.5 sees ours dead (C)", t2, "C", 2)]
    pending = list(watches)
    deadline = t_kill + RENEWAL + 1 + HOST_DEAD + 1 + RENEWAL + 3 * SLACK + 5
    while pending:
        pending = [w for w in pending if not w.poll()]
        assert mono() < deadline, [(w.label, w.seen[-1]) for w in pending]
        time.sleep(POLL)
    for w in watches:
        w.check(t_kill)

    for t in busy_threads:
        t.join(timeout=BUSY_MAX + 30)
        assert not t.is_alive(), "a contended add never returned"
    print("contention:", {k: (rv, round(dt, 1)) for k, (rv, dt) in busy.items()})
    d_rvs = sorted([busy["D-o1"][0], busy["D-o3"][0]])
    assert d_rvs == [-262, 0], f"D: exactly one add must win: {busy}"
    assert busy["E-o1"][0] == -262, f"ours over 3.8.5's live host_id: {busy}"
    assert busy["F-t2"][0] == -262, f"3.8.5 over our live host_id: {busy}"
    # -262 over a live holder comes after the held wait (8*io + W).
    for k in ("E-o1", "F-t2"):
        assert HELD_WAIT <= busy[k][1] <= BUSY_MAX, (k, busy[k])
    # The survivors are still renewing everything they hold.
    assert o1.inq("A", 1, paths["A"]) == 0
    assert o1.inq("F", 1, paths["F"]) == 0
    assert t2.inq("E", 1, paths["E"]) == 0


# ------------------------------------------------------------- short tests

@pytest.mark.san
def test_add_rem_add_cycles(ours, daemons, lockspace):
    """Each join takes the slot with generation + 1, each removal frees it
    on disk (timestamp 0, owner/generation kept), and the daemon can join
    again at once (fast path: free slot)."""
    p = lockspace("CYC")
    d = daemons(ours, "ours", "ours-cyc")
    for gen in range(1, 5):
        rv, dt = d.add("CYC", 3, p)
        assert rv == 0 and dt <= JOIN_MAX, (gen, rv, dt)
        g = d.gets()["CYC"]
        assert g["flags"] == ""
        st = d.status_ls()["CYC"]
        assert st["host_generation"] == str(gen), st
        assert st["list"] == "spaces" and st["acquire_last_result"] == "1"
        rec = slot(p, 3)
        assert rec["owner_id"] == 3 and rec["owner_generation"] == gen
        assert rec["timestamp"] != 0 and rec["resource_name"] == b"ours-cyc"
        rv, dt = d.rem("CYC", 3, p)
        assert rv == 0, rv
        assert dt <= 2 * IO + 2, f"rem took {dt:.1f} s"
        rec = slot(p, 3)
        assert rec["timestamp"] == 0 and rec["owner_generation"] == gen
        assert d.inq("CYC", 3, p) == -2
        assert "CYC" not in d.gets()


@pytest.mark.san
def test_ten_lockspaces_one_daemon(ours, daemons, lockspace):
    names = [f"TEN{i}" for i in range(10)]
    paths = {n: lockspace(n) for n in names}
    d = daemons(ours, "ours", "ours-ten")
    res = in_threads(*[lambda n=n: d.add(n, 1 + names.index(n), paths[n])
                       for n in names])
    assert all(rv == 0 for rv, _ in res), res
    g = d.gets()
    assert set(g) == set(names)
    for i, n in enumerate(names):
        wait_for(f"{n} host {i + 1} examined",
                 lambda n=n, i=i: d.state_of(n, i + 1) == "LIVE",
                 RENEWAL + SLACK + 2)
    assert d.client("status").out.count("\ns TEN") == 10
    res = in_threads(*[lambda n=n: d.rem(n, 1 + names.index(n), paths[n])
                       for n in names])
    assert all(rv == 0 for rv, _ in res), res
    assert d.gets() == {}
    for i, n in enumerate(names):
        assert slot(paths[n], i + 1)["timestamp"] == 0


def test_two_daemons_five_lockspaces(ours, daemons, lockspace):
    names = [f"FIVE{i}" for i in range(5)]
    paths = {n: lockspace(n) for n in names}
    a = daemons(ours, "ours", "ours-5a")
    b = daemons(ours, "ours", "ours-5b")
    res = in_threads(*[lambda d=d, n=n, h=h: d.add(n, h, paths[n])
                       for n in names for d, h in ((a, 1), (b, 2))])
    assert all(rv == 0 for rv, _ in res), res
    for n in names:
        for d, other in ((a, 2), (b, 1)):
            wait_for(f"{d.name} sees {other} LIVE in {n}",
                     lambda d=d, n=n, other=other: d.state_of(n, other) == "LIVE",
                     LIVE_MAX)
    # get_lockspaces order: most recently joined first
    assert len(a.gets()) == 5 and len(b.gets()) == 5
    res = in_threads(*[lambda d=d, n=n, h=h: d.rem(n, h, paths[n])
                       for n in names for d, h in ((a, 1), (b, 2))])
    assert all(rv == 0 for rv, _ in res), res


BAD_CASES = [
    # id, lockspace spec (P = formatted file, Z = pattern file), 3.8.5 rv
    ("nonexistent-path", "BAD:1:{N}:0", -19),
    ("foreign-data", "BAD:1:{Z}:0", -223),
    ("zeroes", "BAD:1:{E}:0", -223),
    ("host-id-0", "BAD:0:{P}:0", -22),
    ("host-id-too-big", "BAD:2001:{P}:0", -231),
    ("wrong-name", "NOTBAD:1:{P}:0", -226),
    ("second-add", "GOOD:1:{G}:0", -17),
    ("same-name-other-host-id", "GOOD:2:{G}:0", -22),
    ("same-disk-other-name", "OTHER:2:{G}:0", -22),
]


@pytest.mark.theirs
def test_bad_input_same_as_3_8_5(ours, theirs, daemons, lockspace, workdir):
    """Each bad add gets the code 3.8.5 gives (checked against a 3.8.5
    daemon in the same run), rem of an unknown lockspace -2, and after
    each the daemon still serves its good lockspace."""
    files = {"P": lockspace("BAD"), "G": lockspace("GOOD"),
             "N": workdir / "nonexistent"}
    z = workdir / "pattern.img"
    z.write_bytes(bytes((i * 7) & 0xFF for i in range(1 * MiB)))
    e = workdir / "zero.img"
    with open(e, "wb") as f:
        f.truncate(1 * MiB)
    files["Z"], files["E"] = z, e
    dmn = {"ours": daemons(ours, "ours", "ours-bad"),
           "theirs": daemons(theirs, "3.8.5", "theirs-bad")}
    gpaths = {"ours": lockspace("GOOD", fname="good-ours"),
              "theirs": lockspace("GOOD", fname="good-theirs")}

    def run_cases(who):
        d = dmn[who]
        fs = dict(files, G=gpaths[who])
        out = {}
        # the good lockspace must exist for the conflict cases
        rv, _ = d.add("GOOD", 1, fs["G"])
        assert rv == 0, (who, rv)
        for case, spec, _ in BAD_CASES:
            s = spec.format(**fs)
            r = d.client("add_lockspace", "-o", str(IO), "-s", s)
            out[case] = r.done_rv("add_lockspace_timeout")
            assert d.inq("GOOD", 1, fs["G"]) == 0, (who, case)
        r = d.client("rem_lockspace", "-s", f"NOPE:1:{fs['G']}:0")
        out["rem-unknown"] = r.done_rv("rem_lockspace")
        assert d.gets()["GOOD"]["flags"] == ""
        assert "BAD" not in d.gets()
        return out

    got_ours, got_theirs = in_threads(lambda: run_cases("ours"),
                                      lambda: run_cases("theirs"))
    want = {c: rv for c, _, rv in BAD_CASES}
    want["rem-unknown"] = -2
    assert got_theirs == want, f"3.8.5 changed: {got_theirs}"
    assert got_ours == want, f"ours {got_ours}\n3.8.5 {got_theirs}"
    assert dmn["ours"].alive()


@pytest.mark.san
def test_async_add_inq_wait_and_cancel(ours, daemons, lockspace):
    """ASYNC add returns at once and inq says -115 until joined; INQ_WAIT
    waits for the outcome; rem during a join cancels it (the adder gets
    -201, rem 0).  Like 3.8.5, a join aborted after its write does not
    release (the write may have been overtaken by another host's): the
    slot keeps our record, and the next join reacquires it at once."""
    sl = py_sanlock()
    if not sl:
        pytest.skip("python3-sanlock not installed")
    p = lockspace("ASY")
    d = daemons(ours, "ours", "ours-async")
    env = dict(os.environ, **d.env)
    code = f"""
import sanlock, time, threading, sys
p = {str(p)!r}
t0 = time.monotonic()
el = lambda: time.monotonic() - t0
sanlock.add_lockspace(b"ASY", 1, p, 0, iotimeout={IO}, wait=False)
print("async", round(el(), 2))
print("inq", sanlock.inq_lockspace(b"ASY", 1, p, 0))
print("dup", end=" ")
try:
    sanlock.add_lockspace(b"ASY", 1, p, 0, iotimeout={IO})
except sanlock.SanlockException as e:
    print(e.errno)
print("wait", sanlock.inq_lockspace(b"ASY", 1, p, 0, wait=True), round(el(), 2))
print("hosts", len(sanlock.get_lockspaces()))
sanlock.rem_lockspace(b"ASY", 1, p, 0)
res = {{}}
def adder():
    try:
        sanlock.add_lockspace(b"ASY", 1, p, 0, iotimeout={IO})
        res["add"] = 0
    except sanlock.SanlockException as e:
        res["add"] = e.errno
th = threading.Thread(target=adder); th.start()
time.sleep({SHORT_DELAY} / 4)
sanlock.rem_lockspace(b"ASY", 1, p, 0)
th.join()
print("cancel", res["add"], sanlock.inq_lockspace(b"ASY", 1, p, 0))
"""
    r = subprocess.run(["/usr/bin/python3", "-c", code], env=env,
                       capture_output=True, text=True,
                       timeout=4 * JOIN_MAX + 30)
    assert r.returncode == 0, r.stderr + d.logtail()
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    assert float(lines["async"]) < 1.0, r.stdout
    assert lines["inq"] == "None", r.stdout          # -EINPROGRESS
    assert lines["dup"] == "115", r.stdout
    ok, t = lines["wait"].split()
    assert ok == "True" and float(t) <= JOIN_MAX, r.stdout
    assert lines["cancel"] in ("-201 False", "201 False"), r.stdout
    rec = slot(p, 1)
    assert rec["timestamp"] != 0 and rec["owner_generation"] == 2, rec
    assert rec["resource_name"] == b"ours-async"
    rv, dt = d.add("ASY", 1, p)
    assert rv == 0 and dt <= JOIN_MAX, (rv, dt)
    assert slot(p, 1)["owner_generation"] == 3


@pytest.mark.san
def test_corrupted_slot_fails_lockspace(ours, daemons, lockspace):
    """Our slot overwritten (zeroes: -223) -> the renewal reports the
    corruption and the lockspace fails at once (not after 8*io): it goes
    away (nobody uses it), like 3.8.5; the daemon keeps the others."""
    p = lockspace("COR")
    q = lockspace("KEEP")
    d = daemons(ours, "ours", "ours-cor")
    assert d.add("COR", 1, p)[0] == 0
    assert d.add("KEEP", 1, q)[0] == 0
    fd = os.open(p, os.O_WRONLY)
    try:
        os.pwrite(fd, bytes(512), 0)
        os.fsync(fd)
    finally:
        os.close(fd)
    t0 = mono()
    _, dt = wait_for("COR dropped", lambda: "COR" not in d.gets(),
                     RENEWAL + 1 + 1 + SLACK + 2)
    assert dt < FAIL, f"corruption must fail the lockspace at once: {dt:.1f} s"
    assert d.inq("KEEP", 1, q) == 0
    log = d.logtail(400)
    assert "renewal error -223" in log and "corrupt -223" in log, log
    print(f"corrupted lockspace dropped {mono() - t0:.1f} s after the overwrite")


@pytest.mark.theirs
def test_measure_add_rem_times(ours, theirs, daemons, lockspace):
    """Measured, not asserted beyond sanity: add_lockspace and
    rem_lockspace wall time at io_timeout 1, ours vs 3.8.5."""
    runs = 3
    out = {}
    for who, binary in (("ours", ours), ("3.8.5", theirs)):
        p = lockspace(f"M_{who[0]}")
        d = daemons(binary, who, f"meas-{who[0]}")
        adds, rems = [], []
        for _ in range(runs):
            rv, ta = d.add(f"M_{who[0]}", 1, p)
            assert rv == 0
            rv, tr = d.rem(f"M_{who[0]}", 1, p)
            assert rv == 0
            adds.append(ta)
            rems.append(tr)
        out[who] = (adds, rems)
    for who, (adds, rems) in out.items():
        print(f"MEASURED {who}: add_lockspace io=1 "
              f"{', '.join(f'{t:.2f}' for t in adds)} s; rem_lockspace "
              f"{', '.join(f'{t:.2f}' for t in rems)} s")
    assert max(out["ours"][0]) <= JOIN_MAX


def test_join_with_long_short_delay_does_not_fail(ours, daemons, lockspace):
    """The slot advertises io_timeout 5 (formatted with -o 5), we join
    with io 1: the acquire waits 2*5 = 10 s after writing its timestamp,
    longer than our fail time 8*1.  The join must renew at once instead
    of being failed by the 8*io check (3.8.5 renews right after the
    acquire as well)."""
    slot_io = 5
    p = lockspace("LSD", io=slot_io)
    d = daemons(ours, "ours", "ours-lsd")
    rv, dt = d.add("LSD", 1, p)
    assert rv == 0, rv
    assert 2 * slot_io <= dt <= 2 * slot_io + 3 * IO + 2, dt
    t_end = mono() + FAIL + RENEWAL
    while mono() < t_end:
        st = d.status_ls().get("LSD")
        assert st and st["renew_fail"] == "0" and st["list"] == "spaces", st
        time.sleep(0.5)
    hist = d.client("renewal", "-s", "LSD").out.splitlines()
    ts = [int(re.match(r"timestamp=(\d+) ", h).group(1)) for h in hist]
    assert len(ts) >= 3, hist
    assert ts[1] - ts[0] >= 2 * slot_io, hist        # acquisition, then
    for a, b in zip(ts[1:], ts[2:]):                 # every 2*io
        assert RENEWAL <= b - a <= RENEWAL + 1, hist


def test_renewal_errors_fail_lockspace_at_8_io(ours, daemons, lockspace):
    """Renewals that keep failing (the lease file truncated under the
    daemon: every whole-area read is short, -EIO) are retried every 0.5 s;
    warnings from 6*io; the lockspace fails when now - last_success >=
    8*io - not before - and, with nobody using it, goes away without
    writing anything (the release is skipped after a failed renewal)."""
    p = lockspace("ERR")
    q = lockspace("KEEP2")
    d = daemons(ours, "ours", "ours-err")
    assert d.add("ERR", 1, p)[0] == 0
    assert d.add("KEEP2", 1, q)[0] == 0
    wait_for("a renewal after the join",
             lambda: len(d.client("renewal", "-s", "ERR").out.splitlines()) >= 2,
             RENEWAL + SLACK + 1)
    os.truncate(p, 0)
    t_cut = mono()

    def failing():
        st = d.status_ls().get("ERR")
        return st if st and st["renewal_last_result"] not in ("1", "0") else None
    st, _ = wait_for("renewals failing", failing, RENEWAL + SLACK + 2)
    L = int(st["renewal_last_success"])
    assert L <= t_cut + 1, (L, t_cut)
    seen = []
    while True:
        t0 = mono()
        st = d.status_ls().get("ERR")
        t1 = mono()
        seen.append((t0, t1, st and st["renew_fail"]))
        if st is None or st["renew_fail"] == "1":
            break
        assert t0 < L + FAIL + 1 + SLACK + 2, ("not failed in time", L, seen[-3:])
        time.sleep(POLL)
    t_failed = seen[-1][1]
    assert int(t_failed) >= L + FAIL, ("failed before 8*io", L, seen[-3:])
    assert seen[-1][0] <= L + FAIL + 1 + SLACK, ("failed late", L, seen[-3:])
    wait_for("ERR dropped", lambda: "ERR" not in d.gets(), 2 * IO + SLACK)
    assert os.path.getsize(p) == 0, "something was written after the failure"
    assert d.inq("KEEP2", 1, q) == 0
    log = d.logtail(300)
    assert "renewal error -5" in log, log
    assert "check_our_lease warning" in log, log
    assert "check_our_lease failed" in log, log
    assert "delta_release skipped" in log, log
    print(f"last_success {L}: failed {t_failed - L:.1f} s after it (fail at "
          f"{FAIL})")


@pytest.mark.theirs
def test_watchdog_without_wdmd_fails_203(ours, theirs, daemons, lockspace):
    """use_watchdog = 1 (-w 1) and no wdmd running: the join fails with
    -203 (SANLK_WD_ERROR) before anything is written, for ours as for
    3.8.5, and the daemon keeps serving."""
    if os.path.exists("/run/wdmd/wdmd.sock"):
        pytest.skip("a wdmd is running on this machine")
    for who, binary in (("ours", ours), ("3.8.5", theirs)):
        p = lockspace("WD", fname=f"wd-{who[0]}")
        before = slot(p, 1)
        d = daemons(binary, who, f"wd-{who[0]}", watchdog=1)
        rv, dt = d.add("WD", 1, p)
        assert rv == -203, (who, rv, d.logtail())
        assert dt <= IO + 2, (who, dt)
        assert slot(p, 1) == before, f"{who} wrote to the slot"
        assert d.gets() == {}
        if who == "ours":
            assert "wdmd_connect failed" in d.logtail()
