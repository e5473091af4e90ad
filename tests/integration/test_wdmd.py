"""Integration tests of our wdmd (spec/cli.md §4, §4.10) with its software
test backend.

Every wdmd runs as `setsid sh -c 'sleep 600 & exec wdmd -D --test-backend
FILE --fire-timeout 3'`: its own session and process group (like one
simulated host), with a dummy `sleep` in the same group, its own
WDMD_RUN_DIR, and WDMD_TEST_NO_DEVICE=1 so that no real watchdog device is
ever opened.  A fire appends "fired <monotonic-seconds> <reason>" to FILE
and SIGKILLs the group; the finalizer kills what is left of each group we
created (by its pgid = the wdmd pid), also when a test fails.

Clients use our libwdmd through ctypes (<repo>/build/lib/libwdmd.so.1; a
sanitizer-built library cannot be loaded into python), or raw sockets for
malformed requests.  Timing bounds come from the rule "the last pet is the
last whole-second round before the expiry E, the device fires W seconds
later": the fired line says E + W - 1 and appears no earlier than that.
"""

import ctypes
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, sanitizer_env

W = 3                       # --fire-timeout used by every test
START_TIMEOUT = 5.0         # wdmd must answer on its socket by then
RECORD = struct.Struct("=IIIIIIQQQ128s")   # cli.md §4.4, 176 bytes
CMD_REGISTER, CMD_REFSET, CMD_REFCLR, CMD_TEST_LIVE, CMD_STATUS, CMD_DUMP = range(1, 7)
CMD_FIRE_NOW = 41
MAGIC_EXT = 0x57444D44
CLIENT_MAX = 128            # wdmd/bounds.h WDMD_CLIENT_MAX (2 internal slots)

assert RECORD.size == 176


def build_dir():
    b = Path(os.environ.get("SANLOCK_BUILD", "build"))
    return b if b.is_absolute() else REPO / b


def mono():
    return time.monotonic()     # CLOCK_MONOTONIC, like wdmd's


# ------------------------------------------------------------------ libwdmd

class Lib:
    """ctypes view of libwdmd.so.1."""

    def __init__(self, path):
        L = ctypes.CDLL(str(path))
        L.wdmd_connect.argtypes = []
        L.wdmd_register.argtypes = [ctypes.c_int, ctypes.c_char_p]
        L.wdmd_refcount_set.argtypes = [ctypes.c_int]
        L.wdmd_refcount_clear.argtypes = [ctypes.c_int]
        L.wdmd_test_live.argtypes = [ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64]
        L.wdmd_status.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_int),
                                  ctypes.POINTER(ctypes.c_int),
                                  ctypes.POINTER(ctypes.c_uint64)]
        L.wdmd_open_watchdog.argtypes = [ctypes.c_int, ctypes.c_int]
        L.wdmd_fire_now.argtypes = [ctypes.c_int, ctypes.c_char_p]
        self.L = L

    def connect(self, run_dir):
        old = os.environ.get("WDMD_RUN_DIR")
        os.environ["WDMD_RUN_DIR"] = str(run_dir)
        try:
            return self.L.wdmd_connect()
        finally:
            if old is None:
                del os.environ["WDMD_RUN_DIR"]
            else:
                os.environ["WDMD_RUN_DIR"] = old

    def client(self, run_dir, name, refcount=True):
        fd = self.connect(run_dir)
        assert fd >= 0, f"wdmd_connect: {fd}"
        assert self.L.wdmd_register(fd, name.encode()) == 0
        if refcount:
            assert self.L.wdmd_refcount_set(fd) == 0
        return fd

    def status(self, fd):
        ti, ft, lk = ctypes.c_int(), ctypes.c_int(), ctypes.c_uint64()
        rv = self.L.wdmd_status(fd, ctypes.byref(ti), ctypes.byref(ft),
                                ctypes.byref(lk))
        return rv, ti.value, ft.value, lk.value

    def __getattr__(self, name):
        return getattr(self.L, "wdmd_" + name)


@pytest.fixture(scope="module")
def lib():
    path = REPO / "build" / "lib" / "libwdmd.so.1"
    if not path.exists():
        pytest.fail(f"{path} is not built (run `make`)")
    return Lib(path)


@pytest.fixture(scope="module")
def wdmd_bin():
    path = build_dir() / "bin" / "wdmd"
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not built (run `make`)")
    return path


# ------------------------------------------------------------- processes

def group_members(pgid):
    """Live (non-zombie) processes whose process group is pgid."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(d))
    return out


def wait_until(cond, timeout, step=0.05):
    end = mono() + timeout
    while mono() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()


class Wdmd:
    """One wdmd (one simulated host) in its own session/process group."""

    def __init__(self, binary, run_dir, fire_timeout=W, extra=(), env=None):
        self.run_dir = Path(run_dir)
        self.fired = self.run_dir / "fired"
        self.errlog = self.run_dir / "wdmd.stderr"
        self.fire_timeout = fire_timeout
        e = dict(os.environ)
        e.update(WDMD_RUN_DIR=str(run_dir), WDMD_TEST_NO_DEVICE="1")
        if build_dir().name.endswith("san"):
            e.update(sanitizer_env())
        e.update(env or {})
        cmd = ["setsid", "sh", "-c", 'sleep 600 & exec "$0" "$@"', str(binary),
               "-D", "--test-backend", str(self.fired),
               "--fire-timeout", str(fire_timeout), *extra]
        self.err = open(self.errlog, "wb")
        # stderr goes to a file: a full pipe would stall wdmd's loop
        self.proc = subprocess.Popen(cmd, env=e, stdin=subprocess.DEVNULL,
                                     stdout=self.err, stderr=self.err)
        self.pid = self.pgid = self.proc.pid

    def log(self):
        try:
            return self.errlog.read_text(errors="replace")
        except OSError:
            return ""

    def wait_ready(self):
        sock = str(self.run_dir / "wdmd.sock")

        def ready():
            if self.proc.poll() is not None:
                return True
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sock)
                s.close()
                return True
            except OSError:
                return False
        wait_until(ready, START_TIMEOUT)
        assert self.proc.poll() is None, f"wdmd exited {self.proc.returncode}:\n{self.log()}"
        return self

    def fired_lines(self):
        try:
            return self.fired.read_text().splitlines()
        except FileNotFoundError:
            return []

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.pgid == os.getpgrp():       # never: setsid made a new group
            raise AssertionError("wdmd shares our process group")
        if group_members(self.pgid):
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.err.close()


@pytest.fixture
def hosts(wdmd_bin, run_dir):
    """Factory: hosts(fire_timeout=W) -> a started, ready Wdmd."""
    made = []

    def start(fire_timeout=W, extra=(), env=None, ready=True):
        w = Wdmd(wdmd_bin, run_dir("wd"), fire_timeout, extra, env)
        made.append(w)
        return w.wait_ready() if ready else w
    yield start
    for w in made:
        w.stop()


def parse_fired(line):
    word, sec, reason = line.split(" ", 2)
    assert word == "fired", line
    return int(sec), reason


def assert_group_killed(w):
    assert wait_until(lambda: w.proc.poll() is not None, 5), "wdmd still alive"
    assert w.proc.returncode == -signal.SIGKILL, w.proc.returncode
    left = wait_until(lambda: not group_members(w.pgid), 5)
    assert left or not group_members(w.pgid), \
        f"group {w.pgid} still has {group_members(w.pgid)}"


def wait_fired(w, deadline):
    """Poll for the fired line until monotonic time deadline; return
    (line, monotonic time it was first seen)."""
    while mono() < deadline:
        lines = w.fired_lines()
        if lines:
            return lines[0], mono()
        time.sleep(0.05)
    lines = w.fired_lines()
    return (lines[0] if lines else None), mono()


def check_expiry_fire(w, E, reason):
    """The device fires W s after the last pet, the last pet being in the
    last round before E: the line says E + W - 1 (one second of slack
    for a loaded machine) and cannot appear before that."""
    line, seen = wait_fired(w, E + w.fire_timeout + 3)
    assert line, f"no fire by E + W + 3 = {E + w.fire_timeout + 3}\n{w.log()}"
    sec, why = parse_fired(line)
    assert E + w.fire_timeout - 1 <= sec <= E + w.fire_timeout, (line, E)
    assert seen >= E + w.fire_timeout - 1, (seen, E)
    assert why == reason, line
    assert_group_killed(w)


# ------------------------------------------------------------------ tests

def test_version_and_help(wdmd_bin):
    r = subprocess.run([str(wdmd_bin), "--version"], capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (0, "wdmd version 3.8.5\n")
    r = subprocess.run([str(wdmd_bin), "-V"], capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (0, "wdmd version 3.8.5\n")
    r = subprocess.run([str(wdmd_bin), "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for opt in ("--help", "-h", "--version", "-V", "--dump", "-d", "--probe", "-p",
                "-D", "-H", "-G", "-S", "-s", "-k", "-w", "--fire-timeout",
                "--test-backend", "WDMD_RUN_DIR"):
        assert opt in r.stdout, opt


def test_bad_fire_timeout_refused(wdmd_bin, run_dir):
    env = dict(os.environ, WDMD_RUN_DIR=str(run_dir("wd")), WDMD_TEST_NO_DEVICE="1")
    for bad in ("0", "-1", "3x", "100000"):
        r = subprocess.run([str(wdmd_bin), "-D", "--fire-timeout", bad],
                           capture_output=True, text=True, env=env, timeout=10)
        assert r.returncode == 255, (bad, r)
        assert "fire-timeout" in r.stderr


def test_no_device_exits_255(wdmd_bin, run_dir):
    """Without a usable device wdmd refuses to run (cli.md §4.3); the guard
    WDMD_TEST_NO_DEVICE keeps any real /dev/watchdog* closed."""
    d = run_dir("wd")
    env = dict(os.environ, WDMD_RUN_DIR=str(d), WDMD_TEST_NO_DEVICE="1")
    r = subprocess.run([str(wdmd_bin), "-D", "-w", "/nonexistent/watchdog"],
                       capture_output=True, text=True, env=env, timeout=10)
    assert r.returncode == 255, r
    assert "no watchdog device, load a watchdog driver" in r.stderr
    assert "wdmd started S0 H0 G" in r.stderr
    assert not (d / "wdmd.pid").exists()
    # the shm marker (named after the run dir) was removed again
    assert not [f for f in os.listdir("/dev/shm") if f.startswith("wdmd-")
                and os.stat(f"/dev/shm/{f}").st_mtime > time.time() - 5]


def test_probe_without_device(wdmd_bin):
    env = dict(os.environ, WDMD_TEST_NO_DEVICE="1")
    env.pop("WDMD_RUN_DIR", None)
    r = subprocess.run([str(wdmd_bin), "--probe", "-w", "/nonexistent/wd"],
                       capture_output=True, text=True, env=env, timeout=10)
    if "while wdmd is in use" in r.stderr:
        pytest.skip("a system wdmd is running here")
    assert r.returncode == 1, r
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == "error 2 stat /nonexistent/wd"
    for line, dev in zip(lines[1:4], ("/dev/watchdog0", "/dev/watchdog1", "/dev/watchdog")):
        assert line in (f"error 2 stat {dev}", f"error 1 open {dev}"), line
    assert lines[4:] == ["no watchdog device, load a watchdog driver"]


@pytest.mark.san
def test_status_dump_open_watchdog(hosts, lib, wdmd_bin):
    w = hosts()
    fd = lib.client(w.run_dir, "sanlock_ls:1")
    try:
        rv, ti, ft, lk = lib.status(fd)
        assert (rv, ti, ft) == (0, 1, W)
        assert lk >= int(mono()) - 2
        # keepalives go on every second while nothing is armed
        time.sleep(1.5)
        assert lib.status(fd)[3] > lk
        assert lib.open_watchdog(fd, W) == 0
        assert lib.open_watchdog(fd, 60) == -22
        now = int(mono())
        assert lib.test_live(fd, now, now + 100) == 0
        env = dict(os.environ, WDMD_RUN_DIR=str(w.run_dir))
        r = subprocess.run([str(wdmd_bin), "-d"], capture_output=True, text=True,
                           env=env, timeout=10)
        assert r.returncode == 0, r
        lines = r.stdout.splitlines()
        assert lines[0].startswith(f"wdmd {w.pid} socket_gid ")
        assert f" fire_timeout {W}" in lines[0]
        names = {l.split()[3]: l for l in lines[1:]}
        assert set(names) >= {"signal", "listen", "sanlock_ls:1", "dump"}
        me = names["sanlock_ls:1"].split()
        assert me[4:12] == ["pid", str(os.getpid()), "fd", me[7], "dead", "0", "ref", "1"]
        assert me[-4:] == ["renewal", str(now), "expire", str(now + 100)]
        # disarm and leave cleanly
        assert lib.test_live(fd, 0, 0) == 0
        assert lib.refcount_clear(fd) == 0
    finally:
        os.close(fd)
    r = subprocess.run([str(wdmd_bin), "-d"], capture_output=True, text=True,
                       env=dict(os.environ, WDMD_RUN_DIR="/nonexistent-dir"), timeout=10)
    assert r.returncode == 1


def test_expiry_fires_and_kills_group(hosts, lib):
    w = hosts()
    assert len(group_members(w.pgid)) == 2        # wdmd + sleep
    fd = lib.client(w.run_dir, "sanlock_ls:1")
    now = int(mono())
    E = now + 2
    assert lib.test_live(fd, now, E) == 0
    check_expiry_fire(w, E, "expired sanlock_ls:1")
    os.close(fd)


def test_several_clients_one_expires_other_host_unaffected(hosts, lib):
    a, b = hosts(), hosts()
    far = lib.client(a.run_dir, "far")
    off = lib.client(a.run_dir, "disarmed")
    near = lib.client(a.run_dir, "near")
    other = lib.client(b.run_dir, "other_host")
    now = int(mono())
    E = now + 2
    assert lib.test_live(far, now, now + 300) == 0
    assert lib.test_live(other, now, now + 300) == 0
    assert lib.test_live(near, now, E) == 0
    # before E + W - 1 nothing may fire
    time.sleep(max(0, E + W - 1.2 - mono()))
    assert a.fired_lines() == [] and a.alive()
    check_expiry_fire(a, E, "expired near")
    # the other simulated host keeps running and petting
    assert b.alive() and b.fired_lines() == []
    rv, ti, ft, lk = lib.status(other)
    assert rv == 0 and lk >= int(mono()) - 2
    assert lib.test_live(other, 0, 0) == 0
    for fd in (far, off, near, other):
        os.close(fd)


CLIENT_SCRIPT = r"""
import ctypes, sys, time
L = ctypes.CDLL(sys.argv[1])
L.wdmd_test_live.argtypes = [ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64]
fd = L.wdmd_connect()
assert fd >= 0, fd
assert L.wdmd_register(fd, b"victim") == 0
assert L.wdmd_refcount_set(fd) == 0
now = int(time.monotonic())
assert L.wdmd_test_live(fd, now, now + int(sys.argv[2])) == 0
print(now + int(sys.argv[2]), flush=True)
time.sleep(600)
"""


def test_client_death_while_armed_fires(hosts, wdmd_bin):
    w = hosts()
    env = dict(os.environ, WDMD_RUN_DIR=str(w.run_dir))
    c = subprocess.Popen([sys.executable, "-c", CLIENT_SCRIPT,
                          str(REPO / "build" / "lib" / "libwdmd.so.1"), "3"],
                         env=env, stdout=subprocess.PIPE, text=True)
    try:
        E = int(c.stdout.readline())
        c.kill()                                  # the owner crashes, armed
        c.wait(timeout=10)
        assert wait_until(lambda: "client dead ci" in w.log(), 3), w.log()
        r = subprocess.run([str(wdmd_bin), "-d"], capture_output=True, text=True,
                           env=env, timeout=10)
        victim = [l for l in r.stdout.splitlines() if " name victim " in l]
        assert len(victim) == 1 and " fd -1 dead 1 ref 1 " in victim[0], r.stdout
        # its refcount keeps wdmd from stopping
        w.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert w.alive()
        check_expiry_fire(w, E, "dead victim")
    finally:
        if c.poll() is None:
            c.kill()
            c.wait()
        c.stdout.close()


def test_disarm_then_close_never_fires(hosts, lib):
    w = hosts()
    fd = lib.client(w.run_dir, "leaver")
    now = int(mono())
    E = now + 2
    assert lib.test_live(fd, now, E) == 0
    assert lib.test_live(fd, 0, 0) == 0
    assert lib.refcount_clear(fd) == 0
    os.close(fd)
    # a connection closed disarmed but with its refcount set is forgotten too
    fd2 = lib.client(w.run_dir, "refonly")
    os.close(fd2)
    time.sleep(max(0, E + W + 3 - mono()))
    assert w.fired_lines() == [], w.log()
    assert w.alive()
    w.proc.send_signal(signal.SIGTERM)
    assert w.proc.wait(timeout=5) == 0, w.log()
    assert w.fired_lines() == []


@pytest.mark.san
def test_sigterm_quits_only_when_safe(hosts, lib):
    w = hosts()
    fd = lib.client(w.run_dir, "holder")          # refcount set, disarmed
    w.proc.send_signal(signal.SIGTERM)
    assert wait_until(lambda: "ignored: refcount 1 armed 0" in w.log(), 3), w.log()
    assert w.alive()
    assert lib.refcount_clear(fd) == 0
    now = int(mono())
    assert lib.test_live(fd, now, now + 60) == 0  # armed without refcount
    time.sleep(0.2)
    w.proc.send_signal(signal.SIGTERM)
    assert wait_until(lambda: "ignored: refcount 0 armed 1" in w.log(), 3), w.log()
    assert w.alive()
    assert lib.test_live(fd, 0, 0) == 0
    time.sleep(0.2)
    w.proc.send_signal(signal.SIGTERM)
    assert w.proc.wait(timeout=5) == 0, w.log()
    os.close(fd)
    assert not (w.run_dir / "wdmd.pid").exists()
    assert (w.run_dir / "wdmd.sock").exists()     # left in place (3.8.5)
    assert "test backend" in w.log() and "disarmed" in w.log()
    assert w.fired_lines() == []
    # the dummy group member was not killed: nothing fired
    assert group_members(w.pgid)


@pytest.mark.san
def test_fire_now(hosts, lib):
    w = hosts(fire_timeout=60)
    fd = lib.client(w.run_dir, "wd_reset")
    t0 = int(mono())
    rv = lib.fire_now(fd, b"wd reset from host 2")
    assert rv in (0, -104), rv                    # -ECONNRESET: wdmd died first
    line, _ = wait_fired(w, mono() + 2)
    assert line, w.log()
    sec, why = parse_fired(line)
    assert t0 <= sec <= t0 + 1
    assert why == "fire-now wd_reset_from_host_2"
    assert_group_killed(w)
    os.close(fd)


def raw_conn(run_dir):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(str(run_dir / "wdmd.sock"))   # blocking: waits for the backlog
    s.settimeout(3)
    return s


def raw_record(cmd, magic=0, **kw):
    return RECORD.pack(magic, cmd, 0, 0, kw.get("ti", 0), kw.get("ft", 0), 0,
                       kw.get("renewal", 0), kw.get("expire", 0),
                       kw.get("name", b""))


def closed_by_peer(s):
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True


@pytest.mark.san
def test_bad_requests_refused(hosts, lib):
    w = hosts()
    # a raw STATUS (our independent encoding of the record) is answered
    s = raw_conn(w.run_dir)
    s.sendall(raw_record(CMD_STATUS))
    rep = RECORD.unpack(s.recv(RECORD.size, socket.MSG_WAITALL))
    assert rep[1] == CMD_STATUS and rep[4] == 1 and rep[5] == W
    s.close()

    bad = [raw_record(CMD_STATUS, magic=0x1234),          # bad magic
           raw_record(99),                                # unknown cmd
           raw_record(0),
           raw_record(CMD_FIRE_NOW),                      # fire without magic
           raw_record(CMD_REGISTER, magic=MAGIC_EXT),
           bytes(range(176))]                             # garbage
    for rec in bad:
        s = raw_conn(w.run_dir)
        s.sendall(rec)
        assert closed_by_peer(s), rec[:8]
        s.close()

    # a partial record neither blocks wdmd nor counts; EOF mid-record closes
    hold = raw_conn(w.run_dir)
    hold.sendall(raw_record(CMD_STATUS)[:100])
    short = raw_conn(w.run_dir)
    short.sendall(raw_record(CMD_STATUS)[:50])
    short.shutdown(socket.SHUT_WR)
    assert closed_by_peer(short)
    short.close()
    fd = lib.client(w.run_dir, "checker")
    rv, _, _, lk1 = lib.status(fd)
    assert rv == 0
    time.sleep(1.5)
    rv, _, _, lk2 = lib.status(fd)
    assert rv == 0 and lk2 > lk1                  # still petting
    hold.sendall(raw_record(CMD_STATUS)[100:])    # completes the record
    assert RECORD.unpack(hold.recv(RECORD.size, socket.MSG_WAITALL))[1] == CMD_STATUS
    hold.close()
    os.close(fd)
    assert w.alive() and w.fired_lines() == []
    log = w.log()
    assert "bad magic 0x1234 cmd 5" in log and "unknown cmd 99" in log
    assert "short request 50 bytes" in log


def test_client_table_full(hosts, lib):
    w = hosts()
    conns = []
    try:
        for _ in range(CLIENT_MAX + 4):
            conns.append(raw_conn(w.run_dir))
        time.sleep(0.5)
        refused = 0
        for s in conns:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    refused += 1
            except BlockingIOError:
                pass
        assert refused == 4 + 2, refused            # 2 slots are internal
        assert "client table full (128 slots)" in w.log()
    finally:
        for s in conns:
            s.close()
    # slots free again once the connections close
    fd = wait_until(lambda: (lambda f: f if f >= 0 and lib.status(f)[0] == 0
                             else os.close(f) if f >= 0 else None)(
        lib.connect(w.run_dir)), 3)
    assert fd
    os.close(fd)
    assert w.alive()


def test_same_run_dir_refused(hosts, wdmd_bin):
    w = hosts()
    env = dict(os.environ, WDMD_RUN_DIR=str(w.run_dir), WDMD_TEST_NO_DEVICE="1")
    r = subprocess.run([str(wdmd_bin), "-D", "--test-backend", str(w.run_dir / "f2"),
                        "--fire-timeout", str(W)],
                       capture_output=True, text=True, env=env, timeout=10)
    assert r.returncode == 255
    assert "lockfile setlk error" in r.stderr
    assert w.alive()


def test_failing_script_fires(hosts, wdmd_bin, tmp_path):
    """-S 1: a script that exits non-zero fails every round (cli.md §4.8)."""
    sdir = tmp_path / "wdmd.d"
    sdir.mkdir()
    bad = sdir / "bad"
    bad.write_text("#!/bin/sh\nexit 3\n")
    bad.chmod(0o755)
    (sdir / ".hidden").write_text("#!/bin/sh\nexit 1\n")
    t0 = int(mono())
    w = hosts(extra=("-S", "1", "-s", str(sdir)))
    line, _ = wait_fired(w, t0 + W + 4)
    assert line, w.log()
    sec, why = parse_fired(line)
    assert why == "script bad"
    assert t0 + W - 1 <= sec <= t0 + W + 2, (line, t0)
    assert "script bad pid" in w.log() and "exit status 3" in w.log()
    assert_group_killed(w)


def test_daemon_mode_keeps_process_group(wdmd_bin, run_dir, lib):
    """Without -D wdmd forks (the parent exits 0); with the test backend the
    daemon stays in the invoking process group, so a fire still kills the
    whole simulated host."""
    d = run_dir("wd")
    env = dict(os.environ, WDMD_RUN_DIR=str(d), WDMD_TEST_NO_DEVICE="1")
    if build_dir().name.endswith("san"):
        env.update(sanitizer_env())
    launcher = subprocess.Popen(
        ["setsid", "sh", "-c", 'sleep 600 & exec "$0" "$@"', str(wdmd_bin),
         "--test-backend", str(d / "fired"), "--fire-timeout", str(W)],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    pgid = launcher.pid
    try:
        assert launcher.wait(timeout=10) == 0
        assert wait_until(lambda: (d / "wdmd.pid").exists()
                          and (d / "wdmd.pid").read_text().strip(), 5)
        daemon = int((d / "wdmd.pid").read_text())
        assert daemon != pgid and os.getpgid(daemon) == pgid
        fd = wait_until(lambda: (lambda f: f if f >= 0 else None)(lib.connect(d)), 3)
        assert fd
        assert lib.status(fd)[:3] == (0, 1, W)
        lib.fire_now(fd, b"daemon-mode")
        os.close(fd)
        assert wait_until(lambda: not group_members(pgid), 5), group_members(pgid)
        line = (d / "fired").read_text().splitlines()[0]
        assert parse_fired(line)[1] == "fire-now daemon-mode"
    finally:
        if group_members(pgid):
            os.killpg(pgid, signal.SIGKILL)
