"""`sanlock direct acquire -r RESOURCE -i HOST_ID -g GEN [-n N]` and
`sanlock direct release -r RESOURCE` (spec/cli.md §1.9; algorithms.md
§5-§7) against Debian's sanlock 3.8.5 as a black box.

How the comparison works: a lease area is laid out once (by 3.8.5's
`direct init`, or crafted), copied for each binary, and the same command
is run by ours on one copy and by 3.8.5 on the other.  stdout and the
exit status must be identical; the two images must be byte-identical
except the values that come from the clock (leader timestamp,
write_timestamp and checksum; dblock inp3 and checksum of the acting
host), and every record must still verify.  In the interop sequences the
two binaries take turns on the same image, each reading what the other
wrote.

What 3.8.5 does (observed) and the deviations ours makes on purpose
(README compatibility table, cli/direct_acquire.c, cli/direct_release.c):
  * acquire: free / own (same host_id and generation) / left by an older
    generation of ours -> taken; held by anyone else -> -241 at once (no
    lockspace to judge liveness), nothing written; -n, `:lver` and `:SH`
    ignored.
  * release acts as host_id 0 generation 0 (-i/-g ignored): a lease last
    written by another host -> 0 and nothing written; a free lease -> -251;
    a lease of host 0 (3.8.5's acquire without -i/-g) -> freed.
  * ours refuses host_id 0 / generation 0 (3.8.5 acquires as host 0 and
    writes its dblock over the request record), exclusive acquire beside
    shared holders (3.8.5 takes it, ours -11), -Z/-A that contradict the
    lease (3.8.5 mostly -214, by chance 0), a missing disk of several, and
    no -r (3.8.5 crashes).  Bad input changes nothing on disk.
"""

import os
import shutil
import struct
import time

import pytest

from helpers import (ALIGN_ARG, MiB, assert_ours_stderr, decode_leader,
                     diff_report, file_digest, make_file, masked,
                     sanlock_crc)

pytestmark = pytest.mark.theirs

LS, RES = "LSA", "RES1"
IO_DEFAULT = 10               # direct io timeout without -o (cli.md §1.3)
W = 60                        # 3.8.5 watchdog fire timeout
# A held lease must be refused at once: any owner wait would last
# host_dead_seconds = 8 * io + W (algorithms.md §5.4).
NO_WAIT_BOUND = 8 * IO_DEFAULT + W

SANLK_LEADER_MAGIC = -223
SANLK_LEADER_LOCKSPACE = -226
SANLK_LEADER_RESOURCE = -227
SANLK_LEADER_NUMHOSTS = -228
SANLK_DBLOCK_CHECKSUM = -214
SANLK_ACQUIRE_LOCKSPACE = -241
SANLK_RELEASE_OWNER = -251
EMSGSIZE, EINVAL, ENOENT, EAGAIN = 90, 22, 2, 11


# ------------------------------------------------------------------ images

def init_area(theirs, path, ss=512, align=MiB, offset=0, extra=()):
    z = ["-Z", str(ss), "-A", ALIGN_ARG[align]] if ss != 512 or align != MiB else []
    r = theirs.direct("init", "-r", f"{LS}:{RES}:{path}:{offset}", *z, *extra)
    assert r.rc == 0 and r.out == "init done 0\n", r
    return path


def clock_ranges(offset, ss, host_ids):
    """Bytes written from the clock: leader timestamp, checksum,
    write_timestamp; for each acting host its dblock inp3 and checksum."""
    v = [(offset + 152, offset + 160), (offset + 168, offset + 172),
         (offset + 192, offset + 200)]
    for h in host_ids:
        base = offset + (h + 1) * ss
        v += [(base + 32, base + 40), (base + 48, base + 52)]
    return v


def read(path):
    with open(path, "rb") as f:
        return f.read()


def leader_at(path, offset=0):
    return decode_leader(read(path)[offset:offset + 200])


def dblock_at(path, host_id, offset=0, ss=512):
    b = read(path)[offset + (host_id + 1) * ss:offset + (host_id + 1) * ss + 56]
    mbal, bal, inp, inp2, inp3, lver, csum, flags = struct.unpack("<6QII", b)
    return dict(mbal=mbal, bal=bal, inp=inp, inp2=inp2, inp3=inp3, lver=lver,
                checksum=csum, flags=flags, raw=b)


def assert_records_valid(path, host_ids, offset=0, ss=512):
    """The leader and the acting hosts' dblocks carry correct checksums."""
    data = read(path)
    lr = data[offset:offset + 200]
    assert struct.unpack_from("<I", lr, 168)[0] == sanlock_crc(lr[:168]), \
        f"{path}: leader checksum wrong"
    for h in host_ids:
        db = dblock_at(path, h, offset, ss)
        if db["mbal"] or db["lver"]:
            assert db["checksum"] == sanlock_crc(db["raw"][:48]), \
                f"{path}: dblock {h} checksum wrong"


def assert_same_images(a, b, ranges, what):
    da, db = masked(read(a), ranges), masked(read(b), ranges)
    assert da == db, f"{what}: images differ beyond clock values\n" + \
        diff_report(da, db, names=("ours", "3.8.5"))


class Pair:
    """One starting image copied for each binary."""

    def __init__(self, workdir, src, name="img"):
        self.paths = {}
        for who in ("ours", "theirs"):
            p = workdir / f"{name}-{who}"
            shutil.copyfile(src, p)
            self.paths[who] = p

    def run(self, ours, theirs, action, argv_fn):
        """Same command on both copies; argv_fn(path) -> args."""
        out = {}
        for who, binary in (("theirs", theirs), ("ours", ours)):
            out[who] = binary.direct(action, *argv_fn(self.paths[who]))
        return out["ours"], out["theirs"]


def same_output(o, t):
    assert o.rc == t.rc and o.out == t.out, \
        f"output differs\nours:\n{o}\n3.8.5:\n{t}"
    assert t.err == "", f"3.8.5 wrote to stderr:\n{t}"
    assert_ours_stderr(o, failing_needs_line=True)


def res_arg(path, offset=0, ls=LS, res=RES, suffix=None):
    s = f"{ls}:{res}:{path}:{offset}"
    return s + (f":{suffix}" if suffix is not None else "")


# ------------------------------------------------------------- free lease

@pytest.mark.parametrize("ss,align", [(512, MiB), (4096, MiB), (4096, 8 * MiB)],
                         ids=["512-1M", "4096-1M", "4096-8M"])
def test_acquire_free_same_bytes(ours, theirs, workdir, ss, align):
    src = init_area(theirs, make_file(workdir / "src", 2 * align), ss, align,
                    offset=align)
    pair = Pair(workdir, src)
    o, t = pair.run(ours, theirs, "acquire",
                    lambda p: ["-r", res_arg(p, align), "-i", "3", "-g", "5"])
    same_output(o, t)
    assert t.out == "acquire done 0\n"
    assert_same_images(pair.paths["ours"], pair.paths["theirs"],
                       clock_ranges(align, ss, [3]), "acquire of a free lease")
    for who, p in pair.paths.items():
        assert_records_valid(p, [3], align, ss)
        lr = leader_at(p, align)
        assert (lr["owner_id"], lr["owner_generation"], lr["lver"]) == (3, 5, 1)
        assert (lr["write_id"], lr["write_generation"]) == (3, 5)
        assert lr["timestamp"] != 0
        db = dblock_at(p, 3, align, ss)
        assert (db["mbal"], db["bal"], db["inp"], db["inp2"], db["lver"]) == \
            (3, 3, 3, 5, 1)
    # each binary reads what the other wrote
    for reader in (ours, theirs):
        for p in pair.paths.values():
            r = reader.direct("read_leader", "-r", res_arg(p, align))
            assert r.rc == 0 and "owner_id 3\n" in r.out, r


def test_acquire_multi_disk_same_bytes(ours, theirs, workdir):
    srcs = [make_file(workdir / f"d{i}", MiB) for i in range(3)]
    r = theirs.direct("init", "-r", f"{LS}:{RES}:" +
                      ":".join(f"{p}:0" for p in srcs))
    assert r.rc == 0, r
    paths = {who: [workdir / f"d{i}-{who}" for i in range(3)]
             for who in ("ours", "theirs")}
    for who in paths:
        for s, d in zip(srcs, paths[who]):
            shutil.copyfile(s, d)
    res = {who: f"{LS}:{RES}:" + ":".join(f"{p}:0" for p in ps)
           for who, ps in paths.items()}
    t = theirs.direct("acquire", "-r", res["theirs"], "-i", "2", "-g", "7")
    o = ours.direct("acquire", "-r", res["ours"], "-i", "2", "-g", "7")
    same_output(o, t)
    assert t.out == "acquire done 0\n"
    for a, b in zip(paths["ours"], paths["theirs"]):
        assert_same_images(a, b, clock_ranges(0, 512, [2]), f"disk {a.name}")
        assert leader_at(a)["owner_id"] == 2


def test_options_ignored_like_385(ours, theirs, workdir):
    """-n, `:lver` and `:SH` do not change what 3.8.5's direct acquire
    does (a plain exclusive acquire; num_hosts unchanged): same here.
    -o above our per-I/O bound is accepted too."""
    src = init_area(theirs, make_file(workdir / "src", MiB))
    for extra, suffix in ((["-n", "5"], None), (["-n", "-1"], None),
                          ([], "7"), ([], "SH"), (["-o", "300"], None)):
        pair = Pair(workdir, src, name=f"img{extra}{suffix}")
        o, t = pair.run(ours, theirs, "acquire",
                        lambda p: ["-r", res_arg(p, suffix=suffix), "-i", "4",
                                   "-g", "2", *extra])
        same_output(o, t)
        assert t.out == "acquire done 0\n"
        assert_same_images(pair.paths["ours"], pair.paths["theirs"],
                           clock_ranges(0, 512, [4]), f"{extra} {suffix}")
        assert leader_at(pair.paths["ours"])["num_hosts"] == 2000


# ------------------------------------------------- interop sequences

# (action, args, expected rv): host 3 gen 5 takes it, takes it again (same
# incarnation: next version), a newer generation of host 3 takes it over,
# host 4 and the older generation are refused at once, release as 3.8.5
# does it (no write: the leader was written by host 3).
SEQUENCE = [
    ("acquire", ["-i", "3", "-g", "5"], 0),
    ("acquire", ["-i", "3", "-g", "5"], 0),
    ("acquire", ["-i", "3", "-g", "6"], 0),
    ("acquire", ["-i", "4", "-g", "1"], SANLK_ACQUIRE_LOCKSPACE),
    ("acquire", ["-i", "3", "-g", "5"], SANLK_ACQUIRE_LOCKSPACE),
    ("release", [], 0),
    ("release", ["-i", "3", "-g", "6"], 0),
    ("acquire", ["-i", "3", "-g", "7"], 0),
]


@pytest.mark.san
def test_interop_sequence(ours, theirs, workdir):
    """Two images; on image A the binaries alternate starting with 3.8.5,
    on image B starting with ours.  Every step must give the expected
    result on both and leave the two images equal (clock values aside):
    each binary continues from what the other wrote."""
    src = init_area(theirs, make_file(workdir / "src", MiB))
    imgs = {"A": workdir / "A", "B": workdir / "B"}
    for p in imgs.values():
        shutil.copyfile(src, p)
    order = {"A": (theirs, ours), "B": (ours, theirs)}
    for i, (action, args, want) in enumerate(SEQUENCE):
        before = {k: read(p) for k, p in imgs.items()}
        results = {}
        for k, p in imgs.items():
            binary = order[k][i % 2]
            r = binary.direct(action, "-r", res_arg(p), *args)
            results[k] = r
            assert r.done_rv(action) == want, f"step {i} on {k}:\n{r}"
            if binary is ours:
                assert_ours_stderr(r, failing_needs_line=True)
            if want != 0 or action == "release":
                assert read(p) == before[k], f"step {i} wrote on {k}:\n{r}"
        assert results["A"].out == results["B"].out
        assert_same_images(imgs["A"], imgs["B"], clock_ranges(0, 512, [3]),
                           f"after step {i} {action} {args}")
    lr = leader_at(imgs["A"])
    assert (lr["owner_id"], lr["owner_generation"], lr["lver"]) == (3, 7, 4)


def test_held_lease_refused_at_once(ours, theirs, workdir):
    """No lockspace, no liveness judgement: -241 without any owner wait
    (which would last host_dead_seconds) and without a write."""
    src = init_area(theirs, make_file(workdir / "src", MiB))
    r = theirs.direct("acquire", "-r", res_arg(src), "-i", "9", "-g", "1")
    assert r.rc == 0, r
    pair = Pair(workdir, src)
    digests = {w: file_digest(p) for w, p in pair.paths.items()}
    start = time.monotonic()
    o, t = pair.run(ours, theirs, "acquire",
                    lambda p: ["-r", res_arg(p), "-i", "8", "-g", "1"])
    assert time.monotonic() - start < NO_WAIT_BOUND
    same_output(o, t)
    assert t.out == f"acquire done {SANLK_ACQUIRE_LOCKSPACE}\n"
    for w, p in pair.paths.items():
        assert file_digest(p) == digests[w], f"{w} wrote on a held lease"


# ---------------------------------------------------------------- release

def test_release_host0_lease_freed(ours, theirs, workdir):
    """3.8.5's acquire without -i/-g leaves a lease owned by host 0; its
    direct release (host 0) frees it.  Ours frees it the same way, and
    both can then take it as a real host."""
    src = init_area(theirs, make_file(workdir / "src", MiB))
    r = theirs.direct("acquire", "-r", res_arg(src))
    assert r.out == "acquire done 0\n", r
    assert leader_at(src)["owner_id"] == 0 and leader_at(src)["timestamp"]
    pair = Pair(workdir, src)
    o, t = pair.run(ours, theirs, "release", lambda p: ["-r", res_arg(p)])
    same_output(o, t)
    assert t.out == "release done 0\n"
    assert_same_images(pair.paths["ours"], pair.paths["theirs"],
                       clock_ranges(0, 512, []), "release of a host-0 lease")
    for p in pair.paths.values():
        lr = leader_at(p)
        assert lr["timestamp"] == 0 and lr["write_id"] == 0
        assert_records_valid(p, [])
    # both binaries now take it as a real host, each on the other's image
    for who, binary in (("ours", theirs), ("theirs", ours)):
        r = binary.direct("acquire", "-r", res_arg(pair.paths[who]), "-i",
                          "1", "-g", "1")
        assert r.out == "acquire done 0\n", r


@pytest.mark.parametrize("state", ["free", "held", "host0-held-ours-acquire"])
def test_release_cases(ours, theirs, workdir, state):
    src = init_area(theirs, make_file(workdir / "src", MiB))
    if state == "held":
        assert theirs.direct("acquire", "-r", res_arg(src), "-i", "3", "-g",
                             "4").rc == 0
    elif state == "host0-held-ours-acquire":
        # a lease held by host 0 is refused to ours as to 3.8.5
        assert theirs.direct("acquire", "-r", res_arg(src)).rc == 0
        pair = Pair(workdir, src, name="acq")
        o, t = pair.run(ours, theirs, "acquire",
                        lambda p: ["-r", res_arg(p), "-i", "2", "-g", "1"])
        same_output(o, t)
        assert t.out == f"acquire done {SANLK_ACQUIRE_LOCKSPACE}\n"
        return
    pair = Pair(workdir, src)
    digests = {w: file_digest(p) for w, p in pair.paths.items()}
    o, t = pair.run(ours, theirs, "release", lambda p: ["-r", res_arg(p)])
    same_output(o, t)
    want = SANLK_RELEASE_OWNER if state == "free" else 0
    assert t.out == f"release done {want}\n"
    for w, p in pair.paths.items():
        assert file_digest(p) == digests[w], f"{w} release wrote ({state})"


# --------------------------------------------------- deliberate deviations

@pytest.mark.san
def test_shared_holder_refused(ours, theirs, workdir):
    """A SHARED mode block (host 5) on the lease: 3.8.5's direct acquire
    takes the lease exclusively beside it (observed); ours cannot prove the
    holder dead without a lockspace and fails with -EAGAIN, leaving the
    holder's sector untouched and the leader free."""
    src = init_area(theirs, make_file(workdir / "src", MiB))
    with open(src, "r+b") as f:
        f.seek(6 * 512 + 128)                # host 5's mode block
        f.write(struct.pack("<IIQ", 1, 0, 1))
    sector5 = read(src)[6 * 512:7 * 512]
    pair = Pair(workdir, src)
    o, t = pair.run(ours, theirs, "acquire",
                    lambda p: ["-r", res_arg(p), "-i", "2", "-g", "4"])
    assert t.out == "acquire done 0\n", t           # 3.8.5 (unsafe)
    assert o.out == f"acquire done -{EAGAIN}\n", o
    assert_ours_stderr(o, failing_needs_line=True)
    p = pair.paths["ours"]
    assert read(p)[6 * 512:7 * 512] == sector5
    lr = leader_at(p)
    assert lr["timestamp"] == 0, "ours left the lease owned beside SH"
    assert_records_valid(p, [2])


@pytest.mark.parametrize("args", [[], ["-i", "1"], ["-g", "1"], ["-i", "0", "-g", "3"]],
                         ids=["no-i-g", "no-g", "no-i", "i0"])
def test_acquire_needs_host_id_and_generation(ours, theirs, workdir, args):
    """3.8.5 acquires as host 0 / generation 0 (its host-0 dblock lands on
    the request record); ours refuses with -22 and writes nothing."""
    src = init_area(theirs, make_file(workdir / "src", MiB))
    pair = Pair(workdir, src)
    before = file_digest(pair.paths["ours"])
    o, t = pair.run(ours, theirs, "acquire", lambda p: ["-r", res_arg(p), *args])
    assert t.out == "acquire done 0\n", t
    assert o.out == f"acquire done -{EINVAL}\n", o
    assert_ours_stderr(o, failing_needs_line=True)
    assert file_digest(pair.paths["ours"]) == before


# -------------------------------------------------------------- bad input

def _zero(theirs, workdir):
    return make_file(workdir / "zsrc", MiB, "zero")


def _init(theirs, workdir, size=MiB, **kw):
    return init_area(theirs, make_file(workdir / "src", size), **kw)


def _cleared(theirs, workdir):
    return init_area(theirs, make_file(workdir / "src", MiB), extra=("-z", "1"))


def _lockspace(theirs, workdir):
    p = make_file(workdir / "src", MiB)
    assert theirs.direct("init", "-s", f"{LS}:0:{p}:0").rc == 0
    return p


def _short(theirs, workdir, size):
    p = _init(theirs, workdir)
    os.truncate(p, size)
    return p


def _num_hosts5(theirs, workdir):
    return _init(theirs, workdir, extra=("-n", "5"))


def _big4k(theirs, workdir):
    return init_area(theirs, make_file(workdir / "src", 8 * MiB), 4096, 8 * MiB)


ACQ = ["-i", "2", "-g", "3"]

# id: (image factory, action, args with {p} = path, 3.8.5's rv, ours if different)
BAD = {
    "no-disk": (_init, "acquire", ["-r", f"{LS}:{RES}", *ACQ], -1, None),
    "wrong-lockspace": (_init, "acquire", ["-r", f"XX:{RES}:{{p}}:0", *ACQ],
                        SANLK_LEADER_LOCKSPACE, None),
    "wrong-resource": (_init, "acquire", ["-r", f"{LS}:XX:{{p}}:0", *ACQ],
                       SANLK_LEADER_RESOURCE, None),
    "empty-lockspace": (_init, "acquire", ["-r", f":{RES}:{{p}}:0", *ACQ],
                        SANLK_LEADER_LOCKSPACE, None),
    "missing-file": (_init, "acquire", ["-r", f"{LS}:{RES}:{{p}}.nope:0", *ACQ],
                     -ENOENT, None),
    "past-end": (_init, "acquire", ["-r", f"{LS}:{RES}:{{p}}:1048576", *ACQ],
                 -EMSGSIZE, None),
    "unaligned": (_init, "acquire", ["-r", f"{LS}:{RES}:{{p}}:100", *ACQ],
                  -EINVAL, None),
    "no-record-here": (_init, "acquire", ["-r", f"{LS}:{RES}:{{p}}:512", *ACQ],
                       -1, None),
    "zero-area": (_zero, "acquire", ["-r", f"{LS}:{RES}:{{p}}:0", *ACQ], -1, None),
    "zero-area-ZA": (_zero, "acquire", ["-r", f"{LS}:{RES}:{{p}}:0", *ACQ,
                                        "-Z", "512", "-A", "1M"],
                     SANLK_LEADER_MAGIC, None),
    "cleared": (_cleared, "acquire", ["-r", f"{LS}:{RES}:{{p}}:0", *ACQ], -1, None),
    "lockspace-area": (_lockspace, "acquire", ["-r", f"{LS}:{RES}:{{p}}:0", *ACQ],
                       SANLK_LEADER_MAGIC, None),
    "short-area": (lambda t, w: _short(t, w, 600 * 1024), "acquire",
                   ["-r", f"{LS}:{RES}:{{p}}:0", *ACQ], -EMSGSIZE, None),
    "ZA-past-end": (_init, "acquire", ["-r", f"{LS}:{RES}:{{p}}:0", *ACQ,
                                       "-Z", "4096", "-A", "8M"], -EMSGSIZE, None),
    "ZA-mismatch": (_big4k, "acquire", ["-r", f"{LS}:{RES}:{{p}}:0", *ACQ,
                                        "-Z", "512", "-A", "1M"],
                    SANLK_DBLOCK_CHECKSUM, None),
    "host-id-over-max": (_init, "acquire", ["-r", f"{LS}:{RES}:{{p}}:0", "-i",
                                            "2001", "-g", "1"],
                         SANLK_LEADER_NUMHOSTS, None),
    "host-id-over-num-hosts": (_num_hosts5, "acquire",
                               ["-r", f"{LS}:{RES}:{{p}}:0", "-i", "6", "-g", "1"],
                               SANLK_LEADER_NUMHOSTS, None),
    "second-disk-missing": (_init, "acquire",
                            ["-r", f"{LS}:{RES}:{{p}}:0:{{p}}.nope:0", *ACQ],
                            -ENOENT, None),
    "rel-no-disk": (_init, "release", ["-r", f"{LS}:{RES}"], -1, None),
    "rel-wrong-resource": (_init, "release", ["-r", f"{LS}:XX:{{p}}:0"],
                           SANLK_LEADER_RESOURCE, None),
    "rel-missing-file": (_init, "release", ["-r", f"{LS}:{RES}:{{p}}.nope:0"],
                         -ENOENT, None),
    "rel-past-end": (_init, "release", ["-r", f"{LS}:{RES}:{{p}}:1048576"],
                     -EMSGSIZE, None),
    "rel-unaligned": (_init, "release", ["-r", f"{LS}:{RES}:{{p}}:100"],
                      -EINVAL, None),
    "rel-zero-area": (_zero, "release", ["-r", f"{LS}:{RES}:{{p}}:0"],
                      SANLK_LEADER_MAGIC, None),
    "rel-short-file": (lambda t, w: _short(t, w, 2048), "release",
                       ["-r", f"{LS}:{RES}:{{p}}:0"], -EMSGSIZE, None),
}


@pytest.mark.san
@pytest.mark.parametrize("case", list(BAD))
def test_bad_input(ours, theirs, workdir, case):
    factory, action, args, want_theirs, want_ours = BAD[case]
    src = factory(theirs, workdir)
    pair = Pair(workdir, src)
    before = file_digest(pair.paths["ours"])
    o, t = pair.run(ours, theirs, action,
                    lambda p: [a.replace("{p}", str(p)) for a in args])
    assert t.done_rv(action) == want_theirs, f"3.8.5 changed:\n{t}"
    if want_ours is None:
        same_output(o, t)
    else:
        assert o.done_rv(action) == want_ours, o
        assert_ours_stderr(o, failing_needs_line=True)
    assert file_digest(pair.paths["ours"]) == before, \
        f"ours changed the image on bad input:\n{o}"


@pytest.mark.san
def test_no_resource(ours, theirs, workdir):
    """No -r: 3.8.5 crashes (SIGSEGV); ours says so and exits 1."""
    for action, args in (("acquire", ["-i", "1", "-g", "1"]), ("release", [])):
        o = ours.direct(action, *args)
        assert o.rc == 1 and o.out == f"{action} done -{EINVAL}\n", o
        assert_ours_stderr(o, failing_needs_line=True)
