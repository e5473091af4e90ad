"""`make install` / `make uninstall` (mk/install.mk): the FHS layout a
distribution package would ship, and that what is installed works.

`make install DESTDIR=<tmp>` (PREFIX /usr) must give:
  /usr/sbin/{sanlock,wdmd}  (+ sanlk-resetd, /usr/bin/sanlk-reset once built)
  /usr/lib/<multiarch>/lib{sanlock,sanlock_client,wdmd}.so.1.0 + .so.1, .so
  /usr/lib/<multiarch>/pkgconfig/libsanlock.pc, libsanlock_client.pc
  /usr/include/{sanlock,sanlock_rv,sanlock_resource,sanlock_admin,
                sanlock_direct,wdmd}.h
  /usr/share/man/man8/{sanlock,wdmd}.8 (+ sanlk-reset(d).8 with the tools)
  /etc/sanlock/sanlock.conf (example, all keys commented out)
  /lib/systemd/system/{sanlock,wdmd}.service (+ sanlk-resetd.service)
Then the installed `sanlock` (LD_LIBRARY_PATH=<tmp>/usr/lib/<multiarch>)
runs version, direct init and a daemon with a lockspace; pkg-config finds
the installed .pc files and a small C program builds against the installed
headers and library and loads that library at run time.

Every daemon runs unprivileged with its own SANLOCK_RUN_DIR and is stopped
by pid at teardown (`procs`), also when the test fails.
"""

import hashlib
import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import build_dir
from helpers import REPO, run

MULTIARCH = subprocess.run(["gcc", "-print-multiarch"], capture_output=True,
                           text=True).stdout.strip()
LIBSUB = f"usr/lib/{MULTIARCH}" if MULTIARCH else "usr/lib"
HEADERS = ["sanlock.h", "sanlock_rv.h", "sanlock_resource.h", "sanlock_admin.h",
           "sanlock_direct.h", "wdmd.h"]
LIBS = ["libsanlock", "libsanlock_client", "libwdmd"]
DAEMON_TIMEOUT = 30
JOIN_TIMEOUT = 60


def make(*args, timeout=600):
    rel = os.path.relpath(build_dir(), REPO)
    r = run(["make", "-C", str(REPO), f"B={rel}", *args], timeout=timeout)
    assert r.rc == 0, f"make {' '.join(args)} failed:\n{r}"
    return r


def reset_tools_built():
    b = build_dir() / "bin"
    return (b / "sanlk-resetd").exists(), (b / "sanlk-reset").exists()


def expected_files():
    resetd, reset = reset_tools_built()
    files = {
        "usr/sbin/sanlock": 0o755,
        "usr/sbin/wdmd": 0o755,
        "etc/sanlock/sanlock.conf": 0o644,
        "usr/share/man/man8/sanlock.8": 0o644,
        "usr/share/man/man8/wdmd.8": 0o644,
        "lib/systemd/system/sanlock.service": 0o644,
        "lib/systemd/system/wdmd.service": 0o644,
        f"{LIBSUB}/pkgconfig/libsanlock.pc": 0o644,
        f"{LIBSUB}/pkgconfig/libsanlock_client.pc": 0o644,
    }
    for h in HEADERS:
        files[f"usr/include/{h}"] = 0o644
    for lib in LIBS:
        files[f"{LIBSUB}/{lib}.so.1.0"] = 0o644
    if resetd:
        files["usr/sbin/sanlk-resetd"] = 0o755
        files["usr/share/man/man8/sanlk-resetd.8"] = 0o644
        files["lib/systemd/system/sanlk-resetd.service"] = 0o644
    if reset:
        files["usr/bin/sanlk-reset"] = 0o755
        files["usr/share/man/man8/sanlk-reset.8"] = 0o644
    return files


def expected_links():
    links = {}
    for lib in LIBS:
        links[f"{LIBSUB}/{lib}.so.1"] = f"{lib}.so.1.0"
        links[f"{LIBSUB}/{lib}.so"] = f"{lib}.so.1.0"
    return links


def tree(root):
    """{relative path: ('f', mode, sha256) | ('l', target)} of files/links."""
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = ("l", os.readlink(p))
            else:
                out[rel] = ("f", stat.S_IMODE(p.stat().st_mode),
                            hashlib.sha256(p.read_bytes()).hexdigest())
    return out


@pytest.fixture(scope="module")
def dest(tmp_path_factory):
    d = tmp_path_factory.mktemp("destdir")
    make("install", f"DESTDIR={d}")
    return d


@pytest.fixture
def inst_env(dest, _private_run_dir):
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = str(dest / LIBSUB)
    env["SANLOCK_RUN_DIR"] = _private_run_dir
    env["SANLOCK_PRIVILEGED"] = "0"
    return env


# ------------------------------------------------------------ layout

def test_layout(dest):
    got = tree(dest)
    files = expected_files()
    links = expected_links()
    assert set(got) == set(files) | set(links), \
        (sorted(set(got) - set(files) - set(links)),
         sorted(set(files) | set(links) - set(got)))
    for rel, mode in files.items():
        assert got[rel][0] == "f" and got[rel][1] == mode, (rel, got[rel])
    for rel, target in links.items():
        assert got[rel] == ("l", target), (rel, got[rel])


def test_installed_files_are_the_built_ones(dest):
    b = build_dir()
    same = [("usr/sbin/sanlock", b / "bin" / "sanlock"),
            ("usr/sbin/wdmd", b / "bin" / "wdmd")]
    same += [(f"{LIBSUB}/{lib}.so.1.0", b / "lib" / f"{lib}.so.1.0") for lib in LIBS]
    same += [(f"usr/include/{h}", REPO / "include" / h) for h in HEADERS]
    same += [(f"usr/share/man/man8/{m}", REPO / "packaging" / "man" / m)
             for m in ("sanlock.8", "wdmd.8")]
    same += [("etc/sanlock/sanlock.conf", REPO / "packaging" / "sanlock.conf")]
    for rel, src in same:
        assert (dest / rel).read_bytes() == src.read_bytes(), rel


def test_install_is_idempotent(dest, tmp_path):
    before = tree(dest)
    make("install", f"DESTDIR={dest}")
    assert tree(dest) == before


def test_install_keeps_existing_config(tmp_path):
    d = tmp_path / "root"
    conf = d / "etc" / "sanlock" / "sanlock.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("use_watchdog = 0\n")
    make("install", f"DESTDIR={d}")
    assert conf.read_text() == "use_watchdog = 0\n"
    # uninstall removes everything else and keeps the modified config
    make("uninstall", f"DESTDIR={d}")
    left = tree(d)
    assert left == {"etc/sanlock/sanlock.conf": left["etc/sanlock/sanlock.conf"]}


def test_uninstall(tmp_path):
    d = tmp_path / "root"
    make("install", f"DESTDIR={d}")
    assert tree(d)
    make("uninstall", f"DESTDIR={d}")
    assert tree(d) == {}, tree(d)
    make("uninstall", f"DESTDIR={d}")      # again: nothing to do, no error


def test_prefix(tmp_path):
    """PREFIX moves programs, libraries, headers, man pages and the
    ExecStart of the units; /etc and the unit directory stay."""
    d = tmp_path / "root"
    make("install", f"DESTDIR={d}", "PREFIX=/usr/local")
    lib = f"usr/local/lib/{MULTIARCH}" if MULTIARCH else "usr/local/lib"
    for rel in ("usr/local/sbin/sanlock", "usr/local/sbin/wdmd",
                f"{lib}/libsanlock.so.1.0", "usr/local/include/sanlock.h",
                "usr/local/share/man/man8/sanlock.8", "etc/sanlock/sanlock.conf",
                "lib/systemd/system/sanlock.service"):
        assert (d / rel).exists(), rel
    unit = (d / "lib/systemd/system/sanlock.service").read_text()
    assert re.search(r"^ExecStart=/usr/local/sbin/sanlock daemon", unit, re.M), unit
    pc = (d / lib / "pkgconfig" / "libsanlock.pc").read_text()
    assert "prefix=/usr/local\n" in pc, pc
    make("uninstall", f"DESTDIR={d}", "PREFIX=/usr/local")
    assert tree(d) == {}


# ------------------------------------------------------------ the programs

def test_installed_sanlock_version(dest, inst_env):
    r = run([dest / "usr/sbin/sanlock", "version"], env=inst_env)
    assert (r.rc, r.out, r.err) == (0, "3.8.5\n", "")
    r = run([dest / "usr/sbin/wdmd", "--version"], env=inst_env)
    assert r.rc == 0 and r.out == "wdmd version 3.8.5\n", r


def test_installed_direct_init(dest, inst_env, lease_file):
    f = lease_file(1 << 20, fill="zero")
    r = run([dest / "usr/sbin/sanlock", "direct", "init", "-s", f"LS:0:{f}:0"],
            env=inst_env)
    assert (r.rc, r.out) == (0, "init done 0\n"), r
    r = run([dest / "usr/sbin/sanlock", "direct", "read_leader", "-s",
             f"LS:1:{f}:0"], env=inst_env)
    assert r.rc == 0 and "magic 0x12212010" in r.out, r


def test_installed_daemon_lockspace(dest, inst_env, lease_file, procs):
    sanlock = str(dest / "usr/sbin/sanlock")
    f = lease_file(1 << 20, fill="zero")
    ls = f"LS:1:{f}:0"
    r = run([sanlock, "direct", "init", "-o", "1", "-s", f"LS:0:{f}:0"], env=inst_env)
    assert r.rc == 0, r
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True).stdout.strip()
    p = procs.start([sanlock, "daemon", "-D", "-w", "0", "-l", "0", "-h", "0",
                     "-U", user, "-G", group], env=inst_env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + DAEMON_TIMEOUT
    while True:
        r = run([sanlock, "client", "version"], env=inst_env, timeout=10)
        if "daemon version 3.8.5" in r.out:
            break
        assert p.poll() is None, f"daemon exited {p.returncode}"
        assert time.monotonic() < end, r
        time.sleep(0.1)
    r = run([sanlock, "client", "add_lockspace", "-o", "1", "-s", ls],
            env=inst_env, timeout=JOIN_TIMEOUT)
    assert r.rc == 0 and r.done_rv("add_lockspace_timeout") == 0, r
    r = run([sanlock, "client", "inq_lockspace", "-s", ls], env=inst_env)
    assert r.done_rv("inq_lockspace") == 0, r
    r = run([sanlock, "client", "gets"], env=inst_env)
    assert r.out.startswith(f"s {ls}"), r
    r = run([sanlock, "client", "rem_lockspace", "-s", ls], env=inst_env,
            timeout=JOIN_TIMEOUT)
    assert r.rc == 0 and r.done_rv("rem_lockspace") == 0, r
    r = run([sanlock, "client", "shutdown", "-w", "1"], env=inst_env)
    assert r.rc == 0 and r.done_rv("shutdown") == 0, r
    assert p.wait(timeout=DAEMON_TIMEOUT) == 0


# ------------------------------------------------------------ development

def pkg_config(dest, *args, define_prefix=True):
    env = dict(os.environ, PKG_CONFIG_PATH=str(dest / LIBSUB / "pkgconfig"))
    env.pop("PKG_CONFIG_LIBDIR", None)
    extra = [f"--define-variable=prefix={dest}/usr"] if define_prefix else []
    r = run(["pkg-config", *extra, *args], env=env, timeout=60)
    return r


@pytest.fixture(scope="module")
def have_pkg_config():
    if not shutil.which("pkg-config"):
        pytest.skip("pkg-config is not installed (package pkgconf)")


@pytest.mark.parametrize("pc,lib", [("libsanlock", "sanlock"),
                                    ("libsanlock_client", "sanlock_client")])
def test_pkg_config(dest, have_pkg_config, pc, lib):
    r = pkg_config(dest, "--modversion", pc)
    assert (r.rc, r.out) == (0, "3.8.5\n"), r
    # As installed (prefix /usr): the real paths a package would have.
    r = pkg_config(dest, "--variable=libdir", pc, define_prefix=False)
    assert r.out.strip() == f"/{LIBSUB}", r
    r = pkg_config(dest, "--variable=includedir", pc, define_prefix=False)
    assert r.out.strip() == "/usr/include", r
    # Relocated into the staging tree.
    r = pkg_config(dest, "--cflags", pc)
    assert r.rc == 0 and r.out.split() == [f"-I{dest}/usr/include"], r
    r = pkg_config(dest, "--libs", pc)
    assert r.rc == 0 and r.out.split() == [f"-L{dest}/{LIBSUB}", f"-l{lib}"], r
    r = pkg_config(dest, "--print-requires", pc)
    assert r.rc == 0 and r.out.strip() == "", r


PROGRAM = r'''
#define _GNU_SOURCE     /* dladdr */
/* Built against the INSTALLED headers: sanlock_admin.h alone must be
 * enough (our headers are self-contained; 3.8.5's were not). */
#include <sanlock_admin.h>
#include <sanlock_resource.h>
#include <sanlock_rv.h>
#ifdef WITH_DIRECT
#include <sanlock_direct.h>
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    struct sanlk_resource *res = NULL;
    char str[] = "LS:R1:/dev/x:1048576:5";
    uint32_t version = 0, proto = 0;
    Dl_info info;
    int rv;

    if (sanlock_str_to_res(str, &res) || res->lver != 5)
        return 10;
    free(res);
    if (strcmp(sanlock_strerror(SANLK_LEADER_MAGIC), "Lease does not exist on storage"))
        return 11;
    rv = sanlock_version(0, &version, &proto);
    if (!dladdr((void *)&sanlock_version, &info))
        return 12;
#ifdef WITH_DIRECT
    {
        struct sanlk_disk d;
        memset(&d, 0, sizeof(d));
        strcpy(d.path, "/nonexistent/x");
        if (sanlock_direct_align(&d) != -2)
            return 13;
    }
#endif
    printf("lib %s\nversion %d 0x%08x %u\n", info.dli_fname, rv, version, proto);
    return 0;
}
'''


@pytest.mark.parametrize("pc", ["libsanlock", "libsanlock_client"])
def test_build_against_installed(dest, have_pkg_config, inst_env, tmp_path, pc):
    if not shutil.which("gcc"):
        pytest.skip("gcc is not installed")
    src = tmp_path / "prog.c"
    src.write_text(PROGRAM)
    cflags = pkg_config(dest, "--cflags", pc).out.split()
    libs = pkg_config(dest, "--libs", pc).out.split()
    defs = ["-DWITH_DIRECT"] if pc == "libsanlock" else []
    exe = tmp_path / "prog"
    r = run(["gcc", "-std=gnu11", "-Wall", "-Werror", *defs, *cflags,
             "-MD", "-MF", tmp_path / "prog.d", "-o", exe, src, *libs, "-ldl"],
            timeout=120)
    assert r.rc == 0, r
    deps = (tmp_path / "prog.d").read_text()
    assert f"{dest}/usr/include/sanlock_admin.h" in deps, deps
    assert " /usr/include/sanlock" not in deps, deps
    # Run against the installed library (no daemon: version gives -ENOENT).
    r = run([exe], env=inst_env)
    assert r.rc == 0, r
    lib = "libsanlock.so.1" if pc == "libsanlock" else "libsanlock_client.so.1"
    m = re.search(r"^lib (\S+)$", r.out, re.M)
    assert m and Path(m.group(1)).resolve() == (dest / LIBSUB / lib).resolve(), r
    assert "version -2 0x00000000 0" in r.out, r


# ------------------------------------------------------------ packaging files

def test_units_verify(dest, tmp_path):
    """systemd-analyze verify finds nothing to complain about (ExecStart
    pointed into the staging tree so the binaries exist)."""
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    units = sorted((dest / "lib/systemd/system").glob("*.service"))
    assert units
    for u in units:
        text = u.read_text().replace("/usr/sbin/", f"{dest}/usr/sbin/")
        t = tmp_path / u.name
        t.write_text(text)
        r = run(["systemd-analyze", "verify", "--man=no", t], timeout=60)
        assert r.rc == 0 and r.out == "" and r.err == "", r
    sl = (dest / "lib/systemd/system/sanlock.service").read_text()
    for line in ("Type=forking", "SendSIGKILL=no", "After=wdmd.service"):
        assert re.search(rf"^{re.escape(line)}", sl, re.M) or line in sl, line
    assert re.search(r"^ExecStart=/usr/sbin/sanlock daemon\b", sl, re.M), sl


def test_man_pages_render(dest):
    pages = sorted((dest / "usr/share/man/man8").glob("*.8"))
    assert pages
    for p in pages:
        if shutil.which("groff"):
            r = run(["groff", "-man", "-Tutf8", "-ww", "-z", p], timeout=60)
            assert r.rc == 0 and r.err == "", r
        if shutil.which("man"):
            env = dict(os.environ, MANWIDTH="80")
            env.pop("MAN_KEEP_FORMATTING", None)
            r = run(["man", "-l", p], env=env, timeout=60)
            assert r.rc == 0, r
            name = p.stem.upper()
            assert r.out.lstrip().startswith(f"{name}(8)"), r.out[:200]
            for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS",
                            "SEE ALSO"):
                assert re.search(rf"^{section}$", r.out, re.M), (p, section)


# spec/cli.md §2.12 and the extensions this project reads.
CONF_KEYS = ["quiet_fail", "debug_renew", "use_aio", "logfile_priority",
             "logfile_use_utc", "syslog_priority", "names_log_priority",
             "use_watchdog", "high_priority", "mlock_level", "sh_retries",
             "uname", "gname", "our_host_name", "renewal_read_extend_sec",
             "write_init_io_timeout", "renewal_history_size",
             "paxos_debug_all", "debug_io", "debug_clients", "debug_cmd",
             "max_sectors_kb", "max_worker_threads",
             "io_timeout", "watchdog_fire_timeout", "kill_grace_seconds",
             "message_timeout", "accept_wd_reset"]


def test_config_example(dest, inst_env):
    conf = dest / "etc/sanlock/sanlock.conf"
    lines = conf.read_text().splitlines()
    assert all(l == "" or l.startswith("#") for l in lines), \
        [l for l in lines if l and not l.startswith("#")]
    assert all(len(l) <= 127 for l in lines)
    for key in CONF_KEYS:
        assert any(re.match(rf"^#{key} =", l) for l in lines), key
    # Reading it changes nothing: all keys are comments.
    env = dict(inst_env, SANLOCK_CONF=str(conf))
    r = run([dest / "usr/sbin/sanlock", "version"], env=env)
    assert (r.rc, r.out) == (0, "3.8.5\n"), r


def test_installed_runs_demo(dest, tmp_path):
    """The installed sanlock runs README's demo (three hosts, take-over)."""
    from test_demo import check_account, run_demo
    check_account(run_demo(dest / "usr/sbin/sanlock", tmp_path / "demo"))
