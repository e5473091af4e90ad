#!/usr/bin/python3
"""Mixed-cluster chaos test: real daemons, real clients, real faults.

    chaos.py [--seconds N] [--seed S] [--build DIR] [--out DIR] [--keep]
    chaos.py check HOLDER_LOG          # re-run the checker on a saved log

Three hosts share one lockspace `LS` on one lease file: hosts 1 and 2 run
our daemon (<build>/bin/sanlock), host 3 runs Debian's sanlock 3.8.5
(/usr/sbin/sanlock), all unprivileged with -w 0, each with its own
SANLOCK_RUN_DIR and a fixed host name (-e).  The lease file holds the
lockspace at offset 0 and 10 resource leases R0..R9 at (i+1) MiB, all
formatted by our `sanlock direct init`; io_timeout 1 everywhere.  Every
host opens the file through its own faultfs mount of the lease directory
(tests/tools/faultfs); faults are injected on the mounts of hosts 1 and 3
only, host 2's is a clean pass-through (see setup() for why host 2 does
not open the file directly).

Every host runs several clients (tests/chaos/chaos_client.c, each using
our libsanlock_client or Debian's, chosen at random) that acquire a random
lease EX or SH, hold it briefly and release it, appending acquire/release
lines to one holder log; a monitor process appends a `dead` line the
moment a client dies.  Meanwhile, on a seeded random schedule:

  kill_client  SIGKILL one client (its daemon releases its lease);
  kill_host    SIGKILL a whole host - daemon, helper, clients: one process
               group, one killpg, like a machine reset - then restart the
               daemon and rejoin (same host name: a new generation at
               once), or keep it down past host_dead_seconds so that the
               others take its leases by the dead-owner rule;
  fault        fail (EIO) / hang / delay the reads, writes or both of the
               lockspace area, the resource area or the whole file on
               host 1 or host 3 for a bounded time, short of the renewal
               warning, around the failure limit, or past it (the daemon
               must then kill its own clients before the others may take
               their leases; with -w 0 nothing else would stop them).

The checker replays the holder log: a holding starts at its `acquire` line
and ends at its `release` line or at the first `dead` line of its pid
(written by the client's monitor, or by the driver after it confirmed the
death of a crashed host's processes); a holding that never ends lasts
forever.  No EX holding may overlap any other holding of the same
resource.  The last line printed is

  chaos: seconds=N rounds=N acquires=N kills_client=N kills_daemon=N
         faults=N overlaps=N ...more fields

and the exit status is 1 on any overlap (or another safety-relevant
finding: a daemon that died by itself, a process that could not be
killed), 0 otherwise.  Everything started is stopped by pid / process
group id in `finally`, faultfs mounts are unmounted.

Timing (spec/algorithms.md §2.1, io_timeout IO = 1, W = 60 because a
3.8.5 host is present): renewal every 2*IO, warnings from 6*IO, failure
at 8*IO after the last good renewal, host_dead_seconds 8*IO + W = 68,
recovery SIGTERMs first (kill_grace 40 with W = 60).  Every wait below is
derived from these.
"""

import argparse
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))

THEIRS = "/usr/sbin/sanlock"
LS = "LS"
MIB = 1 << 20

# ---- timing, spec/algorithms.md §2.1 / §2.3 (io = 1, W = 60) ----------
IO = 1
W = 60
RENEWAL = 2 * IO                 # id_renewal_seconds
WARN = 6 * IO                    # id_renewal_warn_seconds
FAIL = 8 * IO                    # id_renewal_fail_seconds
HOST_DEAD = FAIL + W             # host_dead_seconds = 68
JOIN_FREE_MAX = 2 * IO + 3 * IO  # delta acquire, free / own slot (§2.1)
JOIN_POLL = 1                    # add_lockspace polls once per second
TICK = 1                         # daemon main loop / our status poll
# A fault that stops renewals (EIO / hang of the lockspace area) for this
# long certainly fails the lockspace: the last good renewal T is before the
# fault started, the failure comes at T + FAIL, noticed within one TICK.
FAULT_CERTAIN = FAIL + TICK
# Short faults: the last good renewal is at most RENEWAL + 1.5 s old when
# the fault starts (§3.4 scheduling), so a fault shorter than this ends
# with renewals resuming around the warning age, short of FAIL.
FAULT_SHORT = WARN - RENEWAL
# A crashed host kept down this long has its leases taken by the others
# through the dead-owner rule (§5.4): host_dead after their last sight of
# its last renewal, plus a renewal interval of observation lag.
LONG_DOWN_MIN = HOST_DEAD + RENEWAL + TICK
# Bounds that only detect hangs (no protocol timing): daemon start, CLI.
DAEMON_START_MAX = 30
CLI_MAX = 30
JOIN_CMD_MAX = HOST_DEAD + JOIN_FREE_MAX + JOIN_POLL + CLI_MAX
DEATH_MAX = 20                   # SIGKILLed group gone (after FUSE clear)

# ---- load ----------------------------------------------------------------
NRES = 10
CLIENTS_PER_HOST = 4
SH_PCT = 20
HOLD_MS = 40
# One client per host is a long holder: it keeps one lease for up to
# 2*host_dead, so a lockspace failure almost always finds a holder that its
# daemon must SIGTERM, and a crashed host almost always leaves a lease that
# the others must wait for.  Chaos does not kill it (its host's does).
LONG_HOLD_MS = 2 * HOST_DEAD * 1000
PAUSE_MS = 60

# ---- chaos mix -------------------------------------------------------------
GAP = (0.4, 2.4)                 # seconds between chaos rounds
P_KILL_CLIENT = 0.45
P_FAULT = 0.30
P_KILL_HOST = 0.17               # rest: a quiet round
P_LONG_DOWN = 0.1
RESPAWN = (0.05, 1.0)            # a killed client comes back after this


def mono():
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def mono_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


# ============================================================== the checker

class Holding:
    __slots__ = ("res", "host", "pid", "mode", "t0", "t1", "end")

    def __init__(self, res, host, pid, mode, t0):
        self.res, self.host, self.pid, self.mode = res, host, pid, mode
        self.t0, self.t1, self.end = t0, None, None

    def __repr__(self):
        t1 = "never" if self.t1 is None else str(self.t1)
        return (f"{self.mode} host {self.host} pid {self.pid} "
                f"[{self.t0} .. {t1}] ({self.end or 'open'})")


class CheckResult:
    def __init__(self):
        self.holdings = 0
        self.acquires = 0
        self.sh_acquires = 0
        self.releases = 0
        self.dead_lines = 0
        self.sigterms = 0         # holdings given up on the daemon's SIGTERM
        self.errors = {}          # rv -> count (client `error` lines)
        self.relerrors = {}
        self.per_host = {}
        self.double_acquire = []
        self.unterminated = []
        self.malformed = 0
        self.overlaps = []        # (Holding, Holding)


def check_log(lines, max_report=50):
    """Replay holder-log lines; see the module docstring for the rules.
    Returns a CheckResult; .overlaps is empty iff the log proves mutual
    exclusion."""
    r = CheckResult()
    events = []
    for n, line in enumerate(lines):
        f = line.split()
        if len(f) != 6 or not f[0].isdigit():
            if line.strip():
                r.malformed += 1
            continue
        events.append((int(f[0]), n, f[1], f[2], f[3], f[4], f[5]))
    events.sort()
    open_ = {}                    # (host, pid) -> {res: Holding}
    by_res = {}
    for t, _, host, pid, what, res, mode in events:
        key = (host, pid)
        if what == "acquire":
            r.acquires += 1
            r.sh_acquires += mode == "SH"
            r.per_host[host] = r.per_host.get(host, 0) + 1
            held = open_.setdefault(key, {})
            if res in held:
                r.double_acquire.append((held[res], t))
                old = held.pop(res)
                old.t1, old.end = t, "re-acquired"
            h = Holding(res, host, pid, mode, t)
            held[res] = h
            by_res.setdefault(res, []).append(h)
        elif what == "release":
            r.releases += 1
            h = open_.get(key, {}).pop(res, None)
            if h is not None:
                h.t1, h.end = t, "release"
        elif what == "dead":
            r.dead_lines += 1
            for h in open_.pop(key, {}).values():
                h.t1, h.end = t, "dead"
        elif what == "error":
            r.errors[mode] = r.errors.get(mode, 0) + 1
        elif what == "relerror":
            r.relerrors[mode] = r.relerrors.get(mode, 0) + 1
        elif what == "sigterm":
            r.sigterms += 1
        # other kinds (crash, info) are informative only
    for held in open_.values():
        r.unterminated.extend(held.values())
    inf = float("inf")
    for res, hs in by_res.items():
        r.holdings += len(hs)
        hs.sort(key=lambda h: h.t0)
        active = []               # holdings that may still overlap
        for h in hs:
            active = [a for a in active
                      if (inf if a.t1 is None else a.t1) > h.t0]
            for a in active:
                if (a.mode == "EX" or h.mode == "EX") and \
                        (a.host, a.pid) != (h.host, h.pid):
                    if len(r.overlaps) < max_report:
                        r.overlaps.append((a, h))
                    else:
                        r.overlaps.append(None)
            active.append(h)
    return r


def describe_overlaps(r, t_base=0):
    out = []
    for o in r.overlaps:
        if o is None:
            continue
        a, b = o
        def fmt(h):
            t1 = "open" if h.t1 is None else f"{(h.t1 - t_base) / 1e9:.6f}"
            return (f"{h.mode} host {h.host} pid {h.pid} "
                    f"[{(h.t0 - t_base) / 1e9:.6f} .. {t1}] ended by "
                    f"{h.end or 'nothing'}")
        out.append(f"OVERLAP {a.res}: {fmt(a)}  <->  {fmt(b)}")
    extra = sum(1 for o in r.overlaps if o is None)
    if extra:
        out.append(f"... and {extra} more overlaps")
    return out


# ===================================================== processes and hosts

def copy_stable(src, dst, tries=30):
    """Copy a build product that another `make` may be relinking right
    now: retry until the source is a complete ELF file that did not change
    during the copy."""
    for _ in range(tries):
        try:
            a = os.stat(src)
            shutil.copy2(src, dst)
            b = os.stat(src)
            with open(dst, "rb") as f:
                magic = f.read(4)
            if (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns) \
                    and a.st_size > 0 and magic == b"\x7fELF" \
                    and os.path.getsize(dst) == a.st_size:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"chaos: cannot get a stable copy of {src}")


def proc_stat(pid):
    """(state, ppid, pgrp, starttime) of pid, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    w = s.rsplit(")", 1)[1].split()
    return w[0], int(w[1]), int(w[2]), int(w[19])


def group_members(pgid):
    """Pids of live (not zombie) processes in process group pgid."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        st = proc_stat(int(name))
        if st and st[2] == pgid and st[0] not in ("Z", "X"):
            out.append(int(name))
    return out


def child_exited(p):
    """True if child p has exited, WITHOUT reaping it (a zombie keeps its
    pid - and so its process group id - reserved until we reap it)."""
    if p.returncode is not None:
        return True
    try:
        r = os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return r is not None


class Client:
    def __init__(self, monitor, wpid, pidfd, lib, pgid, long):
        self.monitor, self.wpid, self.pidfd, self.lib = monitor, wpid, pidfd, lib
        self.pgid, self.long = pgid, long

    def kill(self):
        """SIGKILL the worker through its pidfd (never a recycled pid)."""
        if self.pidfd is None:
            return False
        try:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            return True
        except ProcessLookupError:
            return False

    def close(self):
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        if self.monitor.stdout:
            self.monitor.stdout.close()


class Host:
    """One simulated host: a daemon process group (daemon, its helper,
    its clients) with its own run dir, plus a thread that keeps it going:
    restarts after a crash, rejoins after a lockspace failure, replaces
    dead clients."""

    def __init__(self, chaos, hid, kind, binary, lease_path, fs):
        self.c = chaos
        self.hid, self.kind, self.binary = hid, kind, str(binary)
        self.name = f"chaos-host{hid}-{kind}"
        self.lease_path = str(lease_path)
        self.fs = fs
        self.faulty = False           # chaos may inject faults (fs rules)
        self.run_dir = tempfile.mkdtemp(prefix=f"sl-chaos{hid}-", dir="/tmp")
        self.logpath = chaos.out / f"daemon{hid}-{kind}.log"
        self.env = dict(os.environ, SANLOCK_RUN_DIR=self.run_dir,
                        SANLOCK_PRIVILEGED="0")
        self.env.pop("LD_LIBRARY_PATH", None)
        self.lock = threading.RLock()
        self.state = "down"           # down | starting | up | failed
        self.daemon = None
        self.pgid = None
        self.incarnation = 0
        self.clients = []
        self.respawn_at = []          # times at which to add a client
        self.pending_crash = None
        self.restart_at = None
        self.fault = None
        self.next_status = 0.0
        self.next_rejoin = 0.0
        self.thread = None
        self.error = None

    def who(self):
        return f"host{self.hid}({self.kind})"

    # ---------------------------------------------------------- commands

    def cli(self, *args, timeout=CLI_MAX):
        try:
            p = subprocess.run([self.binary, "client", *args], env=self.env,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return p.returncode, p.stdout.decode(errors="replace")

    def ls_state(self):
        """'joined', 'busy' (ADD/REM), 'gone', or None (no answer)."""
        r = self.cli("status")
        if r is None or r[0] != 0:
            return None
        for line in r[1].splitlines():
            if line.startswith(f"s {LS}:{self.hid}:"):
                return "busy" if line.endswith((" ADD", " REM")) else "joined"
        return "gone"

    def join(self):
        r = self.cli("add_lockspace", "-o", str(IO), "-s",
                     f"{LS}:{self.hid}:{self.lease_path}:0",
                     timeout=JOIN_CMD_MAX)
        if r is None:
            return "timeout"
        for line in r[1].splitlines():
            if line.startswith("add_lockspace_timeout done "):
                return int(line.split()[-1])
        return f"rc {r[0]}: {r[1].strip()!r}"

    # --------------------------------------------------------- lifetime

    def start(self):
        """Start a daemon (a new process group) and join; state becomes up
        (or failed, to be retried by the rejoin logic)."""
        with self.lock:
            if self.c.stopping:
                return
            self.incarnation += 1
            inc = self.incarnation
            self.state = "starting"
            with open(self.logpath, "ab") as f:
                f.write(f"=== chaos: incarnation {inc} starts at "
                        f"{mono_ns()} ns\n".encode())
            log = open(self.logpath, "ab")
            self.daemon = subprocess.Popen(
                [self.binary, "daemon", "-D", "-w", "0", "-l", "0", "-h", "0",
                 "-U", "root", "-G", "root", "-e", self.name],
                env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=log, process_group=0)
            log.close()
            daemon = self.daemon
            self.pgid = daemon.pid
        self.c.event(f"{self.who()} daemon start pid {daemon.pid} "
                     f"(incarnation {inc})")
        deadline = mono() + DAEMON_START_MAX
        while True:
            if self.incarnation != inc:
                return                      # crashed meanwhile
            r = self.cli("status", timeout=CLI_MAX)
            if r and r[0] == 0 and r[1].startswith("daemon "):
                break
            if child_exited(daemon) or mono() > deadline:
                self.c.finding(f"{self.who()} daemon did not start "
                               f"(exited={child_exited(daemon)})")
                self.crash(RENEWAL, why="start failed")
                return
            time.sleep(0.05)
        t0 = mono()
        rv = self.join()
        with self.lock:
            if self.incarnation != inc or self.state != "starting":
                return
            self.c.event(f"{self.who()} join rv {rv} in {mono() - t0:.1f}s")
            self.state = "up" if rv == 0 else "failed"
            self.next_rejoin = mono() + RENEWAL
            self.next_status = mono() + TICK
            self.respawn_at = [mono()] * (self.c.clients_per_host
                                          - len(self.clients))

    def spawn_client(self):
        """Start one client in this host's process group (under lock)."""
        lib = self.c.rng_clients.choice(("ours", "385"))
        env = dict(self.env)
        if lib == "ours":
            env["LD_LIBRARY_PATH"] = str(self.c.libdir)
        seed = self.c.rng_clients.randrange(1 << 62)
        long = not any(cl.long for cl in self.clients)
        hold = LONG_HOLD_MS if long else self.c.hold_ms[self.hid]
        errf = open(self.c.out / "clients.err", "ab")
        try:
            mon = subprocess.Popen(
                [str(self.c.client_bin), str(self.hid), str(self.c.holder_log),
                 LS, self.lease_path, str(NRES), str(seed), str(SH_PCT),
                 str(hold), str(PAUSE_MS)],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=errf, process_group=self.pgid)
        finally:
            errf.close()
        line = mon.stdout.readline().decode().strip()
        wpid, pidfd = None, None
        if line.isdigit():
            wpid = int(line)
            try:
                pidfd = os.pidfd_open(wpid)
                st = proc_stat(wpid)
                if not st or st[1] != mon.pid:   # died and pid reused
                    os.close(pidfd)
                    pidfd = None
            except ProcessLookupError:
                pidfd = None
        self.clients.append(Client(mon, wpid, pidfd, lib, self.pgid, long))
        self.c.event(f"{self.who()} client {wpid} started (lib {lib}"
                     f"{', long holder' if long else ''})")
        self.c.count("spawns")

    def crash(self, down, why="chaos", daemon_only=False):
        """SIGKILL the whole host at once (called by any thread); the host
        thread confirms the deaths and restarts it `down` seconds later.
        daemon_only (the --mutant survivors negative control): kill only
        the daemon and its helper, leave the clients running - what a
        host without a watchdog looks like when its daemon dies."""
        with self.lock:
            if self.daemon is None or self.pending_crash is not None:
                return False
            t = mono_ns()
            if daemon_only:
                # helper: the daemon's child in its group (found before the
                # kill, while it is still the daemon's child)
                helpers = [p for p in group_members(self.pgid)
                           if (proc_stat(p) or (0, 0))[1] == self.daemon.pid]
                victims = [self.daemon.pid] + helpers
                for p in victims:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.c.log_line(f"{t} {self.hid} - daemon_killed - -")
                self.pending_crash = (None, victims, self.daemon, [], down,
                                      why)
                self.daemon, self.respawn_at = None, []
                self.incarnation += 1
                self.state = "down"
                self.c.event(f"{self.who()} DAEMON-ONLY KILL ({why}), "
                             f"clients survive, down {down:.1f}s")
                return True
            # The daemon is never reaped before this point, so its pid is
            # still our group id (see child_exited).
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            # clients of an older group (only after a daemon-only kill)
            for cl in self.clients:
                cl.kill()
            self.c.log_line(f"{t} {self.hid} - crash - -")
            if self.fs:
                # Release hung requests: the killed processes can finish
                # dying, their in-flight I/O completes (or fails) now,
                # before any new incarnation writes.
                try:
                    self.fs.clear_all()
                except Exception as e:      # noqa: BLE001 - report, go on
                    self.c.finding(f"{self.who()} faultfs clear: {e}")
                if self.fault:
                    self.c.event(f"{self.who()} fault #{self.fault['n']} "
                                 "ends with the crash")
                self.fault = None
            groups = {self.pgid} | {cl.pgid for cl in self.clients}
            self.pending_crash = (groups, None, self.daemon, self.clients,
                                  down, why)
            self.daemon, self.clients, self.respawn_at = None, [], []
            self.incarnation += 1
            self.state = "down"
        self.c.event(f"{self.who()} CRASH ({why}), down {down:.1f}s")
        return True

    def finish_crash(self):
        groups, victims, daemon, clients, down, why = self.pending_crash

        def alive():
            if victims is not None:
                return [p for p in victims
                        if (proc_stat(p) or ("X",))[0] not in ("Z", "X")]
            return [p for g in groups for p in group_members(g)]
        deadline = mono() + DEATH_MAX
        while True:
            left = alive()
            if not left:
                break
            if mono() > deadline:
                self.c.finding(f"{self.who()}: processes {left} survive "
                               "SIGKILL")
                deadline = mono() + DEATH_MAX
            if self.fs:
                try:
                    self.fs.clear_all()
                except Exception:           # noqa: BLE001
                    pass
            for g in groups or ():
                try:
                    os.killpg(g, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        t = mono_ns()
        # Every process of the host is dead now: their holdings end here
        # (the monitors were killed too, so write their lines ourselves).
        for cl in clients:
            if cl.wpid:
                self.c.log_line(f"{t} {self.hid} {cl.wpid} dead - -")
        daemon.wait()
        for cl in clients:
            cl.monitor.wait()
            cl.close()
        with self.lock:
            self.pending_crash = None
            self.restart_at = mono() + down
        self.c.event(f"{self.who()} killed processes all dead "
                     f"({why}); restart in {down:.1f}s")

    def check_clients(self):
        now = mono()
        with self.lock:
            if self.daemon is None or self.state not in ("up", "failed"):
                return
            for cl in list(self.clients):
                if cl.monitor.poll() is not None:
                    self.clients.remove(cl)
                    cl.close()
                    self.respawn_at.append(now + self.c.rng_clients.uniform(
                        *RESPAWN))
            due = [t for t in self.respawn_at if t <= now]
            self.respawn_at = [t for t in self.respawn_at if t > now]
            for _ in due:
                if len(self.clients) < self.c.clients_per_host:
                    self.spawn_client()

    def check_lockspace(self):
        now = mono()
        if now < self.next_status:
            return
        self.next_status = now + TICK
        inc = self.incarnation
        st = self.ls_state()
        with self.lock:
            if inc != self.incarnation or self.state not in ("up", "failed"):
                return
            if self.state == "up" and st in ("gone", "busy"):
                self.state = "failed"
                self.c.count("ls_failures")
                self.c.count(f"ls_failures_{self.hid}")
                self.c.event(f"{self.who()} lockspace lost ({st})")
                self.next_rejoin = now
            elif self.state == "failed" and st == "joined":
                self.state = "up"
        if self.state == "failed" and st == "gone" and now >= self.next_rejoin:
            t0 = mono()
            rv = self.join()
            with self.lock:
                if inc != self.incarnation:
                    return
                self.c.event(f"{self.who()} rejoin rv {rv} in "
                             f"{mono() - t0:.1f}s")
                if rv == 0:
                    self.state = "up"
                    self.c.count("rejoins")
                else:
                    self.next_rejoin = mono() + RENEWAL

    def loop(self):
        try:
            while not self.c.stopping:
                if self.pending_crash:
                    self.finish_crash()
                    continue
                if self.state == "down":
                    if self.restart_at is not None and \
                            mono() >= self.restart_at:
                        self.restart_at = None
                        self.start()
                        continue
                elif self.state in ("up", "failed"):
                    d = self.daemon
                    if d is not None and child_exited(d):
                        self.c.finding(f"{self.who()} daemon pid {d.pid} "
                                       "died by itself")
                        self.c.count("daemon_crashes")
                        # as with a watchdog: the whole host goes
                        self.crash(RENEWAL, why="daemon died")
                        continue
                    self.check_clients()
                    self.check_lockspace()
                time.sleep(0.05)
        except BaseException as e:          # noqa: BLE001 - reported
            import traceback
            self.error = f"{self.who()} thread: {e!r}\n" + \
                traceback.format_exc()
            self.c.stopping = True

    def stop(self):
        """Final teardown of this host (thread already stopped)."""
        self.crash(0, why="teardown")
        if self.pending_crash:
            self.finish_crash()


# ==================================================================== chaos

class Chaos:
    def __init__(self, args):
        self.args = args
        self.seconds = args.seconds
        self.seed = args.seed if args.seed is not None else \
            random.SystemRandom().randrange(1 << 32)
        self.rng = random.Random(self.seed)
        self.rng_clients = random.Random(self.seed ^ 0x5EED)
        self.build = Path(args.build)
        if not self.build.is_absolute():
            self.build = REPO / self.build
        self.ours = self.build / "bin" / "sanlock"
        self.client_bin = self.build / "tests" / "chaos_client"
        self.faultfs_bin = self.build / "tests" / "faultfs"
        self.clients_per_host = args.clients
        self.mutant = args.mutant
        # --mutant survivors: host 2's clients hold long, so that they
        # outlive their daemon's restart and the next generation's takeover
        self.hold_ms = {1: HOLD_MS, 2: HOLD_MS, 3: HOLD_MS}
        if self.mutant:
            self.hold_ms[2] = 4 * JOIN_FREE_MAX * 1000
        base = Path(args.out).resolve()
        base.mkdir(parents=True, exist_ok=True)
        self.out = Path(tempfile.mkdtemp(
            prefix=time.strftime("%Y%m%d-%H%M%S") + f"-seed{self.seed}-",
            dir=base))
        self.holder_log = self.out / "holder.log"
        self.log_fd = os.open(self.holder_log,
                              os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.event_f = open(self.out / "events.log", "a")
        self.lock = threading.Lock()
        self.counts = {}
        self.findings = []
        self.stopping = False
        self.hosts = []
        self.mounts = []
        self.t0 = mono()
        self.fault_n = 0
        self.opened = set()

    # ------------------------------------------------------------ records

    def log_line(self, line):
        os.write(self.log_fd, (line + "\n").encode())

    def event(self, msg):
        line = f"{mono() - self.t0:9.3f} {msg}"
        with self.lock:
            self.event_f.write(line + "\n")
            self.event_f.flush()
        if self.args.verbose:
            print(line, flush=True)

    def count(self, name, n=1):
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + n

    def finding(self, msg):
        with self.lock:
            self.findings.append(msg)
        self.event("FINDING: " + msg)

    # -------------------------------------------------------------- setup

    def preflight(self):
        for p, what in ((self.ours, "our sanlock"),
                        (self.client_bin, "chaos_client"),
                        (self.faultfs_bin, "faultfs"),
                        (self.build / "lib" / "libsanlock_client.so.1",
                         "libsanlock_client")):
            if not os.access(p, os.R_OK):
                raise SystemExit(f"chaos: {what} not built: {p} (run make)")
        if not os.access(THEIRS, os.X_OK):
            raise SystemExit(f"chaos: Debian's sanlock 3.8.5 missing: {THEIRS}")
        # Run from a snapshot: a rebuild of the tree during a long run must
        # not swap the daemon between two incarnations (or remove it).
        snap = self.out / "bin"
        (snap / "lib").mkdir(parents=True)
        so = (self.build / "lib" / "libsanlock_client.so.1").resolve()
        for src, dst in ((self.ours, snap / "sanlock"),
                         (self.client_bin, snap / "chaos_client"),
                         (self.faultfs_bin, snap / "faultfs"),
                         (so, snap / "lib" / "libsanlock_client.so.1")):
            copy_stable(src, dst)
        self.ours = snap / "sanlock"
        self.client_bin = snap / "chaos_client"
        self.faultfs_bin = snap / "faultfs"
        self.libdir = snap / "lib"

    def setup(self):
        from faultfs import FaultFS, fuse_unavailable_reason
        self.shared = self.out / "shared"
        self.shared.mkdir()
        lease = self.shared / "lease"
        with open(lease, "wb") as f:
            f.truncate((NRES + 1) * MIB)
        env = dict(os.environ)
        env.pop("LD_LIBRARY_PATH", None)

        def direct(*a):
            p = subprocess.run([str(self.ours), "direct", "init", *a], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=CLI_MAX * 5)
            if p.returncode != 0:
                raise SystemExit(f"chaos: direct init {a} failed: "
                                 f"{p.stdout.decode()}")
        direct("-s", f"{LS}:0:{lease}:0", "-o", str(IO))
        for i in range(NRES):
            direct("-r", f"{LS}:R{i}:{lease}:{(i + 1) * MIB}")
        reason = fuse_unavailable_reason()
        if reason and not self.args.no_faults:
            raise SystemExit(f"chaos: FUSE unusable ({reason}); "
                             "use --no-faults to run without I/O faults")
        # Every host reaches the file through its own faultfs mount; host 2's
        # never gets a fault rule (a healthy path).  Why not open it
        # directly: faultfs does buffered O_SYNC I/O on the backing file,
        # and Linux does not keep the page cache coherent with O_DIRECT
        # writes racing with buffered I/O ("Page cache invalidation failure
        # on direct I/O ... collision with buffered I/O"): a host reading
        # through the cache can see stale sectors, and a 4 KiB write-back
        # of a cached page can undo another host's completed 512-byte
        # O_DIRECT write.  That is outside the storage model
        # (algorithms.md 1A.4); a 20-minute run in that topology saw one
        # lver committed by two hosts (see README.md).  --mixed-io
        # restores that topology on purpose.
        layout = [(1, "ours", self.ours, True), (2, "ours", self.ours, False),
                  (3, "385", THEIRS, True)]
        for hid, kind, binary, faulty in layout:
            fs = None
            path = lease
            use_fuse = not self.args.no_faults and \
                (faulty or not self.args.mixed_io)
            if use_fuse:
                fs = FaultFS(self.shared, binary=self.faultfs_bin)
                fs.mount()
                self.mounts.append(fs)
                path = fs.path("lease")
            h = Host(self, hid, kind, binary, path, fs)
            h.faulty = faulty and fs is not None
            self.hosts.append(h)
        for h in self.hosts:
            self.event(f"{h.who()} name {h.name} run dir {h.run_dir} lease "
                       f"{h.lease_path}")
        # start and join in parallel, then the host threads take over
        ts = [threading.Thread(target=h.start) for h in self.hosts]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        bad = [h.who() for h in self.hosts if h.state != "up"]
        if bad:
            raise SystemExit(f"chaos: initial join failed on {bad}; see "
                             f"{self.out}")
        for h in self.hosts:
            h.thread = threading.Thread(target=h.loop, name=h.who(),
                                        daemon=True)
            h.thread.start()

    # ------------------------------------------------------------- events

    def kill_client(self):
        cands = []
        for h in self.hosts:
            with h.lock:
                cands += [(h, c) for c in h.clients
                          if c.pidfd is not None and not c.long]
        if not cands:
            return False
        h, c = self.rng.choice(cands)
        if c.kill():
            self.count("kills_client")
            self.event(f"{h.who()} SIGKILL client {c.wpid} (lib {c.lib})")
            return True
        return False

    def kill_host(self, end):
        if any(h.state in ("down", "starting") or h.pending_crash
               for h in self.hosts):
            return False           # one host down at a time
        cands = [h for h in self.hosts if h.state in ("up", "failed")
                 and not (h.fault and h.fault.get("opening"))]
        if not cands:
            return False
        h = self.rng.choice(cands)
        long_ok = end - mono() > LONG_DOWN_MIN + 3 * RENEWAL + 10
        if long_ok and self.rng.random() < P_LONG_DOWN:
            down = LONG_DOWN_MIN + self.rng.uniform(0, 2 * RENEWAL)
            self.count("long_downs")
        else:
            down = self.rng.uniform(0.2, 2 * RENEWAL)
        if h.crash(down):
            self.count("kills_daemon")
            return True
        return False

    def fault_spec(self, h):
        rng = self.rng
        if h.hid not in self.opened:
            # The first fault of each faulty host is certain to fail its
            # lockspace (EIO on everything well past the failure limit),
            # so every run sees the recovery of ours and of 3.8.5 - the
            # point where a surviving client would overlap - at least once.
            self.opened.add(h.hid)
            return dict(kind="fail", op="rw", region="all", opening=True,
                        dur=FAULT_CERTAIN + RENEWAL + rng.uniform(0, RENEWAL))
        kind = rng.choices(("fail", "hang", "delay"), (4, 3, 3))[0]
        op = rng.choice(("read", "write", "rw"))
        region = rng.choices(("all", "lockspace", "resources"), (2, 1, 1))[0]
        x = rng.random()
        if x < 0.5:
            dur = rng.uniform(0.3, FAULT_SHORT)
        elif x < 0.7:
            dur = rng.uniform(FAULT_SHORT, FAULT_CERTAIN + RENEWAL)
        else:
            dur = rng.uniform(FAULT_CERTAIN + RENEWAL,
                              FAULT_CERTAIN + 4 * RENEWAL)
        spec = dict(kind=kind, op=op, region=region, dur=dur)
        if kind == "delay":
            # 3.8.5 may have several writes to one sector in flight
            # (algorithms.md 1A.2): a delay past its I/O timeout could let
            # an older write land after a newer one, which is outside the
            # storage model.  Ours keeps one write per sector in flight.
            spec["ms"] = rng.randint(20, 300) if h.kind == "385" else \
                rng.randint(20, 2500)
        if kind == "hang":
            # released hung writes land (err 0) or fail (EIO); for 3.8.5
            # only EIO, for the same reason
            spec["err"] = "EIO" if h.kind == "385" or rng.random() < 0.5 \
                else 0
        return spec

    def start_fault(self):
        cands = [h for h in self.hosts if h.faulty and h.fault is None
                 and h.state in ("up", "failed", "starting")]
        if not cands:
            return False
        h = self.rng.choice(cands)
        spec = self.fault_spec(h)
        opts = {"all": {}, "lockspace": dict(off=0, length=MIB),
                "resources": dict(off=MIB)}[spec["region"]]
        with h.lock:
            if h.fault is not None or h.pending_crash or h.state == "down":
                return False
            self.fault_n += 1
            n = self.fault_n
            if spec["kind"] == "fail":
                h.fs.fail("lease", spec["op"], errno.EIO, **opts)
            elif spec["kind"] == "hang":
                h.fs.hang("lease", spec["op"], err=spec["err"], **opts)
            else:
                h.fs.delay("lease", spec["op"], spec["ms"], **opts)
            h.fault = dict(spec, n=n, end=mono() + spec["dur"])
        self.count("faults")
        self.count(f"faults_{spec['kind']}")
        self.event(f"{h.who()} fault #{n} {spec}")
        return True

    def expire_faults(self, force=False):
        for h in self.hosts:
            with h.lock:
                f = h.fault
                if f and (force or mono() >= f["end"]):
                    h.fault = None
                    try:
                        h.fs.clear("lease")
                    except Exception as e:      # noqa: BLE001
                        self.finding(f"{h.who()} faultfs clear: {e!r}")
                    self.event(f"{h.who()} fault #{f['n']} cleared")

    # --------------------------------------------------------------- run

    def run(self):
        end = mono() + self.seconds
        self.t_run = mono()
        self.event(f"chaos phase: {self.seconds}s, seed {self.seed}")
        nxt = mono() + self.rng.uniform(*GAP)
        rounds = 0
        if self.mutant:
            # Negative control: every client is holding after one hold
            # period; then host 2's daemon dies alone and comes back at
            # once with a new generation, while its clients keep holding.
            nxt = end
            time.sleep(1 + PAUSE_MS / 1000)
            self.hosts[1].crash(0.1, why="mutant", daemon_only=True)
        while mono() < end and not self.stopping:
            self.expire_faults()
            if mono() >= nxt:
                rounds += 1
                x = self.rng.random()
                done = False
                if x < P_KILL_CLIENT:
                    done = self.kill_client()
                elif x < P_KILL_CLIENT + P_FAULT:
                    done = self.start_fault()
                elif x < P_KILL_CLIENT + P_FAULT + P_KILL_HOST:
                    done = self.kill_host(end)
                if not done:
                    self.count("quiet_rounds")
                nxt = mono() + self.rng.uniform(*GAP)
            time.sleep(0.05)
        self.rounds = rounds
        self.t_end = mono()
        self.event(f"chaos phase over after {rounds} rounds")

    def teardown(self):
        self.stopping = True
        # Kill first: a host thread blocked in a CLI call to its daemon
        # returns at once when the daemon is gone.
        for h in self.hosts:
            try:
                h.crash(0, why="teardown")
            except Exception as e:         # noqa: BLE001
                self.finding(f"{h.who()} teardown kill: {e!r}")
        for h in self.hosts:
            if h.thread:
                h.thread.join(timeout=JOIN_CMD_MAX + DEATH_MAX)
                if h.thread.is_alive():
                    self.finding(f"{h.who()} thread did not stop")
        try:
            self.expire_faults(force=True)
        except Exception as e:             # noqa: BLE001
            self.finding(f"clearing faults: {e}")
        for h in self.hosts:
            try:
                h.stop()
            except Exception as e:         # noqa: BLE001
                self.finding(f"{h.who()} teardown: {e!r}")
        for fs in self.mounts:
            try:
                fs.unmount()
            except Exception as e:         # noqa: BLE001
                self.finding(f"faultfs unmount: {e!r}")
        for h in self.hosts:
            shutil.rmtree(h.run_dir, ignore_errors=True)
            if h.error:
                self.findings.append(h.error)
        os.close(self.log_fd)

    def summarize(self):
        with open(self.holder_log) as f:
            r = check_log(f)
        c = self.counts
        errs = sum(r.errors.values())
        fields = [
            ("seconds", int(round(self.t_end - self.t_run))),
            ("rounds", self.rounds),
            ("acquires", r.acquires),
            ("kills_client", c.get("kills_client", 0)),
            ("kills_daemon", c.get("kills_daemon", 0)),
            ("faults", c.get("faults", 0)),
            ("overlaps", len(r.overlaps)),
            ("seed", self.seed),
            ("sh_acquires", r.sh_acquires),
            ("per_host", ",".join(f"{k}:{v}" for k, v in
                                  sorted(r.per_host.items()))),
            ("faults_fail", c.get("faults_fail", 0)),
            ("faults_hang", c.get("faults_hang", 0)),
            ("faults_delay", c.get("faults_delay", 0)),
            ("long_downs", c.get("long_downs", 0)),
            ("ls_failures", c.get("ls_failures", 0)),
            ("rejoins", c.get("rejoins", 0)),
            ("ls_failures_by_host", ",".join(
                f"{h.hid}:{c.get(f'ls_failures_{h.hid}', 0)}"
                for h in self.hosts)),
            ("sigterm_releases", r.sigterms),
            ("daemon_crashes", c.get("daemon_crashes", 0)),
            ("client_errors", errs),
            ("unterminated", len(r.unterminated)),
            ("findings", len(self.findings)),
        ]
        detail = []
        if r.errors:
            top = sorted(r.errors.items(), key=lambda kv: -kv[1])[:12]
            detail.append("client error rvs: " +
                          " ".join(f"{k}x{v}" for k, v in top))
        if r.relerrors:
            detail.append("release error rvs: " + " ".join(
                f"{k}x{v}" for k, v in sorted(r.relerrors.items())))
        if r.double_acquire:
            detail.append(f"double acquires: {r.double_acquire[:5]}")
        if r.malformed:
            detail.append(f"malformed holder-log lines: {r.malformed}")
        detail += describe_overlaps(r)
        detail += [f"finding: {m}" for m in self.findings]
        summary = "chaos: " + " ".join(f"{k}={v}" for k, v in fields)
        with open(self.out / "summary.txt", "w") as f:
            f.write("\n".join(detail + [summary]) + "\n")
        return r, detail, summary


def run(args):
    ch = Chaos(args)
    print(f"chaos: seed={ch.seed} seconds={ch.seconds} out={ch.out}",
          flush=True)
    ch.preflight()

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    old = signal.signal(signal.SIGTERM, on_term)
    interrupted = False
    try:
        ch.setup()
        ch.run()
    except KeyboardInterrupt:
        interrupted = True
        ch.finding("interrupted")
        ch.t_end = mono()
        ch.t_run = getattr(ch, "t_run", ch.t_end)
        ch.rounds = getattr(ch, "rounds", 0)
    except Exception:                      # noqa: BLE001 - reported
        import traceback
        ch.finding("driver error:\n" + traceback.format_exc())
        ch.t_end = mono()
        ch.t_run = getattr(ch, "t_run", ch.t_end)
        ch.rounds = getattr(ch, "rounds", 0)
    except SystemExit as e:
        ch.finding(str(e))
        ch.t_end = mono()
        ch.t_run = getattr(ch, "t_run", ch.t_end)
        ch.rounds = getattr(ch, "rounds", 0)
    finally:
        # a second SIGTERM must not cut the cleanup short
        signal.signal(signal.SIGTERM, lambda *a: ch.finding("SIGTERM during "
                                                              "teardown"))
        ch.teardown()
        signal.signal(signal.SIGTERM, old)
    r, detail, summary = ch.summarize()
    for line in detail:
        print(line)
    print(f"chaos: results in {ch.out}")
    print(summary, flush=True)
    bad = bool(r.overlaps) or bool(ch.findings) or interrupted
    if r.overlaps:
        print(f"chaos: OVERLAP - keep {ch.out} (holder.log, daemon*.log, "
              f"events.log, shared/lease) and replay with --seed {ch.seed}")
    elif not args.keep and not bad:
        shutil.rmtree(ch.out / "shared", ignore_errors=True)
        shutil.rmtree(ch.out / "bin", ignore_errors=True)
    return 1 if bad else 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["check"]:
        if len(argv) != 2:
            sys.exit("usage: chaos.py check HOLDER_LOG")
        with open(argv[1]) as f:
            r = check_log(f)
        for line in describe_overlaps(r):
            print(line)
        print(f"check: holdings={r.holdings} acquires={r.acquires} "
              f"unterminated={len(r.unterminated)} overlaps={len(r.overlaps)}")
        return 1 if r.overlaps else 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--build", default=os.environ.get("SANLOCK_BUILD",
                                                      "build"))
    ap.add_argument("--out", default=str(REPO / "build" / "chaos"))
    ap.add_argument("--clients", type=int, default=CLIENTS_PER_HOST)
    ap.add_argument("--keep", action="store_true",
                    help="keep the lease file of a clean run")
    ap.add_argument("--no-faults", action="store_true",
                    help="no faultfs mounts (FUSE unavailable)")
    ap.add_argument("--mixed-io", action="store_true",
                    help="host 2 opens the backing file directly (O_DIRECT "
                    "beside faultfs's buffered I/O: NOT coherent in Linux, "
                    "outside the storage model; for reproducing only)")
    ap.add_argument("--mutant", choices=("survivors",),
                    help="negative control: kill a daemon but not its "
                    "clients (as with no watchdog); the checker must "
                    "report overlaps")
    ap.add_argument("-v", "--verbose", action="store_true")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
