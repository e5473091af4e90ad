"""Recovery when a lockspace fails: the host fences itself before anyone
can take its leases (spec/algorithms.md §2.4, §10, §11.3; cli.md §2.13,
§4.9; DESIGN.md "Renewal failure").

Simulated hosts (test_watchdog_host.py): each one a process group with
its own wdmd (test backend: a fire SIGKILLs the whole group = the reset),
our daemon with -w 1, and lease holders (python3-sanlock on our
libsanlock).  The hosts share one lease file in a backing directory; each
host reaches it through its OWN faultfs mount, so a fault rule fails or
hangs the storage of one host only.

io_timeout 1 everywhere; for a host whose last successful renewal wrote
timestamp T (read from the backing file once the host can no longer
write):
  failure detected         T + 8*io (+1 s monitor tick)
  killpath / SIGTERM       from then until T + 8*io + kill_grace, then
                           SIGKILL (kill_grace: 40 with W = 60, 0 with
                           W = 10 - the automatic value, algorithms §2.1)
  wdmd expiry              E = T + 8*io; the watchdog fires in
                           [E + W - 1, E + W] unless disarmed
  another host B may take  only when now > last_live_B + 8*io + W, where
  our resource leases      last_live_B >= T is when B saw T
Every bound below comes from these; waits poll for their condition.
"""

import errno
import threading
import time

from helpers import REPO, decode_leader, read_direct, run
from test_watchdog_host import (SYSTEM_PYTHON, fs_mounts,  # noqa: F401
                                init_lease_file, mono, proc_state, sim_hosts,
                                wait_for)

IO = 1
FAIL = 8 * IO
MIB = 1 << 20
SANLK_RESTRICT_SIGKILL = 0x2
TICK = 1 + 1            # monitor tick + helper / scheduling slack
SLACK = 1               # whole-second clocks
RENEWAL_MAX = 2 * IO + 2  # a renewal may still be written after we look


def host_dead(w):
    return 8 * IO + w


def slot(path, host_id):
    off = (host_id - 1) * 512
    return decode_leader(read_direct(path, 0, 4096)[off:off + 200])


def in_threads(*fns):
    out, err = [None] * len(fns), []

    def run(i, fn):
        try:
            out[i] = fn()
        except BaseException as e:        # noqa: B902 - re-raised below
            err.append(e)
    ts = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(fns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if err:
        raise err[0]
    return out


class Cluster:
    """Hosts sharing <workdir>/shared/lease: lockspace ls1 at 0, resources
    r1.. at 1 MiB steps; host i (1-based) joins as host_id i through its
    own faultfs mount."""

    def __init__(self, fs_mounts, sim_hosts, workdir, names, w,
                 resources=("r1",), use_faultfs=True):
        self.backing = workdir / "shared"
        self.backing.mkdir()
        self.file = init_lease_file(self.backing / "lease", "ls1", resources)
        self.res = {r: (i + 1) * MIB for i, r in enumerate(resources)}
        self.fs, self.hosts, self.path = {}, {}, {}
        for i, n in enumerate(names):
            if use_faultfs:
                self.fs[n] = fs_mounts(self.backing)
                self.path[n] = str(self.fs[n].path("lease"))
            else:
                self.path[n] = str(self.file)
            self.hosts[n] = sim_hosts(n, w)
            self.hosts[n].host_id = i + 1
        rvs = in_threads(*[
            (lambda h=h: h.add("ls1", h.host_id, self.path[h.name]))
            for h in self.hosts.values()])
        for h, rv in zip(self.hosts.values(), rvs):
            assert rv == 0, h.describe()

    def __getitem__(self, name):
        return self.hosts[name]

    def holder(self, host, tag, res, **cfg):
        h = self.hosts[host]
        pid = h.holder(tag, ls="ls1", res=res, path=self.path[host],
                       offset=self.res[res], **cfg)
        return pid

    def wait_acquired(self, host, tag, bound=10):
        h = self.hosts[host]
        t, _ = wait_for(f"{host} holder {tag} acquires",
                        lambda: h.event(tag, "acquired"), bound)
        return t

    def last_live(self, observer, host):
        hs = self.hosts[observer].host_status("ls1")
        return int(hs[self.hosts[host].host_id]["last_live"])

    def disk_timestamp(self, host):
        return slot(self.file, self.hosts[host].host_id)["timestamp"]


def wait_idlive(c, host, tag):
    """B's retrying holder has been refused at least once (the owner was
    alive): it is in its retry loop before the failure starts."""
    h = c[host]
    wait_for(f"{host}/{tag} refused while the owner lives",
             lambda: h.event(tag, "acquire_error"), 15)
    assert h.event(tag, "acquired") is None, h.report(tag)


def assert_quiet(hosts, until, also=None):
    """No host fires and every wdmd lives until monotonic time `until`;
    also() is called on every poll."""
    while True:
        for h in hosts:
            assert h.fired_lines() == [], f"fired!\n{h.describe()}"
            assert proc_state(h.wdmd_pid) not in (None, "Z"), h.describe()
        if also:
            also()
        if mono() >= until:
            return
        time.sleep(max(0.0, min(0.25, until - mono())))


KILLPATH = r'''#!/usr/bin/python3
import os, signal, sys, time
with open(sys.argv[1], "a") as f:
    f.write("killpath %.3f %s\n" % (time.monotonic(), " ".join(sys.argv[2:])))
os.kill(int(sys.argv[2]), signal.SIGTERM)
'''


# ------------------------------------------------------------------ tests

def test_storage_failure_holders_exit_no_reset(fs_mounts, sim_hosts, workdir):
    """W = 60 (3.8.5's value), kill_grace 40.  A's storage fails (EIO on
    A's view only): at T + 8 its lockspace fails, the holder with a
    killpath gets its killpath run (once; the program SIGTERMs it), the
    other holder gets SIGTERM; both exit, their leases are dropped
    without disk I/O, the wdmd connection is disarmed and closed, and A is
    NOT reset.  B, which saw A alive, takes both resources only after
    host_dead = 8*io + 60 from its last observation of A."""
    W = 60
    c = Cluster(fs_mounts, sim_hosts, workdir, ("A", "B"), W,
                resources=("r1", "r2"))
    a, b = c["A"], c["B"]
    kp = a.dir / "killpath.py"
    kp.write_text(KILLPATH)
    kp.chmod(0o755)
    kp_report = a.dir / "killpath.report"
    p_kp = c.holder("A", "kp", "r1", killpath=str(kp),
                    killargs=[str(kp_report)], killpath_self=True)
    p_term = c.holder("A", "term", "r2")
    c.wait_acquired("A", "kp")
    c.wait_acquired("A", "term")
    c.holder("B", "b1", "r1", retry=True)
    c.holder("B", "b2", "r2", retry=True)
    wait_idlive(c, "B", "b1")
    wait_idlive(c, "B", "b2")

    c.fs["A"].fail("lease", "rw", errno.EIO)
    t_fail = mono()

    # both holders go, by killpath and by SIGTERM
    bound = FAIL + 2 * IO + TICK + 2
    wait_for("A's SIGTERMed holder exits",
             lambda: a.exit_status(p_term) is not None, bound)
    wait_for("A's killpath holder exits",
             lambda: a.exit_status(p_kp) is not None, bound)
    T = c.disk_timestamp("A")           # A cannot write any more
    E = T + FAIL
    assert a.exit_status(p_term) == 0 and a.exit_status(p_kp) == 0
    t_term, t_kp = a.event("term", "sigterm"), a.event("kp", "sigterm")
    kp_lines = kp_report.read_text().splitlines()
    assert len(kp_lines) == 1, kp_lines            # run once
    t_kprun = float(kp_lines[0].split()[1])
    assert kp_lines[0].split()[2:] == [str(p_kp)], kp_lines
    for what, t in (("SIGTERM", t_term), ("killpath", t_kprun)):
        assert T + FAIL <= t + 0.5 <= E + TICK + 1, (what, t, T)
    assert t_kp >= t_kprun
    log = a.log_text()
    assert f"kill pid {p_kp} killpath count 1" in log, a.describe()
    assert f"kill pid {p_term} SIGTERM count 1 (in grace)" in log
    assert "SIGKILL" not in log

    # recovery completes: lockspace gone, watchdog disarmed and closed
    wait_for("A drops its failed lockspace", lambda: a.status_ls() == {},
             2 * TICK + 2)
    conns = a.wdmd_clients()
    assert conns is not None and "sanlock_ls1:1" not in conns, conns
    assert "wdmd disarmed" in a.log_text()

    # B: both leases taken after host_dead from its last sight of A, not
    # before; A never fires (checked until past E + W and B's takeover)
    acq = {}

    def b_progress():
        for tag in ("b1", "b2"):
            t = b.event(tag, "acquired")
            if t and tag not in acq:
                acq[tag] = t
    deadline = max(E + W + SLACK + 1, t_fail + host_dead(W) + 10)
    assert_quiet([a], deadline, also=b_progress)
    wait_for("B acquires both", lambda: b_progress() or len(acq) == 2,
             host_dead(W) + 10)
    last_live = c.last_live("B", "A")
    assert last_live >= T, (last_live, T)
    for tag, t in acq.items():
        assert t > last_live + host_dead(W), (tag, t, last_live)
        assert t <= last_live + host_dead(W) + 1 + 6 * IO + 3, (tag, t)
    assert a.fired_lines() == [] and a.alive()
    print(f"\nA: T={T} killpath at T+{t_kprun - T:.1f} SIGTERM at "
          f"T+{t_term - T:.1f}; B last_live(A)={last_live} acquired r1 at "
          f"last_live+{acq['b1'] - last_live:.1f} r2 at "
          f"last_live+{acq['b2'] - last_live:.1f} (host_dead {host_dead(W)})")


def test_unkillable_holders_watchdog_fires_in_time(fs_mounts, sim_hosts,
                                                   workdir):
    """W = 10 (kill_grace 0: SIGKILL from T + 8).  Two hosts whose holders
    cannot be killed in time:
      A1: the holder ignores SIGTERM and is stuck in a hung faultfs read
          of its own file (D state: SIGKILL stays pending, like a process
          stuck on dead storage);
      A2: the holder restricted SIGKILL (sanlock_restrict) and ignores
          SIGTERM, so every SIGKILL is replaced by SIGTERM (§10.2 step 4).
    Their storage fails at once; recovery never completes, the wdmd
    connection stays armed and the test watchdog fires in
    [E + W - 1, E + W], which is no later than B's host_dead deadline
    last_live_B + 8*io + W; B takes the resources only after it."""
    W = 10
    c = Cluster(fs_mounts, sim_hosts, workdir, ("A1", "A2", "B"), W,
                resources=("r1", "r2"))
    a1, a2, b = c["A1"], c["A2"], c["B"]
    c.fs["A1"].hang("stuck", "read")
    (c.backing / "stuck").write_bytes(b"x" * 4096)
    p1 = c.holder("A1", "h", "r1", ignore_term=True,
                  stuck_path=str(c.fs["A1"].path("stuck")))
    p2 = c.holder("A2", "h", "r2", ignore_term=True,
                  restrict=SANLK_RESTRICT_SIGKILL)
    c.wait_acquired("A1", "h")
    c.wait_acquired("A2", "h")
    # blocked in the hung read: interruptible until a fatal signal comes,
    # then uninterruptible (D) until faultfs answers
    wait_for("A1's holder blocks in its read",
             lambda: c.fs["A1"].hung_now("stuck") >= 1
             and proc_state(p1) in ("S", "D"), 10)
    c.holder("B", "b1", "r1", retry=True)
    c.holder("B", "b2", "r2", retry=True)
    wait_idlive(c, "B", "b1")
    wait_idlive(c, "B", "b2")

    c.fs["A1"].fail("lease", "rw", errno.EIO)
    c.fs["A2"].fail("lease", "rw", errno.EIO)
    t_fail = mono()

    fired = {}
    for h in (a1, a2):
        (sec, reason), seen = wait_for(f"{h.name} fires", h.fired_at,
                                       FAIL + W + 2 * IO + 3)
        fired[h.name] = (sec, seen)
        assert "sanlock_ls1" in reason, reason
    acq = {}
    for tag in ("b1", "b2"):
        acq[tag], _ = wait_for(f"B {tag} acquires",
                               lambda tag=tag: b.event(tag, "acquired"),
                               host_dead(W) + 10)
    for name, p, res_tag, sig in (("A1", p1, "b1", "SIGKILL"),
                                  ("A2", p2, "b2", "SIGTERM")):
        h = c[name]
        T = c.disk_timestamp(name)
        E = T + FAIL
        sec, seen = fired[name]
        last_live = c.last_live("B", name)
        assert last_live >= T
        # the fire: at the expiry + W, before B may take anything
        assert E + W - 1 <= sec <= E + W, (name, sec, T)
        assert sec <= last_live + host_dead(W), (name, sec, last_live)
        assert acq[res_tag] > last_live + host_dead(W), (name, acq, last_live)
        assert acq[res_tag] >= seen - 1, (name, acq, seen)
        # recovery did try, with the substitution for A2
        log = h.log_text()
        assert f"kill pid {p} {sig} count 1" in log, h.describe()
        assert f"kill pid {p} {'SIGTERM' if sig == 'SIGKILL' else 'SIGKILL'}" \
            not in log
        assert h.event("h", "sigterm") is None
        assert "wdmd disarmed" not in log
        print(f"\n{name}: T={T} fired {sec} (E+W={E + W}), B last_live "
              f"{last_live} deadline {last_live + host_dead(W)}, B acquired "
              f"at {acq[res_tag]:.1f}")
    # SIGKILL did not reach A1's holder: still there, uninterruptible
    assert proc_state(p1) == "D", proc_state(p1)
    # the reset took the whole host (the stuck holder dies once faultfs
    # releases its read at teardown)
    wait_for("A2's host is gone", lambda: not a2.members(), 5)
    wait_for("A1's host is gone but the D-state holder",
             lambda: a1.members() == [p1], 5)
    assert t_fail < min(s for s, _ in fired.values())


def test_storage_hang_daemon_answers_no_reset(fs_mounts, sim_hosts, workdir):
    """W = 10.  A's storage hangs (every read and write of A's view blocks):
    the renewal reads time out, the lockspace fails at T + 8, the holder is
    SIGKILLed (kill_grace 0), recovery completes, the watchdog is disarmed
    and A is not reset - while A's daemon answers `client status` all the
    time.  B takes the resource only after host_dead."""
    W = 10
    c = Cluster(fs_mounts, sim_hosts, workdir, ("A", "B"), W)
    a, b = c["A"], c["B"]
    p = c.holder("A", "h", "r1")
    c.wait_acquired("A", "h")
    c.holder("B", "b1", "r1", retry=True)
    wait_idlive(c, "B", "b1")

    c.fs["A"].hang("lease", "rw")
    t_hang = mono()
    status_max = [0.0]

    def status_answers():
        t0 = mono()
        st = a.status_ls(timeout=5)
        assert st is not None, f"A's daemon did not answer\n{a.describe()}"
        status_max[0] = max(status_max[0], mono() - t0)

    wait_for("A's holder is killed",
             lambda: status_answers() or a.exit_status(p) is not None,
             FAIL + 2 * IO + TICK + 2)
    assert a.exit_status(p) == -9, a.exit_status(p)
    T = c.disk_timestamp("A")
    E = T + FAIL
    t_kill = mono()
    assert T + FAIL <= t_kill + 0.5 <= E + TICK + 2, (T, t_kill)
    assert f"kill pid {p} SIGKILL count 1" in a.log_text()
    wait_for("A drops its failed lockspace",
             lambda: status_answers() or a.status_ls(timeout=5) == {},
             host_dead(W) + TICK)        # its renewal write may be hung
    conns = a.wdmd_clients()
    assert conns is not None and "sanlock_ls1:1" not in conns, conns
    assert_quiet([a], max(E + W + SLACK + 1, t_hang + 3),
                 also=status_answers)
    t_acq, _ = wait_for("B acquires r1", lambda: b.event("b1", "acquired"),
                        host_dead(W) + 10)
    last_live = c.last_live("B", "A")
    assert t_acq > last_live + host_dead(W), (t_acq, last_live)
    assert a.fired_lines() == [] and a.alive()
    assert status_max[0] < 2, status_max
    print(f"\nA: T={T} killed at T+{t_kill - T:.1f}, status answered in at "
          f"most {status_max[0]:.2f} s; B acquired at last_live+"
          f"{t_acq - last_live:.1f}")


def test_rem_and_forced_shutdown_with_holders_no_reset(sim_hosts, workdir):
    """rem_lockspace and `shutdown -f 1` while processes hold leases: the
    holders get SIGKILL at once (no grace), then the watchdog is disarmed
    and the delta lease released; nothing fires past E + W.  Before that,
    rem_lockspace with SANLK_REM_UNUSED is refused with -EBUSY."""
    W = 10
    c = Cluster(None, sim_hosts, workdir, ("R", "S"), W,
                resources=("r1", "r2"), use_faultfs=False)
    r, s = c["R"], c["S"]
    pr = c.holder("R", "h", "r1")
    ps = c.holder("S", "h", "r2")
    c.wait_acquired("R", "h")
    c.wait_acquired("S", "h")
    # SANLK_REM_UNUSED refuses while a lease is held (ls_users)
    code = ("import sanlock, sys\n"
            "try:\n"
            f"    sanlock.rem_lockspace(b'ls1', 1, {c.path['R']!r}, unused=True)\n"
            "    print(0)\n"
            "except sanlock.SanlockException as e:\n"
            "    print(-e.errno)\n")
    env = dict(r.env, LD_LIBRARY_PATH=str(REPO / "build" / "lib"))
    out = run([SYSTEM_PYTHON, "-c", code], env=env, timeout=60)
    assert out.rc == 0 and out.out.strip() == str(-errno.EBUSY), out
    assert r.exit_status(pr) is None
    t0 = mono()
    assert r.rem("ls1", 1, c.path["R"]) == 0, r.describe()
    assert r.exit_status(pr) == -9
    res = s.client("shutdown", "-f", "1", "-w", "1", timeout=60)
    assert res.done_rv("shutdown") == 0, res
    wait_for("S's holder is killed", lambda: s.exit_status(ps) is not None, 5)
    assert s.exit_status(ps) == -9
    for h in (r, s):
        conns = h.wdmd_clients()
        assert conns is not None and "sanlock_ls1" not in str(conns), conns
        assert c.disk_timestamp(h.name) == 0       # delta lease released
    assert_quiet([r, s], t0 + FAIL + RENEWAL_MAX + W + SLACK + 1)

