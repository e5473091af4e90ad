#!/usr/bin/python3
"""disk_probe.py - how slow does the test machine's disk get?

Usage: disk_probe.py DIR   (runs until SIGTERM/SIGINT, then prints one line)

Every PROBE_INTERVAL seconds it reads one 4 KiB block at a random offset
of a PROBE_FILE_MB file in DIR and writes one 512-byte sector of it, both
with O_DIRECT (the write also O_DSYNC), as the lease daemons do, and
times each.  On exit it prints

  disk_probe: N probes, read max X s, write max Y s, over 1 s: R reads W writes

so that a test run whose lockspaces (io_timeout 1) failed can tell a
storage stall (probes over 1 s at the same time) from a daemon bug.
scripts/test.sh runs it during the integration tests.  The file is
removed at exit.
"""

import mmap
import os
import random
import signal
import sys
import time

PROBE_INTERVAL = 0.2
PROBE_FILE_MB = 64
SLOW = 1.0           # seconds: the io_timeout of the tests' lockspaces


def main():
    path = os.path.join(sys.argv[1], f"disk_probe.{os.getpid()}")
    with open(path, "wb") as f:
        f.truncate(PROBE_FILE_MB << 20)
    fd = os.open(path, os.O_RDWR | os.O_DIRECT | os.O_DSYNC)
    buf = mmap.mmap(-1, 4096)             # page aligned, as O_DIRECT needs
    wbuf = mmap.mmap(-1, 4096)
    stats = {"n": 0, "rmax": 0.0, "wmax": 0.0, "rslow": 0, "wslow": 0,
             "worst": ""}
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    rng = random.Random(os.getpid())
    try:
        while not stop:
            off = rng.randrange(PROBE_FILE_MB << 8) * 4096
            t0 = time.monotonic()
            os.preadv(fd, [buf], off)
            t1 = time.monotonic()
            os.pwritev(fd, [memoryview(wbuf)[:512]], off)
            t2 = time.monotonic()
            r, w = t1 - t0, t2 - t1
            stats["n"] += 1
            for kind, d in (("r", r), ("w", w)):
                if d > stats[kind + "max"]:
                    stats[kind + "max"] = d
                    if d > SLOW:
                        stats["worst"] = time.strftime("%H:%M:%S")
                if d > SLOW:
                    stats[kind + "slow"] += 1
            time.sleep(PROBE_INTERVAL)
    finally:
        os.close(fd)
        os.unlink(path)
        print(f"disk_probe: {stats['n']} probes, read max {stats['rmax']:.3f} s, "
              f"write max {stats['wmax']:.3f} s, over {SLOW:.0f} s: "
              f"{stats['rslow']} reads {stats['wslow']} writes"
              + (f" (last worst at {stats['worst']})" if stats["worst"] else ""),
              flush=True)


if __name__ == "__main__":
    main()
