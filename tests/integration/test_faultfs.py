"""faultfs (tests/tools/faultfs, driven through tests/integration/faultfs.py):
the fault-injection FUSE file system the other integration tests use to
break storage under real processes.

Checks: O_DIRECT and libaio I/O pass through to the backing file; `fail`,
`hang` and `delay` act on the right file, operation and byte range; a hung
request does not block other files or the control socket; teardown (also
SIGTERM, also SIGKILL of faultfs) never leaves a blocked process or a
mount behind; and `sanlock direct init` runs through the mount and reports
an injected write error.

The whole module is skipped when FUSE is unusable here (no /dev/fuse, no
fusermount3, mount refused).  Tests marked `san` also run against
build-san/ (faultfs and sanlock under ASan+UBSan; FaultFS fails the test on
a sanitizer report in faultfs's log).
"""

import ctypes
import errno
import mmap
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from faultfs import (REPO, FaultFS, FaultFSError, FaultFSUnavailable,
                     faultfs_binary, fuse_unavailable_reason, mount_fstype)
from helpers import MiB, Sanlock, make_file, sanitizer_env

_REASON = fuse_unavailable_reason()
pytestmark = pytest.mark.skipif(_REASON is not None,
                                reason=_REASON or "FUSE usable")

SECTOR = 4096

# Reads 4 KiB at OFFSET from PATH with O_DIRECT; prints "ok <n> <hex8>" or
# "errno <e>".  Runs in a child so a hung read never blocks pytest itself.
READER = r"""
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT)
buf = mmap.mmap(-1, 4096)
try:
    n = os.preadv(fd, [buf], int(sys.argv[2]))
    print("ok", n, buf[:8].hex(), flush=True)
except OSError as e:
    print("errno", e.errno, flush=True)
"""


def aligned(data):
    """A page-aligned buffer holding DATA (O_DIRECT needs alignment)."""
    buf = mmap.mmap(-1, max(len(data), SECTOR))
    buf.write(data)
    return buf


def direct_open(path, flags=os.O_RDWR):
    return os.open(path, flags | os.O_DIRECT | os.O_SYNC)


def direct_read(path, off, size=SECTOR):
    fd = direct_open(path, os.O_RDONLY)
    try:
        buf = mmap.mmap(-1, size)
        n = os.preadv(fd, [buf], off)
        return bytes(buf[:n])
    finally:
        os.close(fd)


def direct_write(path, off, data):
    fd = direct_open(path)
    try:
        return os.pwritev(fd, [aligned(data)], off)
    finally:
        os.close(fd)


def start_reader(path, off=0):
    return subprocess.Popen([sys.executable, "-c", READER, str(path), str(off)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def proc_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def _fuse_mountable(tmp_path_factory):
    """Skip the module once if this machine refuses FUSE mounts."""
    if not os.access(faultfs_binary(), os.X_OK):
        pytest.fail(f"{faultfs_binary()} is not built (run `make`)")
    d = tmp_path_factory.mktemp("faultfs-probe")
    try:
        with FaultFS(d):
            pass
    except FaultFSUnavailable as e:
        pytest.skip(f"cannot mount faultfs here: {e}")


@pytest.fixture
def backing(workdir):
    d = workdir / "backing"
    d.mkdir()
    make_file(d / "lease", 1 * MiB)
    make_file(d / "other", 1 * MiB)
    return d


@pytest.fixture
def fs(_fuse_mountable, backing):
    f = FaultFS(backing)
    try:
        f.mount()
    except FaultFSUnavailable as e:
        pytest.skip(f"cannot mount faultfs here: {e}")
    mnt, pid = f.mountpoint, f.pid
    try:
        yield f
    finally:
        f.unmount()
    assert mount_fstype(mnt) is None, f"{mnt} still mounted after unmount"
    assert proc_state(pid) is None, f"faultfs {pid} still running"
    assert not f.sanitizer_report(), f.log


# ------------------------------------------------------------- pass-through

def test_direct_io_round_trip(fs, backing):
    lease = fs.path("lease")
    assert os.stat(lease).st_size == 1 * MiB
    data = os.urandom(2 * SECTOR)
    assert direct_write(lease, 8 * SECTOR, data) == len(data)
    assert direct_read(lease, 8 * SECTOR, len(data)) == data
    # It is on the backing file, not in some cache of ours...
    with open(backing / "lease", "rb") as f:
        f.seek(8 * SECTOR)
        assert f.read(len(data)) == data
    # ... and changes to the backing file are seen through the mount.
    with open(backing / "lease", "r+b") as f:
        f.write(b"B" * SECTOR)
    assert direct_read(lease, 0) == b"B" * SECTOR
    # Files created through the mount land in the backing directory.
    with open(fs.path("new"), "wb") as f:
        f.write(b"hello")
    assert (backing / "new").read_bytes() == b"hello"
    assert sorted(os.listdir(fs.path())) == ["lease", "new", "other"]
    c = fs.counts("lease", "write")
    assert c["served"] >= 1 and c["failed"] == 0


class _Iocb(ctypes.Structure):      # struct iocb, linux/aio_abi.h (x86_64)
    _fields_ = [("data", ctypes.c_uint64), ("key", ctypes.c_uint32),
                ("rw_flags", ctypes.c_uint32), ("opcode", ctypes.c_uint16),
                ("reqprio", ctypes.c_int16), ("fildes", ctypes.c_uint32),
                ("buf", ctypes.c_uint64), ("nbytes", ctypes.c_uint64),
                ("offset", ctypes.c_int64), ("reserved2", ctypes.c_uint64),
                ("flags", ctypes.c_uint32), ("resfd", ctypes.c_uint32)]


class _IoEvent(ctypes.Structure):
    _fields_ = [("data", ctypes.c_uint64), ("obj", ctypes.c_uint64),
                ("res", ctypes.c_int64), ("res2", ctypes.c_int64)]


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class Aio:
    """Minimal libaio (the library the lease code uses) through ctypes."""
    PREAD, PWRITE = 0, 1

    def __init__(self, depth=8):
        if os.uname().machine != "x86_64":
            pytest.skip("iocb layout here is for x86_64")
        try:
            self.lib = ctypes.CDLL("libaio.so.1", use_errno=True)
        except OSError as e:
            pytest.skip(f"libaio.so.1 not available: {e}")
        self.ctx = ctypes.c_void_p()
        self.depth = depth
        rv = self.lib.io_setup(depth, ctypes.byref(self.ctx))
        assert rv == 0, f"io_setup: {rv}"
        self.keep = []

    def submit(self, fd, opcode, buf, off):
        cb = _Iocb(data=len(self.keep), opcode=opcode, fildes=fd,
                   buf=ctypes.addressof(ctypes.c_char.from_buffer(buf)),
                   nbytes=len(buf), offset=off)
        self.keep.append(cb)
        arr = (ctypes.POINTER(_Iocb) * 1)(ctypes.pointer(cb))
        rv = self.lib.io_submit(self.ctx, ctypes.c_long(1), arr)
        assert rv == 1, f"io_submit: {rv}"

    def events(self, nmin, timeout):
        evs = (_IoEvent * self.depth)()
        ts = _Timespec(int(timeout), int((timeout % 1) * 1e9))
        n = self.lib.io_getevents(self.ctx, ctypes.c_long(nmin),
                                  ctypes.c_long(self.depth), evs,
                                  ctypes.byref(ts))
        assert n >= 0, f"io_getevents: {n}"
        return [evs[i].res for i in range(n)]

    def close(self):
        self.lib.io_destroy(self.ctx)


def test_libaio_direct_io_and_hang(fs):
    """io_submit/io_getevents with O_DIRECT through the mount; a hung aio
    read does not block io_submit, completes once released."""
    aio = Aio()
    fd = direct_open(fs.path("lease"))
    try:
        data = os.urandom(SECTOR)
        wbuf, rbuf = aligned(data), mmap.mmap(-1, SECTOR)
        aio.submit(fd, Aio.PWRITE, wbuf, 3 * SECTOR)
        assert aio.events(1, 5) == [SECTOR]
        aio.submit(fd, Aio.PREAD, rbuf, 3 * SECTOR)
        assert aio.events(1, 5) == [SECTOR]
        assert bytes(rbuf) == data

        fs.hang("lease", "read")
        rbuf2 = mmap.mmap(-1, SECTOR)
        t0 = time.monotonic()
        aio.submit(fd, Aio.PREAD, rbuf2, 3 * SECTOR)
        assert time.monotonic() - t0 < 1.0, "io_submit blocked on a hang"
        fs.wait_hung("lease", 1)
        assert aio.events(1, 0.3) == []
        fs.clear("lease")
        assert aio.events(1, 5) == [SECTOR]
        assert bytes(rbuf2) == data
    finally:
        fs.clear_all()
        os.close(fd)
        aio.close()


def test_hung_request_limit(fs):
    """At most max_hung requests are held; more fail at once with EIO (the
    bound keeps worker threads free for other files)."""
    aio = Aio(depth=64)
    fd = direct_open(fs.path("lease"), os.O_RDONLY)
    try:
        limit = fs.status()["max_hung"]
        extra = 4
        fs.hang("lease", "read")
        bufs = [mmap.mmap(-1, SECTOR) for _ in range(limit + extra)]
        for i, b in enumerate(bufs):
            aio.submit(fd, Aio.PREAD, b, i * SECTOR)
        fs.wait_hung("lease", limit)
        failed = []
        deadline = time.monotonic() + 5
        while len(failed) < extra and time.monotonic() < deadline:
            failed += aio.events(1, 0.2)
        assert failed == [-errno.EIO] * extra
        st = fs.status()
        assert st["hung"] == limit and st["hang_overflow"] == extra
        assert len(direct_read(fs.path("other"), 0)) == SECTOR
        fs.clear("lease")
        done = []
        while len(done) < limit and time.monotonic() < deadline + 5:
            done += aio.events(1, 0.5)
        assert done == [SECTOR] * limit
    finally:
        fs.clear_all()
        os.close(fd)
        aio.close()


# ---------------------------------------------------------------- fail/delay

def test_fail_read_and_write(fs):
    lease = fs.path("lease")
    fs.fail("lease", "read", errno.EIO)
    with pytest.raises(OSError) as e:
        direct_read(lease, 0)
    assert e.value.errno == errno.EIO
    assert direct_write(lease, 0, b"w" * SECTOR) == SECTOR   # writes unaffected

    fs.fail("lease", "write", "ENOSPC")
    with pytest.raises(OSError) as e:
        direct_write(lease, 0, b"x" * SECTOR)
    assert e.value.errno == errno.ENOSPC
    assert direct_read(fs.path("other"), 0) != b""           # other file fine

    c = fs.counts("lease", "read")
    assert c["failed"] == 1
    assert fs.counts("lease", "write")["failed"] == 1
    assert fs.clear("lease") == 2
    assert direct_read(lease, 0) == b"w" * SECTOR


def test_fail_range_and_count(fs):
    lease = fs.path("lease")
    fs.fail("lease", "rw", errno.EIO, off=4 * SECTOR, length=SECTOR)
    assert len(direct_read(lease, 3 * SECTOR)) == SECTOR
    assert len(direct_read(lease, 5 * SECTOR)) == SECTOR
    with pytest.raises(OSError):
        direct_read(lease, 4 * SECTOR)
    with pytest.raises(OSError):                  # overlapping request
        direct_read(lease, 3 * SECTOR, 2 * SECTOR)
    fs.clear_all()

    fs.fail("lease", "write", errno.EROFS, count=1)    # transient error
    with pytest.raises(OSError) as e:
        direct_write(lease, 0, b"a" * SECTOR)
    assert e.value.errno == errno.EROFS
    assert direct_write(lease, 0, b"a" * SECTOR) == SECTOR
    rule = fs.status()["rules"][0]
    assert rule["hits"] == 1 and rule["count"] == 1


def test_delay(fs):
    lease = fs.path("lease")
    fs.delay("lease", "write", 500)
    t0 = time.monotonic()
    direct_write(lease, 0, b"d" * SECTOR)
    assert time.monotonic() - t0 >= 0.5
    t0 = time.monotonic()
    direct_read(lease, 0)                          # reads not delayed
    direct_write(fs.path("other"), 0, b"o" * SECTOR)
    assert time.monotonic() - t0 < 0.4
    assert fs.counts("lease", "write")["delayed"] == 1


# ---------------------------------------------------------------------- hang

@pytest.mark.san
def test_hang_blocks_until_cleared(fs, backing):
    lease = fs.path("lease")
    expect = (backing / "lease").read_bytes()[2 * SECTOR:3 * SECTOR]
    fs.hang("lease", "read")
    result = {}

    def reader():
        try:
            result["data"] = direct_read(lease, 2 * SECTOR)
        except OSError as e:
            result["errno"] = e.errno
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        fs.wait_hung("lease", 1)
        time.sleep(0.2)
        assert t.is_alive() and not result

        # Meanwhile: other files, other ops and the control socket work.
        t0 = time.monotonic()
        assert len(direct_read(fs.path("other"), 0)) == SECTOR
        direct_write(lease, 0, b"w" * SECTOR)
        st = fs.status()
        assert time.monotonic() - t0 < 1.0
        assert st["hung"] == 1 and st["files"]["lease"]["read"]["hung_now"] == 1
    finally:
        fs.clear("lease")
        t.join(5)
    assert not t.is_alive()
    assert result == {"data": expect}
    c = fs.counts("lease", "read")
    assert c["hung"] == 1 and c["hung_now"] == 0 and c["served"] == 1


def test_hang_released_with_error(fs):
    fs.hang("lease", "write", err=errno.EIO)
    p = subprocess.Popen(
        [sys.executable, "-c", "import mmap,os,sys\n"
         "fd=os.open(sys.argv[1],os.O_WRONLY|os.O_DIRECT|os.O_SYNC)\n"
         "b=mmap.mmap(-1,4096)\n"
         "try: print('ok',os.pwritev(fd,[b],0))\n"
         "except OSError as e: print('errno',e.errno)\n", str(fs.path("lease"))],
        stdout=subprocess.PIPE, text=True)
    try:
        fs.wait_hung("lease", 1)
        assert p.poll() is None
        fs.clear("lease")
        out, _ = p.communicate(timeout=5)
    finally:
        fs.clear_all()
        if p.poll() is None:
            p.kill()
            p.wait()
    assert out.split() == ["errno", str(errno.EIO)]


def test_rules_are_per_file(fs):
    fs.hang("lease", "rw")
    fs.fail("lease", "rw", errno.EIO, off=512 * SECTOR)   # newest rule first
    p = start_reader(fs.path("lease"))
    try:
        fs.wait_hung("lease", 1)
        with pytest.raises(OSError):
            direct_read(fs.path("lease"), 512 * SECTOR)
        for _ in range(3):
            direct_write(fs.path("other"), 0, b"o" * SECTOR)
            assert direct_read(fs.path("other"), 0) == b"o" * SECTOR
        other = fs.status()["files"]["other"]
        assert other["read"]["served"] == 3 and other["write"]["served"] == 3
        assert other["read"]["failed"] == 0 and other["read"]["hung"] == 0
    finally:
        fs.clear("lease")
        out, _ = p.communicate(timeout=5)
    assert out.startswith("ok 4096")


def test_wildcard_rule(fs):
    fs.fail("*", "read", errno.EIO)
    for name in ("lease", "other"):
        with pytest.raises(OSError):
            direct_read(fs.path(name), 0)
    fs.clear("*")
    assert len(direct_read(fs.path("lease"), 0)) == SECTOR


# ---------------------------------------------------------- control protocol

@pytest.mark.san
def test_control_errors_and_rule_table_limit(fs):
    for bad in ("bogus", "fail lease read", "fail lease sideways EIO",
                "fail lease read EWHATEVER", "fail lease read 0",
                "delay lease read soon", "hang lease read off=x",
                "hang lease read color=red", "fail lease read EIO err=EIO",
                "hang lease read off=5 len=-1", "clear", "status a b", ""):
        with pytest.raises(FaultFSError):
            fs.command(bad)
    assert fs.status()["rules"] == []

    limit = fs.status()["max_rules"]
    for i in range(limit):
        fs.fail(f"f{i}", "read", errno.EIO)
    with pytest.raises(FaultFSError, match="rule table full"):
        fs.fail("one-too-many", "read", errno.EIO)
    fs.fail("f0", "read", errno.EPERM)     # same target: replaces, fits
    assert fs.status()["nrules"] == limit
    fs.clear_all()
    assert fs.status()["nrules"] == 0


# ------------------------------------------------------------------ teardown

def test_unmount_with_hung_request(_fuse_mountable, backing):
    """__exit__ releases hung requests (they complete), unmounts and stops
    faultfs - also when a blocked caller was SIGKILLed: such a caller
    cannot die before its request is answered (D state)."""
    with FaultFS(backing) as fs:
        fs.hang("lease", "read")
        patient = start_reader(fs.path("lease"))
        killed = start_reader(fs.path("lease"), SECTOR)
        fs.wait_hung("lease", 2)
        killed.kill()
        deadline = time.monotonic() + 3
        while proc_state(killed.pid) != "D" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert killed.poll() is None and proc_state(killed.pid) == "D"
        mnt, pid = fs.mountpoint, fs.pid
    out, _ = patient.communicate(timeout=10)
    assert out.startswith("ok 4096"), out
    assert killed.wait(timeout=10) == -signal.SIGKILL
    assert mount_fstype(mnt) is None
    assert proc_state(pid) is None


def test_sigterm_fails_hung_requests(_fuse_mountable, backing):
    """SIGTERM to faultfs: hung requests fail with EIO, the mount goes away
    and faultfs exits, with nobody having to clear anything."""
    fs = FaultFS(backing)
    fs.mount()
    p = None
    try:
        fs.hang("lease", "read")
        p = start_reader(fs.path("lease"))
        fs.wait_hung("lease", 1)
        mnt = fs.mountpoint
        os.kill(fs.pid, signal.SIGTERM)
        out, _ = p.communicate(timeout=10)
        assert out.split() == ["errno", str(errno.EIO)]
        assert fs.proc.wait(timeout=10) == 0
        assert mount_fstype(mnt) is None
    finally:
        fs.unmount()
        if p and p.poll() is None:
            p.kill()
    assert "releasing 1 hung request" in fs.log


def test_sigterm_with_busy_mount(_fuse_mountable, backing):
    """SIGTERM while a process keeps a file open: faultfs serves it for a
    grace period, then exits; the process's I/O then fails, never blocks."""
    fs = FaultFS(backing)
    fs.mount()
    fd = None
    try:
        fd = direct_open(fs.path("lease"), os.O_RDONLY)
        mnt = fs.mountpoint
        t0 = time.monotonic()
        os.kill(fs.pid, signal.SIGTERM)
        deadline = time.monotonic() + 2
        while mount_fstype(mnt) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert mount_fstype(mnt) is None              # detached at once
        buf = mmap.mmap(-1, SECTOR)
        assert os.preadv(fd, [buf], 0) == SECTOR      # but still served
        assert fs.proc.wait(timeout=10) == 1          # grace ran out
        assert time.monotonic() - t0 >= 2.5
        with pytest.raises(OSError) as e:
            os.preadv(fd, [buf], 0)
        assert e.value.errno in (errno.ECONNABORTED, errno.ENOTCONN)
    finally:
        if fd is not None:
            try:
                os.close(fd)      # flush fails on a dead connection
            except OSError:
                pass
        fs.unmount()
    assert "still in use" in fs.log


def test_faultfs_killed_with_hung_request(_fuse_mountable, backing):
    """Even SIGKILL of faultfs frees the blocked caller (the kernel aborts
    the connection); unmount() then removes the dead mount."""
    fs = FaultFS(backing)
    fs.mount()
    p = None
    try:
        fs.hang("lease", "read")
        p = start_reader(fs.path("lease"))
        fs.wait_hung("lease", 1)
        mnt = fs.mountpoint
        os.kill(fs.pid, signal.SIGKILL)
        out, _ = p.communicate(timeout=10)
        # in-flight requests get ECONNABORTED, later ones ENOTCONN
        assert out.split()[0] == "errno", out
        assert int(out.split()[1]) in (errno.ECONNABORTED, errno.ENOTCONN)
    finally:
        fs.unmount()
        if p and p.poll() is None:
            p.kill()
    assert mount_fstype(mnt) is None


# ------------------------------------------------------------------ sanlock

def _our_sanlock():
    b = Path(os.environ.get("SANLOCK_BUILD", "build"))
    b = b if b.is_absolute() else REPO / b
    path = b / "bin" / "sanlock"
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} is not built")
    return Sanlock(path, f"ours({b.name})",
                   env=sanitizer_env() if b.name.endswith("san") else None)


@pytest.mark.san
def test_sanlock_direct_init_through_faultfs(fs, backing):
    sanlock = _our_sanlock()
    lease = fs.path("lease")
    r = sanlock.direct("init", "-s", f"LS:0:{lease}:0", timeout=60)
    assert r.rc == 0 and r.done_rv("init") == 0, str(r)
    assert fs.counts("lease", "write")["served"] >= 1
    on_disk = (backing / "lease").read_bytes()
    assert on_disk[:4] == (0x12212010).to_bytes(4, "little")   # delta magic

    fs.fail("lease", "write", errno.EIO)
    r = sanlock.direct("init", "-s", f"LS:0:{lease}:0", timeout=60)
    rv = r.done_rv("init")
    assert r.rc != 0 and rv is not None and rv < 0, str(r)
    assert fs.counts("lease", "write")["failed"] >= 1
