"""Resource leases between our daemon and Debian's sanlock 3.8.5 on the
same lockspace and lease file (spec/algorithms.md §5-§8, §13.3, §14;
api.md §4.2, §4.4): mutual exclusion in both directions and both modes,
requests across the two implementations, reads, take-over of the leases
of a host whose daemon was SIGKILLed (only after host_dead_seconds, with
a higher lver, ours and 3.8.5 as owner and as taker, plus the -ENOTTY of
an acquire whose target exits meanwhile), and the uncontended acquire /
release latency of both side by side.

io_timeout 1 and W = 60 everywhere: host_dead_seconds = 8*io + W = 68.
Daemons run with -w 0, their own SANLOCK_RUN_DIR and -e host name, and
are SIGKILLed by pid at teardown.
"""

import signal
import statistics
import threading

import pytest

from test_resources_lib import (
    ACQ_OWNER_NOWAIT, EAGAIN, HOST_DEAD, IO, PAXOS_FREE_MAX,
    REQ_FORCE, REQUEST_NEXT_LVER, RES_SHARED, SANLK_ACQUIRE_IDLIVE,
    SANLK_ACQUIRE_OWNED_RETRY, SANLK_AIO_TIMEOUT, Cluster, Holder, Wire,
    mono, read_owners,
    read_resource, request, res_header_fields, wait_for)

RENEWAL = 2 * IO
SET_BITMAP = 6 * IO
ENOTTY = 25
# take-over: after the owner's last renewal T_last a taker may succeed
# only once its own observation of T_last is > host_dead old (§5.4); the
# slowest: it observed T_last one renewal read later, then polls (0.5 s)
# and runs a ballot (< 6*io).
TAKEOVER_SLACK = RENEWAL + 1 + 1 + PAXOS_FREE_MAX


@pytest.fixture
def mixed(ours, theirs, procs, run_dir, workdir):
    c = Cluster([(ours, "ours"), (theirs, "theirs")], procs, run_dir,
                workdir, nres=8)
    for h in c.hosts:
        h.wait_hosts_seen(c.ls, [1, 2])
    yield c
    c.kill_all()


def owner_ids(c, i, host):
    rv, hdr, hs = read_owners(c.hosts[host].run_dir, c.R(i))
    assert rv == 0, rv
    return sorted(x[0] for x in hs), res_header_fields(hdr)


def lver_of(c, i, host=0):
    rv, body = read_resource(c.hosts[host].run_dir, c.R(i))
    assert rv == 0, rv
    return res_header_fields(body)["lver"]


@pytest.mark.san
def test_exclusion_both_directions(mixed, procs):
    c = mixed
    O, T = c.hosts                              # ours host 1, 3.8.5 host 2
    for X, Y, i in ((O, T, 0), (T, O, 1)):
        x, y = Holder(X, procs), Holder(Y, procs)
        # EX held by X: Y gets -243 for EX and SH (§5.4 e)
        assert x.acquire([c.R(i)]) == 0, X.who
        assert y.acquire([c.R(i)]) == SANLK_ACQUIRE_IDLIVE, Y.who
        assert y.acquire([c.R(i, flags=RES_SHARED)]) == SANLK_ACQUIRE_IDLIVE
        assert y.acquire([c.R(i)], flags=ACQ_OWNER_NOWAIT) == SANLK_ACQUIRE_IDLIVE
        for h in (0, 1):
            assert owner_ids(c, i, h)[0] == [X.host_id]
        lv = lver_of(c, i)
        assert x.release([c.R(i)]) == 0
        assert y.acquire([c.R(i)]) == 0
        assert lver_of(c, i) == lv + 1
        assert x.acquire([c.R(i)]) == SANLK_ACQUIRE_IDLIVE
        assert y.release([c.R(i)]) == 0
        x.kill()
        y.kill()

    # SH + SH across implementations; EX refused beside SH both ways (§6.3)
    o, t = Holder(O, procs), Holder(T, procs)
    assert o.acquire([c.R(2, flags=RES_SHARED)]) == 0
    assert t.acquire([c.R(2, flags=RES_SHARED)]) == 0
    for h in (0, 1):
        ids, hdr = owner_ids(c, 2, h)
        assert ids == [1, 2] and hdr["flags"] & RES_SHARED
    assert o.convert(c.R(2), shared=False) == -EAGAIN
    assert t.convert(c.R(2), shared=False) == -EAGAIN
    assert o.acquire([c.R(3, flags=RES_SHARED)]) == 0
    assert t.acquire([c.R(3)]) == -EAGAIN       # 3.8.5 EX vs our SH
    assert t.acquire([c.R(4, flags=RES_SHARED)]) == 0
    assert o.acquire([c.R(4)]) == -EAGAIN       # our EX vs 3.8.5 SH
    assert t.release([c.R(2)]) == 0
    assert o.convert(c.R(2), shared=False) == 0
    assert t.acquire([c.R(2, flags=RES_SHARED)]) == SANLK_ACQUIRE_IDLIVE
    assert o.release([], flags=1) == 0
    assert t.release([], flags=1) == 0
    for i in (2, 3, 4):
        assert owner_ids(c, i, 0)[0] == []

    # `client read` prints the same through both daemons (cli.md §3.7)
    assert o.acquire([c.R(5)]) == 0
    rp, lp = c.res_path, c.ls_path
    for args in (["-r", c.R(5).cli(), "-h", "1"], ["-r", c.R(5).cli(), "-D"],
                 ["-s", f"LS:0:{lp}:0", "-D"], ["-s", f"LS:2:{lp}:0"],
                 ["-s", f"XX:0:{lp}:0"], ["-s", f"LS:0:{lp}x:0"],
                 ["-s", f":0:{rp}:0"], ["-r", f"::{rp}:5M"],
                 ["-r", f"LS:XX:{rp}:5M"], ["-r", f"::{rp}x:0"],
                 ["-r", f"::{lp}:0"], ["-r", f"::{rp}:512"],
                 ["-r", f"::{rp}:5M", "-h", "1"],
                 ["-r", f"LS::{rp}:5M", "-h", "1"],
                 ["-r", f"LS:R5:{rp}:100"]):
        a = O.client("read", *args)
        b = T.client("read", *args)
        assert (a.rc, a.out) == (b.rc, b.out), (a, b)
    assert o.release([c.R(5)]) == 0


@pytest.mark.parametrize("requester", [0, 1], ids=["ours-asks", "385-asks"])
def test_request_across(mixed, procs, requester):
    """§8.1-§8.3 between the implementations: the requester's renewals
    carry the owner's bit; the owner's daemon examines and SIGKILLs."""
    c = mixed
    owner = 1 - requester
    O, Q = c.hosts[owner], c.hosts[requester]
    a = Holder(O, procs)
    assert a.acquire([c.R(6)]) == 0
    lv = lver_of(c, 6)
    b = Holder(Q, procs)
    assert b.acquire([c.R(6)]) == SANLK_ACQUIRE_IDLIVE
    assert request(Q.run_dir, c.R(6), REQ_FORCE, flags=REQUEST_NEXT_LVER) == 0
    wait_for(lambda: not a.alive(), 2 * RENEWAL + SET_BITMAP + 3,
             f"{O.who} killed its holder after {Q.who}'s request")
    assert -a.p.returncode == signal.SIGKILL
    wait_for(lambda: b.acquire([c.R(6)]) == 0, 2 * RENEWAL + PAXOS_FREE_MAX,
             "requester acquires")
    assert lver_of(c, 6) == lv + 1


def test_takeover_after_owner_killed(ours, theirs, procs, run_dir, workdir):
    """algorithms.md §5.4, §12: the leases of a host whose daemon died can
    be taken only after host_dead_seconds (68 s at io 1) of the taker's
    own observation of the owner's last renewal, with lver + 1.  Ours and
    3.8.5 as owners and as takers, all at once (one ~75 s wait)."""
    c = Cluster([(ours, "ours"), (theirs, "theirs"), (ours, "ours"),
                 (theirs, "theirs")], procs, run_dir, workdir, nres=8)
    try:
        _takeover(c, procs)
    finally:
        c.kill_all()


def _takeover(c, procs):
    OA, TA, OB, TB = c.hosts
    for h in c.hosts:
        h.wait_hosts_seen(c.ls, [1, 2, 3, 4])
    oa, ta = Holder(OA, procs), Holder(TA, procs)
    assert oa.acquire([c.R(0), c.R(1), c.R(3)]) == 0
    assert ta.acquire([c.R(2)]) == 0
    lv = {i: lver_of(c, i) for i in (0, 1, 2, 3)}
    target = Holder(OB, procs)          # -ENOTTY scenario, on ours B

    k = mono()
    OA.kill()
    TA.kill()
    oa.kill()
    ta.kill()
    t_last = {1: c.delta_timestamp(1), 2: c.delta_timestamp(2)}
    assert all(k - 2 * RENEWAL - 2 <= t <= k + 1 for t in t_last.values()), \
        (k, t_last)

    got, errors = {}, []

    def poll(name, host, i, owner):
        """Acquire with OWNER_NOWAIT until it succeeds: -243 while the
        owner still looks alive, -247 while it is not provably dead."""
        try:
            with Wire(host.run_dir) as w:
                w.register()
                seen = set()
                deadline = k + HOST_DEAD + TAKEOVER_SLACK + 5
                while mono() < deadline:
                    rv = w.acquire([c.R(i)], flags=ACQ_OWNER_NOWAIT)
                    if rv == 0:
                        got[name] = (mono(), owner, i, seen)
                        w.release([c.R(i)])
                        return
                    # -202: an I/O of this attempt timed out (storage
                    # stalls for seconds at times on CI machines; see
                    # the disk_probe line of scripts/test.sh)
                    assert rv in (SANLK_ACQUIRE_IDLIVE,
                                  SANLK_ACQUIRE_OWNED_RETRY,
                                  SANLK_AIO_TIMEOUT), (name, rv)
                    seen.add(rv)
                    import time
                    time.sleep(0.5)
                errors.append(f"{name}: no success by the deadline")
        except BaseException as e:
            errors.append(f"{name}: {e!r}")

    def enotty():
        """api.md §5: an acquire by pid that succeeds after its target
        has exited reports -ENOTTY and the lease is given back."""
        try:
            import time
            # until B's tracking no longer sees A change (§5.4 e), the
            # blocking acquire fails at once with -243: retry
            with Wire(OB.run_dir) as m:
                while True:
                    killer = threading.Timer(3.0, target.kill)
                    killer.start()
                    t0 = mono()
                    rv = m.acquire([c.R(1)], pid=target.pid)
                    if rv == SANLK_ACQUIRE_IDLIVE and mono() - t0 < 3.0:
                        killer.cancel()
                        assert mono() < k + HOST_DEAD, "never blocked"
                        time.sleep(1)
                        continue
                    break
            got["enotty"] = (mono(), 1, 1, {rv})
        except BaseException as e:
            errors.append(f"enotty: {e!r}")

    ts = [threading.Thread(target=poll, args=a) for a in (
        ("ours takes ours", OB, 0, 1), ("ours takes 3.8.5", OB, 2, 2),
        ("3.8.5 takes ours", TB, 3, 1))]
    ts.append(threading.Thread(target=enotty))
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors

    report = []
    for name, (t, owner, i, seen) in got.items():
        if name == "enotty":
            assert seen == {-ENOTTY}, seen
            continue
        # never before host_dead_seconds of the owner's last renewal
        assert t >= t_last[owner] + HOST_DEAD, (name, t - t_last[owner])
        assert t <= k + HOST_DEAD + TAKEOVER_SLACK, (name, t - k)
        assert lver_of(c, i, 2) == lv[i] + 1, name
        report.append(f"{name}: {t - k:.1f}s after the kill "
                      f"({t - t_last[owner]:.1f}s after its last renewal)")
    # the -ENOTTY acquire's lease went back: free on disk
    wait_for(lambda: read_owners(OB.run_dir, c.R(1))[2] == [],
             2 * RENEWAL + 2, "lease of the -ENOTTY acquire released")
    assert lver_of(c, 1, 2) == lv[1] + 1
    print("\n" + "\n".join(report))


def test_latency_ours_vs_385(mixed):
    """Uncontended acquire and release of one lease, 50 times each, ours
    and 3.8.5 on the same file (printed; numbers go in the report)."""
    c = mixed
    out = []
    for h, i in zip(c.hosts, (6, 7)):
        acq, rel = [], []
        with Wire(h.run_dir) as w:
            w.register()
            for _ in range(50):
                t0 = mono()
                assert w.acquire([c.R(i)]) == 0
                t1 = mono()
                assert w.release([c.R(i)]) == 0
                t2 = mono()
                acq.append(t1 - t0)
                rel.append(t2 - t1)
        q = lambda v, p: sorted(v)[int(p * (len(v) - 1))]   # noqa: E731
        out.append(f"{h.who:7s} acquire median {statistics.median(acq)*1e3:6.2f} ms"
                   f" p99 {q(acq, .99)*1e3:6.2f} ms | release median "
                   f"{statistics.median(rel)*1e3:6.2f} ms p99 {q(rel, .99)*1e3:6.2f} ms")
    print("\n" + "\n".join(out))
