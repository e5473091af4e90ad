"""Fuzzers (fuzz/, mk/fuzz.mk): build them, replay every seed and regression
input once, then fuzz each target for a few seconds.

Runs `make fuzz-regress` (every input of fuzz/corpus/<t> and
fuzz/regress/<t> once: the regression tests of every crash found so far)
and `make fuzz-run FUZZ_SECONDS=10` (each target in turn, single process;
about a minute for the six targets).  Skipped, with the reason, when clang
or its libFuzzer runtime is missing (Debian: clang, libclang-rt-14-dev;
scripts/deps.sh installs them).  Set SANLOCK_FUZZ_SECONDS to change the
per-target time, or 0 to replay only.

The build goes to build-fuzz/ (its own objects, never build/); new inputs
to build-fuzz/corpus/, crash inputs to build-fuzz/artifacts/<t>/.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from helpers import REPO

FUZZ_SECONDS = int(os.environ.get("SANLOCK_FUZZ_SECONDS", "10"))
TARGETS = ["fuzz_ondisk", "fuzz_delta_scan", "fuzz_paxos_scan", "fuzz_wire",
           "fuzz_strings", "fuzz_cli_conf"]


def _libfuzzer_missing():
    """None if clang can link a libFuzzer+ASan+UBSan program, else why not."""
    cc = os.environ.get("FUZZ_CC", "clang")
    if not shutil.which(cc):
        return f"{cc} not installed (Debian: clang, libclang-rt-14-dev)"
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "t.c"
        src.write_text("#include <stddef.h>\n#include <stdint.h>\n"
                       "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)"
                       "{ (void)d; (void)n; return 0; }\n")
        r = subprocess.run([cc, "-fsanitize=fuzzer,address,undefined",
                            str(src), "-o", str(Path(d) / "t")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return ("clang cannot link libFuzzer (install libclang-rt-14-dev): "
                    + (r.stderr.strip().splitlines() or ["?"])[-1])
    return None


pytestmark = pytest.mark.skipif(_libfuzzer_missing() is not None,
                                reason=str(_libfuzzer_missing()))


def _make(*args, timeout):
    r = subprocess.run(["make", "-C", str(REPO), "--no-print-directory",
                        *args], capture_output=True, text=True,
                       timeout=timeout)
    out = r.stdout + r.stderr
    return r.returncode, out


def _summary(out):
    return "\n".join(l for l in out.splitlines()
                     if l.startswith("fuzz") or l.startswith("    "))


@pytest.fixture(scope="module")
def fuzzers_built():
    rc, out = _make("-j2", "fuzz", timeout=900)
    assert rc == 0, "make fuzz failed:\n" + out[-4000:]
    for t in TARGETS:
        assert (REPO / "build-fuzz" / "bin" / t).exists(), t


def test_corpus_present():
    """Every target has seeds (fuzz/make_corpus.py writes them)."""
    for t in TARGETS:
        d = REPO / "fuzz" / "corpus" / t
        assert d.is_dir() and any(d.iterdir()), f"no seeds in {d}"


def test_fuzz_regress(fuzzers_built):
    """Every seed and every regression input runs clean."""
    rc, out = _make("fuzz-regress", timeout=300)
    assert rc == 0, "fuzz-regress failed:\n" + _summary(out)
    for t in TARGETS:
        assert f"fuzz {t}: rc=0" in out, _summary(out)


@pytest.mark.skipif(FUZZ_SECONDS <= 0, reason="SANLOCK_FUZZ_SECONDS=0")
def test_fuzz_run(fuzzers_built):
    """A short bounded fuzzing session per target finds nothing."""
    rc, out = _make("fuzz-run", f"FUZZ_SECONDS={FUZZ_SECONDS}",
                    timeout=len(TARGETS) * (FUZZ_SECONDS + 60))
    assert rc == 0, ("fuzz-run found a problem (inputs in "
                     "build-fuzz/artifacts/):\n" + _summary(out))
    for t in TARGETS:
        assert f"fuzz {t}: rc=0" in out, _summary(out)
