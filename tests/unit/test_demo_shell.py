"""The simulated busybox shell: tty line editing vs plain stdin, commands, top, seq."""

from __future__ import annotations

import asyncio

from helpers.demo_runtime import interactive, pod_runtime, run, sh, wait_for
from tui.demo.programs.shell import parse
from tui.demo.programs.top import ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN


async def test_tty_session_echoes_edits_and_prompts() -> None:
    runtime, pod = await pod_runtime()
    session, sink = await interactive(runtime, pod, "debugger")
    session.io.feed(b"echo hx\x7fi\r")
    await wait_for(lambda: sink.out.count("/ # ") == 2)
    assert sink.out.startswith("# Ephemera demo cluster: simulated busybox shell (type help)\r\n/ # ")
    assert "echo hx\b \bi\r\nhi\r\n/ # " in sink.out
    session.io.feed(b"sleep 30\r")
    await wait_for(lambda: "sleep 30\r\n" in sink.out)
    session.io.feed(b"\x03")
    await wait_for(lambda: sink.out.endswith("^C\r\n/ # "))
    session.io.feed(b"echo $?\r")
    await wait_for(lambda: "130\r\n" in sink.out)
    session.io.feed(b"abc\x03")
    await wait_for(lambda: sink.out.endswith("abc^C\r\n/ # "))
    session.io.feed(b"\x04")
    assert await asyncio.wait_for(session.task, 5) == 0


async def test_history_and_clear_screen() -> None:
    runtime, pod = await pod_runtime()
    session, sink = await interactive(runtime, pod, "debugger")
    session.io.feed(b"echo one\r")
    await wait_for(lambda: "one\r\n" in sink.out)
    session.io.feed(b"\x1b[A")
    await wait_for(lambda: sink.out.endswith("\r/ # echo one\x1b[K"))
    session.io.feed(b"\x0c")
    await wait_for(lambda: sink.out.endswith("\x1b[H\x1b[J/ # echo one"))
    session.io.feed(b"\rexit 7\r")
    assert await asyncio.wait_for(session.task, 5) == 7


async def test_non_tty_reads_lines_without_echo_or_prompt() -> None:
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["sh"], stdin=b"echo a\npwd\ncd /tmp\npwd\nfalse\n")
    assert sink.out == "a\n/\n/tmp\n"
    assert code == 1


async def test_unknown_command_and_exit_status() -> None:
    code, out, err = await sh("foo; echo $?")
    assert out == "127\n" and err == "sh: foo: not found\n" and code == 0
    code, out, err = await sh("false || echo fallback && echo and")
    assert out == "fallback\nand\n"


async def test_expansion_pipes_and_redirection() -> None:
    _code, out, _err = await sh('X=world; export Y=1; echo "hello $X" \'$X\' ${Y} $((2*3)); '
                              "seq 1 10 | grep 1 | wc -l; echo saved > /tmp/f; cat /tmp/f; "
                              "for i in $(seq 3); do echo n$i; done")
    assert out == "hello world $X 1 6\n2\nsaved\nn1\nn2\nn3\n"


async def test_syntax_error() -> None:
    code, _out, err = await sh('echo "unterminated')
    assert code == 2 and err == "sh: syntax error: unterminated quoted string\n"


async def test_misc_commands() -> None:
    _code, out, _err = await sh("id; whoami; uname -a; cat /etc/hostname; pgrep python; ls -a /tmp; "
                              "netstat -tlnp | grep 8080")
    lines = out.splitlines()
    assert lines[0] == "uid=0(root) gid=0(root) groups=0(root),10(wheel)"
    assert lines[1] == "root"
    assert lines[2].startswith("Linux slim-1 ")
    assert lines[3] == "slim-1"
    assert lines[4] == "1"
    assert lines[5:7] == [".", ".."]
    assert lines[7].endswith("LISTEN      1/python")


async def test_ls_columns_on_a_tty_and_long_format() -> None:
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["ls", "/proc/1/root/nodejs/.."], tty=True)
    assert code == 0
    code, sink = await run(runtime, pod, "debugger", ["ls", "/proc/1/root/usr/bin"], tty=True)
    first = sink.out.split("\r\n")[0]
    assert first == "c_rehash   getent     locale     pldd       python3.9"
    code, sink = await run(runtime, pod, "debugger", ["ls", "-l", "/bin/ps"])
    assert sink.out.startswith("-rwxr-xr-x    1 root     root")


async def test_seq_is_exact() -> None:
    """(Its speed is the terminal benchmark's to measure, not a timed test's.)"""
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["seq", "1", "2000000"])
    assert code == 0
    assert len(sink.channels[1]) == 14_888_896


async def test_top_uses_the_alternate_screen_and_follows_resizes() -> None:
    runtime, pod = await pod_runtime()
    session, sink = await interactive(runtime, pod, "debugger", cols=100, rows=10)
    session.io.feed(b"top\r")
    await wait_for(lambda: "PID  PPID USER" in sink.out)
    assert ENTER_ALT_SCREEN in sink.out
    assert "\x1b[7m  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND" + " " * 47 + "\x1b[0m" in sink.out
    mark = len(sink.out)
    session.io.resize(60, 8)
    await wait_for(lambda: "\x1b[7m" + "  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND"[:60] in sink.out[mark:])
    session.io.feed(b"q")
    await wait_for(lambda: sink.out.endswith(LEAVE_ALT_SCREEN + "/ # "))
    session.io.feed(b"top\r")
    await wait_for(lambda: sink.out.count(ENTER_ALT_SCREEN) == 2)
    session.io.feed(b"\x03")
    await wait_for(lambda: sink.out.endswith(LEAVE_ALT_SCREEN + "/ # "))
    session.io.feed(b"stty size\r")
    await wait_for(lambda: "8 60\r\n" in sink.out)


def test_parser_handles_compound_commands() -> None:
    lists = parse("while true; do sleep 1; done; if a; then b; else c; fi && d | e")
    assert len(lists) == 2


async def test_loops_and_test_brackets() -> None:
    code, out, err = await sh("x=0; while [ $x -lt 3 ]; do echo $x; x=$((x+1)); done; "
                              "[ -d /tmp ] && echo dir; test a = b || echo differ")
    assert (code, out, err) == (0, "0\n1\n2\ndir\ndiffer\n", "")


async def test_redirecting_stdout_to_stderr_and_explicit_fd_1() -> None:
    code, out, err = await sh("echo to-err >&2; echo also-err 1>&2; echo out 1> /tmp/o; cat /tmp/o; exit 4")
    assert (out, err, code) == ("out\n", "to-err\nalso-err\n", 4)
    code, out, err = await sh("echo a1>&2")  # a digit inside a word is not a file descriptor
    assert (out, err) == ("", "a1\n")


async def test_echo_e_interprets_escapes_and_keeps_non_ascii_text() -> None:
    code, out, _ = await sh("echo -e '日本\\tcafé \\e[1mbold\\x41\\0101'; echo -e 'cut\\chidden'; echo -E 'raw\\t'")
    assert code == 0
    assert out == "日本\tcafé \x1b[1mboldAA\ncutraw\\t\n"
