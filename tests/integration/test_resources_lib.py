"""Helpers for the resource-lease integration tests (test_resources*.py,
test_holder_log.py).  This module holds no tests.

What lives here:
  * Wire: a pure-Python client of the daemon socket protocol (spec/api.md
    §3.9, §4.11, §8), so one test can talk to several daemons (the C
    library caches SANLOCK_RUN_DIR once per process) and send exactly the
    requests the spec describes (pid targets, flags, bad input);
  * Host: one daemon (ours or Debian's 3.8.5) acting as one host, started
    through the `procs` registry (stopped by pid at teardown) with its own
    SANLOCK_RUN_DIR and -e host name, -w 0;
  * Holder: a registered client process (this file run as a script) that
    keeps its registered connection open and takes commands on stdin, so
    a test can acquire/release for it over its own connection or by pid,
    and kill it to see what happens to its leases;
  * the timing constants of spec/algorithms.md §2 for io_timeout 1.

Run as a script: `python3 test_resources_lib.py holder RUN_DIR` (see
holder_main).
"""

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time

IO = 1                       # io_timeout of every lockspace in these tests
W = 60                       # watchdog fire timeout (3.8.5: fixed)
HOST_DEAD = 8 * IO + W       # host_dead_seconds (algorithms.md §2.1)
JOIN_MAX = 2 * IO + 3 * IO + 1 + 4   # free join + poll + slack
PAXOS_FREE_MAX = 6 * IO + 2  # uncontended paxos acquire (§2.1) + slack
POLL = 0.25

SM_MAGIC = 0x04282010
SM_PROTO = 1

CMD = dict(REGISTER=1, ADD_LOCKSPACE=2, REM_LOCKSPACE=3, STATUS=5, ACQUIRE=7,
           RELEASE=8, INQUIRE=9, RESTRICT=10, REQUEST=11,
           EXAMINE_LOCKSPACE=13, EXAMINE_RESOURCE=14, KILLPATH=17,
           READ_LOCKSPACE=20, READ_RESOURCE=21, GET_HOSTS=23,
           READ_RESOURCE_OWNERS=24, SET_LVB=25, GET_LVB=26, CONVERT=27,
           VERSION=28, SET_CONFIG=33)

RES_LVER = 0x1
RES_NUM_HOSTS = 0x2
RES_SHARED = 0x4
RES_PERSISTENT = 0x8
ACQ_LVB = 0x1
ACQ_ORPHAN = 0x2
ACQ_ORPHAN_ONLY = 0x4
ACQ_OWNER_NOWAIT = 0x8
REL_ALL = 0x1
REL_RENAME = 0x2
REL_ORPHAN = 0x4
REQ_FORCE = 1
REQ_GRACEFUL = 2
REQUEST_NEXT_LVER = 0x1

EPERM, ENOENT, ESRCH, EAGAIN, EBUSY, EEXIST = 1, 2, 3, 11, 16, 17
EINVAL, ENOSPC, ERANGE, E2BIG, EUCLEAN, EALREADY = 22, 28, 34, 7, 117, 114
SANLK_AIO_TIMEOUT = -202
SANLK_LEADER_MAGIC = -223
SANLK_LEADER_RESOURCE = -227
SANLK_LEADER_LOCKSPACE = -226
SANLK_ACQUIRE_LVER = -240
SANLK_ACQUIRE_IDLIVE = -243
SANLK_ACQUIRE_OWNED_RETRY = -247


def mono():
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def name48(s):
    b = s.encode() if isinstance(s, str) else bytes(s)
    return b[:48].ljust(48, b"\0")


def disk_bytes(path, offset):
    p = path.encode() if isinstance(path, str) else bytes(path)
    return p[:1023].ljust(1024, b"\0") + struct.pack("<QII", offset, 0, 0)


def res_bytes(ls, name, disks=(), lver=0, flags=0, data32=0, data64=0,
              num_disks=None, with_disks=True):
    """A struct sanlk_resource (128 bytes) + its disks (1040 each)."""
    nd = len(disks) if num_disks is None else num_disks
    b = name48(ls) + name48(name) + struct.pack("<QQIIII", lver, data64,
                                                data32, 0, flags, nd)
    if with_disks:
        for p, o in disks:
            b += disk_bytes(p, o)
    return b


def ls_bytes(name, host_id=0, path="", offset=0, flags=0):
    return name48(name) + struct.pack("<QII", host_id, flags, 0) + \
        disk_bytes(path, offset)


def options_bytes(owner_name=b"", flags=0):
    return name48(owner_name) + struct.pack("<II", flags, 0)


class Res:
    """A resource lease location: lockspace, name, disks [(path, offset)]."""

    def __init__(self, ls, name, disks, flags=0, lver=0, data32=0):
        self.ls, self.name, self.disks = ls, name, list(disks)
        self.flags, self.lver, self.data32 = flags, lver, data32

    def wire(self, flags=None, lver=None, with_disks=True):
        return res_bytes(self.ls, self.name, self.disks,
                         self.lver if lver is None else lver,
                         self.flags if flags is None else flags,
                         self.data32, with_disks=with_disks)

    def cli(self, suffix=None):
        """`ls:name:path:offset[:suffix]` for `sanlock client -r`."""
        s = f"{self.ls}:{self.name}" + "".join(
            f":{p}:{o}" for p, o in self.disks)
        return s + (f":{suffix}" if suffix is not None else "")

    def state(self, lver=None, shared=False):
        """The inquire state string of this lease (api.md §4.2)."""
        s = f"{self.ls}:{self.name}" + "".join(
            f":{p}:{o}" for p, o in self.disks)
        return s + (":SH" if shared else f":{lver}")


class Wire:
    """One connection to a daemon socket (a `sanlock.sock` in run_dir)."""

    def __init__(self, run_dir, timeout=None):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(os.path.join(str(run_dir), "sanlock.sock"))

    def close(self):
        if self.s:
            self.s.close()
            self.s = None

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def fileno(self):
        return self.s.fileno()

    def send(self, cmd, flags=0, data=0, data2=0, payload=b"", length=None):
        n = 32 + len(payload) if length is None else length
        h = struct.pack("<8I", SM_MAGIC, SM_PROTO, cmd, flags, n, 0,
                        data & 0xFFFFFFFF, data2 & 0xFFFFFFFF)
        self.s.sendall(h + payload)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError(f"connection closed after {len(buf)} of {n} bytes")
            buf += chunk
        return buf

    def reply(self):
        """(result, data2, body) of one reply."""
        h = self.recv_exact(32)
        magic, ver, cmd, flags, length, seq, data, data2 = struct.unpack(
            "<8I", h)
        assert magic == SM_MAGIC, f"bad reply magic {magic:#x}"
        body = self.recv_exact(length - 32) if length > 32 else b""
        return struct.unpack("<i", struct.pack("<I", data))[0], data2, body

    def call(self, cmd, flags=0, data=0, data2=0, payload=b""):
        self.send(cmd, flags, data, data2, payload)
        return self.reply()

    # ---- requests ----

    def register(self):
        self.send(CMD["REGISTER"])

    def acquire(self, res_list, flags=0, pid=-1, owner=b"", raw=None):
        payload = raw if raw is not None else \
            b"".join(r if isinstance(r, bytes) else r.wire()
                     for r in res_list) + options_bytes(owner)
        rv, _, _ = self.call(CMD["ACQUIRE"], flags, len(res_list), pid,
                             payload)
        return rv

    def release(self, res_list, flags=0, pid=-1):
        payload = b"".join(r if isinstance(r, bytes) else
                           r.wire(with_disks=False)[:128] for r in res_list)
        rv, _, _ = self.call(CMD["RELEASE"], flags, len(res_list), pid,
                             payload)
        return rv

    def inquire(self, pid=-1):
        rv, count, body = self.call(CMD["INQUIRE"], 0, 0, pid)
        return rv, count, body.rstrip(b"\0").decode() if body else None

    def convert(self, res, shared, flags=0, pid=-1):
        f = (res.flags | RES_SHARED) if shared else (res.flags & ~RES_SHARED)
        rv, _, _ = self.call(CMD["CONVERT"], flags, 0, pid,
                             res.wire(flags=f, with_disks=False)[:128])
        return rv

    def killpath(self, path, args, flags=0):
        p = path.encode()[:127].ljust(128, b"\0")
        a = args.encode()[:127].ljust(128, b"\0")
        rv, _, _ = self.call(CMD["KILLPATH"], flags, 0, -1, p + a)
        return rv

    def restrict(self, flags):
        rv, _, _ = self.call(CMD["RESTRICT"], flags, 0, -1)
        return rv


def one_call(run_dir, cmd, flags=0, data=0, data2=0, payload=b""):
    with Wire(run_dir, timeout=300) as w:
        return w.call(cmd, flags, data, data2, payload)


def request(run_dir, res, force_mode, flags=0, lver=None):
    rv, _, _ = one_call(run_dir, CMD["REQUEST"], flags, force_mode, 0,
                        res.wire(flags=res.flags | (RES_LVER if lver else 0),
                                 lver=lver or 0))
    return rv


def read_resource(run_dir, res):
    rv, _, body = one_call(run_dir, CMD["READ_RESOURCE"], 0, 0, 0, res.wire())
    return rv, body


def read_owners(run_dir, res):
    """(rv, res_header, [(host_id, generation, timestamp)])"""
    rv, count, body = one_call(run_dir, CMD["READ_RESOURCE_OWNERS"], 0, 0, 0,
                               res.wire())
    hosts = []
    for i in range(count if rv == 0 else 0):
        h = body[128 + 32 * i:128 + 32 * (i + 1)]
        hid, gen, ts, _, _ = struct.unpack("<QQQII", h)
        hosts.append((hid, gen, ts))
    return rv, body[:128], hosts


def res_header_fields(b):
    ls, name = b[:48].rstrip(b"\0"), b[48:96].rstrip(b"\0")
    lver, data64, data32, _, flags, nd = struct.unpack("<QQIIII", b[96:128])
    return dict(ls=ls, name=name, lver=lver, flags=flags, num_disks=nd)


# ------------------------------------------------------------------ hosts

class Host:
    """One sanlock daemon = one host (ours or Debian's 3.8.5)."""

    def __init__(self, binary, who, name, run_dir, logfile, procs):
        self.binary, self.who, self.name = binary, who, name
        self.run_dir = str(run_dir)
        self.env = {"SANLOCK_RUN_DIR": self.run_dir, "SANLOCK_PRIVILEGED": "0"}
        self.logfile = logfile
        self.log = open(logfile, "wb")
        env = dict(os.environ)
        env.update(self.env)
        if binary.env:
            env.update(binary.env)
        self.p = procs.start([binary.path, "daemon", "-D", "-w", "0", "-l",
                              "0", "-h", "0", "-U", "root", "-G", "root",
                              "-e", name], env=env, stdout=self.log,
                             stderr=self.log)
        self.pid = self.p.pid
        deadline = mono() + 15
        while True:
            r = self.client("status", timeout=10)
            if r.rc == 0 and r.out.startswith("daemon "):
                break
            assert self.p.poll() is None, \
                f"{who} daemon exited {self.p.returncode}\n{self.logtail()}"
            assert mono() < deadline, f"{who} daemon not ready\n{r}"
            time.sleep(0.1)

    def client(self, *args, timeout=300):
        return self.binary("client", *args, env=self.env, timeout=timeout)

    def wire(self, timeout=300):
        return Wire(self.run_dir, timeout=timeout)

    def kill(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.wait()

    def logtail(self, n=60):
        self.log.flush()
        try:
            with open(self.logfile, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(
                    errors="replace")
        except OSError:
            return ""

    def join(self, ls, host_id, path, offset=0):
        r = self.client("add_lockspace", "-o", str(IO), "-s",
                        f"{ls}:{host_id}:{path}:{offset}", timeout=200)
        rv = r.done_rv("add_lockspace_timeout")
        assert rv == 0, f"{self.who}: join {ls} failed\n{r}\n{self.logtail()}"

    def leave(self, ls, host_id, path, offset=0):
        r = self.client("rem_lockspace", "-s",
                        f"{ls}:{host_id}:{path}:{offset}", timeout=200)
        return r.done_rv("rem_lockspace")

    def status(self, *extra):
        r = self.client("status", *extra, timeout=30)
        assert r.rc == 0, f"{self.who} status failed\n{r}"
        return r.out.splitlines()

    def res_lines(self):
        return [l for l in self.status() if l.startswith("r ")]

    def wait_hosts_seen(self, ls, host_ids, timeout=30):
        """Poll get_hosts until every host in host_ids is LIVE here (so
        owner liveness of §5.4 answers from tracked state)."""
        deadline = mono() + timeout
        while True:
            r = self.client("gets", "-h", "1", timeout=30)
            live = set()
            for line in r.out.splitlines():
                parts = line.split()
                if line.startswith("h ") and parts[-1] == "LIVE":
                    live.add(int(parts[1]))
            if set(host_ids) <= live:
                return
            assert mono() < deadline, f"{self.who}: hosts not live\n{r.out}"
            time.sleep(POLL)


# ---------------------------------------------------------------- clusters

MiB = 1 << 20


class Cluster:
    """One lockspace `LS` (1 MiB file) and `nres` resource leases R0..
    (one per MiB of a second file, all formatted by our `direct init`,
    with `-n num_hosts` when given: a ballot then reads only that many
    dblock sectors instead of the whole MiB), and daemons joined to it:
    kinds is a list of (binary, who) pairs, host_id = position + 1.
    Daemons start and join in parallel."""

    def __init__(self, kinds, procs, run_dir, workdir, nres=8, ls="LS",
                 join=True, res_dir=None, num_hosts=None):
        import threading
        self.ls = ls
        self.ls_path = str(workdir / "ls.img")
        self.res_path = str((res_dir or workdir) / "res.img")
        with open(self.ls_path, "wb") as f:
            f.truncate(MiB)
        with open(self.res_path, "wb") as f:
            f.truncate(nres * MiB)
        init = kinds[0][0]
        # -o: the io_timeout stored in every slot; a join waits 2*io of
        # the slot's previous value (algorithms.md §3.3)
        r = init.direct("init", "-s", f"{ls}:0:{self.ls_path}:0", "-o",
                        str(IO))
        assert r.rc == 0, r
        nh = ("-n", str(num_hosts)) if num_hosts else ()
        for i in range(nres):
            r = init.direct("init", *nh, "-r",
                            f"{ls}:R{i}:{self.res_path}:{i * MiB}")
            assert r.rc == 0, r
        self.hosts = [None] * len(kinds)
        errors = []

        def start(i, binary, who):
            try:
                h = Host(binary, who, f"host{i + 1}-{who}",
                         run_dir(f"h{i + 1}"), workdir / f"daemon{i + 1}.log",
                         procs)
                h.host_id = i + 1
                self.hosts[i] = h
                if join:
                    h.join(ls, i + 1, self.ls_path)
            except BaseException as e:      # reported below
                errors.append(e)
        ts = [threading.Thread(target=start, args=(i, b, w))
              for i, (b, w) in enumerate(kinds)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            raise errors[0]

    def kill_all(self):
        """SIGKILL every daemon of the cluster, by pid (a daemon ignores
        SIGTERM while it has lockspaces, cli.md §2.8); then fail if a
        daemon's log shows a sanitizer report (ASan/UBSan builds)."""
        from helpers import SANITIZER_MARKERS
        for h in self.hosts:
            if h:
                h.kill()
        for h in self.hosts:
            if not h:
                continue
            h.log.flush()
            with open(h.logfile, "rb") as f:
                text = f.read().decode(errors="replace")
            for m in SANITIZER_MARKERS:
                assert m not in text, \
                    f"{h.who} daemon {h.name}: sanitizer report\n{text[-4000:]}"

    def R(self, i, flags=0, lver=0, data32=0):
        return Res(self.ls, f"R{i}", [(self.res_path, i * MiB)], flags,
                   lver, data32)

    def res_digest(self):
        import hashlib
        with open(self.res_path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    def delta_timestamp(self, host_id):
        """The timestamp in host_id's delta lease (CLOCK_MONOTONIC seconds
        of the writer; all daemons of a test run on this machine)."""
        fd = os.open(self.ls_path, os.O_RDONLY)
        try:
            rec = os.pread(fd, 200, (host_id - 1) * 512)
        finally:
            os.close(fd)
        return struct.unpack_from("<Q", rec, 152)[0]


def wait_for(cond, timeout, what, poll=POLL):
    """Poll cond() until it returns a true value; fail after timeout."""
    deadline = mono() + timeout
    while True:
        v = cond()
        if v:
            return v
        assert mono() < deadline, f"timed out after {timeout}s: {what}"
        time.sleep(poll)


# ---------------------------------------------------------------- holders

class Holder:
    """A registered client process on one host.  Commands go over stdin as
    JSON lines; each is answered by one JSON line on stdout."""

    def __init__(self, host, procs):
        env = dict(os.environ)
        env.update(host.env)
        self.host = host
        self.p = procs.start([sys.executable, __file__, "holder",
                              host.run_dir], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        self.pid = self.p.pid
        ready = self._read()
        assert ready.get("ready"), ready
        # REGISTER has no reply: wait until the daemon shows the pid.
        deadline = mono() + 10
        while f"p {self.pid} " not in "\n".join(host.status()) + "\n":
            assert mono() < deadline, "holder never showed up registered"
            time.sleep(0.05)

    def _read(self):
        line = self.p.stdout.readline()
        assert line, f"holder {self.pid} died: {self.p.stderr.read()!r}"
        return json.loads(line)

    def cmd(self, op, **kw):
        kw["op"] = op
        self.p.stdin.write((json.dumps(kw) + "\n").encode())
        self.p.stdin.flush()
        return self._read()

    def acquire(self, res_list, flags=0, shared=None, owner=""):
        return self.cmd("acquire", res=[_res_json(r, shared) for r in res_list],
                        flags=flags, owner=owner)["rv"]

    def release(self, res_list, flags=0):
        return self.cmd("release", res=[_res_json(r) for r in res_list],
                        flags=flags)["rv"]

    def inquire(self):
        r = self.cmd("inquire")
        return r["rv"], r["count"], r["state"]

    def convert(self, res, shared, flags=0):
        return self.cmd("convert", res=_res_json(res), shared=shared,
                        flags=flags)["rv"]

    def killpath(self, path, args, flags=0):
        return self.cmd("killpath", path=path, args=args, flags=flags)["rv"]

    def restrict(self, flags):
        return self.cmd("restrict", flags=flags)["rv"]

    def kill(self, sig=signal.SIGKILL):
        if self.p.poll() is None:
            os.kill(self.pid, sig)
        self.p.wait()

    def alive(self):
        return self.p.poll() is None


def _res_json(r, shared=None):
    f = r.flags
    if shared is True:
        f |= RES_SHARED
    elif shared is False:
        f &= ~RES_SHARED
    return dict(ls=r.ls, name=r.name, disks=r.disks, flags=f, lver=r.lver,
                data32=r.data32)


def _res_from_json(d):
    return Res(d["ls"], d["name"], [tuple(x) for x in d["disks"]],
               d["flags"], d["lver"], d["data32"])


def holder_main(run_dir):
    w = Wire(run_dir)
    w.register()
    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    out.flush()
    for line in sys.stdin:
        c = json.loads(line)
        op = c["op"]
        r = {}
        if op == "acquire":
            r["rv"] = w.acquire([_res_from_json(x) for x in c["res"]],
                                c["flags"], owner=c["owner"].encode())
        elif op == "release":
            r["rv"] = w.release([_res_from_json(x) for x in c["res"]],
                                c["flags"])
        elif op == "inquire":
            r["rv"], r["count"], r["state"] = w.inquire()
        elif op == "convert":
            r["rv"] = w.convert(_res_from_json(c["res"]), c["shared"],
                                c["flags"])
        elif op == "killpath":
            r["rv"] = w.killpath(c["path"], c["args"], c["flags"])
        elif op == "restrict":
            r["rv"] = w.restrict(c["flags"])
        elif op == "close":
            w.close()
            r["rv"] = 0
        else:
            r["error"] = f"unknown op {op}"
        out.write(json.dumps(r) + "\n")
        out.flush()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "holder":
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        holder_main(sys.argv[2])
    else:
        sys.exit("usage: test_resources_lib.py holder RUN_DIR")
