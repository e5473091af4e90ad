"""README's main command: scripts/demo.sh runs three simulated hosts (our
daemons) on one lease file; host1 holds vm1, host2 is refused, host1 is
killed, host2 takes vm1 over only after host_dead_seconds (68 s at
io_timeout 1, W 60).  The script itself checks the take-over and exits 0;
here we run it against the build under test and check its account."""
import os
import re
import subprocess

import pytest

from helpers import REPO

HOST_DEAD = 8 * 1 + 60
# join 2 s + take-over after at most HOST_DEAD + 2*io from the crash, plus
# the demo's own polling; generous upper bound, a hang is the failure mode
DEMO_LIMIT = HOST_DEAD + 120


def run_demo(sanlock, workdir):
    env = dict(os.environ, DEMO_NO_BUILD="1", SANLOCK=str(sanlock),
               DEMO_DIR=str(workdir))
    return subprocess.run([str(REPO / "scripts" / "demo.sh")], env=env,
                          capture_output=True, text=True, timeout=DEMO_LIMIT)


def check_account(r):
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "acquire done -243" in out          # host2 refused while host1 lives
    m = re.search(r"host2 holds vm1 \(attempt \d+\), (\d+) s after host1 crashed", out)
    assert m, out
    # host1's last renewal was at most 2*io before the kill
    assert int(m.group(1)) >= HOST_DEAD - 2, out
    # on disk: vm1's leader names host_id 2 with lver 2
    assert re.search(r"^01048576 +demo +vm1 +\d+ 0002 0001 2$", out, re.M), out


def test_demo(ours, tmp_path):
    check_account(run_demo(ours.path, tmp_path / "demo"))
