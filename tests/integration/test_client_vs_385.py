"""Our client side against the real peer: Debian's sanlock 3.8.5 daemon.

Every test starts its own Debian daemon (unprivileged, private
SANLOCK_RUN_DIR, `-w 0`) and runs the same `sanlock client ...` command with
OUR binary and with DEBIAN's binary against that daemon, comparing stdout,
stderr and exit status (spec/cli.md §1.5-1.8, §3.1-3.7, §3.11).  Values
that legitimately move between the two runs (monotonic seconds, timestamps)
are normalised; nothing else is.

The library is checked the same way: Debian's python3-sanlock module and a
ctypes driver call our build/lib/libsanlock.so.1 (LD_LIBRARY_PATH) and
Debian's library against the same daemon (spec/api.md §4, §6).

Lockspaces are written with io_timeout 1 (`direct init -o 1`) so a join
takes a few seconds.  Every daemon and holder process is started through the
`procs` registry and stopped by pid at teardown, also when a test fails.
"""

from helpers import assert_ours_stderr
import grp
import json
import os
import pwd
import re
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from conftest import build_dir
from helpers import THEIRS_PATH, MiB, run

pytestmark = pytest.mark.theirs

# Bounds, all derived from io_timeout 1 (algorithms.md): a join needs the
# other host's io_timeout (1 s here) times a few plus one renewal; removal
# one renewal.  Generous multiples so a loaded CI box does not flake.
IO_TIMEOUT = 1
JOIN_TIMEOUT = 60
DAEMON_START_TIMEOUT = 20
DAEMON_STOP_TIMEOUT = 30
POLL = 0.1
SYSTEM_PYTHON = "/usr/bin/python3"


# ------------------------------------------------------------------ daemon

class Deb:
    """One Debian 3.8.5 daemon in the test's private run directory."""

    def __init__(self, run_dir, proc):
        self.run_dir = Path(run_dir)
        self.proc = proc

    @property
    def sock(self):
        return self.run_dir / "sanlock.sock"

    def alive(self):
        return self.proc.poll() is None


def _user_group():
    return (pwd.getpwuid(os.getuid()).pw_name,
            grp.getgrgid(os.getgid()).gr_name)


@pytest.fixture
def deb_factory(theirs, procs, _private_run_dir):
    """start() -> Deb: a 3.8.5 daemon on the test's SANLOCK_RUN_DIR.
    Teardown: forced shutdown through the socket, then SIGKILL by pid if it
    is still there (procs' own teardown runs after this one)."""
    started = []
    user, group = _user_group()

    def start():
        env = dict(os.environ)
        env["SANLOCK_RUN_DIR"] = _private_run_dir
        env["SANLOCK_PRIVILEGED"] = "0"
        p = procs.start([THEIRS_PATH, "daemon", "-D", "-w", "0", "-l", "0",
                         "-h", "0", "-U", user, "-G", group], env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        d = Deb(_private_run_dir, p)
        started.append(d)
        deadline = time.monotonic() + DAEMON_START_TIMEOUT
        while time.monotonic() < deadline:
            if not d.alive():
                pytest.fail(f"Debian's daemon exited at start ({p.returncode})")
            r = theirs("client", "version", timeout=10)
            if "daemon version error" not in r.out:
                return d
            time.sleep(POLL)
        pytest.fail("Debian's daemon did not open its socket")

    yield start

    for d in started:
        if not d.alive():
            continue
        theirs("client", "shutdown", "-f", "1", "-w", "1",
               timeout=DAEMON_STOP_TIMEOUT)
        try:
            d.proc.wait(timeout=DAEMON_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(d.proc.pid, signal.SIGKILL)
            d.proc.wait()


@pytest.fixture
def deb(deb_factory):
    return deb_factory()


# ---------------------------------------------------------------- helpers

# Monotonic seconds and renewal timestamps move between our run and theirs.
_MOVING = [
    (re.compile(r"\b(timestamp[= ])\d+"), r"\1N"),
    (re.compile(r"\b(monotime|helper_last_status|last_check|last_live|"
                r"renewal_last_attempt|renewal_last_success|"
                r"acquire_last_attempt|acquire_last_success)=\d+"), r"\1=N"),
]


def norm(text):
    for rx, rep in _MOVING:
        text = rx.sub(rep, text)
    return text


def same(ours, theirs, *args, normalise=False, sub=None):
    """Run args with both binaries (ours first) and require the same exit
    status and stdout; stderr follows our policy (helpers.assert_ours_stderr:
    empty on success, at most one line naming the problem on failure) and
    3.8.5's must be empty.  sub: (ours_text, theirs_text) pairs replaced
    in the outputs before comparing (per-binary file names)."""
    o = ours(*args)
    t = theirs(*args)
    oo, to = o.out, t.out
    if sub:
        for a, b in sub:
            oo = oo.replace(a, "<X>")
            to = to.replace(b, "<X>")
    if normalise:
        oo, to = norm(oo), norm(to)
    assert (o.rc, oo) == (t.rc, to), f"ours:\n{o}\ntheirs:\n{t}"
    _same_stderr(o, t)
    return o


def same_serial(ours, theirs, between, *args):
    """As same(), calling between() after each run (e.g. to wait until a
    lease the command held is released again)."""
    o = ours(*args)
    between()
    t = theirs(*args)
    between()
    assert (o.rc, o.out) == (t.rc, t.out), f"ours:\n{o}\ntheirs:\n{t}"
    _same_stderr(o, t)
    return o


def _same_stderr(o, t):
    """3.8.5 prints nothing on stderr (without -D, except exec failures);
    ours may add one line naming the problem when the command failed."""
    if t.err == "":
        assert_ours_stderr(o)
    else:
        assert o.err == t.err, f"ours:\n{o}\ntheirs:\n{t}"


def wait_free(theirs, prefix):
    """Until no process holds a lease whose status line starts with
    `r <prefix>` (e.g. "ls1:r1:")."""
    def free():
        return f"\nr {prefix}" not in theirs("client", "status").out
    wait_for(free, JOIN_TIMEOUT, f"{prefix} to be released")


def done(r, action):
    v = r.done_rv(action)
    assert v is not None, str(r)
    return v


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(POLL)
    pytest.fail(f"timed out waiting for {what}")


def init_lockspace(theirs, path, name="ls1"):
    r = theirs.direct("init", "-s", f"{name}:0:{path}:0", "-o", str(IO_TIMEOUT))
    assert r.out == "init done 0\n", str(r)


def init_resource(theirs, path, name, offset, ls="ls1"):
    r = theirs.direct("init", "-r", f"{ls}:{name}:{path}:{offset}")
    assert r.out == "init done 0\n", str(r)


def join(ours, path, name="ls1"):
    r = ours("client", "add_lockspace", "-o", str(IO_TIMEOUT),
             "-s", f"{name}:1:{path}:0", timeout=JOIN_TIMEOUT)
    assert r.out == (f"add_lockspace_timeout {IO_TIMEOUT}\n"
                     f"add_lockspace_timeout done 0\n"), str(r)
    assert r.rc == 0 and r.err == ""


def hosts_ready(theirs):
    r = theirs("client", "gets", "-h", "1")
    return "LIVE" in r.out and "not ready" not in r.out


@pytest.fixture
def joined(deb, ours, theirs, lease_file):
    """A daemon with lockspace ls1 joined as host 1 through OUR CLI, and a
    resource file with leases r1..r3 at 0, 1M, 2M."""
    ls = lease_file(1 * MiB, name="ls1", fill="zero")
    res = lease_file(4 * MiB, name="res1", fill="zero")
    init_lockspace(theirs, ls)
    for i, n in enumerate(("r1", "r2", "r3")):
        init_resource(theirs, res, n, i * MiB)
    join(ours, ls)
    wait_for(lambda: hosts_ready(theirs), JOIN_TIMEOUT, "host data")
    return {"daemon": deb, "ls": ls, "res": res}


def start_holder(procs, who, *res, extra=()):
    """`client command -r ... -c /bin/sleep` with binary `who`: a registered
    process holding the leases.  Returns its Popen (pid = the holder)."""
    args = [who.path, "client", "command"]
    for r in res:
        args += ["-r", r]
    args += list(extra) + ["-c", "/bin/sleep", "600"]
    env = dict(os.environ)
    if who.env:
        env.update(who.env)
    return procs.start(args, env=env)


def start_holding(procs, who, theirs, *res, extra=(), tries=3):
    """start_holder, then wait until the daemon reports the leases held.
    A holder whose acquire was refused exits (e.g. the daemon briefly out
    of resources on a loaded machine): start another, `tries` at most, and
    report each failed attempt's output."""
    failures = []
    for _ in range(tries):
        h = start_holder(procs, who, *res, extra=extra)

        def ok():
            r = theirs("client", "inquire", "-p", str(h.pid))
            return f"inquire done 0 res_count {len(res)}\n" in r.out
        deadline = time.monotonic() + JOIN_TIMEOUT
        while time.monotonic() < deadline:
            if ok():
                return h
            if h.poll() is not None:
                out, err = h.communicate()
                failures.append((h.returncode, out, err))
                break
            time.sleep(POLL)
        else:
            pytest.fail(f"holder {h.pid} did not hold {res} in time")
    pytest.fail(f"every holder exited without holding {res}: {failures}")


def wait_holding(theirs, pid, count):
    def ok():
        r = theirs("client", "inquire", "-p", str(pid))
        return f"inquire done 0 res_count {count}\n" in r.out
    wait_for(ok, JOIN_TIMEOUT, f"pid {pid} to hold {count} leases")


def unused_pid():
    pid = 4000000
    while os.path.exists(f"/proc/{pid}"):
        pid -= 1
    return pid


# ------------------------------------------------------------------ tests

@pytest.mark.san
def test_no_daemon(ours, theirs, _private_run_dir):
    # no socket file: -2; the read-only views print nothing and exit 1
    for args in (("client", "status"), ("client", "host_status"),
                 ("client", "host_status", "-s", "ls1"),
                 ("client", "renewal", "-s", "ls1"), ("client", "log_dump"),
                 ("client", "gets"), ("client", "gets", "-h", "1"),
                 ("client", "version"), ("client", "shutdown"),
                 ("client", "shutdown", "-w", "1"),
                 ("client", "add_lockspace", "-s", "a:1:/x:0"),
                 ("client", "inquire", "-p", "1"),
                 ("client", "read", "-s", "a:1:/x:0"),
                 ("client", "lookup", "-x", "a:/x:0"),
                 ("client", "set_event", "-s", "a", "-i", "1"),
                 ("client", "command", "-r", "a:b:/x:0", "-c", "/bin/true")):
        same(ours, theirs, *args)

    r = ours("client", "version")
    assert r.rc == 0
    assert r.out == ("daemon version error -2\n"
                     "client version 3.8.5 (0x03080500)\n"
                     "daemon version 0.0.0 (0x00000000)\n"
                     "client socket protocol 0.1\n"
                     "daemon socket protocol 0.0\n")
    r = ours("client", "command", "-r", "a:b:/x:0", "-c", "/bin/true")
    assert (r.rc, r.out) == (0, "register\nregister done -2\n")
    assert ours("client", "gets").out == "gets error -2\n"


@pytest.mark.san
def test_stale_socket(ours, theirs, deb_factory):
    d = deb_factory()
    os.kill(d.proc.pid, signal.SIGKILL)
    d.proc.wait()
    assert d.sock.exists()
    for args in (("client", "status"), ("client", "gets"),
                 ("client", "version"), ("client", "shutdown"),
                 ("client", "inq_lockspace", "-s", "a:1:/x:0")):
        same(ours, theirs, *args)
    assert ours("client", "gets").out == "gets error -111\n"


@pytest.mark.san
def test_version(ours, theirs, deb):
    r = same(ours, theirs, "client", "version")
    assert r.rc == 0
    assert r.out == ("client version 3.8.5 (0x03080500)\n"
                     "daemon version 3.8.5 (0x03080500)\n"
                     "client socket protocol 0.1\n"
                     "daemon socket protocol 0.1\n")


@pytest.mark.san
def test_lockspace_views(ours, theirs, joined):
    ls = joined["ls"]
    spec = f"ls1:1:{ls}:0"

    # a second join is refused the same way
    r = same(ours, theirs, "client", "add_lockspace", "-o", "1", "-s", spec)
    assert done(r, "add_lockspace_timeout") == -17 and r.rc == 1
    r = same(ours, theirs, "client", "add_lockspace", "-s", spec)
    assert r.out == "add_lockspace\nadd_lockspace done -17\n"

    for args in (("client", "inq_lockspace", "-s", spec),
                 ("client", "inq_lockspace", "-s", "ls1"),
                 ("client", "inq_lockspace", "-s", f"ls1:0:{ls}:0"),
                 ("client", "gets"),
                 ("client", "host_status", "-s", "nols"),
                 ("client", "renewal", "-s", "nols"),
                 ("client", "read", "-s", f"ls1:0:{ls}:0", "-D"),
                 ("client", "align", "-s", spec),
                 ("client", "status"),
                 ("client", "status", "-o", "p"),
                 ("client", "status", "-o", "s")):
        same(ours, theirs, *args)

    for args in (("client", "gets", "-h", "1"),
                 ("client", "host_status"),
                 ("client", "host_status", "-s", "ls1"),
                 ("client", "host_status", "-s", "ls1", "-D"),
                 ("client", "host_status", "-D"),
                 ("client", "status", "-D")):
        same(ours, theirs, *args, normalise=True)

    r = ours("client", "gets")
    assert r.out == f"s ls1:1:{ls}:0 \n"
    r = ours("client", "align", "-s", spec)
    assert (r.rc, r.out) == (1, "align\nalign done 1048576\n")
    r = ours("client", "host_status", "-s", "nols")
    assert (r.rc, r.out) == (1, "")

    # renewal history: same records, oldest first; ours ran first, so it
    # is a prefix of theirs
    o = ours("client", "renewal", "-s", "ls1")
    t = theirs("client", "renewal", "-s", "ls1")
    assert o.rc == t.rc == 0 and o.err == t.err == ""
    rx = re.compile(r"timestamp=\d+ read_ms=\d+ write_ms=\d+ "
                    r"next_timeouts=\d+ next_errors=\d+")
    assert o.lines and all(rx.fullmatch(x) for x in o.lines), str(o)
    assert t.lines[:len(o.lines)] == o.lines

    # log_dump: exit 1 after a dump (the result is the byte count)
    o = ours("client", "log_dump")
    t = theirs("client", "log_dump")
    assert o.rc == t.rc == 1
    assert o.out.endswith("\n") and not o.out.endswith("\n\n")
    assert "cmd_add_lockspace" in o.out
    assert t.out.startswith(o.out[:len(o.out) // 2])

    # leave with our CLI; both see it gone
    r = ours("client", "rem_lockspace", "-s", spec, timeout=JOIN_TIMEOUT)
    assert (r.rc, r.out) == (0, "rem_lockspace\nrem_lockspace done 0\n")
    r = same(ours, theirs, "client", "inq_lockspace", "-s", spec)
    assert done(r, "inq_lockspace") == -2
    r = same(ours, theirs, "client", "rem_lockspace", "-s", spec)
    assert done(r, "rem_lockspace") == -2
    r = same(ours, theirs, "client", "gets")
    assert (r.rc, r.out) == (0, "")
    same(ours, theirs, "client", "host_status")


@pytest.mark.san
def test_lockspace_being_added(ours, theirs, joined, lease_file, procs):
    """While a join is in progress: ADD suffixes, "hosts error -2",
    -115 from inq_lockspace, header-only host_status."""
    ls2 = lease_file(1 * MiB, name="ls2", fill="zero")
    init_lockspace(theirs, ls2, "ls2")
    # another host's recent io_timeout would make the join wait longer; a
    # fresh lease with io_timeout 1 still takes a few seconds
    env = dict(os.environ)
    if ours.env:
        env.update(ours.env)
    adder = procs.start([ours.path, "client", "add_lockspace", "-o", "1",
                         "-s", f"ls2:1:{ls2}:0"], env=env)
    spec = f"ls2:1:{ls2}:0"

    def adding():
        return " ADD\n" in theirs("client", "status").out
    wait_for(adding, JOIN_TIMEOUT, "ls2 being added")

    views = (("client", "status"), ("client", "gets"),
             ("client", "gets", "-h", "1"), ("client", "host_status"),
             ("client", "inq_lockspace", "-s", spec),
             ("client", "renewal", "-s", "ls2"))
    seen = {}
    for args in views:
        o = ours(*args)
        t = theirs(*args)
        if not adding():
            break           # the join finished meanwhile: stop comparing
        assert (o.rc, norm(o.out)) == (t.rc, norm(t.out)), \
            f"ours:\n{o}\ntheirs:\n{t}"
        _same_stderr(o, t)
        seen[args] = o
    if ("client", "gets", "-h", "1") in seen:
        assert f"s ls2:1:{ls2}:0 ADD \nhosts error -2\n" in \
            seen[("client", "gets", "-h", "1")].out
    if ("client", "inq_lockspace", "-s", spec) in seen:
        r = seen[("client", "inq_lockspace", "-s", spec)]
        assert r.out == "inq_lockspace\ninq_lockspace done -115\n"
    assert seen, "the join finished before anything could be compared"

    out, _ = adder.communicate(timeout=JOIN_TIMEOUT)
    assert adder.returncode == 0
    assert out.decode() == ("add_lockspace_timeout 1\n"
                            "add_lockspace_timeout done 0\n")


@pytest.mark.san
def test_lease_commands(ours, theirs, joined, procs):
    res = joined["res"]
    r1, r2, r3 = (f"ls1:r{i + 1}:{res}:{i * MiB}" for i in range(3))

    holder = start_holding(procs, ours, theirs, r1)
    pid = str(holder.pid)

    r = same(ours, theirs, "client", "inquire", "-p", pid)
    assert r.out == (f"inquire pid {pid}\ninquire done 0 res_count 1\n"
                     f"\"ls1:r1:{res}:0:1\"\n")
    same(ours, theirs, "client", "inquire", "-p", pid, "-D")

    # acquire for the registered pid; a second acquire is -17 for both
    r = ours("client", "acquire", "-r", r2 + ":SH", "-p", pid)
    assert (r.rc, r.out) == (0, f"acquire pid {pid}\nacquire done 0\n")
    r = same(ours, theirs, "client", "acquire", "-r", r3, "-r", r1, "-p", pid)
    assert done(r, "acquire") == -17
    r = same(ours, theirs, "client", "acquire", "-r", r3 + ":7", "-p", pid)
    assert done(r, "acquire") == -240
    r = same(ours, theirs, "client", "acquire", "-r", r3, "-p",
             str(unused_pid()))
    assert done(r, "acquire") == -3

    for args in (("client", "inquire", "-p", pid),
                 ("client", "inquire", "-p", pid, "-D"),
                 ("client", "status"),
                 ("client", "status", "-o", "p"),
                 ("client", "status", "-o", "s"),
                 ("client", "read", "-r", r2, "-h", "1"),
                 ("client", "read", "-r", r1, "-h", "1", "-D"),
                 ("client", "read", "-r", r1, "-D")):
        same(ours, theirs, *args)
    same(ours, theirs, "client", "status", "-D", normalise=True)

    # convert SH -> EX with ours, EX -> SH with theirs, compare views
    r = ours("client", "convert", "-r", r2, "-p", pid)
    assert (r.rc, r.out) == (0, f"convert pid {pid}\nconvert done 0\n")
    same(ours, theirs, "client", "inquire", "-p", pid)
    r = theirs("client", "convert", "-r", r2 + ":SH", "-p", pid)
    assert done(r, "convert") == 0
    same(ours, theirs, "client", "inquire", "-p", pid)

    # release: ours frees r2; releasing it again is -1 for both
    r = ours("client", "release", "-r", r2, "-p", pid)
    assert (r.rc, r.out) == (0, f"release pid {pid}\nrelease done 0\n")
    r = same(ours, theirs, "client", "release", "-r", r2, "-p", pid)
    assert done(r, "release") == -1
    r = same(ours, theirs, "client", "release", "-r", r2, "-p", "-1")
    assert done(r, "release") == -16
    r = same(ours, theirs, "client", "inquire")
    assert r.out == "inquire pid -1\ninquire done -16 res_count 0\n"
    r = same(ours, theirs, "client", "inquire", "-p", str(unused_pid()))
    assert r.lines[1:] == ["inquire done -3 res_count 0"]

    # -a 1 releases everything the pid holds
    r = ours("client", "release", "-a", "1", "-p", pid)
    assert r.out == f"release pid {pid}\nrelease done 0\n"
    r = same(ours, theirs, "client", "inquire", "-p", pid)
    assert r.out.endswith("res_count 0\n\"(null)\"\n")

    # command whose acquire fails prints all four lines (no exec) ...
    other = start_holder(procs, theirs, r3)
    wait_holding(theirs, other.pid, 1)
    r = same(ours, theirs, "client", "command", "-r", r3, "-c", "/bin/true")
    assert r.rc == 1 and done(r, "acquire") == -17
    assert r.out.startswith("register\nregister done ")
    # ... and exec failure reports on stderr with exit 0; the exec'ed
    # program's exit releases r1 again before the other binary runs
    wait_free(theirs, "ls1:r1:")
    r = same_serial(ours, theirs, lambda: wait_free(theirs, "ls1:r1:"),
                    "client", "command", "-r", r1, "-c", "/nonexistent/prog",
                    "a", "b")
    assert r.rc == 0 and done(r, "acquire") == 0
    assert r.err == "execv failed: No such file or directory\n"
    # a successful exec loses the buffered lines when stdout is a pipe
    r = same_serial(ours, theirs, lambda: wait_free(theirs, "ls1:r1:"),
                    "client", "command", "-r", r1, "-c", "/bin/echo", "hi")
    assert (r.rc, r.out) == (0, "hi\n")


@pytest.mark.san
def test_orphans(ours, theirs, joined, procs):
    res = joined["res"]
    r1 = f"ls1:r1:{res}:0"
    holder = start_holding(procs, ours, theirs, r1, extra=("-P", "1"))
    holder.kill()
    holder.wait()

    def orphaned():
        return " ORPHAN\n" in theirs("client", "status").out
    wait_for(orphaned, JOIN_TIMEOUT, "the orphan")

    for args in (("client", "status"), ("client", "status", "-o", "p"),
                 ("client", "status", "-o", "s")):
        same(ours, theirs, *args)
    r = ours("client", "status", "-o", "p")
    assert r.out.endswith(f"-\nr ls1:r1:{res}:0:1 p {holder.pid} ORPHAN\n")

    # an acquire meets the orphan: -117 unless -O 1 adopts it
    holder2 = start_holding(procs, theirs, theirs, f"ls1:r2:{res}:{MiB}")
    pid = str(holder2.pid)
    r = same(ours, theirs, "client", "acquire", "-r", r1, "-p", pid)
    assert done(r, "acquire") == -117

    # release the orphans of ls1: the count is the result (exit 1)
    r = ours("client", "release", "-s", "ls1", "-O", "1", "-p", pid)
    assert (r.rc, r.out) == (1, f"release pid {pid}\nrelease done 1\n")
    r = same(ours, theirs, "client", "release", "-s", "ls1", "-O", "1",
             "-p", pid)
    assert done(r, "release") == 0


@pytest.mark.san
def test_set_event_and_config(ours, theirs, joined):
    args = ("client", "set_event", "-s", "ls1", "-i", "1", "-g", "1",
            "-e", "0x10", "-d", "0x20")
    r = ours(*args)
    assert (r.rc, r.out) == (0, "set_event 1 1 event 0x10 data 0x20\n"
                                "set_event done 0\n")
    # a different event within set_bitmap_seconds is refused: -16
    other = ("client", "set_event", "-s", "ls1", "-i", "1", "-e", "17",
             "-d", "5")
    r = same(ours, theirs, *other)
    assert r.out == "set_event 1 0 event 0x11 data 0x5\nset_event done -16\n"
    r = same(ours, theirs, "client", "set_event", "-s", "nols", "-i", "1")
    assert done(r, "set_event") == -2
    same(ours, theirs, "client", "set_event")

    for opts, cmd in ((("-u", "1"), 1), (("-u", "0"), 2), (("-O", "1"), 4),
                      (("-O", "0"), 8), (("-u", "1", "-O", "0"), 8)):
        r = same(ours, theirs, "client", "set_config", "-s", "ls1", *opts)
        assert r.out == f"set_config ls1 {cmd}\nset_config done 0\n"
    r = same(ours, theirs, "client", "set_config", "-s", "ls1")
    assert r.out == "set_config ls1 0\nset_config done -22\n"
    r = same(ours, theirs, "client", "set_config", "-s", "nols", "-u", "1")
    assert done(r, "set_config") == -2


@pytest.mark.san
def test_request_examine(ours, theirs, joined, procs):
    res, ls = joined["res"], joined["ls"]
    r3 = f"ls1:r3:{res}:{2 * MiB}"
    for args in (("client", "examine", "-r", r3),
                 ("client", "examine", "-s", f"ls1:1:{ls}:0"),
                 ("client", "examine", "-s", "ls1"),
                 ("client", "examine"),
                 ("client", "request"),
                 ("client", "request", "-r", r3 + ":5", "-f", "0")):
        same(ours, theirs, *args)
    r = ours("client", "examine", "-s", "ls1")
    assert r.out == "examine\nexamine done -22\n"


@pytest.mark.san
def test_shutdown(ours, theirs, deb_factory, lease_file):
    ls = lease_file(1 * MiB, name="ls1", fill="zero")
    init_lockspace(theirs, ls)
    d = deb_factory()
    join(ours, ls)

    r = same(ours, theirs, "client", "shutdown", "-w", "1")
    assert (r.rc, r.out) == (1, "shutdown force 0 wait 1\nshutdown done -16\n")
    # fire and forget: "done 0" although the daemon ignores it
    r = same(ours, theirs, "client", "shutdown")
    assert (r.rc, r.out) == (0, "shutdown force 0 wait 0\nshutdown done 0\n")
    time.sleep(0.5)
    assert d.alive()

    r = ours("client", "rem_lockspace", "-s", f"ls1:1:{ls}:0",
             timeout=JOIN_TIMEOUT)
    assert done(r, "rem_lockspace") == 0

    outputs = []
    for who in (ours, theirs):
        if not d.alive():
            d = deb_factory()
        r = who("client", "shutdown", "-w", "1", timeout=DAEMON_STOP_TIMEOUT)
        d.proc.wait(timeout=DAEMON_STOP_TIMEOUT)
        assert d.proc.returncode == 0
        outputs.append((r.rc, r.out, r.err))
    assert outputs[0] == outputs[1] == (
        0, "shutdown force 0 wait 1\nshutdown done 0\n", "")


@pytest.mark.san
def test_disk_actions(ours, theirs, joined, lease_file):
    """The daemon writes and reads leases for the client: run the same
    sequence on a private file set for each binary."""
    files = {}
    for who in ("o", "t"):
        files[who] = {
            "ls": lease_file(1 * MiB, name=f"{who}-ls", fill="zero"),
            "res": lease_file(2 * MiB, name=f"{who}-res", fill="zero"),
            "big": lease_file(8 * MiB, name=f"{who}-big", fill="zero"),
            "rx": lease_file(8 * MiB, name=f"{who}-rx", fill="zero"),
        }
    missing = {"o": "/nonexistent/o", "t": "/nonexistent/t"}

    def steps(f, miss):
        return [
            ("init", "-s", f"lsx:0:{f['ls']}:0", "-o", "1"),
            ("read", "-s", f"lsx:0:{f['ls']}:0", "-D"),
            ("read", "-s", f"lsx:3:{f['ls']}:0"),
            ("read", "-s", f"bad:0:{f['ls']}:0"),
            ("init", "-r", f"lsx:rx1:{f['res']}:0", "-n", "5"),
            ("write", "-r", f"lsx:rx2:{f['res']}:1M"),
            ("read", "-r", f"lsx:rx1:{f['res']}:0", "-D"),
            ("read", "-r", f"::{f['res']}:1M"),
            ("read", "-r", f"lsx:wrong:{f['res']}:0"),
            ("read", "-r", f"lsx:rx1:{f['res']}:0", "-h", "1", "-D"),
            ("init", "-r", f"lsx:rx2:{f['res']}:1M", "-z", "0"),
            ("read", "-r", f"lsx:rx2:{f['res']}:1M"),
            ("init", "-s", f"lsb:0:{f['big']}:0", "-Z", "4096", "-A", "8M"),
            ("read", "-s", f"lsb:0:{f['big']}:0", "-D"),
            ("init", "-s", f"lsb:0:{f['big']}:0", "-Z", "4096"),
            ("init", "-s", f"lsm:0:{miss}:0"),
            ("init", "-r", f"lsm:r:{miss}:0"),
            ("read", "-s", f"lsm:0:{miss}:0"),
            ("align", "-s", f"lsx:1:{f['ls']}:0"),
            ("align", "-s", f"lsm:1:{miss}:0"),
            # resource index in the joined lockspace ls1
            ("format", "-x", f"ls1:{f['rx']}:0"),
            ("create", "-x", f"ls1:{f['rx']}:0", "-e", "res_b"),
            ("create", "-x", f"ls1:{f['rx']}:0", "-e", "res_c"),
            ("lookup", "-x", f"ls1:{f['rx']}:0"),
            ("lookup", "-x", f"ls1:{f['rx']}:0", "-e", "res_b"),
            ("lookup", "-x", f"ls1:{f['rx']}:0", "-e", ":3M"),
            ("lookup", "-x", f"ls1:{f['rx']}:0", "-e", "res_b:5M"),
            ("lookup", "-x", f"ls1:{f['rx']}:0", "-e", "nonex"),
            ("update", "-x", f"ls1:{f['rx']}:0", "-e", "foo:6M"),
            ("lookup", "-x", f"ls1:{f['rx']}:0", "-e", "foo"),
            ("update", "-x", f"ls1:{f['rx']}:0", "-e", "foo:6M", "-z", "1"),
            ("delete", "-x", f"ls1:{f['rx']}:0", "-e", "res_c"),
            ("rebuild", "-x", f"ls1:{f['rx']}:0"),
            ("lookup", "-x", f"ls1:{f['rx']}:0", "-e", "res_b"),
            ("create", "-x", f"ls1:{miss}:0", "-e", "x"),
            ("init",), ("read",), ("format",), ("lookup",), ("align",),
        ]

    sub = [(str(p), str(files["t"][k])) for k, p in files["o"].items()]
    sub.append((missing["o"], missing["t"]))
    sub.sort(key=lambda s: -len(s[0]))
    for so, st in zip(steps(files["o"], missing["o"]),
                      steps(files["t"], missing["t"])):
        o = ours("client", *so)
        t = theirs("client", *st)
        oo, to = o.out, t.out
        for a, b in sub:
            oo, to = oo.replace(a, "<X>"), to.replace(b, "<X>")
        assert (o.rc, oo) == (t.rc, to), f"{o}\n{t}"
        _same_stderr(o, t)


# --------------------------------------------------------------- library

PY_DRIVER = textwrap.dedent(r'''
    import json, os, sys, time, sanlock
    name, lsp, resp = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
    out = {}
    libs = [l.split()[-1] for l in open("/proc/self/maps") if "libsanlock" in l]
    out["lib"] = sorted(set(libs))
    def catch(f, *a, **k):
        try:
            return f(*a, **k)
        except sanlock.SanlockException as e:
            return ["exc", e.errno]
    out["add"] = catch(sanlock.add_lockspace, name, 1, lsp, iotimeout=1)
    out["add_again"] = catch(sanlock.add_lockspace, name, 1, lsp, iotimeout=1)
    out["inq"] = sanlock.inq_lockspace(name, 1, lsp)
    out["inq_other"] = sanlock.inq_lockspace(name, 2, lsp)
    out["lss"] = [{k: (v.decode() if isinstance(v, bytes) else v)
                   for k, v in d.items()} for d in sanlock.get_lockspaces()]
    for _ in range(600):          # "not ready" until the first check
        hosts = catch(sanlock.get_hosts, name)
        if hosts != ["exc", 11]:
            break
        time.sleep(0.1)
    out["hosts"] = [(h["host_id"], h["flags"]) for h in hosts]
    out["host5"] = catch(sanlock.get_hosts, name, 5)
    out["read_ls"] = {k: (v.decode() if isinstance(v, bytes) else v)
                      for k, v in sanlock.read_lockspace(lsp).items()}
    out["align"] = sanlock.get_alignment(lsp)
    fd = sanlock.register()
    disks = [(resp, 0)]
    out["acq"] = catch(sanlock.acquire, name, b"r1", disks, slkfd=fd)
    out["acq_again"] = catch(sanlock.acquire, name, b"r1", disks, slkfd=fd)
    inq = sanlock.inquire(slkfd=fd)
    for d in inq:
        d["lockspace"] = d["lockspace"].decode()
        d["resource"] = d["resource"].decode()
    out["inquire"] = inq
    out["owners"] = [(h["host_id"], h["generation"]) for h in
                     sanlock.read_resource_owners(name, b"r1", disks)]
    out["rel"] = catch(sanlock.release, name, b"r1", disks, slkfd=fd)
    out["rel_again"] = catch(sanlock.release, name, b"r1", disks, slkfd=fd)
    out["inquire_after"] = sanlock.inquire(slkfd=fd)
    os.close(fd)
    efd = sanlock.reg_event(name)
    out["events"] = sanlock.get_event(efd)
    out["end_event"] = catch(sanlock.end_event, efd, name)
    out["rem"] = catch(sanlock.rem_lockspace, name, 1, lsp)
    out["inq_after"] = sanlock.inq_lockspace(name, 1, lsp)
    out["lss_after"] = len(sanlock.get_lockspaces())
    out["hosts_after"] = catch(sanlock.get_hosts, name)
    print(json.dumps(out, sort_keys=True))
''')


def _our_lib_env():
    lib = build_dir() / "lib"
    if not (lib / "libsanlock.so.1").exists():
        pytest.fail(f"{lib}/libsanlock.so.1 is not built")
    if build_dir().name.endswith("san"):
        pytest.skip("an ASan library cannot be loaded into /usr/bin/python3")
    return str(lib.resolve())


def test_python_binding_on_our_library(theirs, deb, lease_file, workdir):
    try:
        run([SYSTEM_PYTHON, "-c", "import sanlock"], timeout=60)
    except FileNotFoundError:
        pytest.skip("no /usr/bin/python3")
    if run([SYSTEM_PYTHON, "-c", "import sanlock"], timeout=60).rc != 0:
        pytest.skip("python3-sanlock is not installed")
    ourlib = _our_lib_env()
    driver = workdir / "driver.py"
    driver.write_text(PY_DRIVER)

    results = {}
    for who in ("ours", "theirs"):
        name = f"ls_{who}"
        lsp = lease_file(1 * MiB, name=f"{who}-ls", fill="zero")
        resp = lease_file(1 * MiB, name=f"{who}-res", fill="zero")
        init_lockspace(theirs, lsp, name)
        init_resource(theirs, resp, "r1", 0, ls=name)
        env = dict(os.environ)
        env.pop("LD_LIBRARY_PATH", None)
        if who == "ours":
            env["LD_LIBRARY_PATH"] = ourlib
        r = run([SYSTEM_PYTHON, driver, name, lsp, resp], env=env,
                timeout=4 * JOIN_TIMEOUT)
        assert r.rc == 0 and r.err == "", str(r)
        out = json.loads(r.out)
        libs = out.pop("lib")
        if who == "ours":
            assert libs and all(p.startswith(ourlib) for p in libs), libs
        else:
            assert libs and not any(p.startswith(ourlib) for p in libs), libs
        text = json.dumps(out, sort_keys=True)
        text = text.replace(str(lsp), "<LS>").replace(str(resp), "<RES>")
        results[who] = json.loads(text.replace(name, "<NAME>"))

    o, t = results["ours"], results["theirs"]
    assert o == t
    assert o["add"] is None and o["add_again"] == ["exc", 17]
    assert o["inq"] is True and o["inq_other"] is False
    assert o["host5"][0]["flags"] == 2          # SANLK_HOST_FREE
    assert o["rel_again"] == ["exc", 1]
    assert o["hosts"] == [[1, 3]]               # ourselves, LIVE
    assert o["lss_after"] == 0 and o["hosts_after"] == ["exc", 2]


CTYPES_DRIVER = textwrap.dedent(r'''
    import ctypes as C, json, os, socket, sys
    class Disk(C.Structure):
        _fields_ = [("path", C.c_char * 1024), ("offset", C.c_uint64),
                    ("pad1", C.c_uint32), ("pad2", C.c_uint32)]
    class LS(C.Structure):
        _fields_ = [("name", C.c_char * 48), ("host_id", C.c_uint64),
                    ("flags", C.c_uint32), ("disk", Disk)]
    class Host(C.Structure):
        _fields_ = [("host_id", C.c_uint64), ("generation", C.c_uint64),
                    ("timestamp", C.c_uint64), ("io_timeout", C.c_uint32),
                    ("flags", C.c_uint32)]
    class Res1(C.Structure):
        _fields_ = [("ls", C.c_char * 48), ("name", C.c_char * 48),
                    ("lver", C.c_uint64), ("data64", C.c_uint64),
                    ("data32", C.c_uint32), ("unused", C.c_uint32),
                    ("flags", C.c_uint32), ("num_disks", C.c_uint32),
                    ("disk", Disk)]
    class RX(C.Structure):
        _fields_ = [("flags", C.c_uint32), ("max_resources", C.c_uint32),
                    ("unused", C.c_uint64), ("ls", C.c_char * 48),
                    ("disk", Disk)]
    class RE(C.Structure):
        _fields_ = [("name", C.c_char * 48), ("offset", C.c_uint64),
                    ("flags", C.c_uint32), ("unused", C.c_uint32)]
    L = C.CDLL(sys.argv[1])
    lsp, resp = sys.argv[2].encode(), sys.argv[3].encode()
    o = {}
    v, pr = C.c_uint32(), C.c_uint32()
    o["version"] = [L.sanlock_version(0, C.byref(v), C.byref(pr)), v.value,
                    pr.value]
    lss, n = C.POINTER(LS)(), C.c_int(-5)
    rv = L.sanlock_get_lockspaces(C.byref(lss), C.byref(n), 0)
    o["lss"] = [rv, n.value, [(lss[i].name.decode(), lss[i].host_id,
                               lss[i].flags) for i in range(n.value)]]
    o["lss_count_only"] = [L.sanlock_get_lockspaces(None, C.byref(n), 0),
                           n.value]
    hs, n = C.POINTER(Host)(), C.c_int(-5)
    rv = L.sanlock_get_hosts(b"ls1", 5, C.byref(hs), C.byref(n), 0)
    o["host5"] = [rv, n.value, [(hs[i].host_id, hs[i].flags)
                                for i in range(n.value)]]
    n = C.c_int(-5)
    o["hosts_nols"] = [L.sanlock_get_hosts(b"nols", 0, C.byref(hs),
                                           C.byref(n), 0), n.value]
    o["hosts_null"] = L.sanlock_get_hosts(None, 0, C.byref(hs), C.byref(n), 0)
    ls = LS(name=b"ls1", host_id=1); ls.disk.path = lsp
    o["inq"] = L.sanlock_inq_lockspace(C.byref(ls), 0)
    d = Disk(path=lsp)
    o["align"] = L.sanlock_align(C.byref(d))
    d = Disk(path=b"/nonexistent")
    o["align_missing"] = L.sanlock_align(C.byref(d))
    r = LS(); r.disk.path = lsp; io = C.c_uint32(77)
    o["read_ls"] = [L.sanlock_read_lockspace(C.byref(r), 0, C.byref(io)),
                    r.name.decode(), r.host_id, r.flags, io.value]
    r = LS(name=b"bad"); r.disk.path = lsp; io = C.c_uint32(77)
    o["read_ls_bad"] = [L.sanlock_read_lockspace(C.byref(r), 0, C.byref(io)),
                        r.name.decode(), r.host_id, r.flags, io.value]
    res = Res1(num_disks=1); res.disk.path = resp
    o["read_res"] = [L.sanlock_read_resource(C.byref(res), 0),
                     res.ls.decode(), res.name.decode(), res.lver, res.flags]
    res = Res1(num_disks=1, name=b"wrong", lver=99); res.disk.path = resp
    o["read_res_wrong"] = [L.sanlock_read_resource(C.byref(res), 0),
                           res.ls.decode(), res.name.decode(), res.lver,
                           res.flags]
    res = Res1(ls=b"ls1", name=b"r1", num_disks=1); res.disk.path = resp
    hs, n = C.POINTER(Host)(), C.c_int(-5)
    o["owners"] = [L.sanlock_read_resource_owners(C.byref(res), 0,
                                                  C.byref(hs), C.byref(n)),
                   n.value, res.lver, res.flags]
    st, n = C.c_char_p(), C.c_int(-5)
    o["inquire_unknown"] = [L.sanlock_inquire(-1, int(sys.argv[4]), 0,
                                              C.byref(n), C.byref(st)),
                            n.value, st.value]
    o["inquire_both"] = [L.sanlock_inquire(-1, -1, 0, C.byref(n),
                                           C.byref(st)), n.value]
    res = Res1(ls=b"ls1", name=b"r1", num_disks=1); res.disk.path = resp
    lvb = C.create_string_buffer(16)
    o["get_lvb"] = L.sanlock_get_lvb(0, C.byref(res), lvb, 16)
    rx = RX(ls=b"ls1"); rx.disk.path = b"/nonexistent"
    re_ = RE(name=b"x", offset=7)
    o["lookup_bad"] = [L.sanlock_lookup_rindex(C.byref(rx), 0, C.byref(re_)),
                       re_.name.decode(), re_.offset]
    rx = RX(); o["format_empty"] = L.sanlock_format_rindex(C.byref(rx), 0)
    o["set_config"] = [L.sanlock_set_config(b"ls1", 0, 1, None),
                       L.sanlock_set_config(b"ls1", 0, 2, None),
                       L.sanlock_set_config(b"nols", 0, 1, None),
                       L.sanlock_set_config(b"ls1", 0, 99, None)]
    fd = L.sanlock_reg_event(b"ls1", None, 0)
    he = (C.c_uint64 * 4)(); fh, fg = C.c_uint64(), C.c_uint64()
    o["reg_event"] = fd >= 0
    o["get_event"] = L.sanlock_get_event(fd, 0, he, C.byref(fh), C.byref(fg))
    o["end_event"] = L.sanlock_end_event(fd, b"ls1", 0)
    o["end_event_closed"] = L.sanlock_end_event(fd, b"ls1", 0)
    o["reg_event_nols"] = L.sanlock_reg_event(b"nols", None, 0)
    nine = (C.POINTER(Res1) * 9)(*[C.pointer(Res1(num_disks=1))
                                   for _ in range(9)])
    o["acquire_9"] = L.sanlock_acquire(-1, 1, 0, 9, nine, None)
    fd = L.sanlock_register()
    o["restrict"] = L.sanlock_restrict(fd, 0x2)
    o["killpath"] = L.sanlock_killpath(fd, 0, b"/bin/true", b"a\\ b")
    os.close(fd)
    print(json.dumps(o, sort_keys=True))
''')


@pytest.mark.parametrize("libname", ["libsanlock.so.1",
                                     "libsanlock_client.so.1"])
def test_c_api_on_our_library(theirs, joined, libname, workdir):
    ourlib = _our_lib_env()
    driver = workdir / "ctypes_driver.py"
    driver.write_text(CTYPES_DRIVER)
    args = [joined["ls"], joined["res"], unused_pid()]
    deb_lib = f"/usr/lib/x86_64-linux-gnu/{libname}"
    if not os.path.exists(deb_lib):
        pytest.skip(f"{deb_lib} missing")

    out = {}
    for who, lib in (("ours", f"{ourlib}/{libname}"), ("theirs", deb_lib)):
        r = run([SYSTEM_PYTHON, driver, lib, *args], timeout=120)
        assert r.rc == 0 and r.err == "", str(r)
        out[who] = json.loads(r.out)
    assert out["ours"] == out["theirs"]
    o = out["ours"]
    assert o["version"] == [0, 0x03080500, 1]
    assert o["host5"] == [0, 1, [[5, 2]]]
    assert o["hosts_null"] == -22
    assert o["end_event_closed"] == -114
    assert o["acquire_9"] == -22


def test_debian_cli_against_our_daemon(ours, theirs, procs, tmp_path):
    """Wire compatibility the other way round: Debian's 3.8.5 CLI talking
    to OUR daemon prints what it prints talking to its own daemon, for
    add_lockspace, gets -h 1, status and rem_lockspace (same host name,
    same lockspace on an equal file; only paths and moving numbers differ)."""
    user, group = _user_group()
    sides = {}
    for who, daemon_bin in (("ours", ours.path), ("theirs", THEIRS_PATH)):
        rd = tmp_path / f"run-{who}"
        rd.mkdir()
        f = tmp_path / f"{who}-ls"
        with open(f, "wb") as fh:
            fh.truncate(1 << 20)
        r = ours("direct", "init", "-s", f"ls1:0:{f}:0", "-o", "1")
        assert r.rc == 0, r
        env = dict(os.environ, SANLOCK_RUN_DIR=str(rd), SANLOCK_PRIVILEGED="0")
        p = procs.start([daemon_bin, "daemon", "-D", "-w", "0", "-l", "0",
                         "-h", "0", "-U", user, "-G", group, "-e", "host1"],
                        env=env, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
        cli_env = {"SANLOCK_RUN_DIR": str(rd)}
        wait_for(lambda: "daemon version error" not in
                 theirs("client", "version", env=cli_env, timeout=10).out,
                 DAEMON_START_TIMEOUT, f"{who}'s daemon socket")
        sides[who] = (p, f, cli_env)

    def both(*args):
        outs = {}
        for who, (_, f, cli_env) in sides.items():
            r = theirs(*[a.replace("FILE", str(f)) for a in args],
                       env=cli_env, timeout=JOIN_TIMEOUT)
            outs[who] = (r.rc, norm(r.out.replace(str(f), "FILE")))
        assert outs["ours"] == outs["theirs"], outs
        return outs["ours"]

    rc, out = both("client", "add_lockspace", "-s", "ls1:1:FILE:0", "-o", "1")
    assert rc == 0 and out.endswith("done 0\n"), out
    # host data appears after each daemon's first renewal check
    for who, (_, f, cli_env) in sides.items():
        wait_for(lambda: "\nh 1 gen 1" in theirs("client", "gets", "-h", "1",
                                                  env=cli_env).out,
                 JOIN_TIMEOUT, f"host data in {who}'s daemon")
    rc, out = both("client", "gets", "-h", "1")
    assert out == "s ls1:1:FILE:0 \nh 1 gen 1 timestamp N LIVE\n", out
    rc, out = both("client", "status")
    assert out.startswith("daemon host1\n") and "s ls1:1:FILE:0\n" in out, out
    rc, out = both("client", "rem_lockspace", "-s", "ls1:1:FILE:0")
    assert rc == 0, out
    rc, out = both("client", "shutdown", "-w", "1")
    assert (rc, out) == (0, "shutdown force 0 wait 1\nshutdown done 0\n")
    for who, (p, _, _) in sides.items():
        p.wait(timeout=DAEMON_STOP_TIMEOUT)
