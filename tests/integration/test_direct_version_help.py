"""`sanlock version`, `--version`/`-V`, `help` and unknown actions
(spec/cli.md §1.1, §3.11, §3.12).

The usage text is our own wording (cli.md §3.12: "not specified ... must
list every command, action and option"), so it is checked for content and
for where it goes (stdout, exit status), not compared with 3.8.5's.
"""

import os
import re
import subprocess

import pytest

from helpers import assert_ours_stderr


CLIENT_ACTIONS = ("status host_status renewal gets log_dump shutdown add_lockspace "
                  "inq_lockspace rem_lockspace command acquire convert release "
                  "inquire request examine align init write read version set_event "
                  "set_config format rebuild create delete lookup update "
                  "host_message callbacks").split()   # last two: messages.md §9
DIRECT_ACTIONS = ("init dump next_free read_leader write_leader acquire release "
                  "acquire_id release_id renew_id format rebuild lookup update "
                  "read_message").split()             # extension, messages.md §9
OPTION_LETTERS = "DQRHLSUGtgwhlobeidfsrxpnmPOuzZAaFc"
VERSION_RE = r"{argv0} 3\.8\.5 \(built [A-Z][a-z]{{2}} [ 123]\d \d{{4}} \d\d:\d\d:\d\d\)\n"


@pytest.mark.san
def test_version(ours, theirs):
    o, t = ours("version"), theirs("version")
    assert (o.rc, o.out, o.err) == (t.rc, t.out, t.err) == (0, "3.8.5\n", ""), f"{o}\n{t}"


@pytest.mark.san
@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_dash_version_format(ours, theirs, flag):
    for s in (ours, theirs):
        r = s(flag)
        assert r.rc == 0 and r.err == "", r
        assert re.fullmatch(VERSION_RE.format(argv0=re.escape(s.path)), r.out), \
            f"{s.name}: {r.out!r}"


@pytest.mark.parametrize("argv0", ["sanlock", "/some/where/sanlock", "x y"])
def test_dash_version_prints_argv0_as_invoked(ours, theirs, argv0):
    for s in (ours, theirs):
        p = subprocess.run([argv0, "--version"], executable=s.path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30, env={**os.environ, **(s.env or {})})
        out = p.stdout.decode()
        assert p.returncode == 0, out
        assert re.fullmatch(VERSION_RE.format(argv0=re.escape(argv0)), out), \
            f"{s.name}: {out!r}"


@pytest.mark.san
def test_help_forms_agree_and_exit_0(ours):
    outs = []
    for args in ([], ["help"], ["--help"], ["-h"]):
        r = ours(*args)
        assert r.rc == 0 and r.err == "" and r.out.strip(), f"sanlock {args}:\n{r}"
        outs.append(r.out)
    assert all(o == outs[0] for o in outs), "help forms print different texts"


@pytest.mark.parametrize("cmd", ["client", "direct"])
def test_client_direct_without_action_print_usage_exit_1(ours, theirs, cmd):
    h = ours("help").out
    r = ours(cmd)
    assert (r.rc, r.out) == (1, h), r
    assert_ours_stderr(r)
    t = theirs(cmd)
    assert t.rc == 1 and t.out.strip(), t


def test_help_lists_every_action_and_option(ours):
    text = ours("help").out
    words = set(re.findall(r"[A-Za-z_]+", text))
    missing = [a for a in CLIENT_ACTIONS + DIRECT_ACTIONS + ["daemon", "client", "direct"]
               if a not in words]
    assert not missing, f"usage text does not mention: {missing}"
    opts = set(re.findall(r"(?<![\w-])-([A-Za-z])\b", text))
    missing = [c for c in OPTION_LETTERS if c not in opts]
    assert not missing, f"usage text does not list options: {['-' + c for c in missing]}"


@pytest.mark.san
@pytest.mark.parametrize("args", [
    ["direct", "foo"], ["client", "foo"], ["foo"], ["direct", "create"],
    ["direct", "status"],
])
def test_unknown_action(ours, theirs, args):
    """cli.md §1.1: `<kind> action "<act>" is unknown`, exit 1."""
    o, t = ours(*args), theirs(*args)
    assert (o.rc, o.out) == (t.rc, t.out), f"ours:\n{o}\n3.8.5:\n{t}"
    assert t.rc == 1 and "is unknown" in t.out and t.err == ""
    assert_ours_stderr(o)
