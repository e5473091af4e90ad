"""The sanlock daemon's use of wdmd (spec/algorithms.md §2.4, §3.3 step
10, §10.3-§10.4; cli.md §4.4, §4.9, §4.10; messages.md §8), with
simulated hosts of test_watchdog_host.py: each host is a process group
with its own wdmd (test backend: a fire SIGKILLs the group) and our
daemon with -w 1.  Recovery of lease holders: test_recovery.py.

Every join uses io_timeout 1 and W = 10 (sanlock.conf
watchdog_fire_timeout, our extension; no 3.8.5 host takes part), so:
renewal every 2 s, expiry E = last renewal + 8, the watchdog fires W s
after the last pet, the last pet being in the last 1 s round before E:
    E + W - 1 <= fired <= E + W  (+1 s of scheduling slack).
Bounds are derived from these and polled for; nothing sleeps a hand-picked
time.
"""

import time

from helpers import decode_leader, read_direct
from test_watchdog_host import (init_lease_file, mono, proc_state,
                                sim_hosts, wait_for)  # noqa: F401 (fixture)

IO = 1
W = 10
RENEWAL = 2 * IO
FAIL = 8 * IO                       # id_renewal_fail_seconds = expiry offset
JOIN_MAX = 2 * IO + 3 * IO + 1 + 2  # free join + I/O + the add poll + slack
SLACK = 1                           # whole-second clocks, a loaded machine


def slot(path, host_id):
    """Decoded delta lease of host_id (512-byte sectors)."""
    off = (host_id - 1) * 512
    return decode_leader(read_direct(path, 0, 4096)[off:off + 200])


def lockspace_conn(h, ls, host_id=1):
    c = h.wdmd_clients()
    assert c is not None, f"{h.name}: wdmd does not answer\n{h.describe()}"
    return c.get(f"sanlock_{ls}:{host_id}")


def assert_no_fire_until(hosts, deadline):
    """Poll every host's fired file until monotonic deadline: none may
    fire, every wdmd must stay alive."""
    while True:
        for h in hosts:
            assert h.fired_lines() == [], f"fired!\n{h.describe()}"
            assert proc_state(h.wdmd_pid) not in (None, "Z"), \
                f"{h.name}: wdmd died\n{h.describe()}"
        if mono() >= deadline:
            return
        time.sleep(max(0.0, min(0.25, deadline - mono())))


# ------------------------------------------------------------------ tests

def test_fire_timeout_from_conf_and_mismatch(sim_hosts, workdir):
    """W from SANLOCK_CONF: a daemon with watchdog_fire_timeout = 10 joins
    through a wdmd running --fire-timeout 10 (STATUS fire_timeout must
    equal W); a mismatch either way fails the join with -203 after the
    delta lease was acquired, and that lease is released again (timestamp
    0 on disk) with the wdmd connection closed unarmed.  Without a wdmd
    the join fails at connect, also -203."""
    ok = sim_hosts("ok", W)
    hi = sim_hosts("hi", W, conf_w=60)               # daemon 60, wdmd 10
    lo = sim_hosts("lo", 60, conf_w=10)   # daemon 10, wdmd 60
    nowd = sim_hosts("nowd", W, start_wdmd=False)
    paths = {h.name: init_lease_file(workdir / f"{h.name}.img", "ls1")
             for h in (ok, hi, lo, nowd)}

    st = ok.status_ls()
    r = ok.client("status", "-D")
    assert "watchdog_fire_timeout=10" in r.out and \
        "kill_grace_seconds=0" in r.out, r       # automatic grace for W < 30
    assert st == {}

    t0 = mono()
    assert ok.add("ls1", 1, paths["ok"]) == 0
    assert mono() - t0 < JOIN_MAX
    conn = lockspace_conn(ok, "ls1")
    assert conn and conn["ref"] == 1 and conn["dead"] == 0, conn
    assert conn["expire"] == conn["renewal"] + FAIL, conn
    assert conn["renewal"] <= int(mono()) + 1
    # the expiry follows the renewals
    first = conn["renewal"]
    wait_for("a renewal refreshes the wdmd expiry",
             lambda: (lockspace_conn(ok, "ls1") or {}).get("renewal", 0) > first,
             RENEWAL + 2 + SLACK)
    conn = lockspace_conn(ok, "ls1")
    assert conn["expire"] == conn["renewal"] + FAIL, conn

    for h, why in ((hi, "fire_timeout 10 does not match our "
                        "watchdog_fire_timeout 60"),
                   (lo, "fire_timeout 60 does not match our "
                        "watchdog_fire_timeout 10"),
                   (nowd, "wdmd_connect failed")):
        assert h.add("ls1", 1, paths[h.name]) == -203, h.describe()
        assert why in h.log_text(), h.describe()
        assert h.status_ls() == {}
        rec = slot(paths[h.name], 1)
        if h is not nowd:
            # acquired (generation 1), then released: timestamp 0
            assert rec["owner_generation"] == 1 and rec["timestamp"] == 0, rec
            conns = h.wdmd_clients()
            assert conns is not None and "sanlock_ls1:1" not in conns, conns
        else:
            assert rec["owner_generation"] == 0, rec   # never acquired
    assert ok.rem("ls1", 1, paths["ok"]) == 0
    for h in (ok, hi, lo):
        assert h.fired_lines() == [], h.describe()


def test_clean_leave_never_fires(sim_hosts, workdir):
    """rem_lockspace, forced shutdown and a normal shutdown after rem
    disarm (TEST_LIVE 0 0, REFCOUNT_CLEAR) before closing: wdmd forgets
    the connection, and nothing fires past E + W."""
    rem = sim_hosts("rem", W)
    force = sim_hosts("force", W)
    norm = sim_hosts("norm", W)
    hosts = (rem, force, norm)
    paths = {h.name: init_lease_file(workdir / f"{h.name}.img", "ls1")
             for h in hosts}
    for h in hosts:
        assert h.add("ls1", 1, paths[h.name]) == 0, h.describe()
    last_expire = 0

    def leave(h, how):
        nonlocal last_expire
        conn = lockspace_conn(h, "ls1")
        assert conn and conn["expire"] == conn["renewal"] + FAIL
        if how == "rem":
            assert h.rem("ls1", 1, paths[h.name]) == 0
        elif how == "force":
            r = h.client("shutdown", "-f", "1", "-w", "1", timeout=60)
            assert r.done_rv("shutdown") == 0, r
        else:
            r = h.client("shutdown", "-w", "1", timeout=60)
            assert r.done_rv("shutdown") == -16, r     # lockspace exists
            assert h.rem("ls1", 1, paths[h.name]) == 0
            r = h.client("shutdown", "-w", "1", timeout=60)
            assert r.done_rv("shutdown") == 0, r
        # the expiry sent last is at most one renewal later than seen
        last_expire = max(last_expire, conn["expire"] + RENEWAL + SLACK)
        return how

    for h, how in ((rem, "rem"), (force, "force"), (norm, "norm")):
        leave(h, how)
        conns = h.wdmd_clients()
        assert conns is not None and "sanlock_ls1:1" not in conns, \
            f"{how}: connection left in wdmd: {conns}\n{h.describe()}"
        assert slot(paths[h.name], 1)["timestamp"] == 0   # delta released
    for h in (force, norm):
        wait_for(f"{h.name}: daemon exits",
                 lambda h=h: proc_state(h.daemon_pid) in (None, "Z"), 15)
    assert "wdmd disarmed" in rem.log_text()
    assert_no_fire_until(hosts, last_expire + W + SLACK + 1)
    assert rem.status_ls() == {}          # the daemon itself keeps running


def test_killed_daemon_fires(sim_hosts, workdir):
    """SIGKILL of the daemon while a process holds a lease: its wdmd
    connection closes while armed, wdmd keeps it as dead and fires at its
    expiry E = last renewal + 8*io, i.e. E + W - 1 <= fired <= last
    renewal + 8*io + W + 1, and the fire SIGKILLs the whole simulated
    host, lease holder included."""
    h = sim_hosts("victim", W)
    path = init_lease_file(workdir / "victim.img", "ls1", resources=("r1",))
    assert h.add("ls1", 1, path) == 0, h.describe()
    holder = h.holder("h", ls="ls1", res="r1", path=str(path),
                      offset=1 << 20)
    wait_for("the holder acquires", lambda: h.event("h", "acquired"), 10)
    wait_for("two renewals", lambda: (lockspace_conn(h, "ls1") or {})
             .get("renewal", 0) >= int(mono()) - RENEWAL, RENEWAL + 2)
    h.kill_daemon()
    conn, _ = wait_for("wdmd sees the connection dead",
                       lambda: (lockspace_conn(h, "ls1") or {}).get("dead")
                       and lockspace_conn(h, "ls1"), 5)
    R, E = conn["renewal"], conn["expire"]
    assert E == R + FAIL and conn["ref"] == 1, conn
    assert "dead" in (h.wdmd_log.read_text())
    fired, seen = wait_for("the watchdog fires", h.fired_at,
                           E + W + 2 * SLACK - mono() + 1)
    sec, reason = fired
    assert E + W - 1 <= sec <= R + FAIL + W + 1, (fired, R, E, W)
    assert seen >= E + W - 1 - 0.5, (seen, E)
    assert "sanlock_ls1:1" in reason, reason
    wait_for("the host's processes are gone", lambda: not h.members(), 5)
    assert proc_state(holder) in (None, "Z")
    # the lease on disk still carries R: others judge it dead at
    # R_obs + 8*io + W, not before the fire
    assert slot(path, 1)["timestamp"] == R
