#!/usr/bin/env python3
"""make_corpus.py - write the seed inputs of every fuzzer to fuzz/corpus/<t>/.

Seeds are small, valid-looking inputs that get the fuzzers past magic
numbers and checksums at once: on-disk records built here from
spec/ondisk.md (independently of ondisk/, with the sanlock CRC checked
against its published check value), wire requests from spec/api.md §3/§8,
resource / lockspace / state strings, sanlock.conf text and argv lists.
Every fuzzer's input layout is documented at the top of its fuzz/fuzz_*.c
file; the header builders below follow those comments.

Deterministic: running it again rewrites the same files.  Files are named
by content hash (as libFuzzer names its own), so old seeds that are no
longer generated are removed first.

    python3 fuzz/make_corpus.py [--out fuzz/corpus]
"""

import argparse
import hashlib
import os
import shutil
import struct

# ---- sanlock CRC (ondisk.md §5): reflected CRC-32C, init 0xFFFFFFFE ----

_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ (0x82F63B78 if _c & 1 else 0)
    _CRC_TABLE.append(_c)


def crc(data):
    c = 0xFFFFFFFE
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c


assert crc(b"123456789") == 0xE8C7BB34

# ---- constants (ondisk.md §2, messages.md §2) ----

DELTA_MAGIC, DELTA_VERSION = 0x12212010, 0x00030004
PAXOS_MAGIC, PAXOS_CLEAR, PAXOS_VERSION = 0x06152010, 0x11282016, 0x00060004
REQ_MAGIC, REQ_VERSION = 0x08292011, 0x00010001
RINDEX_MAGIC, RINDEX_VERSION = 0x01042018, 0x00010002
MSG_MAGIC = 0x47534D48
LFL_ALIGN = {1: 0x10, 2: 0x20, 4: 0x40, 8: 0x80}
RHF_ALIGN = {1: 0x1, 2: 0x2, 4: 0x4, 8: 0x8}
MAX_HOSTS = {(512, 1): 2000, (4096, 1): 250, (4096, 2): 500, (4096, 4): 1000,
             (4096, 8): 2000}
SIZE_IDX = {(512, 1): 0, (4096, 1): 1, (4096, 2): 2, (4096, 4): 3,
            (4096, 8): 4}
MB = 1 << 20


def name48(s):
    b = s.encode() if isinstance(s, str) else s
    return b[:48].ljust(48, b"\0")


def leader(magic, version, flags=0, ss=512, num_hosts=0, max_hosts=1,
           owner_id=0, owner_gen=0, lver=0, space="LS", res="", ts=0,
           unused1=0, unused2=0, io=10, write_id=0, write_gen=0, write_ts=0,
           seal=True, checksum=0):
    """The 200-byte leader record (ondisk.md §3.1)."""
    head = struct.pack("<IIIIQQQQQ48s48sQQ", magic, version, flags, ss,
                       num_hosts, max_hosts, owner_id, owner_gen, lver,
                       name48(space), name48(res), ts, unused1)
    assert len(head) == 168
    if seal:
        checksum = crc(head)
    rec = head + struct.pack("<IHHQQQ", checksum, unused2, io, write_id,
                             write_gen, write_ts)
    assert len(rec) == 200
    return rec


def msg_record(owner_gen, flags=0, send_no=0, fire=60, dest=0, msg=0,
               dest_gen=0, seq=0, ack_host=0, ack_seq=0, ack_gen=0):
    """Host-message record, sector bytes 200..255 (messages.md §2)."""
    body = struct.pack("<IHBBHHIQIHHIQQ", MSG_MAGIC, 1, flags, send_no, fire,
                       dest, msg, dest_gen, seq, ack_host, 0, ack_seq, ack_gen,
                       owner_gen)
    assert len(body) == 52
    return body + struct.pack("<I", crc(body))


def sector(ss, *parts):
    """parts: (offset, bytes) pairs placed in a zero sector."""
    b = bytearray(ss)
    for off, data in parts:
        b[off:off + len(data)] = data
    return bytes(b)


def dblock(mbal, bal, inp, inp2=0, inp3=0, lver=0, flags=0, seal=True):
    body = struct.pack("<QQQQQQ", mbal, bal, inp, inp2, inp3, lver)
    return body + struct.pack("<II", crc(body) if seal else 0, flags)


def mblock(flags, gen):
    return struct.pack("<IIQ", flags, 0, gen)


def request(lver=0, force=0, magic=REQ_MAGIC, version=REQ_VERSION):
    return struct.pack("<IIQII", magic, version, lver, force, 0)


def bitmap(*host_ids):
    b = bytearray(256)
    for h in host_ids:
        b[(h - 1) // 8] |= 1 << ((h - 1) % 8)
    return bytes(b)


def delta_slot(ss, align_mb, space="LS", host_id=0, gen=0, ts=0, name="",
               io=10, msg=False, bits=(), event=(0, 0, 0)):
    lr = leader(DELTA_MAGIC, DELTA_VERSION, LFL_ALIGN[align_mb], ss,
                max_hosts=1, owner_id=host_id, owner_gen=gen, space=space,
                res=name, ts=ts, io=io, write_id=event[0],
                write_gen=event[1], write_ts=event[2])
    parts = [(0, lr)]
    if msg:
        parts.append((200, msg_record(gen)))
    if bits:
        parts.append((256, bitmap(*bits)))
    return sector(ss, *parts)


# ---- fuzz_ondisk: sectors (and area prefixes) ----

def ondisk_seeds():
    seeds = []
    for ss, al in ((512, 1), (4096, 1), (4096, 8)):
        seeds.append(delta_slot(ss, al))                          # free
        seeds.append(delta_slot(ss, al, host_id=3, gen=2, ts=1234,
                                name="host-three", msg=True, bits=(1, 7, 2000),
                                event=(2, 5, 9)))
        seeds.append(sector(ss, (0, leader(PAXOS_MAGIC, PAXOS_VERSION,
                                           LFL_ALIGN[al], ss, num_hosts=8,
                                           max_hosts=MAX_HOSTS[(ss, al)],
                                           owner_id=2, owner_gen=1, lver=4,
                                           res="R1", ts=99, write_id=2,
                                           write_gen=1, write_ts=99))))
        seeds.append(sector(ss, (0, dblock(7, 7, 2, 1, 99, 4)),
                            (128, mblock(1, 3))))
        seeds.append(sector(ss, (0, request(5, 1))))
    # cleared leader, legacy leader without align flags, 48-char names
    seeds.append(sector(512, (0, leader(PAXOS_CLEAR, PAXOS_VERSION, 0, 512,
                                        num_hosts=2000, max_hosts=2000,
                                        res="R", write_ts=5))))
    seeds.append(sector(512, (0, leader(DELTA_MAGIC, DELTA_VERSION, 0, 512,
                                        space="S" * 48, res="H" * 48, ts=1))))
    # rindex header and entries
    rh = struct.pack("<IIIIIIQ48s", RINDEX_MAGIC, RINDEX_VERSION, RHF_ALIGN[1],
                     512, 16000, 0, 0, name48("LS"))
    seeds.append(sector(512, (0, rh)))
    ents = b"".join(struct.pack("<QII48s", (2 + i) * MB, 0, 0,
                                name48("res%d" % i)) for i in range(8))
    seeds.append(sector(512, (0, ents)))
    # a lockspace area prefix: four slots, two held
    area = b"".join([delta_slot(512, 1), delta_slot(512, 1, host_id=2, gen=1,
                                                    ts=50, name="b", msg=True),
                     delta_slot(512, 1), delta_slot(512, 1, host_id=4, gen=9,
                                                    ts=70, name="d")])
    seeds.append(area)
    seeds.append(b"")
    seeds.append(bytes(range(256)) * 2)
    # parameter tail (last 64 bytes): host_id, gen, sizes/positions, then
    # the init values; sel 0x50 at tail byte 59 builds the 1 MiB images
    for sel in (0x50, 0x58, 0x54):
        tail = bytearray(64)
        struct.pack_into("<HQ", tail, 0, 7, 3)
        struct.pack_into("<HIHB", tail, 51, 5, 100, 10, sel)
        seeds.append(delta_slot(512, 1, space="images", name="res") +
                     bytes(tail))
    return seeds


# ---- fuzz_delta_scan: 12-byte header + lockspace area prefix ----

def delta_hdr(off_mb=0, fixup=0, mode=0, own_name=0, keep_io=0, frozen=0,
              size_idx=0, keep_event=0, fkind=0, host_id=1, io=10, w=60,
              fail_io=0, abort_sleep=0):
    b0 = (off_mb & 3) | fixup << 2 | (mode & 3) << 3 | own_name << 5 | \
        keep_io << 6 | frozen << 7
    b1 = (size_idx & 0x7F) | keep_event << 7
    return struct.pack("<BBBHBBBHH", b0, b1, fkind, host_id, (io - 1) % 10,
                       (w - 1) % 60, fail_io, abort_sleep, 0)


def ls_area(ss, al, nslots, held=(), space="LS", bad=()):
    """held: {host_id: (gen, ts, name)}; bad: host_ids with bad magic."""
    out = []
    for i in range(1, nslots + 1):
        if i in bad:
            out.append(sector(ss, (0, leader(0xDEADBEEF, DELTA_VERSION, 0, ss,
                                             owner_id=i, owner_gen=1,
                                             space=space, ts=5))))
        elif i in held:
            gen, ts, nm = held[i]
            out.append(delta_slot(ss, al, space, i, gen, ts, nm, io=10,
                                  msg=True, bits=(1, 2)))
        else:
            out.append(delta_slot(ss, al, space))
    return b"".join(out)


def delta_seeds():
    seeds = []
    a512 = ls_area(512, 1, 8, held={2: (1, 40, "hostB"), 5: (3, 77, "hostE")})
    a4k = ls_area(4096, 8, 3, held={2: (1, 40, "hostB")})
    a4k1 = ls_area(4096, 1, 3)
    free = ls_area(512, 1, 4)
    bad = ls_area(512, 1, 6, held={1: (1, 9, "x")}, bad=(3, 4))
    other = ls_area(512, 1, 3, space="OTHER")
    for area, idx in ((a512, 0), (a4k, 4), (a4k1, 1), (free, 0), (bad, 0),
                      (other, 0)):
        seeds.append(delta_hdr(size_idx=idx) + area)                 # scan
        seeds.append(delta_hdr(mode=2, host_id=1, size_idx=idx) + area)
        seeds.append(delta_hdr(mode=3, host_id=2, own_name=1, io=2, w=5,
                               size_idx=idx) + area)
        seeds.append(delta_hdr(mode=1, host_id=2, size_idx=idx) + area)
    # held slot of another name: the held wait, frozen clock, faults
    seeds.append(delta_hdr(mode=2, host_id=5, io=1, w=1) + a512)
    seeds.append(delta_hdr(mode=2, host_id=5, io=1, w=1, frozen=1) + a512)
    for fkind, fail in ((0, 1), (1, 2), (2, 3), (1 | 4, 3), (3, 4)):
        seeds.append(delta_hdr(mode=3, host_id=1, io=1, w=1, fkind=fkind,
                               fail_io=fail) + free)
    seeds.append(delta_hdr(mode=2, host_id=5, io=1, w=1, abort_sleep=3) + a512)
    seeds.append(delta_hdr(mode=2, host_id=1, off_mb=2, fixup=1) + free)
    seeds.append(delta_hdr(mode=2, host_id=300, size_idx=1) + a4k1)
    seeds.append(delta_hdr(mode=2, host_id=0) + free)
    return seeds


# ---- fuzz_paxos_scan: 16-byte header + resource area prefix ----

def paxos_hdr(disks=1, fix_leader=0, fix_dblocks=0, replicate=1, names=1,
              mode=0, size_idx=0, offsets=0, host_id=1, gen=1, io=1, w=1,
              fail_io=0, fkind=0, abort_sleep=0, owners_max=8, flip_pos=0,
              flip_val=0, ops=0, acq=0):
    b0 = (disks - 1) | fix_leader << 2 | fix_dblocks << 3 | replicate << 4 | \
        names << 5 | mode << 6
    b1 = size_idx | offsets << 7
    return struct.pack("<BBHBBBBBBBHBBB", b0, b1, host_id, gen, (io - 1) % 10,
                       (w - 1) % 60, fail_io, fkind, abort_sleep, owners_max,
                       flip_pos, flip_val, ops, acq)


def res_area(ss=512, al=1, num_hosts=8, owner=0, owner_gen=0, lver=0, ts=0,
             shared=(), dblocks=None, req=(0, 0), clear=False, nsec=None):
    mh = MAX_HOSTS[(ss, al)]
    lr = leader(PAXOS_CLEAR if clear else PAXOS_MAGIC, PAXOS_VERSION,
                LFL_ALIGN[al], ss, num_hosts=num_hosts, max_hosts=mh,
                owner_id=owner, owner_gen=owner_gen, lver=lver, space="LS",
                res="R1", ts=ts, write_id=owner, write_gen=owner_gen,
                write_ts=ts, io=0)
    secs = [sector(ss, (0, lr)), sector(ss, (0, request(*req)))]
    dblocks = dblocks or {}
    for q in range(1, (nsec or num_hosts) + 1):
        parts = []
        if q in dblocks:
            parts.append((0, dblock(*dblocks[q])))
        if q in shared:
            parts.append((128, mblock(1, shared[q])))
        secs.append(sector(ss, *parts))
    # the area past the input reads as zeros: trailing zeros are implied
    return b"".join(secs).rstrip(b"\0")


def paxos_seeds():
    seeds = []
    free = res_area()
    held = res_area(owner=2, owner_gen=1, lver=3, ts=50,
                    dblocks={2: (2, 2, 2, 1, 50, 3)})
    sh = res_area(owner=0, lver=3, shared={1: 1, 3: 4, 4: 2},
                  dblocks={3: (3, 3, 3, 4, 40, 3)})
    cleared = res_area(clear=True)
    big = res_area(4096, 1, num_hosts=4)
    reqd = res_area(owner=2, owner_gen=1, lver=3, ts=50, req=(4, 1))
    for area in (free, held, sh, cleared, reqd):
        for mode in range(4):
            seeds.append(paxos_hdr(mode=mode) + area)
    seeds.append(paxos_hdr(mode=2, size_idx=1) + big)
    seeds.append(paxos_hdr(mode=2, acq=1) + sh)                     # shared
    seeds.append(paxos_hdr(mode=2, acq=1 | 2, ops=1 << 5) + sh)
    seeds.append(paxos_hdr(mode=2, acq=2, ops=1 << 3) + held)      # nowait
    seeds.append(paxos_hdr(mode=2, ops=2 << 3) + held)             # alive
    seeds.append(paxos_hdr(mode=2, ops=1 << 3 | 2 | 4) + held)
    seeds.append(paxos_hdr(mode=2, ops=1) + held)                  # no lockspace
    seeds.append(paxos_hdr(mode=2, acq=0x10 | 0x20 | 0x40) + free)
    seeds.append(paxos_hdr(mode=3, acq=0x10 | 0x80) + held)       # request
    seeds.append(paxos_hdr(mode=2, acq=4 | 0x30) + held)           # lver
    seeds.append(paxos_hdr(mode=2, acq=8 | 0x40) + free)           # num_hosts
    seeds.append(paxos_hdr(mode=1, owners_max=1) + sh)
    seeds.append(paxos_hdr(mode=0, host_id=0, names=0) + held)
    for disks in (2, 3, 4):
        seeds.append(paxos_hdr(disks=disks, mode=2) + free)
        seeds.append(paxos_hdr(disks=disks, mode=0, flip_pos=60,
                               flip_val=1) + held)
        seeds.append(paxos_hdr(disks=disks, mode=1, replicate=0,
                               offsets=1) + free * disks)
    for fkind, fail in ((0, 2), (1, 3), (1 | 4, 5), (2, 6), (3, 8), (1, 12)):
        seeds.append(paxos_hdr(mode=2, fail_io=fail, fkind=fkind) + free)
        seeds.append(paxos_hdr(disks=3, mode=2, fail_io=fail,
                               fkind=fkind) + free)
    seeds.append(paxos_hdr(mode=2, ops=1 << 3, abort_sleep=2) + held)
    return seeds


# ---- fuzz_wire: flags + pieces ----

SM_MAGIC = 0x04282010


def hdr(cmd, length=32, flags=0, data=0, data2=0, magic=SM_MAGIC, version=1):
    return struct.pack("<IIIIIIII", magic, version, cmd, flags, length, 0,
                       data, data2)


def disk(path, offset=0):
    return name_path(path) + struct.pack("<QII", offset, 0, 0)


def name_path(p):
    b = p.encode()
    return b[:1024].ljust(1024, b"\0")


def lockspace(name="LS", host_id=1, path="/dev/x", offset=0, flags=0):
    return name48(name) + struct.pack("<QII", host_id, flags, 0) + \
        disk(path, offset)


def resource(ls="LS", name="R1", disks=(("/dev/x", MB),), flags=0, lver=0,
             num_disks=None):
    nd = len(disks) if num_disks is None else num_disks
    return name48(ls) + name48(name) + struct.pack(
        "<QQIIII", lver, 0, 0, 0, flags, nd) + b"".join(disk(*d) for d in disks)


def pieces(stream, size=255):
    out = b""
    for i in range(0, len(stream), size):
        chunk = stream[i:i + size]
        out += bytes([len(chunk)]) + chunk
    return out


def wire_seeds():
    reqs = [
        hdr(28),                                          # VERSION
        hdr(28, version=0x00020001),
        hdr(1),                                           # REGISTER
        hdr(10, flags=1),                                 # RESTRICT
        hdr(2, 32 + 1104, data=10) + lockspace(),         # ADD_LOCKSPACE
        hdr(3, 32 + 1104) + lockspace(),
        hdr(16, 32 + 1104) + lockspace(host_id=0, path=""),
        hdr(23, 32 + 1104) + lockspace(),                 # GET_HOSTS
        hdr(12, 32 + 1040) + disk("/dev/sda"),            # ALIGN
        hdr(19, 32 + 128 + 1040, data=8) + resource(),    # WRITE_RESOURCE
        hdr(24, 32 + 128 + 2 * 1040) + resource(disks=(("/a", 0), ("/b", 0))),
        hdr(7, 0, data=2, data2=0xFFFFFFFF) + resource() +
        resource(name="R2", disks=(("/a", 0), ("/b", MB), ("/c", 0))) +
        bytes(56),                                        # ACQUIRE
        hdr(7, 0, data=0) + bytes(56),
        hdr(8, 32 + 2 * 128, data=2) + resource(disks=()) * 2,   # RELEASE
        hdr(8, 32, flags=1),                              # RELEASE REL_ALL
        hdr(25, 32 + 128 + 16) + resource(disks=()) + b"lvb-data-1234567",
        hdr(11, 0) + resource(num_disks=9, disks=()),     # REQUEST, bad disks
        hdr(35, 32 + 1104) + bytes(1104),                 # FORMAT_RINDEX
        hdr(36, 32 + 1104 + 64) + bytes(1168),
        hdr(17, 32 + 1024 + 1024) + bytes(2048),          # KILLPATH
        hdr(30, 32 + 1104 + 32) + lockspace() + bytes(32),
        hdr(41, 32 + 8) + b"extension",                   # unknown cmd
        hdr(99, 32),
        hdr(5, magic=0x1234),                             # bad magic
        hdr(5, version=0x10000),                          # bad version
        hdr(25, 16),                                      # SET_LVB too short
    ]
    seeds = []
    for i, r in enumerate(reqs):
        seeds.append(bytes([0]) + pieces(r))
        seeds.append(bytes([0x04]) + pieces(r, 7 + i))    # answered, split
    seeds.append(bytes([0x04]) + pieces(hdr(28) + hdr(12, 32 + 1040) +
                                        disk("/x") + hdr(22)))
    seeds.append(bytes([0x01 | 0x04]) + pieces(hdr(5, magic=1) + hdr(28)))
    seeds.append(bytes([0x02]) + pieces(hdr(28) + hdr(28)))
    seeds.append(bytes([0x04 | 0x08]) + pieces(hdr(28) + hdr(28)))
    seeds.append(bytes([0x04 | 0x10]) + pieces(hdr(28)))
    seeds.append(bytes([0x04 | 0x40 | 0x20]) + pieces(hdr(28) * 40))
    seeds.append(bytes([0x04]) + pieces(hdr(2, 32 + 1104) + bytes(100)))
    return seeds


# ---- fuzz_strings: dstlen u16, mode, string ----

def str_seed(s, dstlen=1025, mode=0):
    return struct.pack("<HB", dstlen, mode) + s.encode()


def strings_seeds():
    strs = [
        "LS:R1:/dev/vg/leases:1048576",
        "LS:R1:/dev/vg/leases:1048576:5",
        "LS:R1:/dev/vg/leases:1048576:SH",
        "LS:R1:/a:0:/b:1048576:/c:0:/d:0",
        "LS:R1:/a:0:/b:0:/c:0:/d:0:/e:0",
        "LS:R1:/path\\ with\\ spaces:0",
        "LS:R1:/path\\:colon:0:0x10",
        "ls:r",
        "a:b:c",
        "LS:" + "R" * 48 + ":/p:0",
        "LS:" + "R" * 49 + ":/p:0",
        "LS:R1:/" + "p" * 1100 + ":0",
        "LS:R1:/p:-1",
        "LS:R1:/p: 12abc",
        "LS:R1:/p:0 LS:R2:/q:0:SH",
        "LS:R1:/p\\ q:0:3 L\\ S:R 2:/x:0",
        "LS:1:/dev/sdb:0",
        "LS:1:/dev/sd\\:b:1M",
        "LS:-5:/path:999999999999999999999",
        "\\",
        "a\\",
        "::::",
        "",
    ]
    seeds = [str_seed(s) for s in strs]
    seeds += [str_seed("/a b:c\\d", dstlen=n) for n in (0, 1, 2, 3, 4, 6)]
    raw = resource(disks=(("/a b", 0), ("/c:d", MB)))
    seeds.append(struct.pack("<HB", 0, 0x80) + raw)
    seeds.append(struct.pack("<HB", 0, 0x80) + resource(ls="L" * 48,
                                                        name="N" * 48))
    return seeds


# ---- fuzz_cli_conf: selector, conf text, NUL, argv tokens ----

def cli_seed(sel, conf, argv):
    return bytes([sel]) + conf.encode() + b"\0" + \
        b"".join(a.encode() + b"\0" for a in argv)


def cli_seeds():
    conf = "\n".join([
        "# comment", "", "  indented = 1", "quiet_fail = 0", "use_aio=0",
        "logfile_priority = 7", "uname = sanlock", "gname = sanlock",
        "our_host_name = host-1", "renewal_read_extend_sec = 0",
        "write_init_io_timeout = 30", "debug_cmd = +acquire",
        "debug_cmd = -all", "debug_cmd = +bogus", "max_sectors_kb = ignore",
        "max_sectors_kb = align", "max_sectors_kb = 2048",
        "max_sectors_kb = 3", "debug_io = submit,complete",
        "io_timeout = 20", "watchdog_fire_timeout = 30",
        "kill_grace_seconds = 5", "sh_retries = 2", "=x", "noequals",
        "key=" + "v" * 200, "x" * 300 + " = 1", ""])
    with open(os.path.join(os.path.dirname(__file__), "..", "packaging",
                           "sanlock.conf")) as f:
        example = f.read()
    seeds = [
        cli_seed(0, conf, []),
        cli_seed(0, example, []),
        cli_seed(1 << 2, "", ["-s", "LS:1:/dev/x:1M", "-r",
                              "LS:R1:/dev/x:2M:5", "-Z", "4096", "-A", "8M"]),
        cli_seed(1 | 2 << 2, "", ["/dev/x:0", "-D"]),             # direct dump
        cli_seed(2, "", ["-w", "0", "-g", "99", "-t", "4", "-e", "host"]),
        cli_seed(1 | 1 << 2, "", ["-x", "LS:/dev/x\\:y:4M", "-e", "r:1M"]),
        cli_seed(0 | 5 << 2, "", ["-h", "1", "-o", "w"]),
        cli_seed(0, "", ["-r", "bad", "-r", "LS:R:/p:0:/q:0:/r:0:/s:0:/t:0"]),
        cli_seed(0, "", ["-c", "/bin/true", "-s"]),
        cli_seed(0, "", ["-Z", "512", "-A", "2M"]),
        cli_seed(0, "", ["-s"]),
        cli_seed(0, "", ["bogus"]),
    ]
    return seeds


TARGETS = {
    "fuzz_ondisk": ondisk_seeds,
    "fuzz_delta_scan": delta_seeds,
    "fuzz_paxos_scan": paxos_seeds,
    "fuzz_wire": wire_seeds,
    "fuzz_strings": strings_seeds,
    "fuzz_cli_conf": cli_seeds,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "corpus"))
    args = ap.parse_args()
    for t, fn in TARGETS.items():
        d = os.path.join(args.out, t)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        seeds = fn()
        for s in seeds:
            h = hashlib.sha1(s).hexdigest()
            with open(os.path.join(d, h), "wb") as f:
                f.write(s)
        total = sum(len(s) for s in seeds)
        print("%s: %d seeds, %d bytes" % (t, len(set(seeds)), total))


if __name__ == "__main__":
    main()
