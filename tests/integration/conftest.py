"""Fixtures for the integration tests.

Which build is tested: $SANLOCK_BUILD (a build directory relative to the
repository root or absolute; default `build`).  scripts/test.sh runs the
whole suite against build/ and the tests marked `san` against build-san/
(ASan+UBSan).

Fixtures:
  ours        Sanlock for <build>/bin/sanlock (the test fails if not built)
  theirs      Sanlock for Debian's /usr/sbin/sanlock 3.8.5 (skip if missing)
  workdir     per-test directory for lease files, on a file system that
              supports O_DIRECT (pytest's tmp dir, or build/test-tmp when
              /tmp is tmpfs)
  lease_file  factory: lease_file(size, name=..., fill=...) -> Path
  loopdev     factory: loopdev(sector_size, size) -> LoopDevice (skip with
              the reason if losetup is refused; always detached)
  run_dir     factory: run_dir(name) -> short private SANLOCK_RUN_DIR path
              (one per simulated host; sockets need paths < 108 bytes)
  procs       ProcessRegistry: processes started through it are stopped by
              pid at teardown, also when the test fails

Failed tests keep their logs: when a test fails, the `*.log` files of its
workdir (daemon -D output, holder logs) are copied to
$SANLOCK_TEST_KEEP/<test>/ (default build/test-failures) before the
workdir is deleted, at most KEEP_LOG_BYTES per file (the tail).

Isolation: every test runs with SANLOCK_RUN_DIR pointing at a private
directory, so no command can reach a system daemon at /run/sanlock.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from helpers import (REPO, THEIRS_PATH, LoopDevice, LoopDeviceError,
                     ProcessRegistry, Sanlock, make_file, sanitizer_env,
                     supports_o_direct)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "san: also run against the ASan+UBSan build (scripts/test.sh runs "
        "`-m san` with SANLOCK_BUILD=build-san)")
    config.addinivalue_line(
        "markers", "theirs: needs Debian's sanlock 3.8.5 (/usr/sbin/sanlock)")


KEEP_LOG_BYTES = 8 << 20


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        item.sanlock_failed = True


def keep_logs(name, d):
    """Copy the tails of d's *.log files to the failure directory."""
    keep = Path(os.environ.get("SANLOCK_TEST_KEEP",
                               REPO / "build" / "test-failures")) / name
    for f in sorted(d.rglob("*.log")):
        if not f.is_file():
            continue
        dst = keep / f.relative_to(d)
        dst.parent.mkdir(parents=True, exist_ok=True)
        with open(f, "rb") as src, open(dst, "wb") as out:
            size = os.fstat(src.fileno()).st_size
            src.seek(max(0, size - KEEP_LOG_BYTES))
            shutil.copyfileobj(src, out)


def build_dir():
    b = Path(os.environ.get("SANLOCK_BUILD", "build"))
    return b if b.is_absolute() else REPO / b


@pytest.fixture(scope="session")
def ours():
    path = build_dir() / "bin" / "sanlock"
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not built (run `make` or scripts/test.sh)")
    env = sanitizer_env() if build_dir().name.endswith("san") else None
    return Sanlock(path, f"ours({build_dir().name})", env=env)


@pytest.fixture(scope="session")
def theirs():
    if not os.access(THEIRS_PATH, os.X_OK):
        pytest.skip(f"Debian's sanlock 3.8.5 is not installed at {THEIRS_PATH} "
                    "(scripts/deps.sh installs package `sanlock`)")
    return Sanlock(THEIRS_PATH, "theirs(3.8.5)")


@pytest.fixture(scope="session")
def _scratch_base(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    if supports_o_direct(base):
        yield base
        return
    # /tmp on tmpfs: O_DIRECT is refused there, as it would be for sanlock.
    alt = REPO / "build" / "test-tmp" / f"run-{os.getpid()}"
    alt.mkdir(parents=True, exist_ok=True)
    if not supports_o_direct(alt):
        pytest.fail(f"no directory with O_DIRECT support for lease files "
                    f"(tried {base} and {alt})")
    yield alt
    shutil.rmtree(alt, ignore_errors=True)


@pytest.fixture
def workdir(request, _scratch_base):
    name = request.node.name
    for ch in "[]/:\\ ":
        name = name.replace(ch, "_")
    d = Path(tempfile.mkdtemp(prefix=name[:60] + "-", dir=_scratch_base))
    yield d
    if getattr(request.node, "sanlock_failed", False):
        keep_logs(name, d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def lease_file(workdir):
    count = [0]

    def make(size, name=None, fill="pattern"):
        count[0] += 1
        return make_file(workdir / (name or f"lease{count[0]}"), size, fill)
    return make


@pytest.fixture
def loopdev(workdir):
    if os.geteuid() != 0:
        pytest.skip("loop devices need root (losetup)")
    if not shutil.which("losetup"):
        pytest.skip("losetup not installed (package util-linux)")
    devs = []

    def make(sector_size, size, fill="pattern"):
        backing = make_file(workdir / f"loop{len(devs)}-{sector_size}.img",
                            size, fill)
        try:
            d = LoopDevice(backing, sector_size)
        except LoopDeviceError as e:
            pytest.skip(f"cannot create a loop device with {sector_size}-byte "
                        f"sectors: {e}")
        devs.append(d)
        return d
    yield make
    for d in devs:
        d.detach()


@pytest.fixture
def run_dir():
    """Short private directories for SANLOCK_RUN_DIR (AF_UNIX paths are
    limited to 107 bytes, pytest's tmp paths can be longer)."""
    made = []

    def make(name="host"):
        d = Path(tempfile.mkdtemp(prefix=f"sl-{name}-", dir="/tmp"))
        made.append(d)
        return d
    yield make
    for d in made:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def procs():
    reg = ProcessRegistry()
    yield reg
    reg.stop_all()


@pytest.fixture(autouse=True)
def _private_run_dir(monkeypatch):
    d = tempfile.mkdtemp(prefix="sl-run-", dir="/tmp")
    monkeypatch.setenv("SANLOCK_RUN_DIR", d)
    yield d
    shutil.rmtree(d, ignore_errors=True)
