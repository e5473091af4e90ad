"""Smoke run of the side-by-side benchmark (bench/, mk/bench.mk): builds
sanlock-bench with `make bench-build`, runs it with tiny counts against our
daemon+library and Debian's sanlock 3.8.5 daemon+library, and checks that
it prints its comparison table and, last, the summary line

    bench: acquire_p50=R acquire_p99=R release_p50=R throughput32=R io_bytes=R rss=R

and that it leaves no process behind.  No timing is asserted here: the
numbers belong to the benchmark (`make bench`), never to a test.  Skipped
when Debian's sanlock 3.8.5 is not installed.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import build_dir
from helpers import REPO, THEIRS_PATH

MULTIARCH = subprocess.run(["gcc", "-print-multiarch"], capture_output=True,
                           text=True).stdout.strip() or "x86_64-linux-gnu"
PEER_LIB = Path("/usr/lib") / MULTIARCH / "libsanlock.so.1"
BUILD_TIMEOUT = 300
RUN_TIMEOUT = 180          # the run itself takes about 25 s

LAST_LINE = re.compile(
    r"^bench: acquire_p50=(\S+) acquire_p99=(\S+) release_p50=(\S+) "
    r"throughput32=(\S+) io_bytes=(\S+) rss=(\S+)$")
RATIO = re.compile(r"^(\d+\.\d\d|n/a)$")

pytestmark = [
    pytest.mark.theirs,
    pytest.mark.skipif(not (os.access(THEIRS_PATH, os.X_OK)
                            and PEER_LIB.exists()),
                       reason="Debian's sanlock 3.8.5 is not installed"),
]


def _processes_using(run_root):
    """pids of processes whose SANLOCK_RUN_DIR lies under run_root."""
    found = []
    key = f"SANLOCK_RUN_DIR={run_root}".encode()
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            env = (p / "environ").read_bytes()
        except OSError:
            continue
        if any(v.startswith(key) for v in env.split(b"\0")):
            found.append(int(p.name))
    return found


@pytest.fixture(scope="module")
def bench_bin():
    b = build_dir()
    rel = os.path.relpath(b, REPO)
    r = subprocess.run(["make", "-C", str(REPO), "--no-print-directory",
                        f"B={rel}", "bench-build"], capture_output=True,
                       text=True, timeout=BUILD_TIMEOUT)
    assert r.returncode == 0, ("make bench-build failed:\n"
                               + (r.stdout + r.stderr)[-3000:])
    path = b / "bin" / "sanlock-bench"
    assert os.access(path, os.X_OK), f"{path} was not built"
    return path


def test_bench_smoke(bench_bin, workdir):
    b = build_dir()
    for f in (b / "bin" / "sanlock", b / "lib" / "libsanlock.so.1"):
        if not f.exists():
            pytest.fail(f"{f} is not built (run make)")
    wd = Path(workdir) / "bench"
    cmd = [str(bench_bin),
           "--ours-daemon", str(b / "bin" / "sanlock"),
           "--ours-lib", str(b / "lib" / "libsanlock.so.1"),
           "--peer-daemon", THEIRS_PATH, "--peer-lib", str(PEER_LIB),
           "--workdir", str(wd),
           "--phases", "latency,io,tput,held",
           "--iters", "6", "--rounds", "2", "--io-pairs", "2",
           "--clients", "1,2,4", "--tput-secs", "0.5",
           "--tput-rounds", "1", "--tput-res", "8", "--held", "16",
           "--io-timeout", "1"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=RUN_TIMEOUT, cwd=REPO)
    finally:
        left = _processes_using(wd)
    assert not left, f"sanlock-bench left processes behind: {left}"
    out = r.stdout
    assert r.returncode == 0, (f"sanlock-bench exited {r.returncode}:\n"
                               f"{out[-3000:]}\n{r.stderr[-3000:]}")
    header = [l for l in out.splitlines() if l.startswith("| metric")]
    assert header and all(w in header[0] for w in ("ours", "3.8.5", "ratio")), \
        out[-3000:]
    for row in ("acquire latency p50 (ms)", "release latency p50 (ms)",
                "I/O bytes per acquire+release",
                "throughput, 4 clients (pairs/s)", "RSS idle (KiB)",
                "RSS 16 held leases (KiB)"):
        assert f"| {row}" in out, f"row {row!r} missing:\n{out[-3000:]}"
    assert "command: " in out and "load average" in out, out[-3000:]
    last = out.rstrip("\n").splitlines()[-1]
    m = LAST_LINE.match(last)
    assert m, f"last line is not the summary: {last!r}"
    for v in m.groups():
        assert RATIO.match(v), f"bad ratio {v!r} in {last!r}"
