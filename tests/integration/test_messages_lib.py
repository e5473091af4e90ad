"""Helpers shared by test_messages*.py and test_events*.py (no tests here).

Hosts are sanlock daemons, ours or Debian's 3.8.5, each with its own
SANLOCK_RUN_DIR and host name, unprivileged, `-w 0` unless a test needs the
watchdog.  Every process is started through a ProcessRegistry (pid kept,
stopped by pid at teardown, never by name).

Timing constants follow spec/algorithms.md §2 with io_timeout 1 (every join
here uses `add_lockspace -o 1`); waits poll for their condition with a
deadline derived from those formulas.
"""

import os
import re
import signal
import subprocess
import threading
import time

from helpers import SANITIZER_MARKERS

IO = 1
RENEWAL = 2 * IO                       # id_renewal_seconds
RENEW_SLACK = 1                        # 0.5 s delay + phase (< 0.4 s) + I/O
# A free join: 2*io short delay + I/O + a renewal right after (our daemon)
JOIN_MAX = 2 * IO + 3 * IO + RENEWAL + 5
# One message, queued -> acknowledged: it enters our record at our next
# renewal, the destination sees it at its next one and acks in the same
# write, we see the ack at our next one.
MSG_MAX = 3 * (RENEWAL + RENEW_SLACK) + 2
POLL = 0.1

STATE_RE = re.compile(r"^h (\d+) gen (\d+) timestamp (\d+) (\w+)$")
READ_MSG_RE = re.compile(
    r"^host_id (\d+) gen (\d+) timestamp (\d+) msg 0x([0-9a-f]+) seq (\d+) "
    r"dest_host_id (\d+) dest_gen (\d+) ack_host_id (\d+) ack_gen (\d+) "
    r"ack_seq (\d+) fire_timeout (\d+) record (valid|none)$")


def mono():
    return time.monotonic()


def wait_for(pred, timeout, what, poll=POLL):
    """Poll pred() until truthy; returns its value, fails after timeout."""
    deadline = mono() + timeout
    while True:
        v = pred()
        if v:
            return v
        if mono() > deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting "
                                 f"for {what}")
        time.sleep(poll)


def write_conf(path, **keys):
    """A sanlock.conf with the given keys (SANLOCK_CONF points at it)."""
    with open(path, "w") as f:
        for k, v in keys.items():
            f.write(f"{k} = {v}\n")
    return str(path)


class CallbackStream:
    """`sanlock client callbacks -s LS` running in the background; each
    line is kept with the monotonic time it was read."""

    def __init__(self, host, ls):
        self.host = host
        self.ls = ls
        self.lines = []             # (time, text)
        self.lock = threading.Lock()
        env = dict(os.environ)
        env.update(host.env)
        self.p = host.procs.start([host.binary.path, "client", "callbacks",
                                   "-s", ls], env=env,
                                  stderr=subprocess.DEVNULL)
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()

    def _reader(self):
        for raw in self.p.stdout:
            with self.lock:
                self.lines.append((mono(), raw.decode(errors="replace")
                                   .rstrip("\n")))

    def texts(self):
        with self.lock:
            return [t for _, t in self.lines]

    def matching(self, prefix):
        return [t for t in self.texts() if t.startswith(prefix)]

    def wait(self, pred, timeout, what):
        return wait_for(lambda: pred(self.texts()), timeout, what)

    def stop(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.wait()


class Host:
    """One daemon = one host.  binary is a helpers.Sanlock."""

    def __init__(self, binary, name, run_dir, logfile, procs, conf=None,
                 watchdog=0, env=None, wdmd_run_dir=None, ours=True,
                 popen_kw=None, argv=None):
        self.binary = binary
        self.name = name
        self.procs = procs
        self.ours = ours
        self.run_dir = str(run_dir)
        self.env = {"SANLOCK_RUN_DIR": self.run_dir, "SANLOCK_PRIVILEGED": "0"}
        if conf:
            self.env["SANLOCK_CONF"] = str(conf)
        if wdmd_run_dir:
            self.env["WDMD_RUN_DIR"] = str(wdmd_run_dir)
        if env:
            self.env.update(env)
        self.logfile = logfile
        self.log = open(logfile, "wb")
        full = dict(os.environ)
        full.update(self.env)
        if binary.env:
            full.update(binary.env)
        cmd = argv or [binary.path, "daemon", "-D", "-w", str(watchdog),
                       "-l", "0", "-h", "0", "-U", "root", "-G", "root",
                       "-e", name]
        self.p = procs.start(cmd, env=full, stdout=self.log, stderr=self.log,
                             **(popen_kw or {}))
        self.pid = self.p.pid
        deadline = mono() + 15
        while True:
            r = self.client("status", timeout=10)
            if r.rc == 0 and r.out.startswith("daemon "):
                break
            assert self.p.poll() is None, \
                f"daemon {name} exited {self.p.returncode}:\n{self.logtail()}"
            assert mono() < deadline, f"daemon {name} not ready:\n{r}"
            time.sleep(0.1)

    # ---- process ----

    def alive(self):
        return self.p.poll() is None

    def kill(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.wait()

    def stop(self):
        if self.ours and self.alive():
            self.client("shutdown", "-f", "1", timeout=15)
            try:
                self.p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def logtext(self):
        self.log.flush()
        try:
            with open(self.logfile, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def logtail(self, n=40):
        return "\n".join(self.logtext().splitlines()[-n:])

    def sanitizer_report(self):
        text = self.logtext()
        for m in SANITIZER_MARKERS:
            i = text.find(m)
            if i >= 0:
                return text[max(0, i - 200):i + 3000]
        return None

    # ---- commands ----

    def client(self, *args, timeout=120):
        return self.binary("client", *args, env=self.env, timeout=timeout)

    def add(self, ls, host_id, path, io=IO):
        r = self.client("add_lockspace", "-o", str(io), "-s",
                        f"{ls}:{host_id}:{path}:0")
        rv = r.done_rv("add_lockspace_timeout" if io != 10 else "add_lockspace")
        assert rv is not None, f"{self.name}: no add result\n{r}"
        return rv

    def rem(self, ls, host_id, path):
        r = self.client("rem_lockspace", "-s", f"{ls}:{host_id}:{path}:0")
        return r.done_rv("rem_lockspace")

    def host_message(self, ls, host_id, msg, gen=None, seq=None, wait=False,
                     timeout=120):
        """(seq printed, rv, Result)."""
        args = ["host_message", "-s", ls, "-i", str(host_id), "-m", str(msg)]
        if gen is not None:
            args += ["-g", str(gen)]
        if seq is not None:
            args += ["-n", str(seq)]
        if wait:
            args += ["-w", "1"]
        r = self.client(*args, timeout=timeout)
        m = re.search(r"^host_message seq (\d+)$", r.out, re.M)
        return (int(m.group(1)) if m else None,
                r.done_rv("host_message"), r)

    def host_message_bg(self, ls, host_id, msg, gen=None, wait=True):
        """Start `client host_message -w 1` in the background (Popen)."""
        args = [self.binary.path, "client", "host_message", "-s", ls, "-i",
                str(host_id), "-m", str(msg)]
        if gen is not None:
            args += ["-g", str(gen)]
        if wait:
            args += ["-w", "1"]
        env = dict(os.environ)
        env.update(self.env)
        return self.procs.start(args, env=env)

    def callbacks(self, ls):
        return CallbackStream(self, ls)

    def hosts(self, ls):
        """{host_id: (gen, STATE)} from `client gets -h 1`."""
        r = self.client("gets", "-h", "1", timeout=30)
        out, cur = {}, None
        for line in r.lines:
            if line.startswith("s "):
                cur = line[2:].split(":")[0]
            m = STATE_RE.match(line.strip())
            if m and cur == ls:
                out[int(m.group(1))] = (int(m.group(2)), m.group(4))
        return out

    def wait_state(self, ls, host_id, states, timeout):
        return wait_for(lambda: self.hosts(ls).get(host_id, (0, ""))[1]
                        in states, timeout,
                        f"{self.name}: host {host_id} in {states}")


def read_message(binary, ls, path, host_id):
    """`direct read_message` as a dict (None when it failed)."""
    r = binary("direct", "read_message", "-s", f"{ls}:0:{path}:0", "-i",
               str(host_id), timeout=60)
    m = READ_MSG_RE.match(r.out.strip())
    if not m:
        return None
    keys = ["host_id", "gen", "timestamp", "msg", "seq", "dest_host_id",
            "dest_gen", "ack_host_id", "ack_gen", "ack_seq", "fire_timeout"]
    d = {k: (int(v, 16) if k == "msg" else int(v))
         for k, v in zip(keys, m.groups()[:11])}
    d["record"] = m.group(12)
    return d


def init_lockspace(binary, path, name):
    r = binary("direct", "init", "-s", f"{name}:0:{path}:0", "-o", str(IO),
               timeout=60)
    assert r.done_rv("init") == 0, r


def join_all(hosts_ids, ls, path):
    """Join every (host, host_id) in parallel; all must succeed."""
    res = {}

    def one(h, i):
        res[h.name] = h.add(ls, i, path)
    ts = [threading.Thread(target=one, args=hi) for hi in hosts_ids]
    for t in ts:
        t.start()
    for t in ts:
        t.join(JOIN_MAX + 60)
    for h, _ in hosts_ids:
        assert res.get(h.name) == 0, \
            f"{h.name} join of {ls}: {res.get(h.name)}\n{h.logtail()}"
