"""The simulated shell's `exec` builtin and busybox `sleep` operands (suffixes, fractions)."""

from __future__ import annotations

import asyncio

import pytest

from helpers.demo_runtime import Collector, pod_runtime, sh, wait_for
from tui.debug.target_fs import target_mode_helper
from tui.demo.programs.applets import sleep_seconds


async def test_exec_replaces_the_shell_and_ends_with_the_programs_status() -> None:
    assert await sh("exec echo hi; echo never") == (0, "hi\n", "")
    assert await sh("exec sh -c 'exit 3'; echo never") == (3, "", "")
    assert await sh("exec false; echo never") == (1, "", "")


async def test_exec_without_arguments_changes_nothing() -> None:
    assert await sh("exec; echo still here") == (0, "still here\n", "")


async def test_exec_of_a_missing_program_says_so_and_ends_the_shell() -> None:
    assert await sh("exec nosuch; echo never") == (127, "", "sh: exec: nosuch: not found\n")


async def test_exec_keeps_the_pid_and_shows_the_new_command_line() -> None:
    code, out, _ = await sh("echo $$; exec sh -c 'echo $$; ps'")
    first, second, *table = out.splitlines()
    assert code == 0 and first == second
    assert any(line.split()[0] == first and line.endswith("sh -c echo $$; ps") for line in table[1:])


async def test_the_target_filesystem_helper_gives_an_interactive_shell_in_the_targets_root() -> None:
    runtime, pod = await pod_runtime()
    helper = target_mode_helper()
    found = runtime.find(pod["metadata"]["namespace"], pod["metadata"]["name"], "debugger")
    assert found is not None
    sink = Collector()
    session = runtime.exec(found, helper.command, tty=True, stdin=True, sink=sink, cols=80, rows=24)
    await wait_for(lambda: "/proc/1/root # " in sink.out)
    assert "not found" not in sink.out
    session.io.feed(b"pwd; ls; which ls\r")
    await wait_for(lambda: "/bin/ls\r\n" in sink.out)
    assert "/proc/1/root\r\n" in sink.out and "  usr  " in sink.out
    session.io.feed(b"exit 4\r")
    assert await asyncio.wait_for(session.task, 5) == 4


@pytest.mark.parametrize(("operand", "seconds"), [
    ("3", 3), ("0.5", 0.5), (".5", 0.5), ("2.", 2), ("10s", 10), ("1.5m", 90), ("2h", 7200), ("1d", 86400),
    ("inf", float("inf")), ("infinity", float("inf")),
])
def test_sleep_operands_as_busybox_reads_them(operand: str, seconds: float) -> None:
    assert sleep_seconds(operand) == seconds


@pytest.mark.parametrize("operand", ["", "abc", "1x", "-1", "1dd", "s", "1 s"])
def test_sleep_rejects_what_busybox_rejects(operand: str) -> None:
    assert sleep_seconds(operand) is None


async def test_sleep_with_fractions_and_suffixes_runs_and_bad_operands_fail() -> None:
    assert await sh("sleep 0.01 0.01s; echo done") == (0, "done\n", "")
    _code, out, err = await sh("sleep 1x; echo $?")
    assert (out, err) == ("1\n", "sleep: invalid number '1x'\n")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(sh("sleep 1d"), 0.2)


async def test_pathname_expansion_matches_the_filesystem_and_leaves_quoted_patterns_alone() -> None:
    assert await sh("echo /bin/l* '/bin/l*' \"/bin/l*\"") == (0, "/bin/less /bin/ln /bin/ls /bin/l* /bin/l*\n", "")
    _code, out, _ = await sh("for d in /proc/[0-9]*; do echo $d; done")
    assert "/proc/1" in out.split() and all(line.startswith("/proc/") for line in out.split())
    assert await sh("echo /nonexistent*") == (0, "/nonexistent*\n", "")


async def test_break_and_continue_leave_the_right_loop() -> None:
    assert await sh("for i in 1 2 3; do [ $i = 2 ] && break; echo $i; done; echo end") == (0, "1\nend\n", "")
    assert await sh("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done") == (0, "1\n3\n", "")
    assert await sh("for i in a b; do for j in 1 2; do echo $i$j; break 2; done; done; echo out") == \
        (0, "a1\nout\n", "")
    assert await sh("i=0; while true; do i=$((i+1)); [ $i -gt 2 ] && break; echo $i; done") == (0, "1\n2\n", "")


async def test_tr_translates_deletes_and_squeezes() -> None:
    assert await sh("echo hello | tr a-z A-Z") == (0, "HELLO\n", "")
    assert await sh("echo hello | tr -d l") == (0, "heo\n", "")
    assert await sh("echo 'a   b' | tr -s ' '") == (0, "a b\n", "")
    code, out, _ = await sh("tr '\\0' '\\n' < /proc/1/environ")
    assert code == 0 and "HOME=/root\n" in out.splitlines(keepends=True)
    assert await sh("echo x | tr") == (1, "", "Usage: tr [-cds] STRING1 [STRING2]\n")


async def test_exec_or_exit_in_a_pipeline_stage_ends_only_that_stage() -> None:
    assert await sh("echo hi | exec cat; echo after") == (0, "hi\nafter\n", "")
    assert await sh("exit 3 | cat; echo after $?") == (0, "after 0\n", "")
