"""`sanlock direct init/dump/read_leader` on loop block devices with 512- and
4096-byte logical sectors (spec/ondisk.md §6.3: a block device's sector
size is its logical sector size; init without -Z/-A picks 512/1M or
4096/8M).  One device per binary, both pre-filled with the same pattern;
whole devices are compared (read with O_DIRECT).  Skipped with the reason
when loop devices cannot be created here.
"""

import pytest

from helpers import (ALIGN_ARG, MiB, decode_leader, diff_report, masked,
                     model_lockspace_area, model_resource_area, read_all,
                     resource_varies)

pytestmark = pytest.mark.theirs

DEFAULT_ALIGN = {512: 1 * MiB, 4096: 8 * MiB}


def both(ours, theirs, loopdev, ss, size, steps):
    """Make one device per binary; run each step (a function path -> init
    args) with both; return {who: (device, image)}."""
    devs = {"ours": loopdev(ss, size), "theirs": loopdev(ss, size)}
    for step in steps:
        res = {who: b.direct("init", *step(devs[who].path))
               for who, b in (("theirs", theirs), ("ours", ours))}
        t, o = res["theirs"], res["ours"]
        assert (t.rc, t.out) == (0, "init done 0\n"), t
        assert (o.rc, o.out, o.err) == (0, "init done 0\n", ""), f"ours:\n{o}\n3.8.5:\n{t}"
    return {who: (d, read_all(d.path)) for who, d in devs.items()}


@pytest.mark.san
@pytest.mark.parametrize("ss", [512, 4096])
def test_blockdev_init_detects_sizes(ours, theirs, loopdev, ss):
    """No -Z/-A: 4K device -> 4096/8M, 512 device -> 512/1M, 2000 hosts."""
    align = DEFAULT_ALIGN[ss]
    size = 2 * align + MiB
    out = both(ours, theirs, loopdev, ss, size, [
        lambda p: ["-s", f"LS:0:{p}:0"],
        lambda p: ["-r", f"LS:R1:{p}:{align}"],
    ])
    a, b = out["ours"][1], out["theirs"][1]
    v = resource_varies(align, ss)
    rep = diff_report(masked(a, v), masked(b, v), ss=ss, names=("ours", "3.8.5"))
    assert not rep, rep
    led = decode_leader(a[:200])
    assert (led["sector_size"], led["flags"]) == (ss, {1 * MiB: 0x10, 8 * MiB: 0x80}[align])
    assert a[:align] == model_lockspace_area("LS", ss, align)
    assert a[align:2 * align] == model_resource_area("LS", "R1", ss, align)


@pytest.mark.parametrize("align", [1 * MiB, 2 * MiB, 4 * MiB], ids=ALIGN_ARG.get)
def test_blockdev_4k_explicit_sizes(ours, theirs, loopdev, align):
    size = 2 * align + MiB
    z = ["-Z", "4096", "-A", ALIGN_ARG[align]]
    out = both(ours, theirs, loopdev, 4096, size, [
        lambda p: ["-s", f"LS:0:{p}:0", *z],
        lambda p: ["-r", f"LS:R1:{p}:{align}", "-n", "16", *z],
    ])
    a, b = out["ours"][1], out["theirs"][1]
    v = resource_varies(align, 4096)
    rep = diff_report(masked(a, v), masked(b, v), ss=4096, names=("ours", "3.8.5"))
    assert not rep, rep
    assert a[align:2 * align] == model_resource_area("LS", "R1", 4096, align, num_hosts=16)


@pytest.mark.san
@pytest.mark.parametrize("ss", [512, 4096])
def test_blockdev_cross_read(ours, theirs, loopdev, ss):
    """Each binary reads both devices (sizes detected from the records) and
    prints exactly what 3.8.5 prints reading its own."""
    align = DEFAULT_ALIGN[ss]
    out = both(ours, theirs, loopdev, ss, 3 * align, [
        lambda p: ["-s", f"LS:0:{p}:0"],
        lambda p: ["-r", f"LS:R1:{p}:{align}"],
        lambda p: ["-r", f"LS:R2:{p}:{2 * align}", "-n", "3"],
    ])
    queries = [
        ["dump", "{p}"], ["dump", "{p}", "-f", "2"], ["dump", f"{{p}}:{align}:{align}"],
        ["read_leader", "-s", "LS:1:{p}:0"], ["read_leader", "-s", "LS:2000:{p}:0"],
        ["read_leader", "-r", f"LS:R1:{{p}}:{align}"],
        ["read_leader", "-r", f"LS:R2:{{p}}:{2 * align}"],
        ["next_free", "{p}", "-Z", str(ss), "-A", ALIGN_ARG[align]],
    ]
    for q in queries:
        def argv(who):
            return [x.replace("{p}", out[who][0].path) for x in q]
        ref = theirs.direct(*argv("theirs"))
        assert ref.rc == 0, ref
        for reader, writer, b in (("ours", "theirs", ours), ("theirs", "ours", theirs),
                                  ("ours", "ours", ours)):
            got = b.direct(*argv(writer))
            assert (got.rc, got.out, got.err) == (ref.rc, ref.out, ""), \
                f"{reader} reading {writer}'s device:\n{got}\n3.8.5 reading its own:\n{ref}"
