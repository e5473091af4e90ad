"""`sanlock direct init` on regular files: what our binary writes is
byte-identical to what Debian's sanlock 3.8.5 writes, and both match the
spec's model (spec/ondisk.md §3, §6, §8; spec/cli.md §1.3, §1.4, §1.9).

Every comparison uses two identical files pre-filled with a non-uniform
pattern, one written by each binary, and compares the WHOLE files: the area
must be written completely (ondisk.md §6.1: exactly one align size) and
nothing outside it may change.  Only the VARIES fields are masked: request
record padding (bytes 20..23 of sector 1) and, for cleared leases, the
leader's write_timestamp.
"""

import pytest

from helpers import (ALIGN_ARG, COMBOS, MiB, PAXOS_CLEAR, SIZE_TABLE,
                     combo_id, decode_leader, diff_report, masked, model_lockspace_area,
                     model_resource_area, monotime, read_all, resource_varies)

pytestmark = pytest.mark.theirs

TAIL = 1 * MiB   # untouched bytes after the area that must stay as they were


def sz_args(ss, align):
    return ["-Z", str(ss), "-A", ALIGN_ARG[align]]


def init_pair(ours, theirs, lease_file, size, arg_fn, expect_rc=0):
    """Create two identical pattern files, run `direct init` with
    arg_fn(path) on one with each binary; return (ours_bytes, theirs_bytes,
    ours_result, theirs_result)."""
    fo = lease_file(size, name="ours")
    ft = lease_file(size, name="theirs")
    ro = ours.direct("init", *arg_fn(fo))
    rt = theirs.direct("init", *arg_fn(ft))
    assert rt.rc == expect_rc, f"3.8.5 did not behave as the test expects:\n{rt}"
    assert ro.rc == rt.rc, f"exit status differs\nours:\n{ro}\ntheirs:\n{rt}"
    assert ro.out == rt.out, f"stdout differs\nours:\n{ro}\ntheirs:\n{rt}"
    assert ro.err == "" and rt.err == "", f"stderr not empty\n{ro}\n{rt}"
    return read_all(fo), read_all(ft), ro, rt


def assert_same(a, b, ss, names=("ours", "3.8.5"), what=""):
    rep = diff_report(a, b, ss=ss, names=names)
    assert not rep, f"{what} images differ:\n{rep}"


def assert_area(image, offset, area, ss, untouched, what):
    """image[offset:offset+len(area)] == area, every other byte == untouched."""
    end = offset + len(area)
    assert_same(image[offset:end], area, ss, names=("written", "spec model"),
                what=f"{what}: area")
    assert image[:offset] == untouched[:offset], f"{what}: bytes before the area changed"
    assert image[end:] == untouched[end:], f"{what}: bytes after the area changed"


# ------------------------------------------------------------- lockspaces

@pytest.mark.san
@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
@pytest.mark.parametrize("at", [0, 1], ids=["at0", "at1align"])
def test_init_lockspace_identical(ours, theirs, lease_file, combo, at):
    ss, align = combo
    off = at * align
    size = off + align + TAIL
    a, b, _, _ = init_pair(ours, theirs, lease_file, size,
                           lambda p: ["-s", f"LS:0:{p}:{off}", *sz_args(ss, align)])
    assert len(a) == size
    assert_same(a, b, ss, what="lockspace")
    untouched = lease_file(size, name="pristine").read_bytes()
    assert_area(a, off, model_lockspace_area("LS", ss, align), ss, untouched,
                "ours vs spec")
    assert_area(b, off, model_lockspace_area("LS", ss, align), ss, untouched,
                "3.8.5 vs spec")


@pytest.mark.parametrize("io_timeout,stored", [
    ("0", 10), ("1", 1), ("60", 60), ("65535", 65535), ("65536", 0),
    ("70000", 70000 & 0xFFFF), ("-1", 0xFFFF), ("abc", 10), ("5x", 5),
])
def test_init_lockspace_io_timeout(ours, theirs, lease_file, io_timeout, stored):
    """-o is decimal, leniently parsed; 0 means 10 (cli.md §1.3); the delta
    leader stores it as u16 (ondisk.md §3.1)."""
    a, b, _, _ = init_pair(ours, theirs, lease_file, 1 * MiB + TAIL,
                           lambda p: ["-s", f"LS:0:{p}:0", "-o", io_timeout])
    assert_same(a, b, 512, what=f"-o {io_timeout}")
    assert decode_leader(a[:200])["io_timeout"] == stored
    assert a[:1 * MiB] == model_lockspace_area("LS", 512, 1 * MiB, io_timeout=stored)


@pytest.mark.san
def test_init_lockspace_default_sizes_on_file(ours, theirs, lease_file):
    """No -Z/-A on a regular file: 512/1M, 2000 records (ondisk.md §6.3)."""
    a, b, _, _ = init_pair(ours, theirs, lease_file, 3 * MiB,
                           lambda p: ["-s", f"LS:0:{p}:1M"])
    assert_same(a, b, 512, what="lockspace, default sizes")
    assert a[MiB:2 * MiB] == model_lockspace_area("LS", 512, MiB)


@pytest.mark.parametrize("name", [
    "L", "x" * 47, "y" * 48,
    "z" * 49,          # -s truncates silently to 48 bytes (cli.md §1.4)
    "w" * 100,
], ids=["len1", "len47", "len48", "len49", "len100"])
def test_init_lockspace_name_lengths(ours, theirs, lease_file, name):
    a, b, _, _ = init_pair(ours, theirs, lease_file, 1 * MiB + TAIL,
                           lambda p: ["-s", f"{name}:0:{p}:0"])
    assert_same(a, b, 512, what=f"lockspace name of {len(name)} bytes")
    assert a[56:104] == name.encode()[:48].ljust(48, b"\0")


def test_init_lockspace_host_id_ignored(ours, theirs, lease_file):
    """The ID part of -s is ignored by init (ondisk.md §8.1)."""
    a, b, _, _ = init_pair(ours, theirs, lease_file, 1 * MiB + TAIL,
                           lambda p: ["-s", f"LS:17:{p}:0"])
    assert_same(a, b, 512, what="host_id 17")
    assert a[:MiB] == model_lockspace_area("LS", 512, MiB)


def test_init_lockspace_offset_m_suffix(ours, theirs, lease_file):
    """`2M` as offset means 2 MiB (cli.md §1.4.1)."""
    a, b, _, _ = init_pair(ours, theirs, lease_file, 3 * MiB + TAIL,
                           lambda p: ["-s", f"LS:0:{p}:2M"])
    assert_same(a, b, 512, what="offset 2M")
    assert a[2 * MiB:3 * MiB] == model_lockspace_area("LS", 512, MiB)


def test_init_lockspace_sector_aligned_offset(ours, theirs, lease_file):
    """Offsets need only be sector aligned for init (ondisk.md terminology:
    only rindex enforces align-size multiples); 3.8.5 accepts 512."""
    a, b, _, _ = init_pair(ours, theirs, lease_file, 2 * MiB + TAIL,
                           lambda p: ["-s", f"LS:0:{p}:512"])
    assert_same(a, b, 512, what="offset 512")
    assert a[512:512 + MiB] == model_lockspace_area("LS", 512, MiB)


# -------------------------------------------------------------- resources

@pytest.mark.san
@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
@pytest.mark.parametrize("at", [0, 1], ids=["at0", "at1align"])
def test_init_resource_identical(ours, theirs, lease_file, combo, at):
    ss, align = combo
    off = at * align
    size = off + align + TAIL
    a, b, _, _ = init_pair(ours, theirs, lease_file, size,
                           lambda p: ["-r", f"LS:R1:{p}:{off}", *sz_args(ss, align)])
    v = resource_varies(off, ss)
    assert_same(masked(a, v), masked(b, v), ss, what="resource")
    untouched = lease_file(size, name="pristine").read_bytes()
    model = model_resource_area("LS", "R1", ss, align)
    # we write zeros into the padding (ondisk.md §1 item 6: writers should)
    assert a[off + ss + 20:off + ss + 24] == b"\0" * 4
    assert_area(a, off, model, ss, untouched, "ours vs spec")
    assert_area(masked(b, v), off, model, ss, untouched, "3.8.5 vs spec")


@pytest.mark.san
@pytest.mark.parametrize("combo", [(512, MiB), (4096, MiB), (4096, 8 * MiB)],
                         ids=combo_id)
@pytest.mark.parametrize("zval", ["1", "0"])
def test_init_resource_clear(ours, theirs, lease_file, combo, zval):
    """-z with any value, even 0, writes the cleared magic and the clearing
    host's monotime as write_timestamp (ondisk.md §4.9, cli.md §1.3)."""
    ss, align = combo
    before = monotime()
    a, b, _, _ = init_pair(ours, theirs, lease_file, align + TAIL,
                           lambda p: ["-r", f"LS:R1:{p}:0", "-z", zval,
                                      *sz_args(ss, align)])
    after = monotime()
    v = resource_varies(0, ss, clear=True)
    assert_same(masked(a, v), masked(b, v), ss, what=f"cleared resource -z {zval}")
    led = decode_leader(a[:200])
    assert led["magic"] == PAXOS_CLEAR
    assert before <= led["write_timestamp"] <= after, \
        f"write_timestamp {led['write_timestamp']} is not monotime in [{before},{after}]"
    model = model_resource_area("LS", "R1", ss, align, clear=True,
                                write_timestamp=led["write_timestamp"])
    assert_same(a[:align], model, ss, names=("ours", "spec model"),
                what="cleared resource")


@pytest.mark.parametrize("combo", [(512, MiB), (4096, MiB)], ids=combo_id)
@pytest.mark.parametrize("n", ["0", "1", "8", "250", "251", "2000", "2001", "abc"])
def test_init_resource_num_hosts(ours, theirs, lease_file, combo, n):
    """num_hosts = -n if 1 <= n <= max_hosts, else max_hosts (ondisk.md §8.2)."""
    ss, align = combo
    a, b, _, _ = init_pair(ours, theirs, lease_file, align + TAIL,
                           lambda p: ["-r", f"LS:R1:{p}:0", "-n", n,
                                      *sz_args(ss, align)])
    v = resource_varies(0, ss)
    assert_same(masked(a, v), masked(b, v), ss, what=f"-n {n}")
    max_hosts = SIZE_TABLE[combo]
    want = int(n) if n.isdigit() and 1 <= int(n) <= max_hosts else max_hosts
    led = decode_leader(a[:200])
    assert (led["num_hosts"], led["max_hosts"]) == (want, max_hosts)
    assert a[:align] == model_resource_area("LS", "R1", ss, align, num_hosts=want)


def test_init_resource_negative_num_hosts(ours, lease_file):
    """Deliberate difference (README compatibility table): 3.8.5 stores
    `-n -1` as num_hosts 2^64-1, a lease no ballot can use; ours treats it
    like any other out-of-range value and writes max_hosts."""
    p = lease_file(MiB + TAIL)
    r = ours.direct("init", "-r", f"LS:R1:{p}:0", "-n", "-1")
    assert (r.rc, r.out, r.err) == (0, "init done 0\n", ""), r
    assert read_all(p)[:MiB] == model_resource_area("LS", "R1", 512, MiB)


@pytest.mark.san
def test_init_resource_default_sizes_on_file(ours, theirs, lease_file):
    a, b, _, _ = init_pair(ours, theirs, lease_file, 2 * MiB + TAIL,
                           lambda p: ["-r", f"LS:R1:{p}:1048576"])
    v = resource_varies(MiB, 512)
    assert_same(masked(a, v), masked(b, v), 512, what="resource, default sizes")
    assert a[MiB:2 * MiB] == model_resource_area("LS", "R1", 512, MiB)


@pytest.mark.parametrize("ls,res", [
    ("L", "R"), ("a" * 48, "b" * 48), ("LS", "r" * 47), ("", "R"), ("LS", ""),
], ids=["short", "both48", "res47", "empty-ls", "empty-res"])
def test_init_resource_names(ours, theirs, lease_file, ls, res):
    """48-byte names fill the field with no NUL (ondisk.md §1 item 4); empty
    names are accepted by 3.8.5."""
    a, b, _, _ = init_pair(ours, theirs, lease_file, MiB + TAIL,
                           lambda p: ["-r", f"{ls}:{res}:{p}:0"])
    v = resource_varies(0, 512)
    assert_same(masked(a, v), masked(b, v), 512, what=f"names {ls!r}:{res!r}")
    assert a[:MiB] == model_resource_area(ls, res, 512, MiB)


def test_init_resource_two_disks(ours, theirs, lease_file):
    """A resource on two disks: the same area is written on each
    (ondisk.md §8.2 step 3)."""
    files = {who: (lease_file(MiB + TAIL, name=f"{who}-d1"),
                   lease_file(2 * MiB + TAIL, name=f"{who}-d2"))
             for who in ("ours", "theirs")}
    res = {}
    for who, binary in (("ours", ours), ("theirs", theirs)):
        d1, d2 = files[who]
        res[who] = binary.direct("init", "-r", f"LS:R1:{d1}:0:{d2}:1048576")
    assert res["theirs"].out == "init done 0\n", res["theirs"]
    assert (res["ours"].rc, res["ours"].out, res["ours"].err) == (0, "init done 0\n", ""), res["ours"]
    model = model_resource_area("LS", "R1", 512, MiB)
    for i, off in ((0, 0), (1, MiB)):
        a = read_all(files["ours"][i])
        b = read_all(files["theirs"][i])
        v = resource_varies(off, 512)
        assert_same(masked(a, v), masked(b, v), 512, what=f"disk {i + 1}")
        assert a[off:off + MiB] == model


# ---------------------------------------------------------- path handling

@pytest.mark.parametrize("dirname,escaped", [
    ("with:colon", "with\\:colon"),
    ("a:b:c", "a\\:b\\:c"),
    ("with space", "with\\ space"),
    ("colon: and space", "colon\\:\\ and\\ space"),
], ids=["colon", "two-colons", "space", "colon-space"])
def test_init_path_escapes(ours, theirs, workdir, dirname, escaped):
    """A backslash makes the next path character literal; the stored path
    has the backslashes removed (cli.md §1.4)."""
    imgs = {}
    for who, binary in (("ours", ours), ("theirs", theirs)):
        d = workdir / who / dirname
        d.mkdir(parents=True)
        f = d / "leases"
        f.write_bytes(b"\0" * (3 * MiB))
        esc = str(workdir / who / escaped) + "/leases"
        r1 = binary.direct("init", "-s", f"LS:0:{esc}:0")
        r2 = binary.direct("init", "-r", f"LS:R1:{esc}:1048576")
        assert (r1.out, r2.out) == ("init done 0\n", "init done 0\n"), f"{r1}\n{r2}"
        imgs[who] = f.read_bytes()
    v = resource_varies(MiB, 512)
    assert_same(masked(imgs["ours"], v), masked(imgs["theirs"], v), 512,
                what="escaped path")
    assert imgs["ours"][:MiB] == model_lockspace_area("LS", 512, MiB)


# ------------------------------------------------------------ short files

@pytest.mark.parametrize("kind", ["-s", "-r"])
@pytest.mark.parametrize("size", [0, 100 * 1024, MiB - 512])
def test_init_extends_short_file(ours, theirs, lease_file, kind, size):
    """3.8.5 writes the whole area even past the end of a regular file (the
    file grows to offset + align); ours must leave the same file."""
    def args(p):
        return ["-s", f"LS:0:{p}:0"] if kind == "-s" else ["-r", f"LS:R1:{p}:0"]
    a, b, _, _ = init_pair(ours, theirs, lease_file, size, args)
    assert len(b) == MiB, "3.8.5 no longer extends short files?"
    v = resource_varies(0, 512) if kind == "-r" else []
    assert_same(masked(a, v), masked(b, v), 512, what=f"short file {size}")
