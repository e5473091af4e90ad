"""Simulated hosts for the watchdog and recovery tests (test_watchdog.py,
test_recovery.py).  No tests here: this module holds the machinery.

One simulated host = one process group / session, created by a small
python "launcher" started with setsid.  The launcher starts, inside its
own group:
  * its own wdmd (ours, `-D --test-backend FIRED --fire-timeout W`, own
    WDMD_RUN_DIR, WDMD_TEST_NO_DEVICE=1 so no real /dev/watchdog is ever
    opened).  When the test watchdog fires it appends
    `fired <monotonic-seconds> <reason>` to FIRED and SIGKILLs its process
    group - the whole simulated host: launcher, wdmd, sanlock daemon,
    helper, lease holders.  That is the "reset";
  * our sanlock daemon (`daemon -D -w 1`, own SANLOCK_RUN_DIR, SANLOCK_CONF
    naming a file with `watchdog_fire_timeout = W`, WDMD_RUN_DIR of its
    wdmd; -D keeps it in the foreground, hence in the group);
  * lease holders on request (`spawn`): a python3-sanlock program
    (HOLDER below) running on our libsanlock (LD_LIBRARY_PATH=build/lib).
Processes started from the test itself (the `sanlock client ...` commands)
are outside every host group.

Every simulated host shares CLOCK_MONOTONIC with the others (one machine),
so times written by one host (fired lines, renewal timestamps) can be
compared with another host's observations (last_live) directly.

Teardown (SimHost.stop, run by the `sim_hosts` fixture also on failure):
SIGKILL of each host's process group by its pgid (the launcher's pid),
nothing else.  A lease holder stuck in a hung faultfs request (D state)
dies when faultfs releases the request (FaultFS.unmount clears every
hang), which the faultfs fixtures do after the hosts are stopped.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import shutil
import tempfile

import pytest

from helpers import REPO, SANITIZER_MARKERS, run, sanitizer_env

SYSTEM_PYTHON = "/usr/bin/python3"
START_TIMEOUT = 15.0        # wdmd socket / daemon status answering
POLL = 0.1

# Launcher: reads one JSON request per line on stdin, answers one JSON
# line on stdout.  Runs as the session / group leader of the host.
LAUNCHER = r'''
import json, os, subprocess, sys
procs = {}
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "spawn":
        out = open(req["log"], "ab")
        p = subprocess.Popen(req["argv"], env=req["env"],
                             stdin=subprocess.DEVNULL, stdout=out,
                             stderr=out, close_fds=True)
        out.close()
        procs[p.pid] = p
        rep = {"pid": p.pid}
    elif req["op"] == "poll":
        p = procs.get(req["pid"])
        rep = {"rc": None if p is None else p.poll()}
    else:
        rep = {"error": "unknown op"}
    sys.stdout.write(json.dumps(rep) + "\n")
    sys.stdout.flush()
'''

# A lease holder (python3-sanlock on our libsanlock).  argv[1] is a JSON
# config; it appends "<event> <monotonic float> [detail]" lines to
# cfg["report"]:
#   registered / acquired / acquire_error <errno> / sigterm / stuck_read
# cfg: ls, res, path, offset, retry (acquire until success, sleeping 0.5 s
# after -EAGAIN/IDLIVE-type errors), ignore_term (SIG_IGN for SIGTERM),
# restrict (sanlock_restrict flags through ctypes), killpath + killargs
# (+ killpath_self: our pid appended to the arguments),
# stuck_path (after acquiring, read this file: blocks in a hung faultfs
# request, uninterruptible), hold (seconds to hold, default forever).
HOLDER = r'''
import ctypes, json, os, signal, sys, time
import sanlock
cfg = json.loads(sys.argv[1])
def report(ev, detail=""):
    with open(cfg["report"], "a") as f:
        f.write("%s %.3f %s\n" % (ev, time.monotonic(), detail))
def on_term(sig, frame):
    report("sigterm")
    sys.exit(0)
if cfg.get("ignore_term"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    signal.signal(signal.SIGTERM, on_term)
fd = sanlock.register()
if cfg.get("restrict"):
    lib = ctypes.CDLL("libsanlock.so.1")
    rv = lib.sanlock_restrict(fd, cfg["restrict"])
    assert rv == 0, rv
if cfg.get("killpath"):
    args = list(cfg.get("killargs", []))
    if cfg.get("killpath_self"):
        args.append(str(os.getpid()))
    sanlock.killpath(cfg["killpath"], args, slkfd=fd)
report("registered", str(os.getpid()))
while True:
    try:
        sanlock.acquire(cfg["ls"].encode(), cfg["res"].encode(),
                        [(cfg["path"], cfg["offset"])], slkfd=fd)
        break
    except sanlock.SanlockException as e:
        report("acquire_error", str(e.errno))
        if not cfg.get("retry"):
            sys.exit(3)
        time.sleep(0.5)
report("acquired")
if cfg.get("stuck_path"):
    report("stuck_read")
    with open(cfg["stuck_path"], "rb", buffering=0) as f:
        f.read(4096)
    report("stuck_read_done")
end = time.monotonic() + cfg.get("hold", 1e9)
while time.monotonic() < end:
    time.sleep(0.2)
'''

WDMD_DUMP_CLIENT = re.compile(
    r"^client (\d+) name (\S+) pid (\d+) fd (-?\d+) dead (\d) ref (\d) "
    r"now (\d+) renewal (\d+) expire (\d+)")


def mono():
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def build_dir():
    b = Path(os.environ.get("SANLOCK_BUILD", "build"))
    return b if b.is_absolute() else REPO / b


def bin_path(name):
    p = build_dir() / "bin" / name
    assert os.access(p, os.X_OK), f"{p} is not built (run `make`)"
    return p


def group_members(pgid):
    """Live (non-zombie) pids whose process group is pgid."""
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


def proc_state(pid):
    """One-letter state of pid (R, S, D, Z, T ...) or None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[0]


def wait_for(what, cond, bound, poll=POLL):
    """Poll cond() until it returns a true value; fail after bound s.
    Returns (value, monotonic time it was seen)."""
    end = mono() + bound
    while True:
        v = cond()
        if v:
            return v, mono()
        assert mono() < end, f"not within {bound:.1f} s: {what}"
        time.sleep(poll)


class SimHost:
    """One simulated host (see the module docstring)."""

    def __init__(self, name, base_dir, fire_timeout, conf_w=None,
                 watchdog=1, start_wdmd=True, extra_conf=""):
        self.name = name
        self.w = fire_timeout
        self.dir = Path(base_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.wd_dir = self.dir / "wd"
        self.sl_dir = self.dir / "sl"
        self.wd_dir.mkdir(exist_ok=True)
        self.sl_dir.mkdir(exist_ok=True)
        self.fired = self.dir / "fired"
        self.conf = self.dir / "sanlock.conf"
        conf_w = fire_timeout if conf_w is None else conf_w
        self.conf.write_text(f"watchdog_fire_timeout = {conf_w}\n{extra_conf}")
        self.daemon_log = self.dir / "daemon.log"
        self.wdmd_log = self.dir / "wdmd.log"
        self.env = dict(os.environ)
        self.env.update(SANLOCK_RUN_DIR=str(self.sl_dir),
                        SANLOCK_PRIVILEGED="0",
                        WDMD_RUN_DIR=str(self.wd_dir),
                        WDMD_TEST_NO_DEVICE="1",
                        SANLOCK_CONF=str(self.conf))
        if build_dir().name.endswith("san"):
            self.env.update(sanitizer_env())
        self.launcher = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", LAUNCHER], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, start_new_session=True, env=self.env)
        self.pgid = self.launcher.pid
        self.daemon_pid = self.wdmd_pid = None
        self.reports = {}
        try:
            self._start(name, fire_timeout, watchdog, start_wdmd)
        except BaseException:
            self.stop()          # nothing of a half-started host survives
            raise

    def _start(self, name, fire_timeout, watchdog, start_wdmd):
        if start_wdmd:
            self.wdmd_pid = self.spawn(
                [bin_path("wdmd"), "-D", "--test-backend", self.fired,
                 "--fire-timeout", str(fire_timeout)], log=self.wdmd_log)
            wait_for(f"{name}: wdmd socket", self._wdmd_ready, START_TIMEOUT)
        self.daemon_pid = self.spawn(
            [bin_path("sanlock"), "daemon", "-D", "-w", str(watchdog),
             "-l", "0", "-h", "0", "-U", "root", "-G", "root", "-e", name],
            log=self.daemon_log)
        wait_for(f"{name}: daemon status", self._daemon_ready, START_TIMEOUT)

    # ------------------------------------------------------ processes

    def _request(self, req):
        self.launcher.stdin.write((json.dumps(req) + "\n").encode())
        self.launcher.stdin.flush()
        line = self.launcher.stdout.readline()
        assert line, f"{self.name}: launcher gone (host reset?)"
        return json.loads(line)

    def spawn(self, argv, env=None, log=None):
        """Start argv inside this host's process group; its pid."""
        e = dict(self.env)
        e.update(env or {})
        log = log or (self.dir / f"proc-{len(self.reports)}.log")
        return self._request({"op": "spawn", "argv": [str(a) for a in argv],
                              "env": e, "log": str(log)})["pid"]

    def exit_status(self, pid):
        """Popen-style returncode of a spawned pid, None while running."""
        return self._request({"op": "poll", "pid": pid})["rc"]

    def holder(self, tag, **cfg):
        """Start a lease holder (HOLDER); returns its pid.  Its report
        file is self.report_lines(tag)."""
        rep = self.dir / f"holder-{tag}.report"
        cfg["report"] = str(rep)
        self.reports[tag] = rep
        env = {"LD_LIBRARY_PATH": str(REPO / "build" / "lib")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            env.pop(k, None)
        return self.spawn([SYSTEM_PYTHON, "-c", HOLDER, json.dumps(cfg)],
                          env=env, log=self.dir / f"holder-{tag}.log")

    def report(self, tag):
        """[(event, monotonic time, detail)] of holder tag."""
        try:
            text = self.reports[tag].read_text()
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            ev, t, detail = (line.split(" ", 2) + [""])[:3]
            out.append((ev, float(t), detail.strip()))
        return out

    def event(self, tag, ev):
        """Time of the first `ev` line of holder tag, or None."""
        for e, t, _ in self.report(tag):
            if e == ev:
                return t
        return None

    def members(self):
        return group_members(self.pgid)

    def alive(self):
        return self.launcher.poll() is None

    def stop(self):
        if self.pgid == os.getpgrp():
            raise AssertionError("host shares the test's process group")
        if self.members():
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.launcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for s in (self.launcher.stdin, self.launcher.stdout):
            try:
                s.close()
            except OSError:
                pass

    def kill_daemon(self):
        os.kill(self.daemon_pid, signal.SIGKILL)

    # ------------------------------------------------------ wdmd

    def _wdmd_ready(self):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(str(self.wd_dir / "wdmd.sock"))
            s.close()
            return True
        except OSError:
            return False

    def fired_lines(self):
        try:
            return self.fired.read_text().splitlines()
        except FileNotFoundError:
            return []

    def fired_at(self):
        """(seconds, reason) of the first fired line, or None."""
        lines = self.fired_lines()
        if not lines:
            return None
        word, sec, reason = lines[0].split(" ", 2)
        assert word == "fired", lines[0]
        return int(sec), reason

    def wdmd_clients(self):
        """{name: dict(dead, ref, renewal, expire, pid)} from `wdmd -d`;
        None when wdmd does not answer."""
        r = run([bin_path("wdmd"), "-d"], env=self.env, timeout=30)
        if r.rc != 0:
            return None
        out = {}
        for line in r.out.splitlines():
            m = WDMD_DUMP_CLIENT.match(line)
            if m:
                out[m.group(2)] = {
                    "pid": int(m.group(3)), "dead": int(m.group(5)),
                    "ref": int(m.group(6)), "renewal": int(m.group(8)),
                    "expire": int(m.group(9))}
        return out

    # ------------------------------------------------------ sanlock

    def _daemon_ready(self):
        r = self.client("status", timeout=10)
        if r.rc == 0 and r.out.startswith("daemon "):
            return True
        assert proc_state(self.daemon_pid) not in (None, "Z"), \
            f"{self.name}: daemon exited\n{self.log_tail()}"
        return False

    def sanlock(self, *args, timeout=300):
        return run([bin_path("sanlock"), *args], env=self.env, timeout=timeout)

    def client(self, *args, timeout=300):
        return self.sanlock("client", *args, timeout=timeout)

    def add(self, ls, host_id, path, io=1, offset=0):
        r = self.client("add_lockspace", "-o", str(io), "-s",
                        f"{ls}:{host_id}:{path}:{offset}")
        rv = r.done_rv("add_lockspace_timeout" if io != 10 else "add_lockspace")
        assert rv is not None, f"{self.name}: no add result\n{r}"
        return rv

    def rem(self, ls, host_id, path, offset=0):
        r = self.client("rem_lockspace", "-s", f"{ls}:{host_id}:{path}:{offset}")
        rv = r.done_rv("rem_lockspace")
        assert rv is not None, f"{self.name}: no rem result\n{r}"
        return rv

    def status_ls(self, timeout=30):
        """{lockspace: {key: value}} from `client status -D`, or None if
        the daemon does not answer."""
        r = self.client("status", "-D", timeout=timeout)
        if r.rc != 0:
            return None
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

    def host_status(self, ls):
        """{host_id: {key: value}} from `client host_status -s LS -D`."""
        r = self.client("host_status", "-s", ls, "-D", timeout=30)
        hosts, cur = {}, None
        for line in r.out.splitlines():
            if line.startswith("    "):
                k, _, v = line.strip().partition("=")
                if cur is not None:
                    cur[k] = v
            elif line.strip():
                hid, _, ts = line.partition(" timestamp ")
                if hid.strip().isdigit():
                    cur = hosts[int(hid)] = {"timestamp_line": ts}
        return hosts

    def log_text(self):
        try:
            return self.daemon_log.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, n=40):
        return "\n".join(self.log_text().splitlines()[-n:])

    def sanitizer_report(self):
        text = self.log_text()
        for m in SANITIZER_MARKERS:
            i = text.find(m)
            if i >= 0:
                return text[max(0, i - 200):i + 3000]
        return None

    def describe(self):
        """Everything useful when a test fails."""
        return (f"--- host {self.name} (pgid {self.pgid}, members "
                f"{self.members()}) fired={self.fired_lines()}\n"
                f"--- daemon log tail\n{self.log_tail(60)}\n"
                f"--- wdmd log tail\n" +
                "\n".join(self.wdmd_log.read_text(errors="replace")
                          .splitlines()[-20:]
                          if self.wdmd_log.exists() else []))


def init_lease_file(path, ls, resources=(), io=1, size=None):
    """A zeroed file with lockspace ls at offset 0 (io_timeout io recorded
    in every slot) and one resource per 1 MiB after it."""
    size = size or (1 + len(resources)) * (1 << 20)
    with open(path, "wb") as f:
        f.truncate(size)
    sl = bin_path("sanlock")
    r = run([sl, "direct", "init", "-o", str(io), "-s", f"{ls}:0:{path}:0"])
    assert r.rc == 0, r
    for i, res in enumerate(resources):
        r = run([sl, "direct", "init", "-r",
                 f"{ls}:{res}:{path}:{(i + 1) << 20}"])
        assert r.rc == 0, r
    return path


@pytest.fixture
def sim_hosts():
    """sim_hosts(name, fire_timeout, **kw) -> SimHost; every host's
    process group is SIGKILLed at teardown, also when the test failed,
    and its directory removed."""
    made = []

    def start(name, fire_timeout, **kw):
        d = tempfile.mkdtemp(prefix=f"wdh-{name}-", dir="/tmp")
        try:
            h = SimHost(name, d, fire_timeout, **kw)
        except BaseException:
            shutil.rmtree(d, ignore_errors=True)
            raise
        made.append(h)
        return h
    yield start
    reports = []
    for h in made:
        h.stop()
        rep = h.sanitizer_report()
        if rep:
            reports.append(f"{h.name}:\n{rep}")
        shutil.rmtree(h.dir, ignore_errors=True)
    if reports:
        pytest.fail("sanitizer report in daemon logs:\n" + "\n".join(reports))


@pytest.fixture
def fs_mounts():
    """fs_mounts(backing_dir) -> a mounted FaultFS over backing_dir (one
    per simulated host: a fault rule then hits that host's view of the
    shared files only).  Unmounted at teardown - request this fixture
    before sim_hosts so that the hosts are stopped first, then the hung
    requests released (which lets a holder stuck in D state die)."""
    from faultfs import FaultFS, FaultFSUnavailable, fuse_unavailable_reason
    reason = fuse_unavailable_reason()
    if reason:
        pytest.skip(reason)
    made = []

    def mount(backing):
        fs = FaultFS(backing)
        try:
            fs.mount()
        except FaultFSUnavailable as e:
            pytest.skip(f"cannot mount faultfs here: {e}")
        made.append(fs)
        return fs
    yield mount
    for fs in reversed(made):
        fs.unmount()
