"""Resource leases through our daemon (spec/algorithms.md §5-§8, §10.3,
§11; api.md §4.2, §4.4, §5, §8.3; cli.md §1.8, §3.1, §3.6, §3.7):
acquire / release / inquire / convert in both modes, several resources
per call (all or nothing), acting for another pid, the lock value block,
rename on release, what happens to leases when the holder exits
(released; persistent ones become orphans, adopted with ORPHAN, released
with REL_ORPHAN), requests (FORCE / GRACEFUL, restrictions, killpath,
explicit examine and the notification bitmap between two hosts), bad
input (nothing written), and mutual exclusion between two of our hosts.

Every daemon runs unprivileged with its own SANLOCK_RUN_DIR and -e host
name, -w 0, and joins with io_timeout 1 (W = 60).  Holders are separate
registered processes (test_resources_lib.Holder).  Every process is
stopped by pid at teardown (conftest `procs`), also on failure.  Waits
are derived from the timeout formulas and poll.
"""

import os
import re
import signal
import time

import pytest

from test_resources_lib import (
    ACQ_LVB, ACQ_ORPHAN, ACQ_OWNER_NOWAIT, CMD, E2BIG, EAGAIN, EALREADY,
    EBUSY, EEXIST, EINVAL, ENOENT, ENOSPC, ERANGE, ESRCH, EUCLEAN, IO, MiB,
    PAXOS_FREE_MAX, REL_ALL, REL_ORPHAN, REL_RENAME, REQ_FORCE, REQ_GRACEFUL,
    REQUEST_NEXT_LVER, RES_LVER, RES_NUM_HOSTS, RES_PERSISTENT, RES_SHARED,
    SANLK_ACQUIRE_IDLIVE, SANLK_ACQUIRE_LVER, SANLK_LEADER_MAGIC,
    SANLK_LEADER_RESOURCE, Cluster, Holder, Res, Wire, mono, one_call,
    options_bytes, read_owners, read_resource, request,
    res_header_fields, wait_for)

RENEWAL = 2 * IO
SET_BITMAP = 6 * IO            # how long a requester's bit stays set (§8.2)
EXIT_RELEASE_MAX = 2 * IO + 3  # holder exit -> background release done
KILL_MAX = 5                   # helper delivers a signal


@pytest.fixture
def one(ours, procs, run_dir, workdir):
    c = Cluster([(ours, "ours")], procs, run_dir, workdir, nres=10)
    yield c
    c.kill_all()


@pytest.fixture
def two(ours, procs, run_dir, workdir):
    c = Cluster([(ours, "ours"), (ours, "ours")], procs, run_dir, workdir,
                nres=8)
    yield c
    c.kill_all()


def lver_of(c, i):
    rv, body = read_resource(c.hosts[0].run_dir, c.R(i))
    assert rv == 0, rv
    return res_header_fields(body)["lver"]


def owners(c, i, host=0):
    rv, _, hs = read_owners(c.hosts[host].run_dir, c.R(i))
    assert rv == 0, rv
    return hs


# --------------------------------------------------------------- basics

@pytest.mark.san
def test_acquire_release_inquire(one, procs):
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    lv0 = lver_of(c, 0)
    assert a.acquire([c.R(0)]) == 0
    lv = lver_of(c, 0)
    assert lv == lv0 + 1
    st = c.R(0).state(lver=lv)
    assert a.inquire() == (0, 1, st)
    assert owners(c, 0)[0][0] == 1           # host_id 1 owns it on disk
    assert f"r {st} p {a.pid}" in h.res_lines()

    # cli.md §3.6 exact output
    r = h.client("inquire", "-p", str(a.pid))
    assert r.out == f"inquire pid {a.pid}\ninquire done 0 res_count 1\n\"{st}\"\n", r
    # api.md §4.2: acquiring a held lease again, release, release again
    assert a.acquire([c.R(0)]) == -EEXIST
    assert a.release([c.R(0)]) == 0
    assert a.release([c.R(0)]) == -1
    assert a.inquire() == (0, 0, None)
    assert owners(c, 0) == []
    r = h.client("inquire", "-p", str(a.pid))
    assert r.out.endswith("inquire done 0 res_count 0\n\"(null)\"\n"), r

    # several per call, kept in slot order; release of one not held
    # still releases the others and reports -1
    assert a.acquire([c.R(1), c.R(2), c.R(3)]) == 0
    rv, n, state = a.inquire()
    assert n == 3 and [s.split(":")[1] for s in state.split()] == ["R1", "R2", "R3"]
    assert a.release([c.R(5), c.R(2)]) == -1
    assert a.inquire()[1] == 2
    assert a.release([], REL_ALL) == 0
    assert a.inquire() == (0, 0, None)
    for i in (1, 2, 3):
        assert owners(c, i) == []


@pytest.mark.san
def test_all_or_nothing_and_pid_form(one, procs):
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    b = Holder(h, procs)
    assert b.acquire([c.R(2)]) == 0
    # R4 is free, R2 held by b: nothing of the call stays held
    assert a.acquire([c.R(4), c.R(2)]) == -EEXIST
    assert a.inquire() == (0, 0, None)
    assert owners(c, 4) == []
    # the same resource twice in one call
    assert a.acquire([c.R(4), c.R(4)]) == -EEXIST
    assert owners(c, 4) == []
    # a wrong name in the 2nd resource: the 1st is given back on disk
    lv = lver_of(c, 5)
    bad = Res("LS", "NOPE", [(c.res_path, 6 * MiB)])
    assert a.acquire([c.R(5), bad]) == SANLK_LEADER_RESOURCE
    assert owners(c, 5) == [] and lver_of(c, 5) == lv + 1

    # acting for another registered pid (data2 = pid), from a one-shot
    # connection; owner_name names the client (cli.md §3.1)
    with Wire(h.run_dir) as m:
        assert m.acquire([c.R(6)], pid=a.pid, owner=b"manager-set") == 0
    with Wire(h.run_dir) as m:
        rv, n, st = m.inquire(pid=a.pid)
    assert (rv, n) == (0, 1) and st == c.R(6).state(lver=lver_of(c, 6))
    assert f"p {a.pid} manager-set" in h.status()
    r = h.client("acquire", "-r", c.R(7).cli(), "-p", str(a.pid))
    assert r.out == f"acquire pid {a.pid}\nacquire done 0\n", r
    r = h.client("release", "-r", c.R(7).cli(), "-p", str(a.pid))
    assert r.out == f"release pid {a.pid}\nrelease done 0\n", r
    with Wire(h.run_dir) as m:
        assert m.release([c.R(6)], pid=a.pid) == 0
    assert a.inquire() == (0, 0, None)


@pytest.mark.san
def test_shared_convert_lvb_rename(one, procs):
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    b = Holder(h, procs)
    sh = c.R(1, flags=RES_SHARED)
    assert a.acquire([sh]) == 0
    assert b.acquire([sh]) == 0              # SH + SH locally: no I/O
    shared_lines = [l for l in h.res_lines() if ":SH p " in l]
    assert sorted(shared_lines) == sorted(
        [f"r {c.R(1).state(shared=True)} p {p}" for p in (a.pid, b.pid)])
    rv, hdr, hs = read_owners(h.run_dir, c.R(1))
    assert rv == 0 and res_header_fields(hdr)["flags"] & RES_SHARED
    assert [x[0] for x in hs] == [1] and hs[0][2] == 0
    assert b.acquire([c.R(1)]) == -EEXIST    # EX while held SH
    assert a.convert(c.R(1), shared=True) == -EALREADY
    # Another local process holds it SH: no EX beside it (3.8.5 allows
    # this; we refuse, README compatibility table).
    assert a.convert(c.R(1), shared=False) == -EAGAIN
    assert b.release([c.R(1)]) == 0
    assert owners(c, 1)[0][0] == 1           # a still holds SH on disk
    assert a.convert(c.R(1), shared=False) == 0
    lv = lver_of(c, 1)
    assert a.inquire() == (0, 1, c.R(1).state(lver=lv))
    assert a.convert(c.R(1), shared=True) == 0
    assert a.inquire() == (0, 1, c.R(1).state(shared=True))
    assert a.convert(c.R(2), shared=True) == -ENOENT
    assert a.release([c.R(1)]) == 0
    assert owners(c, 1) == []

    # LVB (api.md §4.2): zeros first, written back at release
    assert a.acquire([c.R(3)], flags=ACQ_LVB) == 0
    hdr = c.R(3).wire(with_disks=False)[:128]
    rv, _, body = one_call(h.run_dir, CMD["GET_LVB"], 0, 0, 0, hdr)
    assert rv == 0 and body == b"\0" * 512
    rv, _, _ = one_call(h.run_dir, CMD["SET_LVB"], 0, 0, 0, hdr + b"hello")
    assert rv == 0
    rv, _, _ = one_call(h.run_dir, CMD["SET_LVB"], 0, 0, 0, hdr + b"x" * 513)
    assert rv == -E2BIG
    assert a.release([c.R(3)]) == 0
    assert a.acquire([c.R(3)], flags=ACQ_LVB) == 0
    rv, _, body = one_call(h.run_dir, CMD["GET_LVB"], 0, 0, 16, hdr)
    assert rv == 0 and body == b"hello".ljust(16, b"\0")
    assert a.release([c.R(3)]) == 0
    rv, _, body = one_call(h.run_dir, CMD["GET_LVB"], 0, 0, 0, hdr)
    assert rv == -ENOENT and body == b""
    assert a.acquire([c.R(3)]) == 0          # held without LVB
    rv, _, _ = one_call(h.run_dir, CMD["SET_LVB"], 0, 0, 0, hdr + b"x")
    assert rv == -EINVAL

    # rename on release, and back
    assert a.release([c.R(3), Res("LS", "R3NEW", [])], flags=REL_RENAME) == 0
    rv, body = read_resource(h.run_dir, Res("", "", [(c.res_path, 3 * MiB)]))
    assert rv == 0 and res_header_fields(body)["name"] == b"R3NEW"
    r3new = Res("LS", "R3NEW", [(c.res_path, 3 * MiB)])
    assert a.acquire([r3new]) == 0
    assert a.release([r3new, Res("LS", "R3", [])], flags=REL_RENAME) == 0
    assert lver_of(c, 3) > 0

    # num_hosts (SANLK_RES_NUM_HOSTS) is committed with the leader
    assert a.acquire([c.R(4, flags=RES_NUM_HOSTS, data32=10)]) == 0
    assert a.release([c.R(4)]) == 0
    r = h.binary.direct("read_leader", "-r", c.R(4).cli())
    assert re.search(r"^num_hosts 10$", r.out, re.M), r


# ----------------------------------------------------------- bad input

@pytest.mark.san
def test_bad_input_nothing_written(one, procs):
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    before = c.res_digest()
    R = c.R
    # lockspace not joined / empty lockspace name: -ENOSPC (-28)
    assert a.acquire([Res("NOLS", "R0", [(c.res_path, 0)])]) == -ENOSPC
    assert a.acquire([Res("", "R0", [(c.res_path, 0)])]) == -ENOSPC
    # names on disk differ: -227; no lease at all there: -223
    assert a.acquire([Res("LS", "WRONG", [(c.res_path, 0)])]) == SANLK_LEADER_RESOURCE
    assert a.acquire([Res("LS", "", [(c.res_path, 0)])]) == SANLK_LEADER_RESOURCE
    assert a.acquire([Res("LS", "R0", [(c.res_path, 512)])]) == SANLK_LEADER_MAGIC
    # wrong required version (SANLK_RES_LVER)
    assert a.acquire([R(0, flags=RES_LVER, lver=99)]) == SANLK_ACQUIRE_LVER
    # num_hosts over the lease's max_hosts (3.8.5 writes it, and its
    # daemon later crashes reading that lease): refused, nothing written
    assert a.acquire([R(0, flags=RES_NUM_HOSTS, data32=5000)]) == -EINVAL
    # outside the file, not sector aligned, no disk, bad paths
    assert a.acquire([Res("LS", "R0", [(c.res_path, 64 * MiB)])]) == -90
    assert a.acquire([Res("LS", "R0", [(c.res_path, 10 * MiB - 512)])]) == -90
    assert a.acquire([Res("LS", "R0", [(c.res_path, 100)])]) == -EINVAL
    assert a.acquire([Res("LS", "R0", [])]) == -ERANGE
    assert a.acquire([Res("LS", "R0", [("", 0)])]) == -ENOENT
    assert a.acquire([Res("LS", "R0", [(os.path.dirname(c.res_path), 0)])]) == -21
    assert a.release([R(0)]) == -1           # not held
    assert a.convert(R(0), shared=True) == -ENOENT
    with Wire(h.run_dir) as w:
        # pid not registered; an unregistered connection as the target
        assert w.acquire([R(0)], pid=999999) == -ESRCH
        assert w.inquire(pid=999999)[0] == -ESRCH
        assert w.release([R(0)], pid=999999) == -ESRCH
        assert w.acquire([R(0)]) == -EBUSY
        assert w.inquire()[0] == -EBUSY
        assert w.release([R(0)], REL_ORPHAN) == -EBUSY
    # more than SANLK_MAX_RESOURCES (8) in one request: the library
    # refuses them (-EINVAL) and the CLI drops the 9th (cli.md); a raw
    # request gets -E2BIG (the connection closes), nothing is held
    with Wire(h.run_dir) as w:
        w.register()
        payload = b"".join(R(i).wire() for i in range(9)) + options_bytes()
        assert w.acquire([None] * 9, raw=payload) == -E2BIG
    assert a.inquire() == (0, 0, None)
    assert c.res_digest() == before, "a failed request wrote to the leases"


def test_sh_mode_block_room():
    pytest.skip("spec/ondisk.md puts the mode block inside each host's own "
                "dblock sector (bytes 128..), so every lease area has room "
                "for it; there is no 'no room' case to provoke")


# -------------------------------------------------------- holder exits

@pytest.mark.san
def test_exit_releases_and_orphans(one, procs):
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    assert a.acquire([c.R(0), c.R(1, flags=RES_PERSISTENT),
                      c.R(2, flags=RES_PERSISTENT | RES_SHARED)]) == 0
    lv1 = lver_of(c, 1)
    a_pid = a.pid
    a.kill()
    # §10.3: plain lease released in the background; persistent ones
    # stay on disk and show as orphans (shared: pid 0, as 3.8.5)
    wait_for(lambda: owners(c, 0) == [], EXIT_RELEASE_MAX,
             "plain lease released after its holder exited")
    lines = wait_for(lambda: [l for l in h.res_lines() if "ORPHAN" in l],
                     EXIT_RELEASE_MAX, "orphans listed")
    assert sorted(lines) == sorted([
        f"r {c.R(1).state(lver=lv1)} p {a_pid} ORPHAN",
        f"r {c.R(2).state(shared=True)} p 0 ORPHAN"]), lines
    assert owners(c, 1)[0][0] == 1 and owners(c, 2)[0][0] == 1
    st = h.status("-o", "p")
    assert st[st.index("-") + 1:] == [f"r {c.R(1).state(lver=lv1)} p {a_pid} ORPHAN",
                                      f"r {c.R(2).state(shared=True)} p 0 ORPHAN"] or \
        sorted(st[st.index("-") + 1:]) == sorted(lines), st

    b = Holder(h, procs)
    assert b.acquire([c.R(1)]) == -EUCLEAN                # orphan exists
    assert b.acquire([c.R(2)], flags=ACQ_ORPHAN) == -EUCLEAN  # mode differs
    assert b.acquire([c.R(1)], flags=ACQ_ORPHAN) == 0     # adopt, no I/O
    assert lver_of(c, 1) == lv1
    assert b.inquire() == (0, 1, c.R(1).state(lver=lv1))
    # REL_ORPHAN with an empty name: every orphan of the lockspace; the
    # result is their number
    with Wire(h.run_dir) as w:
        w.register()
        assert w.release([Res("LS", "", [])], REL_ORPHAN) == 1
        assert w.release([Res("LS", "", [])], REL_ORPHAN) == 0
    wait_for(lambda: owners(c, 2) == [], EXIT_RELEASE_MAX,
             "orphan released on disk")
    # an explicit release of a persistent lease releases it normally
    assert b.release([c.R(1)]) == 0
    assert owners(c, 1) == []
    r = h.client("release", "-s", "LS", "-O", "1", "-p", str(b.pid))
    assert r.out == f"release pid {b.pid}\nrelease done 0\n", r


def test_closed_connection_releases(one, procs):
    """api.md §5: the registered connection closing is what counts."""
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    assert a.acquire([c.R(0)]) == 0
    a.cmd("close")
    wait_for(lambda: owners(c, 0) == [], EXIT_RELEASE_MAX,
             "lease released when the registered connection closed")
    assert a.alive()


# ------------------------------------------------------------- requests

def _holder_signal(holder, timeout=KILL_MAX):
    wait_for(lambda: not holder.alive(), timeout, "holder killed")
    return -holder.p.returncode


@pytest.mark.san
def test_request_force_examine(one, procs, workdir):
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    assert a.acquire([c.R(0)]) == 0
    lv = lver_of(c, 0)
    # a request for the current version is refused (-272), for the next
    # one it is written; the owner acts on it when it examines (§8.3)
    assert request(h.run_dir, c.R(0), REQ_FORCE, lver=lv) == -272
    r = h.client("request", "-r", c.R(0).cli(lv + 1), "-f", "1")
    assert r.out == "request\nrequest done 0\n", r
    assert a.alive()
    r = h.client("examine", "-r", c.R(0).cli())
    assert r.out == "examine\nexamine done 0\n", r
    assert _holder_signal(a) == signal.SIGKILL
    wait_for(lambda: owners(c, 0) == [], EXIT_RELEASE_MAX, "released")
    b = Holder(h, procs)
    assert b.acquire([c.R(0)]) == 0
    assert lver_of(c, 0) == lv + 1
    # the request is stale now: examining again does nothing
    r = h.client("examine", "-s", f"LS:1:{c.ls_path}:0")
    assert r.done_rv("examine") == 0
    assert not wait_for_death(b, 2 * IO + 1)


def wait_for_death(holder, seconds):
    end = mono() + seconds
    while mono() < end:
        if not holder.alive():
            return True
        import time
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("mode,restrict,killpath,expect", [
    (REQ_FORCE, 0x2, False, signal.SIGTERM),     # SIGKILL restricted
    (REQ_GRACEFUL, 0, False, signal.SIGTERM),
    (REQ_GRACEFUL, 0x4, False, signal.SIGKILL),  # SIGTERM restricted
    (REQ_GRACEFUL, 0, True, None),               # killpath, no pid appended
], ids=["force-nokill", "graceful", "graceful-noterm", "graceful-killpath"])
def test_request_actions(one, procs, workdir, mode, restrict, killpath,
                         expect):
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    out = workdir / "killpath.out"
    if killpath:
        prog = workdir / "kp.sh"
        prog.write_text("#!/bin/sh\necho \"$@\" > " + str(out) +
                        "\nkill -USR1 \"$2\"\n")
        prog.chmod(0o755)
        assert a.killpath(str(prog), f"a\\ b {a.pid}", flags=1) == 0
    if restrict:
        assert a.restrict(restrict) == 0
    assert a.acquire([c.R(0)]) == 0
    lv = lver_of(c, 0)
    assert request(h.run_dir, c.R(0), mode, flags=REQUEST_NEXT_LVER) == 0
    with Wire(h.run_dir) as w:
        rv, _, _ = w.call(CMD["EXAMINE_RESOURCE"], 0, 0, 0,
                          c.R(0).wire(with_disks=False)[:128])
        assert rv == 0
    sig = _holder_signal(a)
    if killpath:
        # algorithms.md §10.2: request path, SANLK_KILLPATH_PID ignored
        assert sig == signal.SIGUSR1
        assert out.read_text() == f"a b {a.pid}\n"
    else:
        assert sig == expect
    wait_for(lambda: owners(c, 0) == [], EXIT_RELEASE_MAX, "released")
    assert lver_of(c, 0) == lv


def test_request_bitmap_two_hosts(two, procs):
    """§8.1-§8.3 across hosts: B writes the request and sets A's bit in
    its renewals; A sees the bit in B's delta lease at its next renewal
    read, examines, and kills the holder.  Bound: B renews every 2*io, A
    reads every 2*io, the bit stays set_bitmap_seconds."""
    c = two
    A, B = c.hosts
    A.wait_hosts_seen(c.ls, [1, 2])
    B.wait_hosts_seen(c.ls, [1, 2])
    a = Holder(A, procs)
    assert a.acquire([c.R(0)]) == 0
    lv = lver_of(c, 0)
    b = Holder(B, procs)
    assert b.acquire([c.R(0)]) == SANLK_ACQUIRE_IDLIVE
    t0 = mono()
    assert request(B.run_dir, c.R(0), REQ_FORCE, flags=REQUEST_NEXT_LVER) == 0
    sig = _holder_signal(a, timeout=2 * RENEWAL + SET_BITMAP + 3)
    assert sig == signal.SIGKILL
    dt = mono() - t0
    rv = wait_for(lambda: b.acquire([c.R(0)]) == 0 or None,
                  EXIT_RELEASE_MAX + PAXOS_FREE_MAX, "B acquires")
    assert rv
    assert lver_of(c, 0) == lv + 1
    print(f"\nrequest -> holder killed on the other host in {dt:.1f}s")


# ---------------------------------------------------- two of our hosts

@pytest.mark.san
def test_mutual_exclusion_two_hosts(two, procs):
    c = two
    A, B = c.hosts
    A.wait_hosts_seen(c.ls, [1, 2])
    B.wait_hosts_seen(c.ls, [1, 2])
    a, b = Holder(A, procs), Holder(B, procs)
    # EX vs EX, EX vs SH
    assert a.acquire([c.R(0)]) == 0
    assert b.acquire([c.R(0)]) == SANLK_ACQUIRE_IDLIVE
    assert b.acquire([c.R(0, flags=RES_SHARED)]) == SANLK_ACQUIRE_IDLIVE
    assert b.acquire([c.R(0)], flags=ACQ_OWNER_NOWAIT) == SANLK_ACQUIRE_IDLIVE
    assert a.release([c.R(0)]) == 0
    assert b.acquire([c.R(0)]) == 0
    assert a.acquire([c.R(0)]) == SANLK_ACQUIRE_IDLIVE
    assert b.release([c.R(0)]) == 0
    # SH + SH across hosts; EX refused while another host holds SH
    assert a.acquire([c.R(1, flags=RES_SHARED)]) == 0
    assert b.acquire([c.R(1, flags=RES_SHARED)]) == 0
    assert sorted(x[0] for x in owners(c, 1)) == [1, 2]
    assert a.convert(c.R(1), shared=False) == -EAGAIN
    assert b.release([c.R(1)]) == 0
    assert b.acquire([c.R(1)]) == -EAGAIN      # A still holds SH
    assert a.convert(c.R(1), shared=False) == 0
    assert b.acquire([c.R(1, flags=RES_SHARED)]) == SANLK_ACQUIRE_IDLIVE
    assert a.release([c.R(1)]) == 0
    assert owners(c, 1) == []


# ------------------------------------------------ lockspace interplay

def _rem_async(h, c):
    from test_resources_lib import ls_bytes
    rv, _, _ = one_call(h.run_dir, 3, 0x1, 0, 0,   # REM_LOCKSPACE, ASYNC
                        ls_bytes(c.ls, 1, c.ls_path, 0))
    return rv


def _inq(h, c):
    return h.client("inq_lockspace", "-s",
                    f"{c.ls}:1:{c.ls_path}:0").done_rv("inq_lockspace")


def test_set_config_used_and_rem_unused(one, procs):
    """§11.2-§11.3: USED / USED_BY_ORPHANS hold a removal back;
    rem_lockspace UNUSED fails with -EBUSY while leases exist."""
    c = one
    h = c.hosts[0]
    r = h.client("set_config", "-s", "NOLS", "-u", "1")
    assert r.out == "set_config NOLS 1\nset_config done -2\n", r
    from test_resources_lib import ls_bytes
    rv, _, _ = one_call(h.run_dir, CMD["SET_CONFIG"], 0, 3, 0, ls_bytes("LS"))
    assert rv == -EINVAL

    a = Holder(h, procs)
    assert a.acquire([c.R(1)]) == 0
    rv, _, _ = one_call(h.run_dir, 3, 0x2, 0, 0,   # REM_LOCKSPACE, UNUSED
                        ls_bytes("LS", 1, c.ls_path, 0))
    assert rv == -EBUSY
    assert _inq(h, c) == 0
    assert a.release([c.R(1)]) == 0
    a.kill()

    # USED: the removal waits until the flag is cleared
    r = h.client("set_config", "-s", "LS", "-u", "1")
    assert r.out == "set_config LS 1\nset_config done 0\n", r
    assert _rem_async(h, c) == 0
    # a removal takes < 2*io + 2 s; while USED holds it back inq still
    # says joined (0), as 3.8.5 does
    time.sleep(2 * RENEWAL + 3)
    assert _inq(h, c) == 0
    r = h.client("set_config", "-s", "LS", "-u", "0")
    assert r.done_rv("set_config") == 0
    wait_for(lambda: _inq(h, c) == -ENOENT, 2 * RENEWAL + 4,
             "removal finishes once USED is cleared")

    # USED_BY_ORPHANS: the same while an orphan exists
    h.join("LS", 1, c.ls_path)
    b = Holder(h, procs)
    assert b.acquire([c.R(2, flags=RES_PERSISTENT)]) == 0
    b.kill()
    wait_for(lambda: any("ORPHAN" in l for l in h.res_lines()),
             EXIT_RELEASE_MAX, "orphan")
    assert h.client("set_config", "-s", "LS", "-O", "1").done_rv("set_config") == 0
    assert _rem_async(h, c) == 0
    time.sleep(2 * RENEWAL + 3)
    assert _inq(h, c) == 0
    with Wire(h.run_dir) as w:
        w.register()
        assert w.release([Res("LS", "", [])], REL_ORPHAN) == 1
    wait_for(lambda: _inq(h, c) == -ENOENT, 2 * RENEWAL + 4,
             "removal finishes once the orphan is gone")


def _holder_gone(holder, timeout=KILL_MAX):
    return wait_for(lambda: not holder.alive(), timeout, "holder gone")


def test_forced_shutdown_kills_holders(one, procs):
    """§11.3: a forced shutdown SIGKILLs lease holders, then exits."""
    c = one
    h = c.hosts[0]
    a = Holder(h, procs)
    assert a.acquire([c.R(0)]) == 0
    r = h.client("shutdown", "-f", "1", "-w", "1", timeout=60)
    assert r.done_rv("shutdown") == 0, r
    assert _holder_gone(a) and -a.p.returncode == signal.SIGKILL
    h.p.wait(timeout=30)


def test_release_timeout_retried_in_background(ours, procs, run_dir, workdir):
    """§7.4: a release whose I/O times out returns -202, the lease stays
    "in use" locally (-EAGAIN for a new acquire) and is released in the
    background once the storage answers again (retry io after the
    attempt, then every 2*io)."""
    from faultfs import FaultFS, FaultFSUnavailable, fuse_unavailable_reason
    why = fuse_unavailable_reason()
    if why:
        pytest.skip(why)
    back = workdir / "back"
    back.mkdir()
    try:
        fs = FaultFS(back)
        fs.__enter__()
    except FaultFSUnavailable as e:
        pytest.skip(str(e))
    try:
        c = Cluster([(ours, "ours")], procs, run_dir, workdir, nres=2,
                    res_dir=fs.path(""))
        try:
            h = c.hosts[0]
            a, b = Holder(h, procs), Holder(h, procs)
            assert a.acquire([c.R(0)]) == 0
            fs.hang("res.img", "write", off=0, length=MiB)
            t0 = mono()
            assert a.release([c.R(0)]) == -202
            assert mono() - t0 < 4 * IO + 2
            assert any(l.endswith(" REM") for l in h.res_lines()), h.res_lines()
            assert b.acquire([c.R(0)]) == -EAGAIN
            fs.clear("res.img")
            wait_for(lambda: b.acquire([c.R(0)]) == 0, 2 * 2 * IO + 4,
                     "background release finished")
            assert b.release([c.R(0)]) == 0
        finally:
            c.kill_all()
    finally:
        fs.__exit__(None, None, None)


# ------------------------------------------------------ other clients

def test_client_command_holds_until_program_exits(one, procs):
    """cli.md §1.8 `client command`: register, acquire, exec; the program
    inherits the registered connection, so its exit releases the lease."""
    c = one
    h = c.hosts[0]
    env = dict(os.environ)
    env.update(h.env)
    p = procs.start([h.binary.path, "client", "command", "-r", c.R(0).cli(),
                     "-c", "/bin/sleep", "600"], env=env)
    line = wait_for(lambda: [l for l in h.res_lines()
                             if l.endswith(f" p {p.pid}")],
                    PAXOS_FREE_MAX, "lease held by the command")
    assert line == [f"r {c.R(0).state(lver=lver_of(c, 0))} p {p.pid}"]
    p.kill()
    p.wait()
    wait_for(lambda: owners(c, 0) == [], EXIT_RELEASE_MAX, "released")


PY_CLIENT = r'''
import sanlock, sys
path, off = sys.argv[1], int(sys.argv[2])
disks = [(path, off)]
fd = sanlock.register()
sanlock.acquire(b"LS", b"R1", disks, slkfd=fd)
inq = sanlock.inquire(slkfd=fd)
assert inq[0]["resource"] == b"R1" and inq[0]["flags"] == 1, inq
owners = sanlock.read_resource_owners(b"LS", b"R1", disks)
assert [o["host_id"] for o in owners] == [1], owners
try:
    sanlock.acquire(b"LS", b"R1", disks, slkfd=fd)
    raise SystemExit("second acquire succeeded")
except sanlock.SanlockException as e:
    assert e.errno == 17, e
sanlock.release(b"LS", b"R1", disks, slkfd=fd)
assert sanlock.inquire(slkfd=fd) == []
sanlock.acquire(b"LS", b"R1", disks, slkfd=fd, shared=True, lvb=True)
assert sanlock.inquire(slkfd=fd)[0]["flags"] == 4
assert sanlock.get_lvb(b"LS", b"R1", disks, 16) == b"\0" * 16
sanlock.release(b"LS", b"R1", disks, slkfd=fd)
r = sanlock.read_resource(path, off)
assert r["resource"] == b"R1" and r["version"] >= 2, r
sanlock.request(b"LS", b"R1", disks, action=sanlock.REQ_FORCE)
print("ok")
'''


def test_python3_sanlock_binding(one):
    """Debian's python3-sanlock (over Debian's libsanlock 3.8.5) against
    our daemon: register / acquire / inquire / owners / release / lvb /
    read / request (api.md §6)."""
    import subprocess
    c = one
    h = c.hosts[0]
    try:
        import sanlock  # noqa: F401
    except ImportError:
        pytest.skip("python3-sanlock not installed")
    env = dict(os.environ)
    env.update(h.env)
    r = subprocess.run(["/usr/bin/python3", "-c", PY_CLIENT, c.res_path,
                        str(MiB)], env=env, capture_output=True, timeout=60)
    assert r.returncode == 0 and r.stdout == b"ok\n", r
