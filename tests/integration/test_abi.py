"""ABI of our libsanlock.so.1 / libsanlock_client.so.1 / libwdmd.so.1
(spec/api.md §1-§4, Appendix A): a drop-in for Debian's 3.8.5 libraries.

Static checks (no daemon): every symbol api.md §1.2 names public is exported
(unversioned, nothing else), sonames and symlinks are right, and the
programs that link Debian's libsanlock (python3-sanlock's module, Debian's
/usr/sbin/sanlock) resolve every symbol they import from ours.

Run-time checks: tests/abi/abi_check.c, compiled against DEBIAN's headers
and linked against Debian's library by `make abi` (mk/abi.mk), is run with
LD_LIBRARY_PATH=<build>/lib so that OUR library is loaded (the program
verifies which file was loaded with dladdr).  It checks struct layouts and
constants, calls every public function, and compares each result with what
a 3.8.5 caller gets.  Back-ends:

  ours     our library + our daemon                    (the drop-in)
  mixed    our library + Debian's 3.8.5 daemon        (our client side)
  theirs   Debian's library + Debian's 3.8.5 daemon    (proves every
           expectation in abi_check.c is 3.8.5's real behaviour)

each for libsanlock (abi_check) and libsanlock_client (abi_check_client).
The results are reported per group of checks.  For `ours` only, a group
whose first failing call got -ENOSYS from our daemon (a request it does not
implement yet) is an xfail naming the request; so is a group that hung
because our daemon's -ENOSYS reply lacked the payload a 3.8.5 caller waits
for (read from the daemon's log).  Everything else must pass.

Daemons run unprivileged (-w 0) with a private SANLOCK_RUN_DIR and are
stopped by pid at the end, also on failure.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import build_dir
from helpers import REPO, THEIRS_PATH, ProcessRegistry, run

MULTIARCH = subprocess.run(["gcc", "-print-multiarch"], capture_output=True,
                           text=True).stdout.strip() or "x86_64-linux-gnu"
DEB_LIBDIR = Path("/usr/lib") / MULTIARCH
DEB_HEADER = Path("/usr/include/sanlock.h")
PY_MODULE = Path("/usr/lib/python3/dist-packages/"
                 "sanlock.cpython-311-x86_64-linux-gnu.so")

DAEMON_START_TIMEOUT = 20
DAEMON_STOP_TIMEOUT = 30
ABI_RUN_TIMEOUT = 15 * 60      # the program bounds each call (40 s) itself

# spec/api.md §1.2
PUBLIC_FUNCTIONS = """
sanlock_path_export sanlock_path_import sanlock_strerror
sanlock_register sanlock_restrict sanlock_killpath sanlock_acquire
sanlock_release sanlock_inquire sanlock_convert sanlock_request
sanlock_examine sanlock_set_lvb sanlock_get_lvb sanlock_res_to_str
sanlock_str_to_res sanlock_args_to_state sanlock_state_to_args
sanlock_str_to_lockspace
sanlock_add_lockspace sanlock_add_lockspace_timeout sanlock_inq_lockspace
sanlock_rem_lockspace sanlock_get_lockspaces sanlock_get_hosts
sanlock_set_config sanlock_align sanlock_init sanlock_write_lockspace
sanlock_read_lockspace sanlock_write_resource sanlock_read_resource
sanlock_read_resource_owners sanlock_test_resource_owners
sanlock_format_rindex sanlock_update_rindex sanlock_lookup_rindex
sanlock_rebuild_rindex sanlock_create_resource sanlock_delete_resource
sanlock_version sanlock_reg_event sanlock_end_event sanlock_set_event
sanlock_get_event
""".split()
DIRECT_FUNCTIONS = """sanlock_direct_init sanlock_direct_write_lockspace
sanlock_direct_write_resource sanlock_direct_align""".split()
HELPER_FUNCTIONS = "send_command sanlock_socket_address env_get env_get_bool".split()
DATA_SYMBOLS = {"sanlock_version_major": 1, "sanlock_version_minor": 1,
                "sanlock_version_patch": 1, "sanlock_version_build": 1,
                "sanlock_version_combined": 4}
WDMD_385 = """wdmd_connect wdmd_register wdmd_refcount_set wdmd_refcount_clear
wdmd_test_live wdmd_status wdmd_socket_address""".split()
# Our extensions (cli.md §4.10, Appendix C); nothing else may be exported.
WDMD_EXTENSIONS = {"wdmd_open_watchdog", "wdmd_fire_now"}

# api.md §1.2: 49 functions declared in public headers, 4 of them direct.
assert len(set(PUBLIC_FUNCTIONS)) + len(DIRECT_FUNCTIONS) == 49

# This project's own API (spec/messages.md §4, §6, §7): exported in
# addition, never instead; read_lockspace_message reads the disk, so it is
# in libsanlock only.
EXTENSIONS = {
    "libsanlock": {"sanlock_host_message", "sanlock_reg_lockspace",
                   "sanlock_get_callback", "sanlock_end_lockspace",
                   "sanlock_read_lockspace_message"},
    "libsanlock_client": {"sanlock_host_message", "sanlock_reg_lockspace",
                          "sanlock_get_callback", "sanlock_end_lockspace"},
}

LIBS = {
    "libsanlock": set(PUBLIC_FUNCTIONS) | set(DIRECT_FUNCTIONS)
    | set(HELPER_FUNCTIONS) | set(DATA_SYMBOLS),
    "libsanlock_client": set(PUBLIC_FUNCTIONS) | set(HELPER_FUNCTIONS),
}

# The groups abi_check.c prints, in order (api.md sections in comments).
GROUPS_LOCAL = ["layout", "const", "loaded", "strerror", "path", "resstr",
                "strls", "testowners", "helpers"]
GROUPS_DAEMON = ["nodaemon", "version", "align", "write_lockspace",
                 "read_lockspace", "write_resource", "read_resource",
                 "lockspace", "lockspace_async", "set_config", "register",
                 "inquire", "acquire", "lvb", "close", "events", "rindex",
                 "smoke", "rem_lockspace", "coverage"]
VARIANTS = {"full": "abi_check", "client": "abi_check_client"}


def lib_dir():
    return build_dir() / "lib"


# ------------------------------------------------------------ ELF helpers

def dyn_symbols(path):
    """{name: (type, size)} of the defined dynamic symbols (readelf)."""
    r = run(["readelf", "--dyn-syms", "-W", str(path)], timeout=60)
    assert r.rc == 0, r
    out = {}
    for line in r.lines:
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) >= 8 and f[0].endswith(":") and f[6] != "UND" \
                and f[4] in ("GLOBAL", "WEAK") and f[3] in ("FUNC", "OBJECT"):
            out[f[7]] = (f[3], int(f[2], 0))
    return out


def objdump_p(path):
    r = run(["objdump", "-p", str(path)], timeout=60)
    assert r.rc == 0, r
    return r.out


@pytest.fixture(scope="module")
def built_libs():
    d = lib_dir()
    for l in ("libsanlock", "libsanlock_client", "libwdmd"):
        if not (d / f"{l}.so.1.0").is_file():
            pytest.fail(f"{d}/{l}.so.1.0 is not built (run make)")
    return d


# ------------------------------------------------------------ static tests

@pytest.mark.parametrize("lib", sorted(LIBS))
def test_exported_symbols(built_libs, lib):
    """Exactly the public names of api.md §1.2 (functions as FUNC, the five
    3.8.5 data leftovers as 1- and 4-byte OBJECTs) plus this project's
    messages.md functions, nothing internal."""
    syms = dyn_symbols(built_libs / f"{lib}.so.1.0")
    want = LIBS[lib]
    missing = sorted(want - set(syms))
    extra = sorted(set(syms) - want - EXTENSIONS[lib])
    assert not missing, f"{lib} does not export {missing}"
    assert not extra, f"{lib} exports internal symbols {extra}"
    for name, (typ, size) in syms.items():
        if name in DATA_SYMBOLS:
            assert (typ, size) == ("OBJECT", DATA_SYMBOLS[name]), (name, typ, size)
        else:
            assert typ == "FUNC", (name, typ)


def test_exported_symbols_libwdmd(built_libs):
    syms = dyn_symbols(built_libs / "libwdmd.so.1.0")
    missing = sorted(set(WDMD_385) - set(syms))
    extra = sorted(set(syms) - set(WDMD_385) - WDMD_EXTENSIONS)
    assert not missing, f"libwdmd does not export {missing}"
    assert not extra, f"libwdmd exports unlisted symbols {extra}"


@pytest.mark.parametrize("lib", ["libsanlock", "libsanlock_client", "libwdmd"])
def test_soname_no_symbol_versions(built_libs, lib):
    p = objdump_p(built_libs / f"{lib}.so.1.0")
    m = re.search(r"^\s*SONAME\s+(\S+)$", p, re.M)
    assert m and m.group(1) == f"{lib}.so.1", p
    assert "Version definitions" not in p, \
        f"{lib} defines symbol versions (3.8.5 has none, api.md §1.1)"
    r = run(["readelf", "--dyn-syms", "-W", str(built_libs / f"{lib}.so.1.0")])
    versioned = [l for l in r.lines if re.search(r"\b(sanlock|wdmd|send_command|env_get)\w*@", l)]
    assert not versioned, versioned
    # Symlinks as the Debian packages install them.
    for link in (f"{lib}.so.1", f"{lib}.so"):
        assert os.readlink(built_libs / link) == f"{lib}.so.1.0", link
    # BIND_NOW and RELRO (api.md §1.1, not ABI-relevant but cheap to keep).
    d = run(["readelf", "-d", "-l", str(built_libs / f"{lib}.so.1.0")]).out
    assert "BIND_NOW" in d and "GNU_RELRO" in d, d


def test_libsanlock_client_needs_only_libc(built_libs):
    """api.md §1.1: libsanlock_client has no disk code and needs only libc."""
    p = objdump_p(built_libs / "libsanlock_client.so.1.0")
    needed = re.findall(r"^\s*NEEDED\s+(\S+)$", p, re.M)
    assert all(n.startswith(("libc.so", "ld-linux")) for n in needed), needed


def test_same_exports_as_debian(built_libs):
    """Every function Debian's 3.8.5 libraries export that api.md calls
    public or a helper is in ours (the ~135 internals it leaks are not)."""
    for lib in LIBS:
        deb = DEB_LIBDIR / f"{lib}.so.1.0"
        if not deb.exists():
            pytest.skip(f"{deb} not installed (package libsanlock1 / "
                        "libsanlock-client1)")
        theirs = set(dyn_symbols(deb))
        ours = set(dyn_symbols(built_libs / f"{lib}.so.1.0"))
        public = theirs & LIBS[lib]
        assert public == LIBS[lib], sorted(LIBS[lib] - public)
        assert public <= ours


@pytest.mark.parametrize("consumer", ["python3-sanlock", "sanlock-3.8.5-cli"])
def test_debian_consumers_resolve_against_ours(built_libs, consumer):
    """Binaries linked against Debian's libsanlock.so.1 find every symbol
    they import in ours (ldd -r with LD_LIBRARY_PATH=<build>/lib)."""
    path = PY_MODULE if consumer == "python3-sanlock" else Path(THEIRS_PATH)
    if not path.exists():
        pytest.skip(f"{path} not installed")
    env = dict(os.environ, LD_LIBRARY_PATH=str(built_libs))
    r = run(["ldd", "-r", str(path)], env=env, timeout=60)
    m = re.search(r"libsanlock\.so\.1 => (\S+)", r.out)
    assert m and Path(m.group(1)).resolve() == \
        (built_libs / "libsanlock.so.1.0").resolve(), r
    undefined = [l for l in (r.out + r.err).splitlines()
                 if "undefined symbol" in l and
                 re.search(r"undefined symbol: (sanlock_|send_command|env_get|wdmd_)", l)]
    assert not undefined, "\n".join(undefined)
    # The import list of the Python module is exactly api.md §6's 25 names.
    if consumer == "python3-sanlock":
        r = run(["nm", "-D", "--undefined-only", str(path)])
        imported = {l.split()[-1] for l in r.lines if "sanlock_" in l}
        assert len(imported) == 25, sorted(imported)
        assert imported <= LIBS["libsanlock"]


# ------------------------------------------------------------ daemons

class BackendDaemon:
    """A sanlock daemon (ours or Debian's) in its own run directory, started
    unprivileged with -w 0 and stopped by pid.  `log` holds its -D output."""

    def __init__(self, binary, who, registry, logdir, extra_env=None):
        self.binary = str(binary)
        self.who = who
        self.run_dir = tempfile.mkdtemp(prefix=f"sl-abi-{who}-", dir="/tmp")
        self.log = Path(logdir) / f"daemon-{who}-{os.path.basename(self.run_dir)}.log"
        self.env = dict(os.environ, SANLOCK_RUN_DIR=self.run_dir,
                        SANLOCK_PRIVILEGED="0")
        if extra_env:
            self.env.update(extra_env)
        user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        group = subprocess.run(["id", "-gn"], capture_output=True, text=True).stdout.strip()
        self.logf = open(self.log, "wb")
        self.proc = None
        try:
            self.proc = registry.start([self.binary, "daemon", "-D", "-w", "0",
                                        "-l", "0", "-h", "0", "-U", user,
                                        "-G", group, "-e", f"abi-{who}"],
                                       env=self.env, stdout=self.logf,
                                       stderr=self.logf)
            self._wait_ready(who)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, who):
        deadline = time.monotonic() + DAEMON_START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"{who} daemon exited at start "
                                     f"({self.proc.returncode}):\n{self.log_text()}")
            r = run([self.binary, "client", "version"], env=self.env, timeout=10)
            if "daemon version error" not in r.out and r.rc == 0:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{who} daemon did not open its socket")
            time.sleep(0.1)

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def not_implemented(self):
        """Request numbers our daemon logged as not implemented yet."""
        return sorted({int(n) for n in re.findall(
            r"request (\d+) not implemented yet", self.log_text())})

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                run([self.binary, "client", "shutdown", "-f", "1", "-w", "1"],
                    env=self.env, timeout=DAEMON_STOP_TIMEOUT)
            except AssertionError:
                pass                    # hung: SIGKILL below
            try:
                self.proc.wait(timeout=DAEMON_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.logf.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def ours_binary():
    path = build_dir() / "bin" / "sanlock"
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not built (run make)")
    return path


# Back-end -> (daemon binary, library dir or None for Debian's).
def backend_setup(backend):
    if backend in ("theirs", "mixed") and not os.access(THEIRS_PATH, os.X_OK):
        pytest.skip(f"Debian's sanlock 3.8.5 is not installed at {THEIRS_PATH}")
    daemon = ours_binary() if backend == "ours" else Path(THEIRS_PATH)
    libdir = None if backend == "theirs" else lib_dir()
    return daemon, libdir


# ------------------------------------------------------------ abi_check

@pytest.fixture(scope="module")
def abi_programs():
    if not DEB_HEADER.exists():
        pytest.skip(f"{DEB_HEADER} missing: the ABI program is built against "
                    "Debian's headers (package libsanlock-dev)")
    for lib in ("libsanlock.so", "libsanlock_client.so"):
        if not (DEB_LIBDIR / lib).exists():
            pytest.skip(f"{DEB_LIBDIR / lib} missing (package libsanlock-dev)")
    b = build_dir()
    rel = os.path.relpath(b, REPO)
    r = run(["make", "-C", str(REPO), f"B={rel}", "abi"], timeout=600)
    assert r.rc == 0, f"make abi failed:\n{r}"
    progs = {v: b / "tests" / "abi" / name for v, name in VARIANTS.items()}
    # Compiled against /usr/include (Debian's headers), never our include/.
    for v, p in progs.items():
        deps = Path(str(p) + ".d").read_text()
        assert "/usr/include/sanlock.h" in deps, deps
        assert str(REPO / "include") not in deps and " include/sanlock" not in deps, deps
        # ... and linked against the soname only (no rpath pinning a copy).
        dyn = objdump_p(p)
        assert re.search(r"NEEDED\s+libsanlock(_client)?\.so\.1$", dyn, re.M), dyn
        assert "RPATH" not in dyn and "RUNPATH" not in dyn, dyn
    return progs


class AbiRun:
    def __init__(self, backend, variant, out, rc, daemon_log, not_impl):
        self.backend = backend
        self.variant = variant
        self.out = out
        self.rc = rc
        self.daemon_log = daemon_log
        self.not_implemented = not_impl
        self.lines = out.splitlines()

    def group_lines(self, group):
        cur, got = None, []
        for line in self.lines:
            if line.startswith("group "):
                cur = line.split()[1]
                continue
            if cur == group:
                got.append(line)
        return got

    def groups(self):
        return [l.split()[1] for l in self.lines if l.startswith("group ")]


_runs = {}


@pytest.fixture(scope="module")
def abi_run(abi_programs, _scratch_base, tmp_path_factory):
    """abi_run(backend, variant) -> AbiRun, run once per module and cached."""
    registry = ProcessRegistry()
    logdir = tmp_path_factory.mktemp("abi-logs")

    def get(backend, variant):
        key = (backend, variant)
        if key in _runs:
            return _runs[key]
        daemon_bin, libdir = backend_setup(backend)
        d = BackendDaemon(daemon_bin, f"{backend}-{variant}", registry, logdir)
        work = Path(tempfile.mkdtemp(prefix=f"abi-{backend}-{variant}-",
                                     dir=_scratch_base))
        try:
            env = dict(d.env)
            lib = ("libsanlock" if variant == "full" else "libsanlock_client") + ".so.1.0"
            if libdir is None:
                env.pop("LD_LIBRARY_PATH", None)
                env["ABI_EXPECT_LIB"] = str(DEB_LIBDIR / lib)
            else:
                env["LD_LIBRARY_PATH"] = str(libdir)
                env["ABI_EXPECT_LIB"] = str(libdir / lib)
            r = run([abi_programs[variant], work], env=env, timeout=ABI_RUN_TIMEOUT)
            res = AbiRun(backend, variant, r.out + r.err, r.rc, d.log_text(),
                         d.not_implemented())
        finally:
            d.stop()
            shutil.rmtree(work, ignore_errors=True)
        _runs[key] = res
        return res

    yield get
    registry.stop_all()
    _runs.clear()


BACKENDS = ["ours", "mixed", "theirs"]


def judge(run_, group):
    lines = run_.group_lines(group)
    fails = [l for l in lines if l.startswith("FAIL ")]
    hangs = [l for l in lines if l.startswith("HANG ") or
             (l.startswith("smoke ") and " HANG " in l)]
    nosys = [l for l in lines if l.startswith("NOSYS ")]
    oks = [l for l in lines if l.startswith("ok ")]
    report = "\n".join(lines)
    ctx = f"[{run_.backend}/{run_.variant}] group {group}:\n{report}"
    assert group in run_.groups(), \
        f"group {group} never started; output tail:\n" + "\n".join(run_.lines[-30:])
    assert not fails, ctx
    if run_.backend == "ours" and (nosys or hangs):
        reasons = []
        for l in nosys:
            f = l.split()
            reasons.append(f"our daemon answers -ENOSYS (-38) to "
                           f"'{' '.join(f[2:-2])}': request not implemented yet")
        if hangs:
            if not run_.not_implemented:
                pytest.fail(f"a call hung although our daemon implements every "
                            f"request it was sent:\n{ctx}")
            reasons.append(
                f"{'; '.join(hangs)}: our daemon logged requests "
                f"{run_.not_implemented} as not implemented and answered "
                f"-ENOSYS without the reply payload a 3.8.5 caller reads "
                f"(so the library waits)")
        pytest.xfail("; ".join(reasons))
    assert not hangs and not nosys, ctx
    return oks


# Groups that never talk to a daemon: our library (ours) and Debian's
# (theirs, which proves the expectations); the mixed run adds nothing.
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("backend", ["ours", "theirs"])
@pytest.mark.parametrize("group", GROUPS_LOCAL)
def test_abi_local(abi_run, backend, variant, group):
    """Layout, constants, loaded library and the local functions."""
    assert judge(abi_run(backend, variant), group)


@pytest.mark.parametrize("backend", ["ours", "theirs"])
def test_abi_direct(abi_run, backend):
    """sanlock_direct_* (libsanlock only; local disk I/O, no daemon)."""
    assert judge(abi_run(backend, "full"), "direct")


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("group", [g for g in GROUPS_DAEMON if g != "coverage"])
def test_abi_daemon(abi_run, backend, variant, group):
    judge(abi_run(backend, variant), group)


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_abi_every_function_called(abi_run, backend, variant):
    """Every public function of api.md §1.2 (+ the direct ones for
    libsanlock, + the 4 helpers) was called at least once, and the library
    loaded was the one under test."""
    r = abi_run(backend, variant)
    called = {l.split()[1] for l in r.lines if l.startswith("called ")}
    want = set(PUBLIC_FUNCTIONS) | set(HELPER_FUNCTIONS)
    if variant == "full":
        want |= set(DIRECT_FUNCTIONS)
    assert want <= called, sorted(want - called)
    libs = [l.split(None, 1)[1] for l in r.lines if l.startswith("lib ")]
    name = "libsanlock.so.1.0" if variant == "full" else "libsanlock_client.so.1.0"
    expect = (DEB_LIBDIR / name) if backend == "theirs" else (lib_dir() / name)
    assert libs and Path(libs[0]) == expect.resolve(), (libs, expect)
    assert [g for g in r.groups()] == GROUPS_LOCAL + (
        ["direct"] if variant == "full" else []) + GROUPS_DAEMON, r.groups()


def test_debian_cli_on_our_library(built_libs, procs, _private_run_dir):
    """Debian's /usr/sbin/sanlock (which links libsanlock.so.1 and calls
    send_command, api.md §1.2) runs on our library against our daemon and
    prints what it prints on its own."""
    if not os.access(THEIRS_PATH, os.X_OK):
        pytest.skip(f"{THEIRS_PATH} not installed")
    d = BackendDaemon(ours_binary(), "debcli", procs, Path(_private_run_dir))
    try:
        ours_env = dict(d.env, LD_LIBRARY_PATH=str(built_libs))
        a = run([THEIRS_PATH, "client", "version"], env=ours_env)
        b = run([THEIRS_PATH, "client", "version"], env=d.env)
        assert a.rc == b.rc == 0 and a.out == b.out, (a, b)
        assert "daemon version 3.8.5 (0x03080500)" in a.out
        a = run([THEIRS_PATH, "client", "gets"], env=ours_env)
        b = run([THEIRS_PATH, "client", "gets"], env=d.env)
        assert (a.rc, a.out) == (b.rc, b.out), (a, b)
        # the dynamic linker picks our file for it
        r = run(["env", f"LD_LIBRARY_PATH={built_libs}", "ldd", THEIRS_PATH])
        assert str(built_libs) in r.out, r
    finally:
        d.stop()


def test_libwdmd_abi(abi_programs, built_libs, procs):
    """tests/abi/wdmd_check.c, built against Debian's wdmd.h and libwdmd,
    runs on our libwdmd (LD_LIBRARY_PATH) against our wdmd (its test
    backend, a private WDMD_RUN_DIR): connect, register, refcount,
    status (test interval 1, fire timeout 60), arm and disarm, and the
    watchdog never fires."""
    wdmd = build_dir() / "bin" / "wdmd"
    if not os.access(wdmd, os.X_OK):
        pytest.fail(f"{wdmd} is not built")
    prog = build_dir() / "tests" / "abi" / "wdmd_check"
    deps = Path(str(prog) + ".d").read_text()
    assert "/usr/include/wdmd.h" in deps and str(REPO / "include") not in deps, deps
    run_dir = tempfile.mkdtemp(prefix="wd-abi-", dir="/tmp")
    fired = Path(run_dir) / "fired"
    env = dict(os.environ, WDMD_RUN_DIR=run_dir, WDMD_TEST_NO_DEVICE="1")
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True).stdout.strip()
    # Own session: the test backend "fires" by killing wdmd's process group.
    p = procs.start([wdmd, "-D", "-G", group, "--test-backend", fired], env=env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    start_new_session=True)
    try:
        end = time.monotonic() + DAEMON_START_TIMEOUT
        while not (Path(run_dir) / "wdmd.sock").exists():
            assert p.poll() is None, f"wdmd exited {p.returncode}"
            assert time.monotonic() < end, "wdmd did not create its socket"
            time.sleep(0.05)
        r = run([prog], env=dict(env, LD_LIBRARY_PATH=str(built_libs)), timeout=60)
        assert r.rc == 0 and "done 0" in r.out, r
        m = re.search(r"^lib (\S+)$", r.out, re.M)
        assert m and Path(m.group(1)) == (built_libs / "libwdmd.so.1.0").resolve(), r
        os.kill(p.pid, signal.SIGTERM)
        assert p.wait(timeout=DAEMON_STOP_TIMEOUT) == 0
        assert not fired.exists() or fired.read_text() == "", fired.read_text()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
