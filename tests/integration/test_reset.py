"""sanlk-resetd and sanlk-reset (spec/cli.md §5; events: algorithms.md §9,
api.md §4.6; the watchdog: cli.md §4.10).

Hosts are the simulated hosts of test_watchdog_host.py: each one a process
group with its own sanlock daemon (own SANLOCK_RUN_DIR), optionally its own
wdmd (ours, test backend: a fire writes `fired <mono> <reason>` and
SIGKILLs the group - the host's "reset"), and here its own sanlk-resetd
(`-f -D`, spawned inside the group, SANLK_RESETD_RUN_DIR private to the
host).  sanlk-reset runs from the test, outside every group, with the
requesting host's environment.  Nothing ever writes /proc/sysrq-trigger:
the sysrq test points SANLK_RESETD_SYSRQ_TRIGGER at a file.

Timing (io_timeout 1 everywhere; W = fire timeout):
  * an event enters the sender's delta lease at its next renewal and is
    seen at the receiver's next one: EVENT_MAX;
  * sanlk-resetd arms its wdmd connection with TEST_LIVE(now, now): our
    wdmd's next round (1 s) fails, the device fires W s after the last
    pet: FIRE_MAX;
  * the requester's daemon calls the target DEAD 8*io + W s after the last
    timestamp change it saw (W = 60 with a 3.8.5 host in the lockspace,
    algorithms.md §2.4); sanlk-reset samples every 2 s.
The resetd's own wdmd may use a short W even when the lockspace's W is 60
(interop test): the daemon there runs -w 0, so only sanlk-resetd uses that
wdmd.  Every wait polls for its condition up to a bound derived from these.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from helpers import (SANITIZER_MARKERS, THEIRS_PATH, decode_leader,
                     read_direct, run, sanitizer_env)
from test_watchdog_host import (START_TIMEOUT, SimHost, bin_path, build_dir,
                                init_lease_file, mono, wait_for)

IO = 1
RENEWAL = 2 * IO
RENEW_SLACK = 1.5            # 0.5 s delay + random phase + I/O, loaded host
# Fire timeout of every test wdmd here.  The reply must be written (the
# target's next renewal, <= RENEWAL + RENEW_SLACK after the request is
# handled) before the target's watchdog fires (>= W - 1 s after arming):
# W = 8 leaves about 4 s of margin on a loaded machine.
W = 8
TICK = 2                     # sanlk-reset's sampling period
EVENT_MAX = 2 * (RENEWAL + RENEW_SLACK) + 1
FIRE_MAX = 1 + W + 1         # next round, W after the last pet, slack
SLACK = 5


def dead_after(w):
    return 8 * IO + w        # host_dead_seconds at io_timeout 1


def reset_max(w_lockspace):
    """sanlk-reset start -> "reset done": request delivered, watchdog
    fired, the last renewal seen by the requester, DEAD after
    host_dead_seconds, the next sample."""
    return (EVENT_MAX + FIRE_MAX + RENEWAL + RENEW_SLACK +
            dead_after(w_lockspace) + 1 + TICK + SLACK)


def slot(path, host_id):
    off = (host_id - 1) * 512
    return decode_leader(read_direct(path, 0, 4096)[off:off + 200])


def strip_epoch(text):
    """Lines "<epoch> <message>" -> messages (every line must have one)."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^(\d+) (.*)$", line)
        assert m, f"line without an epoch prefix: {line!r}\n{text}"
        assert abs(int(m.group(1)) - time.time()) < 3600, line
        out.append(m.group(2))
    return out


def in_order(lines, wanted):
    """Every regex of wanted matches a line, in this order."""
    i = 0
    for pat in wanted:
        while i < len(lines) and not re.fullmatch(pat, lines[i]):
            i += 1
        assert i < len(lines), f"missing (in order) {pat!r} in:\n" + \
            "\n".join(lines)
        i += 1


# ------------------------------------------------------------ machinery

class TheirHost(SimHost):
    """A simulated host whose sanlock daemon is Debian's 3.8.5 (W = 60,
    fixed), inside the host's process group like ours."""

    def _start(self, name, fire_timeout, watchdog, start_wdmd):
        if start_wdmd:
            self.wdmd_pid = self.spawn(
                [bin_path("wdmd"), "-D", "--test-backend", self.fired,
                 "--fire-timeout", str(fire_timeout)], log=self.wdmd_log)
            wait_for(f"{name}: wdmd socket", self._wdmd_ready, START_TIMEOUT)
        self.daemon_pid = self.spawn(
            [THEIRS_PATH, "daemon", "-D", "-w", str(watchdog), "-l", "0",
             "-h", "0", "-U", "root", "-G", "root", "-e", name],
            log=self.daemon_log)
        wait_for(f"{name}: daemon status", self._daemon_ready, START_TIMEOUT)


class Resetd:
    """sanlk-resetd -f -D inside a host's process group."""

    def __init__(self, host, *args, env=None):
        self.host = host
        self.run_dir = host.dir / "resetd"
        self.log = host.dir / f"resetd-{len(list(host.dir.glob('resetd-*')))}.log"
        e = {"SANLK_RESETD_RUN_DIR": str(self.run_dir)}
        e.update(env or {})
        self.pid = host.spawn([bin_path("sanlk-resetd"), "-f", "-D", *args],
                              env=e, log=self.log)

    def text(self):
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def messages(self):
        return strip_epoch(self.text())

    def wait(self, pattern, bound):
        rx = re.compile(pattern)
        return wait_for(f"{self.host.name} resetd: {pattern}\n{self.text()}",
                        lambda: [m for m in self.messages() if rx.fullmatch(m)],
                        bound)[0]


class ResetCmd:
    """sanlk-reset run from the test with host's environment; stdout and
    stderr collected by threads."""

    def __init__(self, procs, host, *args):
        env = dict(host.env)
        self.p = procs.start([bin_path("sanlk-reset"), *args], env=env)
        self.out, self.err = [], []
        self.threads = [threading.Thread(target=self._read, args=(s, buf),
                                         daemon=True)
                        for s, buf in ((self.p.stdout, self.out),
                                       (self.p.stderr, self.err))]
        for t in self.threads:
            t.start()

    @staticmethod
    def _read(stream, buf):
        for raw in stream:
            buf.append(raw.decode(errors="replace"))

    def wait(self, bound):
        try:
            rc = self.p.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"sanlk-reset still running after {bound:.0f}s:"
                                 f"\n{''.join(self.err)}")
        for t in self.threads:
            t.join(timeout=5)
        return rc

    def messages(self):
        return strip_epoch("".join(self.err))

    def text(self):
        return "".join(self.err)


@pytest.fixture
def hosts():
    """hosts(name, fire_timeout, cls=SimHost, **kw) -> a simulated host;
    each host's process group is SIGKILLed at teardown (also on failure)
    and its directory removed; sanitizer reports in any log fail."""
    made = []

    def start(name, fire_timeout, cls=SimHost, **kw):
        d = tempfile.mkdtemp(prefix=f"rst-{name}-", dir="/tmp")
        try:
            h = cls(name, d, fire_timeout, **kw)
        except BaseException:
            shutil.rmtree(d, ignore_errors=True)
            raise
        made.append(h)
        return h
    yield start
    reports = []
    for h in made:
        h.stop()
        for log in [h.daemon_log, *h.dir.glob("resetd-*.log")]:
            try:
                text = Path(log).read_text(errors="replace")
            except OSError:
                continue
            if isinstance(h, TheirHost) and log == h.daemon_log:
                continue
            for m in SANITIZER_MARKERS:
                if m in text:
                    reports.append(f"{h.name} {log}:\n{text[:4000]}")
        shutil.rmtree(h.dir, ignore_errors=True)
    if reports:
        pytest.fail("sanitizer report:\n" + "\n".join(reports))


def base_env(**extra):
    """os.environ (+ sanitizer options for a SAN build: a report exits
    86, a status no test expects) + extra."""
    e = dict(os.environ)
    if build_dir().name.endswith("san"):
        e.update(sanitizer_env())
    e.update(extra)
    return e


def reset_env(run_dir, **extra):
    return base_env(SANLK_RESETD_RUN_DIR=str(run_dir), **extra)


def stale_socket(path):
    """A socket file nobody listens on (connect -> ECONNREFUSED)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.close()


def wait_seen(requester, ls, host_id):
    """Until the requester's daemon has read host_id's live lease (right
    after a join it may still hold the slot as FREE, and sanlk-reset would
    rightly give up on a FREE host)."""
    def seen():
        h = requester.host_status(ls).get(host_id)
        return h and h.get("timestamp", "0") != "0"
    wait_for(f"{requester.name} sees host {host_id} in {ls}", seen,
             EVENT_MAX)


def assert_reset_done(cmd, ls, host_id, w_lockspace, words="reset "):
    rc = cmd.wait(reset_max(w_lockspace))
    msgs = cmd.messages()
    assert rc == 0, cmd.text()
    target = f"{ls}:{host_id}"
    reply = {"reset ": "resetting ", "reset reboot ": "resetting rebooting "}[words]
    in_order(msgs, [re.escape(f"asked host to {words}in ls {target}"),
                    re.escape(f"host {reply}in ls {target}"),
                    re.escape(f"host dead in ls {target}"),
                    re.escape(f"reset done by host_status in ls {target}"),
                    r"reset done in \d+ seconds"])
    assert re.fullmatch(r"reset done in \d+ seconds", msgs[-1]), msgs
    assert cmd.out == [], cmd.out
    return msgs


def assert_reset_by_resetd(host):
    """The host was reset by its watchdog, through sanlk-resetd's
    connection, and the whole group is gone."""
    lines = host.fired_lines()
    assert len(lines) == 1, host.describe()
    assert "sanlk-resetd" in lines[0], lines
    wait_for(f"{host.name}: group gone", lambda: not host.members(), 10)


# ------------------------------------------------------------ our hosts

LS = "rls"


def test_reset_ours(hosts, workdir, procs):
    """Host 1 asks host 2 (our daemon, -w 1, its wdmd, sanlk-resetd -w 1)
    to reset: host 2's resetd sets USED, expires its wdmd connection at
    once, replies RESETTING to all hosts; host 2's watchdog fires; host 1
    sees it DEAD and sanlk-reset reports done, exit 0."""
    path = init_lease_file(workdir / "ls", LS, io=IO)
    a = hosts("rA", W, watchdog=0, start_wdmd=False)
    b = hosts("rB", W)
    assert a.add(LS, 1, path) == 0
    assert b.add(LS, 2, path) == 0
    gen_a = slot(path, 1)["owner_generation"]

    rd = Resetd(b, "-w", "1", LS)
    rd.wait(rf"reg_event 0 fd \d+ ls {LS}", START_TIMEOUT)
    c = b.wdmd_clients()
    assert c and c["sanlk-resetd"]["ref"] == 1 and \
        c["sanlk-resetd"]["expire"] == 0, c
    assert rd.messages()[0] == "sanlk-resetd 3.8.5 started ", rd.text()

    wait_seen(a, LS, 2)
    cmd = ResetCmd(procs, a, "reset", f"{LS}:2")
    assert_reset_done(cmd, LS, 2, W)
    assert_reset_by_resetd(b)
    assert a.alive() and a.fired_lines() == []
    in_order(rd.messages(), [
        re.escape(f"request to reset (1 0) from host 1 {gen_a} ls {LS}"),
        re.escape(f"set_config used ls {LS}"),
        "Resetting host with watchdog",
        re.escape(f"set reply resetting (2 0) for host 1 {gen_a} ls {LS}"),
    ])
    assert not any("ignore" in m for m in rd.messages()), rd.text()


def test_reset_sysrq_and_resource_mode(hosts, workdir, procs):
    """-b 1 both sides (sysrq to a file through SANLK_RESETD_SYSRQ_TRIGGER,
    delay 1 s), -R 1 both sides (resetd does not set USED), and the
    `reset NAME -i ID` form with options after the command."""
    path = init_lease_file(workdir / "ls", LS, io=IO)
    a = hosts("sA", W, watchdog=0, start_wdmd=False)
    b = hosts("sB", W)
    assert a.add(LS, 1, path) == 0
    assert b.add(LS, 2, path) == 0
    gen_a = slot(path, 1)["owner_generation"]
    trigger = b.dir / "sysrq-trigger"
    trigger.write_text("")

    rd = Resetd(b, "-w", "1", "-b", "1", "-d", "1", "-R", "1", LS,
                env={"SANLK_RESETD_SYSRQ_TRIGGER": str(trigger)})
    rd.wait(rf"reg_event 0 fd \d+ ls {LS}", START_TIMEOUT)

    wait_seen(a, LS, 2)
    cmd = ResetCmd(procs, a, "reset", LS, "-i", "2", "-b", "1", "-R", "1")
    assert_reset_done(cmd, LS, 2, W, words="reset reboot ")
    assert_reset_by_resetd(b)
    assert trigger.read_text() == "b"
    msgs = rd.messages()
    in_order(msgs, [
        re.escape(f"request to reset reboot (5 0) from host 1 {gen_a} ls {LS}"),
        "Resetting host with watchdog",
        re.escape(f"set reply resetting rebooting (a 0) for host 1 {gen_a} "
                  f"ls {LS}"),
        "Rebooting host with sysrq",
    ])
    assert not any(m.startswith("set_config") for m in msgs), msgs


def test_reset_no_reply_fails(hosts, workdir, procs):
    """Failure paths, exit 1: a lockspace not joined here (reg_event
    -2); set_event refused (host_id above max_hosts: 250 with 4096-byte
    sectors and 1 MiB align); a host that is FREE; a host whose resetd runs
    -w 0 (reset request logged once despite ~3 deliveries, ignored, no
    reply) renews 4 times with no reply.  Nothing fires."""
    path = init_lease_file(workdir / "ls", LS, io=IO)
    path4k = workdir / "ls4k"
    with open(path4k, "wb") as f:
        f.truncate(1 << 20)
    r = run([bin_path("sanlock"), "direct", "init", "-Z", "4096", "-A", "1M",
             "-o", str(IO), "-s", f"r4k:0:{path4k}:0"])
    assert r.rc == 0, r
    a = hosts("nA", W, watchdog=0, start_wdmd=False)
    b = hosts("nB", W, watchdog=0, start_wdmd=False)
    assert a.add(LS, 1, path) == 0
    assert a.add("r4k", 1, path4k) == 0
    assert b.add(LS, 2, path) == 0

    cmd = ResetCmd(procs, a, "reset", "r4k:251")
    assert cmd.wait(30) == 1
    assert cmd.messages() == ["set_event error -22 ls r4k",
                              "Event could not be set in any lockspace."]
    gen_a = slot(path, 1)["owner_generation"]
    rd = Resetd(b, "-w", "0", LS)
    rd.wait(rf"reg_event 0 fd \d+ ls {LS}", START_TIMEOUT)
    assert rd.messages()[0] == "sanlk-resetd 3.8.5 started use_watchdog=0"

    cmd = ResetCmd(procs, a, "reset", "nosuch:2")
    assert cmd.wait(30) == 1
    assert cmd.messages() == ["reg_event error -2 ls nosuch",
                              "No lockspaces could be registered."]

    cmd = ResetCmd(procs, a, "reset", f"{LS}:3")
    assert cmd.wait(2 * TICK + SLACK) == 1, cmd.text()
    msgs = cmd.messages()
    assert msgs[0] == f"asked host to reset in ls {LS}:3"
    assert msgs[1] == f"host is free with no reply in ls {LS}:3"
    assert re.fullmatch(r"reset failed in \d+ seconds", msgs[2]), msgs

    wait_seen(a, LS, 2)
    t0 = mono()
    cmd = ResetCmd(procs, a, "-D", "reset", f"{LS}:2")
    rc = cmd.wait(5 * (RENEWAL + RENEW_SLACK) + TICK + SLACK)
    took = mono() - t0
    msgs = cmd.messages()
    assert rc == 1, cmd.text()
    in_order(msgs, [re.escape(f"asked host to reset in ls {LS}:2"),
                    re.escape(f"host renewals 4 with no reply in ls {LS}:2"),
                    r"reset failed in \d+ seconds"])
    assert not any(m.startswith("host resetting") for m in msgs), msgs
    assert took >= 3 * RENEWAL, took     # 4 renewals take > 3 periods

    req = re.escape(f"request to reset (1 0) from host 1 {gen_a} ls {LS}")
    wait_for("request seen by resetd",
             lambda: any(re.fullmatch(req, m) for m in rd.messages()),
             EVENT_MAX)
    # every delivery (one per sender renewal while its bit is set, for
    # set_bitmap_seconds = 6 io after set_event) has happened by then
    time.sleep(max(0.0, t0 + 6 * IO + EVENT_MAX - mono()))
    msgs = rd.messages()
    assert [m for m in msgs if re.fullmatch(req, m)] == [
        f"request to reset (1 0) from host 1 {gen_a} ls {LS}"], msgs
    assert "ignore reset request use_watchdog not enabled" in msgs
    assert not any(m.startswith("set reply") for m in msgs), msgs
    assert b.alive() and b.members()


# ------------------------------------------------------- 3.8.5 interop

LSX, LSY = "rlx", "rly"


@pytest.mark.theirs
def test_reset_interop_385(hosts, workdir, procs, theirs):
    """Both directions at once, W = 60 in both lockspaces (a 3.8.5 host
    is in each):
      X: Debian's 3.8.5 daemon is the requester (our sanlk-reset and our
         library talking to it); the target is our daemon (-w 0) with
         sanlk-resetd on its own wdmd (W 8);
      Y: our daemon is the requester; the target is Debian's 3.8.5 daemon
         with our sanlk-resetd (and our library) on it, on its own wdmd.
    Each sanlk-reset reports done (DEAD about 68 s after the fire)."""
    px = init_lease_file(workdir / "lsx", LSX, io=IO)
    py = init_lease_file(workdir / "lsy", LSY, io=IO)
    P = hosts("xP", 60, cls=TheirHost, watchdog=0, start_wdmd=False)
    Q = hosts("xQ", W, conf_w=60, watchdog=0)
    R = hosts("yR", 60, watchdog=0, start_wdmd=False)
    S = hosts("yS", W, cls=TheirHost, watchdog=0)
    assert P.add(LSX, 1, px) == 0
    assert Q.add(LSX, 2, px) == 0
    assert R.add(LSY, 1, py) == 0
    assert S.add(LSY, 2, py) == 0
    gen_p = slot(px, 1)["owner_generation"]
    gen_r = slot(py, 1)["owner_generation"]

    rq = Resetd(Q, "-w", "1", LSX)
    rs = Resetd(S, "-w", "1", LSY)
    rq.wait(rf"reg_event 0 fd \d+ ls {LSX}", START_TIMEOUT)
    rs.wait(rf"reg_event 0 fd \d+ ls {LSY}", START_TIMEOUT)

    wait_seen(P, LSX, 2)
    wait_seen(R, LSY, 2)
    cx = ResetCmd(procs, P, "reset", f"{LSX}:2")
    cy = ResetCmd(procs, R, "reset", f"{LSY}:2")
    assert_reset_done(cx, LSX, 2, 60)
    assert_reset_done(cy, LSY, 2, 60)
    assert_reset_by_resetd(Q)
    assert_reset_by_resetd(S)
    for rd, ls, gen in ((rq, LSX, gen_p), (rs, LSY, gen_r)):
        in_order(rd.messages(), [
            re.escape(f"request to reset (1 0) from host 1 {gen} ls {ls}"),
            re.escape(f"set_config used ls {ls}"),
            "Resetting host with watchdog",
            re.escape(f"set reply resetting (2 0) for host 1 {gen} ls {ls}"),
        ])
    assert P.alive() and R.alive()


# --------------------------------------------- update socket, captured run

@pytest.mark.san
def test_resetd_updates_captured_run(procs, _private_run_dir):
    """spec/cli.md §5.1's captured run (-D -w 0, no sanlock daemon
    reachable: a stale socket gives -111), driven by sanlk-reset reg / end
    / clear; then SIGTERM: exit 0, socket removed, and sanlk-reset reg
    fails as spec'd."""
    base = Path(tempfile.mkdtemp(prefix="rsd-", dir="/tmp"))
    try:
        stale_socket(Path(_private_run_dir) / "sanlock.sock")
        env = reset_env(base / "r")          # created by sanlk-resetd
        err = open(base / "err", "wb")
        p = procs.start([bin_path("sanlk-resetd"), "-D", "-w", "0"], env=env,
                        stdout=subprocess.DEVNULL, stderr=err)
        sock = base / "r" / "sanlk-resetd.sock"
        wait_for("update socket", sock.exists, START_TIMEOUT)
        um = os.umask(0)
        os.umask(um)
        assert (sock.stat().st_mode & 0o777) == 0o660
        assert ((base / "r").stat().st_mode & 0o777) == 0o755 & ~um

        reset = bin_path("sanlk-reset")
        r = run([reset, "reg", "ls1", "ls2"], env=env, timeout=30)
        assert (r.rc, r.out, r.err) == (0, "Updated reg ls1\nUpdated reg ls2\n", ""), r
        r = run([reset, "end", "ls1"], env=env, timeout=30)
        assert (r.rc, r.out) == (0, "Updated end ls1\n"), r
        r = run([reset, "clear", "all"], env=env, timeout=30)
        assert (r.rc, r.out) == (0, "Updated clear all\n"), r
        log = base / "err"
        wait_for("clear processed",
                 lambda: "process_update clear all" in log.read_text(), 10)
        os.kill(p.pid, signal.SIGTERM)
        assert p.wait(timeout=10) == 0
        err.close()
        assert strip_epoch(log.read_text()) == [
            "sanlk-resetd 3.8.5 started use_watchdog=0",
            "process_update reg ls1",
            "reg_event 0 error -111 ls ls1",
            "process_update reg ls2",
            "reg_event 0 error -111 ls ls2",
            "process_update end ls1",
            "process_update clear all",
            "daemon_quit signal 15",
            "unregister daemon_quit=1 ls_count=0",
        ]
        assert not sock.exists()
        r = run([reset, "reg", "ls1"], env=env, timeout=30)
        assert (r.rc, r.out, r.err) == (
            1, "Failed to update local sanlk-resetd: No such file or "
               "directory\n", ""), r
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.san
def test_resetd_extra_names_sighup_bad_messages(procs):
    """65 names: the 65th is ignored with `ignore lockspace_name <n>` (no
    newline); SIGHUP does nothing; datagrams that are not exactly 256
    bytes, unknown commands and over-long names are ignored, and it keeps
    serving; a second sanlk-resetd on the same socket refuses to start."""
    base = Path(tempfile.mkdtemp(prefix="rsd-", dir="/tmp"))
    try:
        env = reset_env(base)
        names = [f"n{i}" for i in range(65)]
        err = open(base / "err", "wb")
        p = procs.start([bin_path("sanlk-resetd"), "-D", "-w", "0", *names],
                        env=env, stdout=subprocess.DEVNULL, stderr=err)
        sock = base / "sanlk-resetd.sock"
        wait_for("update socket", sock.exists, START_TIMEOUT)
        text = (base / "err").read_text
        assert text().startswith("ignore lockspace_name n64"), text()
        assert "\n" not in text().split("lockspace_name n64")[0]
        wait_for("64 registrations tried",
                 lambda: "ls n63" in text(), 10)
        assert "ls n64" not in text()

        os.kill(p.pid, signal.SIGHUP)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"reg short", str(sock))
        s.sendto(b"reg long".ljust(300, b"\0"), str(sock))
        s.sendto(b"bogus ls1".ljust(256, b"\0"), str(sock))
        s.sendto(b"reg " + b"x" * 49 + b"\0" * 203, str(sock))
        s.close()
        r = run([bin_path("sanlk-reset"), "reg", "last"], env=env, timeout=30)
        assert r.rc == 0, r
        wait_for("last update", lambda: "process_update reg last" in text(), 10)
        lines = strip_epoch(text().split("lockspace_name n64", 1)[1])
        assert "ignore signal 1" in lines
        assert "process_update unknown command bogus" in lines
        assert "process_update reg invalid lockspace_name" in lines
        assert sum(m.startswith("ignore update message of") for m in lines) == 2
        assert not any("short" in m or "long" in m for m in lines
                       if m.startswith("process_update")), lines
        assert p.poll() is None

        r = run([bin_path("sanlk-resetd"), "-f", "-w", "0"], env=env, timeout=30)
        assert r.rc == 1, r
        assert "another sanlk-resetd is running" in r.err, r
        assert sock.exists() and p.poll() is None

        os.kill(p.pid, signal.SIGTERM)
        assert p.wait(timeout=10) == 0
        err.close()
        lines = strip_epoch(text().split("lockspace_name n64", 1)[1])
        assert lines[-1] == "unregister daemon_quit=1 ls_count=0", lines
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ------------------------------------------------------------ bad input

NAME49 = "x" * 49
RESET_USAGE = object()      # marker: usage text expected on stdout


@pytest.mark.san
@pytest.mark.parametrize("args, err", [
    ([], ""),
    (["-x"], RESET_USAGE),
    (["-t", "0", "reset", "ls1:1"], RESET_USAGE),
    (["--bogus", "reset", "ls1:1"], RESET_USAGE),
    (["reset", "ls1:1", "-i"], RESET_USAGE),
    (["-D"], "command is required\n"),
    (["reset"], "lockspace_name is required\n"),
    (["reg"], "lockspace_name is required\n"),
    (["foo", "ls1"], "unknown command\n"),
    (["reset"] + [f"l{i}:1" for i in range(65)], "too many lockspaces (max 64)\n"),
    (["reg"] + [f"l{i}" for i in range(65)], "too many lockspaces (max 64)\n"),
    (["-i", "2", "reset", "a", "b"],
     "-i and -g options are only allowed with a single lockspace_name\n"),
    (["-g", "3", "reset", "a:1", "b:2"],
     "-i and -g options are only allowed with a single lockspace_name\n"),
    (["reset", "ls1"], "invalid host_id 0"),
    (["reset", "ls1:0"], "invalid host_id 0"),
    (["reset", "ls1:2001"], "invalid host_id 2001"),
    (["reset", "ls1:two"], "invalid host_id two"),
    (["-i", "x", "reset", "ls1"], "invalid host_id x"),
    (["-i", "2001", "reset", "ls1"], "invalid host_id 2001"),
    (["reset", ":1"], "lockspace_name is required\n"),
    (["reset", NAME49 + ":1"], f"lockspace_name too long (max 48): {NAME49}:1\n"),
    (["reg", NAME49], f"lockspace_name too long (max 48): {NAME49}\n"),
    (["-w", "2", "reset", "ls1:1"], "invalid -w value '2' (0 or 1)\n"),
    (["-b", "yes", "reset", "ls1:1"], "invalid -b value 'yes' (0 or 1)\n"),
    (["-R", "", "reset", "ls1:1"], "invalid -R value '' (0 or 1)\n"),
    (["-g", "abc", "reset", "ls1:1"], "invalid generation 'abc'\n"),
    (["--native-timeout", "x", "reset", "ls1:1"],
     "invalid --native-timeout value 'x' (a number of seconds; 0 disables)\n"),
    (["-w", "0", "reset", "ls1:1"], "nothing to ask for: -w 0 and -b 0\n"),
])
def test_reset_bad_usage(args, err):
    """Every usage error exits 2 with its message on stderr (3.8.5's
    wording where the spec gives it; `invalid host_id <n>` has no
    newline), usage on stdout only for no arguments and bad options;
    nothing is contacted."""
    r = run([bin_path("sanlk-reset"), *args], env=base_env(), timeout=30)
    assert r.rc == 2, r
    if err is RESET_USAGE:
        assert "option" in r.err and r.err.endswith("\n"), r
        assert r.out.startswith("Usage: "), r
    else:
        assert r.err == err, r
        assert r.out == ("" if args else r.out), r
        if not args:
            assert r.out.startswith("Usage: "), r


@pytest.mark.san
def test_reset_help_version_no_daemon(_private_run_dir):
    """-h / -V; reset with no sanlock daemon answering (spec's example:
    -111 from a stale socket), exit 1."""
    sr = str(bin_path("sanlk-reset"))
    env = base_env()
    r = run([sr, "-h"], env=env, timeout=30)
    assert r.rc == 0 and r.err == "", r
    for word in ("reset", "reg", "end", "clear", "--help", "-h", "--version",
                 "-V", "--host-id", "-i", "--generation", "-g", "--watchdog",
                 "-w", "--sysrq-reboot", "-b", "--resource-mode", "-R",
                 "--native-timeout", "--debug-mode", "-D"):
        assert re.search(rf"(^|[\s,|]){re.escape(word)}([\s,|]|$)", r.out), word
    r = run([sr, "--version"], env=env, timeout=30)
    assert (r.rc, r.out, r.err) == (0, f"{sr} version: 3.8.5\n", ""), r
    stale_socket(Path(_private_run_dir) / "sanlock.sock")
    r = run([sr, "reset", "ls1:2"], env=env, timeout=30)
    assert r.rc == 1 and r.out == "", r
    assert strip_epoch(r.err) == ["reg_event error -111 ls ls1",
                                  "No lockspaces could be registered."], r


@pytest.mark.san
@pytest.mark.parametrize("args, err", [
    (["-w", "2"], "sanlk-resetd: invalid -w value '2' (0 or 1)\n"),
    (["-b", "x"], "sanlk-resetd: invalid -b value 'x' (0 or 1)\n"),
    (["-R", "01"], "sanlk-resetd: invalid -R value '01' (0 or 1)\n"),
    (["-d", "soon"], "sanlk-resetd: invalid -d value 'soon' (seconds, 0-86400)\n"),
    (["-d", "-1"], "sanlk-resetd: invalid -d value '-1' (seconds, 0-86400)\n"),
    ([NAME49], f"sanlk-resetd: invalid lockspace_name '{NAME49}' (1-48 characters)\n"),
    (["-x"], None),
    (["--watchdog"], None),
])
def test_resetd_bad_usage(args, err):
    """Bad options exit 1 before anything starts: an unknown option (or a
    missing value) prints getopt's message and the usage on stdout; a bad
    value names itself on stderr."""
    base = Path(tempfile.mkdtemp(prefix="rsd-", dir="/tmp"))
    try:
        r = run([bin_path("sanlk-resetd"), "-f", *args], env=reset_env(base),
                timeout=30)
        assert r.rc == 1, r
        if err is None:
            assert "option" in r.err, r
            assert r.out.startswith("Usage: sanlk-resetd"), r
        else:
            assert (r.out, r.err) == ("", err), r
        assert not (base / "sanlk-resetd.sock").exists()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.san
def test_resetd_help_version_no_wdmd():
    """--help lists every option; --version; -w 1 without a reachable wdmd
    fails at start-up, exit 1, naming the problem on stderr (-f)."""
    rd = bin_path("sanlk-resetd")
    env = base_env()
    r = run([rd, "--help"], env=env, timeout=30)
    assert r.rc == 0 and r.err == "", r
    for word in ("--help", "-h", "--version", "-V", "--foreground", "-f",
                 "--daemon-debug", "-D", "--watchdog", "-w", "--sysrq-reboot",
                 "-b", "--sysrq-delay", "-d", "--resource-mode", "-R"):
        assert re.search(rf"(^|[\s,]){re.escape(word)}([\s,]|$)", r.out), word
    r = run([rd, "-V"], env=env, timeout=30)
    assert (r.rc, r.out, r.err) == (0, "sanlk-resetd version: 3.8.5\n", ""), r
    base = Path(tempfile.mkdtemp(prefix="rsd-", dir="/tmp"))
    try:
        (base / "wd").mkdir()
        r = run([rd, "-f", "-w", "1", "ls1"],
                env=reset_env(base / "r", WDMD_RUN_DIR=str(base / "wd")),
                timeout=30)
        assert r.rc == 1, r
        assert strip_epoch(r.err) == ["wdmd_connect error -2"], r
        assert not (base / "r" / "sanlk-resetd.sock").exists()
    finally:
        shutil.rmtree(base, ignore_errors=True)
