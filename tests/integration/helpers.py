"""Shared helpers for the integration tests (imported by conftest.py and the
test modules; pytest puts this directory on sys.path).

What lives here:
  * running a command and capturing (rc, stdout, stderr): run(), Sanlock
  * lease files and block devices: make_file(), file_digest(), read_direct(),
    LoopDevice
  * an independent model of what `sanlock direct init` writes, from
    spec/ondisk.md (§3, §5, §6, §8) - our own code, used to check both our
    binary and Debian's against the spec
  * readable byte-diff reports for lease images.

Nothing here starts long-lived processes; ProcessRegistry (conftest `procs`)
tracks the ones tests start so teardown can stop them by pid.
"""

import mmap
import os
import re
import signal
import struct
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
THEIRS_PATH = "/usr/sbin/sanlock"

MiB = 1 << 20
ALIGN_ARG = {1 * MiB: "1M", 2 * MiB: "2M", 4 * MiB: "4M", 8 * MiB: "8M"}
# spec/ondisk.md §6.1: (sector_size, align_size) -> max_hosts
SIZE_TABLE = {
    (512, 1 * MiB): 2000,
    (4096, 1 * MiB): 250,
    (4096, 2 * MiB): 500,
    (4096, 4 * MiB): 1000,
    (4096, 8 * MiB): 2000,
}
COMBOS = list(SIZE_TABLE)   # the five accepted sector/align pairs
ALIGN_FLAG = {1 * MiB: 0x10, 2 * MiB: 0x20, 4 * MiB: 0x40, 8 * MiB: 0x80}

DELTA_MAGIC = 0x12212010
DELTA_VERSION = 0x00030004
PAXOS_MAGIC = 0x06152010
PAXOS_CLEAR = 0x11282016
PAXOS_VERSION = 0x00060004
REQ_MAGIC = 0x08292011
REQ_VERSION = 0x00010001
DEFAULT_IO_TIMEOUT = 10

# Bound for one `sanlock direct` disk command: 3.8.5 uses
# write_init_io_timeout (60 s, cli.md §2.12) per I/O when writing new areas,
# and init does two writes (ondisk.md §8.1); reads use io_timeout (10 s).
# Anything slower than this is a hang, not a slow disk.
DIRECT_CMD_TIMEOUT = 2 * 60 + 30

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")


def combo_id(combo):
    ss, align = combo
    return f"{ss}-{ALIGN_ARG[align]}"


# ---------------------------------------------------------------- commands

@dataclass
class Result:
    cmd: list
    rc: int
    out: str
    err: str

    def __str__(self):
        return (f"$ {' '.join(map(str, self.cmd))}\n"
                f"rc={self.rc}\n--- stdout\n{self.out}--- stderr\n{self.err}")

    @property
    def lines(self):
        return self.out.splitlines()

    def done_rv(self, action):
        """The value of the `<action> done <rv>` line, or None."""
        m = re.search(rf"^{re.escape(action)} done (-?\d+)", self.out, re.M)
        return int(m.group(1)) if m else None


def run(cmd, env=None, timeout=DIRECT_CMD_TIMEOUT, input=None, cwd=None):
    """Run cmd (list), capture everything.  On timeout the child (our own
    pid) is killed by subprocess and the test fails with what it printed."""
    cmd = [str(c) for c in cmd]
    try:
        p = subprocess.run(cmd, env=env, input=input, cwd=cwd, timeout=timeout,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        err = (e.stderr or b"").decode(errors="replace")
        raise AssertionError(f"command hung for more than {timeout}s: "
                             f"{' '.join(cmd)}\nstdout: {out}\nstderr: {err}")
    return Result(cmd, p.returncode, p.stdout.decode(errors="replace"),
                  p.stderr.decode(errors="replace"))


class Sanlock:
    """One `sanlock` binary (ours or Debian's).  Calling it runs
    `<path> *args` and returns a Result; a sanitizer report on stderr fails
    the test at once, whatever the command was expected to do."""

    def __init__(self, path, name, env=None):
        self.path = str(path)
        self.name = name
        self.env = env

    def __repr__(self):
        return f"<sanlock {self.name} {self.path}>"

    def __call__(self, *args, env=None, timeout=DIRECT_CMD_TIMEOUT):
        e = dict(os.environ)
        if self.env:
            e.update(self.env)
        if env:
            e.update(env)
        r = run([self.path, *args], env=e, timeout=timeout)
        for m in SANITIZER_MARKERS:
            if m in r.err:
                raise AssertionError(f"{self.name}: sanitizer report\n{r}")
        return r

    def direct(self, action, *args, **kw):
        return self("direct", action, *args, **kw)


def assert_ours_stderr(r, failing_needs_line=False):
    """Our stderr policy.  3.8.5 writes nothing to stderr except -D debug
    lines (spec/cli.md §1.6), and scripts parse stdout, so our stdout is
    always compared byte for byte with 3.8.5's.  This project adds ONE line
    on stderr naming the problem when a command fails (project decision for
    clearer errors; listed in README's compatibility table).  A command
    fails when it exits non-zero or prints a negative "done" result (e.g.
    `client command`'s "register done -2", which exits 0 as in 3.8.5).
    So: success ->
    stderr empty; failure -> at most one newline-terminated line (exactly
    one if failing_needs_line)."""
    failed = r.rc != 0 or re.search(r" done -\d+", r.out)
    if not failed:
        assert r.err == "", f"stderr must be empty on success:\n{r}"
        return
    lines = r.err.splitlines()
    assert len(lines) <= 1 and (not lines or r.err.endswith("\n")), \
        f"a failing command may print one error line on stderr, no more:\n{r}"
    if failing_needs_line:
        assert len(lines) == 1 and lines[0].strip(), \
            f"a failing command must name the problem in one stderr line:\n{r}"


def sanitizer_env():
    """Environment for binaries built with SAN=1: report, then exit with a
    status no sanlock command uses."""
    return {
        "ASAN_OPTIONS": os.environ.get(
            "ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1:exitcode=86"),
        "UBSAN_OPTIONS": os.environ.get(
            "UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=86"),
    }


class ProcessRegistry:
    """Processes a test starts (e.g. daemons acting as separate hosts).
    stop_all() - run by the fixture's teardown, also when the test failed -
    sends SIGTERM to each pid it started, waits, then SIGKILLs survivors.
    Never signals anything it did not start."""

    def __init__(self):
        self.procs = []

    def start(self, cmd, env=None, **kw):
        p = subprocess.Popen([str(c) for c in cmd], env=env,
                             stdout=kw.pop("stdout", subprocess.PIPE),
                             stderr=kw.pop("stderr", subprocess.PIPE), **kw)
        self.procs.append(p)
        return p

    def stop_all(self, grace=10.0):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for p in self.procs:
            left = max(0.0, deadline - time.monotonic())
            try:
                p.wait(timeout=left)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        for p in self.procs:
            for s in (p.stdout, p.stderr):
                if s:
                    s.close()
        self.procs.clear()


# ------------------------------------------------------------ files, disks

def pattern(length, seed=0xA5):
    """Non-uniform filler so that a write at a wrong offset or a short/long
    write shows up in a comparison (all-zero fillers hide zeroing bugs)."""
    unit = bytes(((i * 7) ^ seed) & 0xFF for i in range(4093))  # prime period
    reps = length // len(unit) + 1
    return (unit * reps)[:length]


def make_file(path, size, fill="pattern"):
    """Create path with size bytes: 'pattern', 'zero' (sparse) or bytes."""
    path = Path(path)
    with open(path, "wb") as f:
        if fill == "zero":
            f.truncate(size)
        elif fill == "pattern":
            f.write(pattern(size))
        else:
            f.write((fill * (size // len(fill) + 1))[:size])
    return path


def file_digest(path):
    """sha256 of the whole content (block devices read with O_DIRECT)."""
    import hashlib
    h = hashlib.sha256()
    h.update(read_all(path))
    return h.hexdigest()


def read_all(path):
    st = os.stat(path)
    if Path(path).is_block_device():
        return read_direct(path, 0, blockdev_size(path))
    with open(path, "rb") as f:
        return f.read(st.st_size)


def blockdev_size(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.lseek(fd, 0, os.SEEK_END)
    finally:
        os.close(fd)


def read_direct(path, offset, length):
    """Read with O_DIRECT (bypasses the page cache, so we see what is on
    the device, as another host would).  offset/length must be 4096-aligned.
    Falls back to a buffered read where O_DIRECT is refused (tmpfs)."""
    assert offset % 4096 == 0 and length % 4096 == 0, (offset, length)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
    except OSError:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read(length)
    try:
        out = bytearray()
        chunk = 4 * MiB
        buf = mmap.mmap(-1, chunk)      # page aligned, as O_DIRECT needs
        pos = offset
        while pos < offset + length:
            n = min(chunk, offset + length - pos)
            view = memoryview(buf)[:n]
            got = os.preadv(fd, [view], pos)
            if got <= 0:
                break
            out += view[:got]
            view.release()
            pos += got
        buf.close()
        return bytes(out)
    finally:
        os.close(fd)


def supports_o_direct(directory):
    probe = Path(directory) / ".odirect-probe"
    try:
        fd = os.open(probe, os.O_RDWR | os.O_CREAT | os.O_DIRECT, 0o600)
    except OSError:
        return False
    try:
        buf = mmap.mmap(-1, 4096)
        os.pwritev(fd, [buf], 0)
        buf.close()
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
        probe.unlink(missing_ok=True)


class LoopDeviceError(Exception):
    pass


class LoopDevice:
    """A loop block device over a backing file with the given logical sector
    size (losetup --sector-size).  detach() is idempotent."""

    def __init__(self, backing, sector_size):
        self.backing = Path(backing)
        self.sector_size = sector_size
        self.path = None
        r = run(["losetup", "--find", "--show", "--sector-size",
                 str(sector_size), str(backing)], timeout=60)
        if r.rc != 0 or not r.out.strip().startswith("/dev/"):
            raise LoopDeviceError(f"losetup refused: {r.err.strip() or r.out.strip()}")
        self.path = r.out.strip()
        got = run(["blockdev", "--getss", self.path], timeout=60)
        if got.rc != 0 or got.out.strip() != str(sector_size):
            self.detach()
            raise LoopDeviceError(
                f"loop device reports sector size {got.out.strip()!r}, "
                f"wanted {sector_size}")

    def detach(self):
        if self.path:
            for _ in range(50):
                r = run(["losetup", "-d", self.path], timeout=60)
                if r.rc == 0 or "No such device" in r.err:
                    break
                time.sleep(0.1)     # device briefly busy (udev probe)
            self.path = None

    def __str__(self):
        return self.path or "<detached>"


# ----------------------------------------------- spec model of direct init

_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def sanlock_crc(data, crc=0xFFFFFFFE):
    """CRC-32C, reflected, initial 0xFFFFFFFE, no final xor (ondisk.md §5)."""
    t = _CRC_TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


assert sanlock_crc(b"123456789") == 0xE8C7BB34


def name48(s):
    b = s.encode() if isinstance(s, str) else s
    return b[:48].ljust(48, b"\0")


def leader_record(magic, version, flags, sector_size, num_hosts=0, max_hosts=0,
                  owner_id=0, owner_generation=0, lver=0, space=b"", res=b"",
                  timestamp=0, io_timeout=0, write_id=0, write_generation=0,
                  write_timestamp=0):
    b = bytearray(200)
    struct.pack_into("<IIII", b, 0, magic, version, flags, sector_size)
    struct.pack_into("<QQQQQ", b, 16, num_hosts, max_hosts, owner_id,
                     owner_generation, lver)
    b[56:104] = name48(space)
    b[104:152] = name48(res)
    struct.pack_into("<QQ", b, 152, timestamp, 0)
    struct.pack_into("<HH", b, 172, 0, io_timeout & 0xFFFF)
    struct.pack_into("<QQQ", b, 176, write_id, write_generation, write_timestamp)
    struct.pack_into("<I", b, 168, sanlock_crc(bytes(b[:168])))
    return bytes(b)


def model_lockspace_area(space, ss, align, io_timeout=DEFAULT_IO_TIMEOUT):
    """The align-size area `direct init -s` writes (ondisk.md §8.1)."""
    k = SIZE_TABLE[(ss, align)]
    rec = leader_record(DELTA_MAGIC, DELTA_VERSION, ALIGN_FLAG[align], ss,
                        max_hosts=1, space=space, io_timeout=io_timeout)
    sector = rec.ljust(ss, b"\0")
    return (sector * k).ljust(align, b"\0")


def model_resource_area(space, res, ss, align, num_hosts=None, clear=False,
                        write_timestamp=0):
    """The align-size area `direct init -r` writes (ondisk.md §8.2)."""
    max_hosts = SIZE_TABLE[(ss, align)]
    if num_hosts is None or not 1 <= num_hosts <= max_hosts:
        num_hosts = max_hosts
    rec = leader_record(PAXOS_CLEAR if clear else PAXOS_MAGIC, PAXOS_VERSION,
                        ALIGN_FLAG[align], ss, num_hosts=num_hosts,
                        max_hosts=max_hosts, space=space, res=res,
                        write_timestamp=write_timestamp if clear else 0)
    req = struct.pack("<IIQI", REQ_MAGIC, REQ_VERSION, 0, 0).ljust(24, b"\0")
    return (rec.ljust(ss, b"\0") + req.ljust(ss, b"\0")).ljust(align, b"\0")


def resource_varies(offset, ss, clear=False):
    """Byte ranges of a resource area at offset that legitimately differ
    between two inits (ondisk.md §1 item 6, §4.9): request record padding
    bytes 20..23, and for a cleared lease its write_timestamp."""
    v = [(offset + ss + 20, offset + ss + 24)]
    if clear:
        v.append((offset + 192, offset + 200))
    return v


def masked(data, ranges):
    b = bytearray(data)
    for lo, hi in ranges:
        b[lo:hi] = b"\0" * (hi - lo)
    return bytes(b)


LEADER_FIELDS = [
    (0, 4, "magic"), (4, 8, "version"), (8, 12, "flags"),
    (12, 16, "sector_size"), (16, 24, "num_hosts"), (24, 32, "max_hosts"),
    (32, 40, "owner_id"), (40, 48, "owner_generation"), (48, 56, "lver"),
    (56, 104, "space_name"), (104, 152, "resource_name"),
    (152, 160, "timestamp"), (160, 168, "unused1"), (168, 172, "checksum"),
    (172, 174, "unused2"), (174, 176, "io_timeout"), (176, 184, "write_id"),
    (184, 192, "write_generation"), (192, 200, "write_timestamp"),
]


def _field_name(pos_in_sector):
    for lo, hi, n in LEADER_FIELDS:
        if lo <= pos_in_sector < hi:
            return n
    return f"byte {pos_in_sector}"


def diff_report(a, b, base=0, ss=512, limit=8, names=("a", "b")):
    """Human-readable description of where two images differ, or '' if
    they are equal.  Offsets are absolute (base + index)."""
    if a == b:
        return ""
    lines = []
    if len(a) != len(b):
        lines.append(f"lengths differ: {names[0]} {len(a)}, {names[1]} {len(b)}")
    n = min(len(a), len(b))
    i, shown, total = 0, 0, 0
    # walk in 4 KiB chunks to stay fast on multi-MiB images
    while i < n:
        j = min(n, i + 4096)
        if a[i:j] != b[i:j]:
            for k in range(i, j):
                if a[k] != b[k]:
                    total += 1
                    if shown < limit:
                        off = base + k
                        lines.append(
                            f"offset {off} (sector {off // ss}, "
                            f"{_field_name(off % ss)}): "
                            f"{names[0]} {a[k]:#04x} != {names[1]} {b[k]:#04x}")
                        shown += 1
        i = j
    lines.append(f"{total} differing bytes in the first {n}")
    return "\n".join(lines)


def monotime():
    return int(time.clock_gettime(time.CLOCK_MONOTONIC))


def decode_leader(data):
    """Dict of the leader fields of a 200-byte record (ints; names as bytes
    up to the first NUL)."""
    d = {}
    for lo, hi, n in LEADER_FIELDS:
        raw = data[lo:hi]
        if n in ("space_name", "resource_name"):
            d[n] = raw.split(b"\0", 1)[0]
        else:
            d[n] = int.from_bytes(raw, "little")
    return d
