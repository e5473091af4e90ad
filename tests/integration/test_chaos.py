"""The mixed-cluster chaos test (tests/chaos/chaos.py, tests/chaos/README.md)
in the integration run, plus tests of its holder-log checker.

  test_checker_*            crafted holder logs: overlaps of every kind are
                            reported, legal sequences are not (no daemons)
  test_chaos_mixed_cluster  the real thing for a bounded time (default
                            100 s, $SANLOCK_CHAOS_SECONDS): hosts 1, 2 ours
                            and host 3 Debian's 3.8.5, clients on all of
                            them, client kills, whole-host kills, FUSE
                            faults on hosts 1 and 3; no overlap, progress
                            on every host, and the recovery of both
                            implementations exercised
  test_chaos_negative_control
                            the same machinery with a daemon killed but
                            its clients left running (no watchdog): the
                            checker must report overlaps, so a clean run
                            above means something

The long run is `make chaos CHAOS_SECONDS=N` (mk/chaos.mk).
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys

import pytest

from faultfs import fuse_unavailable_reason
from helpers import REPO, THEIRS_PATH

sys.path.insert(0, str(REPO / "tests" / "chaos"))
import chaos  # noqa: E402

CHAOS_SECONDS = int(os.environ.get("SANLOCK_CHAOS_SECONDS", "100"))
SUMMARY_RE = re.compile(
    r"^chaos: seconds=(\d+) rounds=(\d+) acquires=(\d+) kills_client=(\d+) "
    r"kills_daemon=(\d+) faults=(\d+) overlaps=(\d+)( .*)?$", re.M)

# Hang guard for the driver process (not protocol timing): the start of
# three daemons and their joins, the chaos phase, a join or rejoin still in
# progress at its end, the teardown of every host.
SETUP_MAX = chaos.DAEMON_START_MAX + chaos.JOIN_CMD_MAX
TEARDOWN_MAX = chaos.JOIN_CMD_MAX + 3 * chaos.DEATH_MAX + 30


# ------------------------------------------------------------- the checker

def ns(sec):
    return str(int(sec * 1e9))


def L(t, host, pid, what, res="-", mode="-"):
    return f"{ns(t)} {host} {pid} {what} {res} {mode}"


def test_checker_no_overlap_for_legal_sequences():
    log = [
        L(1.0, 1, 100, "acquire", "R0", "EX"),
        L(1.5, 1, 100, "release", "R0", "EX"),
        L(1.6, 2, 200, "acquire", "R0", "EX"),      # after the release
        L(2.0, 2, 200, "dead"),                     # killed while holding
        L(2.1, 3, 300, "acquire", "R0", "SH"),      # after the death
        L(2.2, 1, 101, "acquire", "R0", "SH"),      # SH beside SH
        L(2.3, 3, 300, "release", "R0", "SH"),
        L(2.3, 3, 300, "sigterm", "R0", "SH"),
        L(2.4, 1, 101, "release", "R0", "SH"),
        L(2.5, 2, 201, "acquire", "R1", "EX"),      # other resource
        L(2.6, 2, 201, "release", "R1", "EX"),
        L(2.6, 2, 201, "dead"),                     # duplicate end: no-op
        L(2.7, 2, "-", "crash"),                    # informative
        L(2.8, 1, 102, "error", "R2", "-202"),
    ]
    r = chaos.check_log(log)
    assert r.overlaps == [], chaos.describe_overlaps(r)
    assert (r.acquires, r.sh_acquires, r.releases, r.holdings) == (5, 2, 4, 5)
    assert r.unterminated == [] and r.errors == {"-202": 1}
    assert r.sigterms == 1 and r.per_host == {"1": 2, "2": 2, "3": 1}


@pytest.mark.parametrize("case", [
    "ex-ex-other-host", "ex-then-sh", "sh-then-ex", "release-after-acquire",
    "dead-too-late", "never-ended", "crash-line-does-not-end",
])
def test_checker_reports_overlap(case):
    base = [L(1.0, 1, 100, "acquire", "R3", "EX")]
    log = {
        "ex-ex-other-host": base + [L(1.2, 3, 300, "acquire", "R3", "EX"),
                                    L(1.3, 3, 300, "release", "R3", "EX"),
                                    L(1.5, 1, 100, "release", "R3", "EX")],
        "ex-then-sh": base + [L(1.2, 2, 200, "acquire", "R3", "SH"),
                              L(1.5, 1, 100, "release", "R3", "EX")],
        "sh-then-ex": [L(1.0, 1, 100, "acquire", "R3", "SH"),
                       L(1.1, 2, 200, "acquire", "R3", "SH"),
                       L(1.15, 2, 200, "release", "R3", "SH"),
                       L(1.2, 3, 300, "acquire", "R3", "EX"),
                       L(1.5, 1, 100, "release", "R3", "SH")],
        # lines out of file order: sorted by time before the replay
        "release-after-acquire": [L(2.0, 2, 200, "acquire", "R3", "EX"),
                                  L(1.0, 1, 100, "acquire", "R3", "EX"),
                                  L(2.000000001, 1, 100, "release", "R3",
                                    "EX")],
        "dead-too-late": base + [L(1.4, 2, 200, "acquire", "R3", "EX"),
                                 L(1.5, 1, 100, "dead")],
        "never-ended": base + [L(50.0, 2, 200, "acquire", "R3", "EX")],
        "crash-line-does-not-end": base + [L(1.1, 1, "-", "crash"),
                                           L(1.2, 2, 200, "acquire", "R3",
                                             "EX")],
    }[case]
    r = chaos.check_log(log)
    assert len(r.overlaps) == 1, (case, chaos.describe_overlaps(r))
    a, b = r.overlaps[0]
    assert a.res == b.res == "R3" and (a.host, a.pid) != (b.host, b.pid)
    assert chaos.describe_overlaps(r)[0].startswith("OVERLAP R3: ")


def test_checker_counts_every_overlap_and_malformed_lines():
    log = [L(1.0, 1, 100, "acquire", "R0", "EX")]
    log += [L(1.0 + i / 100, 2, 200 + i, "acquire", "R0", "SH")
            for i in range(1, 80)]
    log += ["garbage", "1 2 3", ""]
    r = chaos.check_log(log, max_report=10)
    assert len(r.overlaps) == 79 and r.malformed == 2
    lines = chaos.describe_overlaps(r)
    assert len(lines) == 11 and lines[-1] == "... and 69 more overlaps"


def test_checker_cli(tmp_path):
    good = tmp_path / "good.log"
    good.write_text("\n".join([L(1, 1, 1, "acquire", "R0", "EX"),
                               L(2, 1, 1, "release", "R0", "EX")]) + "\n")
    bad = tmp_path / "bad.log"
    bad.write_text("\n".join([L(1, 1, 1, "acquire", "R0", "EX"),
                              L(2, 2, 2, "acquire", "R0", "EX")]) + "\n")
    script = REPO / "tests" / "chaos" / "chaos.py"
    g = subprocess.run([sys.executable, script, "check", good],
                       capture_output=True, text=True, timeout=60)
    b = subprocess.run([sys.executable, script, "check", bad],
                       capture_output=True, text=True, timeout=60)
    assert g.returncode == 0 and "overlaps=0" in g.stdout, g
    assert b.returncode == 1 and "overlaps=1" in b.stdout, b
    assert "OVERLAP R0: EX host 1 pid 1" in b.stdout


# ------------------------------------------------------------ the real run

def _prereqs():
    if not os.access(THEIRS_PATH, os.X_OK):
        pytest.skip(f"Debian's sanlock 3.8.5 is not installed at "
                    f"{THEIRS_PATH}")
    reason = fuse_unavailable_reason()
    if reason:
        pytest.skip(f"FUSE unusable: {reason}")
    b = os.environ.get("SANLOCK_BUILD", "build")
    b = REPO / b if not os.path.isabs(b) else b
    for p in ("bin/sanlock", "tests/chaos_client", "tests/faultfs"):
        if not os.access(b / p, os.X_OK):
            pytest.fail(f"{b / p} is not built (run `make`)")


@contextlib.contextmanager
def kept_on_failure(workdir, name):
    """A failing run's results (holder log, daemon logs, events, lease
    file, binaries) are copied to build/chaos-failed/<name>-<n> before
    pytest removes the work dir."""
    try:
        yield
    except BaseException:
        base = REPO / "build" / "chaos-failed"
        base.mkdir(parents=True, exist_ok=True)
        n = len(list(base.glob(f"{name}-*")))
        dest = base / f"{name}-{n}"
        shutil.copytree(workdir, dest, symlinks=True)
        print(f"\nchaos results kept in {dest}")
        raise


def run_driver(workdir, *args, seconds):
    """Run chaos.py; on a hang, SIGTERM it (it cleans up everything it
    started), then SIGKILL.  Returns (rc, output, summary fields)."""
    cmd = ["/usr/bin/python3", str(REPO / "tests" / "chaos" / "chaos.py"),
           "--seconds", str(seconds), "--out", str(workdir), *args]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = p.communicate(timeout=SETUP_MAX + seconds + TEARDOWN_MAX)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        try:
            out, _ = p.communicate(timeout=TEARDOWN_MAX)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
        pytest.fail(f"chaos.py hung; output:\n{out}")
    m = list(SUMMARY_RE.finditer(out))
    assert m, f"no summary line (rc {p.returncode}):\n{out}"
    last = m[-1]
    fields = dict(kv.split("=", 1) for kv in last.group(0)[7:].split())
    return p.returncode, out, fields


@pytest.mark.theirs
def test_chaos_mixed_cluster(workdir):
    _prereqs()
    with kept_on_failure(workdir, "mixed"):
        _mixed_cluster(workdir)


def _mixed_cluster(workdir):
    rc, out, f = run_driver(workdir, seconds=CHAOS_SECONDS)
    print("\n" + out.strip().splitlines()[-1])
    assert f["overlaps"] == "0", out
    assert rc == 0, out               # also: no daemon died by itself, ...
    assert int(f["rounds"]) > 0 and int(f["acquires"]) > 0
    per_host = dict(kv.split(":") for kv in f["per_host"].split(","))
    assert sorted(per_host) == ["1", "2", "3"], f["per_host"]
    assert all(int(n) > 0 for n in per_host.values()), f["per_host"]
    assert int(f["sh_acquires"]) > 0
    assert int(f["kills_client"]) > 0 and int(f["kills_daemon"]) > 0, out
    assert int(f["faults"]) >= 2, out
    # the opening fault of hosts 1 (ours) and 3 (3.8.5) fails their
    # lockspace; each recovers and rejoins (unless a whole-host kill came
    # first: count at least one)
    assert int(f["ls_failures"]) >= 1 and int(f["rejoins"]) >= 1, out
    # ... and the daemon SIGTERMed a holder (the long holder) that had to
    # give up its lease before the others could take it
    assert int(f["sigterm_releases"]) >= 1, out
    assert f["unterminated"] == "0", out


@pytest.mark.theirs
def test_chaos_negative_control(workdir):
    """Kill host 2's daemon alone (its clients keep holding, as on a host
    whose watchdog is off) and restart it at once: its new generation lets
    everybody take the old leases, and the checker must say so."""
    _prereqs()
    seconds = 3 * chaos.JOIN_FREE_MAX
    rc, out, f = run_driver(workdir, "--mutant", "survivors",
                            seconds=seconds)
    assert int(f["overlaps"]) > 0, out
    assert rc == 1, out
    # host 2's surviving holder may hold SH or EX (seed 2409682013: SH,
    # overlapped by EX holders of hosts 1 and 3)
    assert re.search(r"^OVERLAP R\d: .*(SH|EX) host 2 pid \d+ ", out,
                     re.M), out
