"""FaultFS: mount the faultfs FUSE file system (tests/tools/faultfs) over a
backing directory and inject storage faults into the real I/O path.

    from faultfs import FaultFS, FaultFSUnavailable, fuse_unavailable_reason

    with FaultFS(backing_dir) as fs:          # mounts on a fresh tmp dir
        lease = fs.path("lease")              # <mountpoint>/lease
        fs.fail("lease", "write", errno.EIO)  # writes to it fail with EIO
        fs.hang("lease", "read")              # reads block ...
        fs.wait_hung("lease", 1)              # ... until one is blocked
        fs.clear("lease")                     # ... and now complete
        fs.status()                           # rules and per-file counts

Nothing is built here: the binary is $SANLOCK_BUILD/tests/faultfs (a path
relative to the repository root, or absolute; default `build`), falling back
to <repo>/build/tests/faultfs.  FaultFSUnavailable is raised when FUSE is
missing or the mount is refused (tests skip on it); FaultFSError when the
control socket rejects a command.

Teardown (__exit__/unmount) never leaves a stuck mount or process: it
releases every hung request (clear-all), unmounts with `fusermount3 -u`
(retried while busy), falls back to `umount -l`, then stops faultfs by pid
(SIGTERM: faultfs fails whatever is still hung with EIO and exits; SIGKILL
last).  A process blocked in a hung request is in uninterruptible sleep
(D state) - even SIGKILL does not end it - until faultfs answers or exits:
release hangs (clear/clear_all) or unmount *before* killing such a process.

Request counts are FUSE requests, not system calls: faultfs opens every
file with direct_io, so each read/write reaches it unchanged, except that
the kernel splits I/O larger than 1 MiB into several requests.  The control
protocol and the file system's behaviour are described in
tests/tools/faultfs/README.md.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CTL_TIMEOUT = 5.0          # one control command (server cuts off at 2 s)
MOUNT_TIMEOUT = 10.0       # faultfs start until the mount answers
EXIT_TIMEOUT = 2.0         # after unmount, until faultfs exits by itself
TERM_TIMEOUT = 5.0         # after SIGTERM (faultfs grace: 3 s)

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:")


class FaultFSError(Exception):
    """The control socket answered `error ...` (or could not be used)."""


class FaultFSUnavailable(Exception):
    """FUSE cannot be used here (no /dev/fuse, no fusermount3, mount
    refused); tests should skip with str(exc) as the reason."""


def faultfs_binary():
    """Path of the faultfs binary to use (may not exist)."""
    b = Path(os.environ.get("SANLOCK_BUILD", "build"))
    b = b if b.is_absolute() else REPO / b
    for cand in (b / "tests" / "faultfs", REPO / "build" / "tests" / "faultfs"):
        if os.access(cand, os.X_OK):
            return cand
    return b / "tests" / "faultfs"


def fuse_unavailable_reason():
    """None if FUSE looks usable, else why not."""
    if not os.path.exists("/dev/fuse"):
        return "/dev/fuse does not exist (no FUSE support in this kernel/container)"
    if not os.access("/dev/fuse", os.R_OK | os.W_OK):
        return "/dev/fuse is not accessible"
    if not shutil.which("fusermount3"):
        return "fusermount3 is not installed (package fuse3)"
    return None


def _unescape_mountinfo(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 3 < len(s) and s[i + 1:i + 4].isdigit():
            out.append(chr(int(s[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def mount_fstype(path):
    """File system type mounted exactly at PATH ("fuse.faultfs", ...) or
    None.  Reads /proc/self/mountinfo, never touches the mount itself (so
    it cannot block on a hung FUSE server)."""
    path = os.path.realpath(path)
    found = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields = left.split()
            if len(fields) > 4 and _unescape_mountinfo(fields[4]) == path:
                found = right.split()[0]     # the last mount on top wins
    return found


def _unescape_name(s):
    """Undo the \\xHH escaping faultfs applies to names in status lines."""
    if "\\x" not in s:
        return s
    out, i = bytearray(), 0
    while i < len(s):
        if s.startswith("\\x", i) and i + 4 <= len(s):
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += s[i].encode()
            i += 1
    return out.decode(errors="surrogateescape")


def _errno_arg(err):
    if isinstance(err, int):
        return str(err)
    return str(err).upper()


class FaultFS:
    """One faultfs mount (see the module docstring)."""

    def __init__(self, backing, mountpoint=None, binary=None):
        self.backing = Path(backing)
        self.binary = Path(binary) if binary else faultfs_binary()
        self._own_mnt = mountpoint is None
        self.mountpoint = Path(mountpoint) if mountpoint else None
        self.proc = None
        self.log = ""
        self._tmp = None
        self.ctl_path = None

    # ------------------------------------------------------------ lifetime

    def __enter__(self):
        self.mount()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.unmount()
        if exc_type is None and self.sanitizer_report():
            raise AssertionError(f"faultfs sanitizer report:\n{self.log}")

    def sanitizer_report(self):
        """True if faultfs (a SAN=1 build) reported an error in its log
        (complete after unmount())."""
        return any(m in self.log for m in SANITIZER_MARKERS)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def path(self, name=""):
        """Path of NAME inside the mount."""
        return self.mountpoint / name

    def mount(self):
        reason = fuse_unavailable_reason()
        if reason:
            raise FaultFSUnavailable(reason)
        if not os.access(self.binary, os.X_OK):
            raise FileNotFoundError(
                f"{self.binary} is not built (run `make build/tests/faultfs`)")
        # Short private dir for the socket (AF_UNIX paths < 108 bytes).
        self._tmp = Path(tempfile.mkdtemp(prefix="faultfs-", dir="/tmp"))
        self.ctl_path = self._tmp / "ctl"
        if self._own_mnt:
            self.mountpoint = self._tmp / "mnt"
            self.mountpoint.mkdir()
        self._logf = open(self._tmp / "log", "w+")
        self.proc = subprocess.Popen(
            [str(self.binary), str(self.backing), str(self.mountpoint), "-f",
             "--ctl", str(self.ctl_path)],
            stdin=subprocess.DEVNULL, stdout=self._logf, stderr=self._logf,
            start_new_session=True)
        deadline = time.monotonic() + MOUNT_TIMEOUT
        while True:
            rc = self.proc.poll()
            if rc is not None:
                log = self._read_log()
                self._cleanup_dirs()
                self.proc = None
                raise FaultFSUnavailable(
                    f"faultfs exited with {rc} while mounting: {log.strip()}")
            if mount_fstype(self.mountpoint) == "fuse.faultfs":
                try:
                    self.command("ping")
                    return
                except (OSError, FaultFSError):
                    pass
            if time.monotonic() > deadline:
                self.unmount()
                raise FaultFSUnavailable(
                    f"faultfs did not come up within {MOUNT_TIMEOUT} s: "
                    f"{self.log.strip()}")
            time.sleep(0.02)

    def unmount(self):
        """Release hangs, unmount, stop faultfs.  Safe to call twice."""
        if self.proc is None:
            return
        mnt = str(self.mountpoint)
        try:
            self.clear_all()
        except (OSError, FaultFSError):
            pass
        deadline = time.monotonic() + 1.0
        while mount_fstype(mnt) == "fuse.faultfs":
            r = subprocess.run(["fusermount3", "-u", mnt],
                               capture_output=True, timeout=30)
            if r.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)          # busy: a closing file, retry
        if mount_fstype(mnt) == "fuse.faultfs":
            subprocess.run(["umount", "-l", mnt], capture_output=True,
                           timeout=30)
        self._stop_process()
        # A killed server leaves a dead mount ("not connected"): drop it.
        if mount_fstype(mnt) == "fuse.faultfs":
            subprocess.run(["umount", "-l", mnt], capture_output=True,
                           timeout=30)
        self.log = self._read_log()
        self._cleanup_dirs()

    def _stop_process(self):
        p, self.proc = self.proc, None
        for sig, wait in ((None, EXIT_TIMEOUT), (signal.SIGTERM, TERM_TIMEOUT),
                          (signal.SIGKILL, 10.0)):
            if sig is not None:
                try:
                    p.send_signal(sig)
                except ProcessLookupError:
                    pass
            try:
                p.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def _read_log(self):
        try:
            self._logf.seek(0)
            return self._logf.read()
        except (OSError, ValueError, AttributeError):
            return self.log

    def _cleanup_dirs(self):
        try:
            self._logf.close()
        except (OSError, AttributeError):
            pass
        if self._tmp and mount_fstype(self.mountpoint) is None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # ------------------------------------------------------------- control

    def command(self, line):
        """Send one command; returns the reply lines before the final
        `ok ...` line, plus that line's argument as the last element.
        Raises FaultFSError on `error ...`."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(CTL_TIMEOUT)
            s.connect(str(self.ctl_path))
            s.sendall(line.encode() + b"\n")
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        lines = b"".join(chunks).decode(errors="replace").splitlines()
        if not lines:
            raise FaultFSError(f"{line!r}: empty reply")
        last = lines[-1]
        if last.startswith("error"):
            raise FaultFSError(f"{line!r}: {last[6:]}")
        if not (last == "ok" or last.startswith("ok ")):
            raise FaultFSError(f"{line!r}: bad reply {lines!r}")
        return lines[:-1] + [last[3:]]

    @staticmethod
    def _rule_opts(off, length, count):
        opts = []
        if off is not None:
            opts.append(f"off={int(off)}")
        if length is not None:
            opts.append(f"len={int(length)}")
        if count is not None:
            opts.append(f"count={int(count)}")
        return opts

    def _rule(self, words):
        return int(self.command(" ".join(words))[-1])

    def fail(self, name, op, err, off=None, length=None, count=None):
        """Requests OP ("read", "write", "rw") to NAME fail with ERR (an
        errno number or name).  Returns the rule id."""
        return self._rule(["fail", name, op, _errno_arg(err)]
                          + self._rule_opts(off, length, count))

    def hang(self, name, op="rw", err=0, off=None, length=None, count=None):
        """Requests block until the rule is cleared, then complete normally
        (err=0) or fail with ERR.  Returns the rule id."""
        words = ["hang", name, op]
        if err:
            words.append(f"err={_errno_arg(err)}")
        return self._rule(words + self._rule_opts(off, length, count))

    def delay(self, name, op, ms, off=None, length=None, count=None):
        """Requests are delayed by at least MS milliseconds."""
        return self._rule(["delay", name, op, str(int(ms))]
                          + self._rule_opts(off, length, count))

    def clear(self, name, op=None):
        """Remove NAME's rules (for OP, default all) and release what they
        hold hung.  Returns the number of rules removed."""
        return int(self.command(f"clear {name}" + (f" {op}" if op else ""))[-1])

    def clear_all(self):
        self.command("clear-all")

    def reset_stats(self):
        self.command("reset-stats")

    def status(self):
        """{"rules": [dict], "hung": n, "max_hung": n, "max_rules": n,
            "hang_overflow": n, "shutdown": bool,
            "files": {name: {"read": {served, failed, hung, delayed,
                                      hung_now}, "write": {...}}}}"""
        st = {"rules": [], "files": {}}
        for line in self.command("status")[:-1]:
            w = line.split()
            if w[0] == "rules":
                st["nrules"], st["max_rules"] = int(w[1]), int(w[2])
            elif w[0] == "hung":
                st["hung"], st["max_hung"] = int(w[1]), int(w[2])
            elif w[0] == "hang_overflow":
                st["hang_overflow"] = int(w[1])
            elif w[0] == "shutdown":
                st["shutdown"] = w[1] == "1"
            elif w[0] == "rule":
                r = {"id": int(w[1]), "name": _unescape_name(w[2]),
                     "op": w[3], "kind": w[4]}
                r.update({k: int(v) for k, v in
                          (kv.split("=", 1) for kv in w[5:])})
                st["rules"].append(r)
            elif w[0] == "file":
                counts = {k: int(v) for k, v in
                          (kv.split("=", 1) for kv in w[3:])}
                st["files"].setdefault(_unescape_name(w[1]), {})[w[2]] = counts
        return st

    def counts(self, name, op):
        """Counters of NAME for "read" or "write" (zeros if never seen)."""
        zero = {"served": 0, "failed": 0, "hung": 0, "delayed": 0,
                "hung_now": 0}
        return self.status()["files"].get(name.lstrip("/"), {}).get(op, zero)

    def hung_now(self, name=None):
        """Requests currently hung (for NAME, or in total)."""
        st = self.status()
        if name is None:
            return st["hung"]
        f = st["files"].get(name.lstrip("/"), {})
        return sum(c["hung_now"] for c in f.values())

    def wait_hung(self, name, n=1, timeout=5.0):
        """Wait until at least N requests to NAME are hung; raises
        TimeoutError (with the status) otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            if self.hung_now(name) >= n:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{n} hung request(s) on {name} not seen "
                                   f"within {timeout} s: {self.status()}")
            time.sleep(0.02)
