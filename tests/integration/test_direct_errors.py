"""Bad input to `sanlock direct init` (spec/cli.md §1.2-1.4, §1.9): for each
case our binary exits with the same status and prints the same stdout as
Debian's sanlock 3.8.5 (the `init done <rv>` line, parse-error lines, the
§1.3 size-combination message), names the problem in one stderr line (our
addition; 3.8.5 leaves stderr empty, §1.6), and changes NOTHING on disk
(the file is checksummed before and after).

Where 3.8.5 itself writes (a block device too small for the area) only
the exit status and rv are compared, and ours must still write nothing.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import (MiB, assert_ours_stderr, file_digest, make_file, masked, read_all,
                     resource_varies, run)

pytestmark = pytest.mark.theirs

LONG49 = "n" * 49


def check_case(ours, theirs, make_target, argv_fn, want_rv=None, want_rc=1,
               exact_out=None):
    """make_target(who) -> path (or None); argv_fn(path) -> init args."""
    res = {}
    for who, binary in (("theirs", theirs), ("ours", ours)):
        target = make_target(who)
        before = file_digest(target) if target and Path(target).is_file() else None
        r = binary.direct("init", *argv_fn(target))
        after = file_digest(target) if target and Path(target).is_file() else None
        res[who] = r
        if who == "ours":
            assert before == after, f"ours changed the file on bad input:\n{r}"
    o, t = res["ours"], res["theirs"]
    assert t.rc == want_rc, f"3.8.5 no longer behaves as this test expects:\n{t}"
    if want_rv is not None:
        assert t.done_rv("init") == want_rv, f"3.8.5 rv changed:\n{t}"
    if exact_out is not None:
        assert t.out == exact_out, f"3.8.5 output changed:\n{t}"
    assert o.rc == t.rc, f"exit status differs\nours:\n{o}\n3.8.5:\n{t}"
    assert o.out == t.out, f"stdout differs\nours:\n{o}\n3.8.5:\n{t}"
    assert t.err == "", f"3.8.5 wrote to stderr:\n{t}"
    # where 3.8.5 prints only `init done <rv>`, ours must also name the
    # problem (one stderr line); where 3.8.5's stdout already explains
    # (option and size-combination errors) that line is optional
    assert_ours_stderr(o, failing_needs_line=o.done_rv("init") is not None)


@pytest.fixture
def target(workdir):
    """target(who) -> an 8 MiB pattern file private to that binary."""
    def make(who):
        return make_file(workdir / f"{who}.img", 8 * MiB)
    return make


PARSE_CASES = {
    # id: (args with {p} for the lease file, 3.8.5 rv or None, exact 3.8.5 stdout or None)
    "no-s-or-r": ([], -22, "init done -22\n"),
    "s-name-only": (["-s", "LS"], -22, None),
    "s-name-id": (["-s", "LS:0"], -22, None),
    "s-empty": (["-s", ""], -22, None),
    "s-negative-offset": (["-s", "LS:0:{p}:-1"], -22, None),
    "s-unaligned-offset": (["-s", "LS:0:{p}:100"], -22, None),
    "r-unaligned-offset": (["-r", "LS:R1:{p}:100"], -22, None),
    "r-name-only": (["-r", "LS"], -22, "resource arg parse error -6\n\ninit done -22\n"),
    "r-too-short": (["-r", "ab"], -22, "resource arg parse error -6\n\ninit done -22\n"),
    "r-two-colons": (["-r", "LS:R1:{p}"], -22, "resource arg parse error -1\n\ninit done -22\n"),
    "r-bad-offset": (["-r", "LS:R1:{p}:abc"], -22, None),
    "r-no-disk": (["-r", "LS:R1"], -19, None),
    "r-res-name-49": (["-r", f"LS:{LONG49}:{{p}}:0"], -22,
                      "resource arg parse error -1\n\ninit done -22\n"),
    "r-ls-name-49": (["-r", f"{LONG49}:R1:{{p}}:0"], -22, None),
    "r-five-disks": (["-r", "LS:R1:{p}:0:{p}:1048576:{p}:2097152:{p}:3145728:{p}:4194304"],
                     -22, "resource arg parse error -2\n\ninit done -22\n"),
    "r-path-too-long": (["-r", "LS:R1:/" + "d" * 1100 + ":0"], -22, None),
    "s-path-too-long": (["-s", "LS:0:/" + "d" * 1100 + ":0"], -19, None),
    "only-Z-lockspace": (["-s", "LS:0:{p}:0", "-Z", "512"], -1, None),
    "only-Z-resource": (["-r", "LS:R1:{p}:0", "-Z", "4096"], -1, None),
    "unknown-A-ignored": (["-s", "LS:0:{p}:0", "-Z", "4096", "-A", "3M"], -1, None),
}


@pytest.mark.san
@pytest.mark.parametrize("case", list(PARSE_CASES))
def test_init_bad_arguments(ours, theirs, target, case):
    args, rv, exact = PARSE_CASES[case]

    def argv(p):
        return [a.replace("{p}", str(p)) for a in args]
    check_case(ours, theirs, target, argv, want_rv=rv, exact_out=exact)


SIZE_MSG = ("Invalid sector_size/align_size combination ({})\n"
            "Use one of: 512/1M, 4096/1M, 4096/2M, 4096/4M, 4096/8M.\n")


@pytest.mark.san
@pytest.mark.parametrize("opts,pair", [
    (["-A", "2M"], "0/2097152"),
    (["-A", "1M"], "0/1048576"),
    (["-Z", "512", "-A", "2M"], "512/2097152"),
    (["-Z", "512", "-A", "8M"], "512/8388608"),
    (["-Z", "1024", "-A", "1M"], "1024/1048576"),
    (["-Z", "0", "-A", "4M"], "0/4194304"),
    (["-A", "8M", "-Z", "513"], "513/8388608"),
])
@pytest.mark.parametrize("kind", ["-s", "-r"])
def test_init_invalid_size_combination(ours, theirs, target, opts, pair, kind):
    """cli.md §1.3: exact two-line message on stdout, exit 1, no init line."""
    def argv(p):
        lease = f"LS:0:{p}:0" if kind == "-s" else f"LS:R1:{p}:0"
        return [kind, lease, *opts]
    check_case(ours, theirs, target, argv, exact_out=SIZE_MSG.format(pair))


OPTION_CASES = {
    "double-letter": (["-DD"], "unknown option -DD\nspace required before option value\n"),
    "glued-value": (["-o1"], "unknown option -o1\nspace required before option value\n"),
    "positional": (["-s", "LS:0:{p}:0", "extra"],
                   "unknown option extra\nspace required before option value\n"),
    "missing-value": (["-s", "LS:0:{p}:0", "-o"], "option 'o' requires arg\n"),
    "unknown-letter": (["-y", "1"], "unknown option: y\n"),
}


@pytest.mark.san
@pytest.mark.parametrize("case", list(OPTION_CASES))
def test_init_bad_option_tokens(ours, theirs, target, case):
    """cli.md §1.2 option token rules; nothing runs, nothing is written."""
    args, exact = OPTION_CASES[case]
    check_case(ours, theirs, target,
               lambda p: [a.replace("{p}", str(p)) for a in args], exact_out=exact)


# ------------------------------------------------------------ bad targets

@pytest.mark.san
@pytest.mark.parametrize("kind,rv", [("-s", -19), ("-r", -2)])
def test_init_missing_file(ours, theirs, workdir, kind, rv):
    def make(who):
        return workdir / f"{who}-does-not-exist"

    def argv(p):
        return ["-s", f"LS:0:{p}:0"] if kind == "-s" else ["-r", f"LS:R1:{p}:0"]
    check_case(ours, theirs, make, argv, want_rv=rv)
    assert not (workdir / "ours-does-not-exist").exists(), "ours created the file"


@pytest.mark.parametrize("kind,rv", [("-s", -19), ("-r", -2)])
def test_init_missing_directory(ours, theirs, workdir, kind, rv):
    def argv(p):
        return ["-s", f"LS:0:{p}:0"] if kind == "-s" else ["-r", f"LS:R1:{p}:0"]
    check_case(ours, theirs, lambda who: workdir / "no-dir" / who, argv, want_rv=rv)


@pytest.mark.parametrize("kind,rv", [("-s", -19), ("-r", -21)])
def test_init_directory(ours, theirs, workdir, kind, rv):
    def make(who):
        d = workdir / f"{who}-dir"
        d.mkdir()
        return d

    def argv(p):
        return ["-s", f"LS:0:{p}:0"] if kind == "-s" else ["-r", f"LS:R1:{p}:0"]
    check_case(ours, theirs, make, argv, want_rv=rv)
    assert list((workdir / "ours-dir").iterdir()) == []


@pytest.fixture
def immutable(workdir):
    """Files made immutable with chattr +i (root cannot write them either);
    the flag is always removed again so the tmp dir can be deleted."""
    if os.geteuid() != 0:
        pytest.skip("chattr +i needs root")
    if not shutil.which("chattr"):
        pytest.skip("chattr not installed (package e2fsprogs)")
    made = []

    def make(who):
        p = make_file(workdir / f"{who}.img", 8 * MiB)
        r = run(["chattr", "+i", str(p)], timeout=30)
        if r.rc != 0:
            pytest.skip(f"chattr +i refused on this file system: {r.err.strip()}")
        made.append(p)
        return p
    yield make
    for p in made:
        run(["chattr", "-i", str(p)], timeout=30)


@pytest.mark.parametrize("kind,rv", [("-s", -19), ("-r", -1)])
def test_init_immutable_file(ours, theirs, immutable, kind, rv):
    def argv(p):
        return ["-s", f"LS:0:{p}:0"] if kind == "-s" else ["-r", f"LS:R1:{p}:0"]
    check_case(ours, theirs, immutable, argv, want_rv=rv)


@pytest.fixture
def readonly_mount(workdir):
    """A read-only bind mount of a directory holding the lease files;
    always unmounted.  Skips if bind mounts are refused (containers)."""
    if os.geteuid() != 0:
        pytest.skip("bind mounts need root")
    src = workdir / "rw"
    mnt = workdir / "ro"
    src.mkdir()
    mnt.mkdir()
    for who in ("ours", "theirs"):
        make_file(src / f"{who}.img", 8 * MiB)
    r = run(["mount", "--bind", str(src), str(mnt)], timeout=30)
    if r.rc != 0:
        pytest.skip(f"bind mount refused: {r.err.strip()}")
    try:
        r = run(["mount", "-o", "remount,bind,ro", str(mnt)], timeout=30)
        if r.rc != 0:
            pytest.skip(f"read-only remount refused: {r.err.strip()}")
        yield mnt
    finally:
        for _ in range(20):
            if run(["umount", str(mnt)], timeout=30).rc == 0:
                break
            subprocess.run(["sync"])


@pytest.mark.parametrize("kind,rv", [("-s", -19), ("-r", -30)])
def test_init_read_only_mount(ours, theirs, readonly_mount, kind, rv):
    def argv(p):
        return ["-s", f"LS:0:{p}:0"] if kind == "-s" else ["-r", f"LS:R1:{p}:0"]
    check_case(ours, theirs, lambda who: readonly_mount / f"{who}.img", argv, want_rv=rv)


# ------------------------------------------------- block device too small

@pytest.mark.parametrize("kind", ["-s", "-r"])
def test_init_device_smaller_than_area(ours, theirs, loopdev, kind):
    """A 4 MiB device with 4096-byte sectors: the default 4096/8M area does
    not fit.  3.8.5 fails (and has already written part of the device);
    ours must fail with the same exit status and rv and write nothing."""
    res = {}
    for who, binary in (("theirs", theirs), ("ours", ours)):
        dev = loopdev(4096, 4 * MiB)
        before = file_digest(dev.path)
        args = ["-s", f"LS:0:{dev.path}:0"] if kind == "-s" else ["-r", f"LS:R1:{dev.path}:0"]
        res[who] = binary.direct("init", *args)
        if who == "ours":
            assert file_digest(dev.path) == before, f"ours wrote to the device:\n{res[who]}"
    o, t = res["ours"], res["theirs"]
    assert t.rc == 1, t
    assert (o.rc, o.done_rv("init")) == (t.rc, t.done_rv("init")), f"ours:\n{o}\n3.8.5:\n{t}"
    assert_ours_stderr(o, failing_needs_line=True)


def test_init_512_lockspace_on_4k_device(ours, theirs, loopdev):
    """-s ... -Z 512 -A 1M on a device with 4096-byte logical sectors: the
    512-byte rewrite of sector 0 is impossible there.  Same exit status and
    output as 3.8.5 (`init done -22`); 3.8.5 has by then overwritten the
    whole area with a lockspace whose first record has no magic - ours must
    not leave such a half-written area behind (check the sizes first)."""
    res = {}
    for who, binary in (("theirs", theirs), ("ours", ours)):
        dev = loopdev(4096, 4 * MiB)
        before = file_digest(dev.path)
        res[who] = binary.direct("init", "-s", f"LS:0:{dev.path}:0", "-Z", "512", "-A", "1M")
        if who == "ours":
            assert file_digest(dev.path) == before, f"ours wrote to the device:\n{res[who]}"
    o, t = res["ours"], res["theirs"]
    assert t.rc == 1 and t.done_rv("init") == -22, t
    assert (o.rc, o.out) == (t.rc, t.out), f"ours:\n{o}\n3.8.5:\n{t}"
    assert_ours_stderr(o, failing_needs_line=True)


def test_init_512_resource_on_4k_device(ours, theirs, loopdev):
    """-r ... -Z 512 -A 1M on a 4096-byte-sector device: 3.8.5 writes the
    1 MiB area in one aligned write and succeeds; ours writes the same."""
    imgs, res = {}, {}
    for who, binary in (("theirs", theirs), ("ours", ours)):
        dev = loopdev(4096, 4 * MiB)
        res[who] = binary.direct("init", "-r", f"LS:R1:{dev.path}:0", "-Z", "512", "-A", "1M")
        imgs[who] = read_all(dev.path)
    o, t = res["ours"], res["theirs"]
    assert (t.rc, t.out) == (0, "init done 0\n"), t
    assert (o.rc, o.out, o.err) == (t.rc, t.out, ""), f"ours:\n{o}\n3.8.5:\n{t}"
    v = resource_varies(0, 512)
    assert masked(imgs["ours"], v) == masked(imgs["theirs"], v)
