"""`logfile_use_utc` in sanlock.conf (spec/cli.md §2.7, §2.12): the date
and time that start every daemon log line are local time by default and
UTC with `logfile_use_utc = 1`.  Observed on 3.8.5 (its conf file bound
over /etc/sanlock/sanlock.conf in a private mount namespace, TZ=EST5EDT):
the setting applies to every copy of a line - the log file, stderr with
-D and the `client log_dump` buffer - so all three are checked here.

Our daemon runs with TZ=EST5EDT (never UTC: 4 or 5 hours behind) and
SANLOCK_CONF pointing at a conf file with the key set to 0 or 1.  The
wall-clock time printed is compared with the time the test saw around
the daemon's start; the allowed gap is the measured duration of the test
itself plus one second, far below the zone offset.
"""

import calendar
import os
import re
import time

import pytest

from test_messages_lib import Host, wait_for, write_conf

ZONE = "EST5EDT"
ZONE_OFFSETS = (-5 * 3600, -4 * 3600)     # EST, EDT
LINE_RE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \d+ \[\d+\]: ", re.M)
FILE_WAIT = 15     # bound for the log writer thread to reach the file


def wall_times(text):
    """Every line's printed date/time, read as if it were UTC (epoch s)."""
    return [calendar.timegm(time.strptime(m, "%Y-%m-%d %H:%M:%S"))
            for m in LINE_RE.findall(text)]


def assert_zone(text, utc, t0, t1, where):
    """Every printed time lies in [t0, t1] shifted by the expected zone
    offset (0 for UTC), give or take the test's own duration."""
    times = wall_times(text)
    assert times, f"no log lines in {where}:\n{text[:2000]}"
    slack = (t1 - t0) + 1
    offsets = (0,) if utc else ZONE_OFFSETS
    for wt in times:
        ok = any(t0 + off - slack <= wt <= t1 + off + slack for off in offsets)
        assert ok, (f"{where}: time {time.strftime('%F %T', time.gmtime(wt))} "
                    f"is not {'UTC' if utc else ZONE} around "
                    f"{time.strftime('%F %T', time.gmtime(t0))} UTC\n{text[:2000]}")


@pytest.mark.san
@pytest.mark.parametrize("utc", [0, 1], ids=["local", "utc"])
def test_log_timestamps_zone(ours, procs, run_dir, workdir, utc):
    conf = write_conf(workdir / "sanlock.conf", logfile_use_utc=utc)
    rd = run_dir("utc")
    t0 = time.time()
    h = Host(ours, f"utc{utc}", rd, workdir / "daemon.log", procs, conf=conf,
             env={"TZ": ZONE})
    try:
        dump = h.client("log_dump", timeout=30)
        assert dump.out, f"empty log_dump\n{dump}"
        logfile = os.path.join(str(rd), "sanlock.log")
        text = wait_for(
            lambda: (open(logfile).read() if os.path.exists(logfile) and
                     "daemon started" in open(logfile).read() else None),
            FILE_WAIT, "the start-up line in the log file")
        t1 = time.time()
        assert_zone(dump.out, utc, t0, t1, "log_dump")
        assert_zone(h.logtext(), utc, t0, t1, "stderr (-D)")
        assert_zone(text, utc, t0, t1, "log file")
    finally:
        h.stop()
