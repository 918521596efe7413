"""Files Ephemera writes for the user are 0600 and the directories it creates 0700, whatever the
umask: a `.cast` recording holds whatever was typed, a screenshot whatever was on screen, the audit
log every change. They go to the user's state directory, never the current one (a source clone).
(cwd=/proc: a directory even root cannot write to.)"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from helpers.attach import add_debug_container_to
from helpers.browser import make_app, wait_for
from tui.audit_log import AuditLog
from tui.demo.cluster import DemoCluster
from tui.paths import cast_directory, ensure_private_dir, open_private_file, write_private_file
from widgets.terminal.asciicast import AsciicastRecorder, read_asciicast
from widgets.terminal.terminal_view import TerminalView

SLIM = ("default", "slim-79487d6484-h4rss")
UNWRITABLE = Path("/proc")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common 022: without our care files would be 0644 and directories 0755."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_cast_recording_is_0600_and_an_existing_file_is_tightened(tmp_path: Path) -> None:
    # the recorder writes where it is told; the app opens a .cast as here (SessionPane.save_cast)
    with AsciicastRecorder(open_private_file(tmp_path / "a.cast"), 80, 24) as rec:
        rec.output(b"mysql -psecret\r\n")
    assert mode(tmp_path / "a.cast") == 0o600
    old = tmp_path / "b.cast"
    old.write_text("stale")
    old.chmod(0o644)
    with AsciicastRecorder(open_private_file(old), 80, 24) as rec:
        rec.output(b"x")
    assert mode(old) == 0o600
    header, events = read_asciicast(old)
    assert header["width"] == 80 and events == [(events[0][0], "o", "x")]  # truncated, rewritten


def test_private_files_are_never_written_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    (tmp_path / "shot.svg").symlink_to(target)
    with pytest.raises(OSError):
        write_private_file(tmp_path / "shot.svg", "<svg/>")
    assert target.read_text() == "keep"


def test_private_dirs_are_0700_all_the_way_and_tightened(tmp_path: Path) -> None:
    made = ensure_private_dir(tmp_path / "state" / "ephemera" / "casts")
    for path in (made, made.parent, made.parent.parent):
        assert mode(path) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    ensure_private_dir(loose)
    assert mode(loose) == 0o700


def test_audit_log_state_directories_are_0700(private_state_home: Path) -> None:
    log = AuditLog()
    log.record(context="c", namespace="n", pod="p", action="x", request={}, result="ok", ok=True)
    assert mode(log.path) == 0o600
    assert mode(log.path.parent) == 0o700 and mode(private_state_home) == 0o700


def test_cast_directory_is_the_state_directory_0700(private_state_home: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a writable current directory is not used either
    directory = cast_directory()
    assert directory == private_state_home / "ephemera" / "casts"
    assert mode(directory) == 0o700 and mode(directory.parent) == 0o700
    directory.chmod(0o755)  # made by an older version
    assert mode(cast_directory()) == 0o700


async def test_saved_cast_and_screenshot_from_the_app_are_private(demo_cluster: DemoCluster, tmp_path: Path,
                                                                  private_state_home: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    monkeypatch.chdir(UNWRITABLE)  # both fall back to Ephemera's state directory
    app: Any = make_app(demo_cluster.kubeconfig_path, demo=True)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await attach(pilot)
        await pilot.press(*[("space" if c == " " else c) for c in "echo typed-secret"], "enter")
        await wait_for(pilot, lambda: "typed-secret" in "\n".join(pane.terminal.engine.all_text()), what="echo")
        await pilot.press("ctrl+right_square_bracket", "w")
        casts = private_state_home / "ephemera" / "casts"
        await wait_for(pilot, lambda: casts.is_dir() and list(casts.glob("*.cast")), what="a .cast file")
        [cast] = casts.glob("*.cast")
        shot = app.save_screenshot_notice()
    assert mode(casts) == 0o700 and mode(cast) == 0o600
    assert shot is not None and shot.parent == private_state_home / "ephemera" / "screenshots"
    assert mode(shot) == 0o600 and mode(shot.parent) == 0o700
    assert shot.read_text().startswith("<svg")


async def test_ctrl_s_in_a_clone_saves_to_the_users_directory_not_the_source_tree(
        shared_cluster: DemoCluster, tmp_path: Path, private_state_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a clone (a tracked screenshots/ in the current directory): Ctrl+S writes neither
    there nor in the current directory, but in the user's $XDG_STATE_HOME/ephemera/screenshots."""
    clone = tmp_path / "clone"
    (clone / "screenshots").mkdir(parents=True)
    (clone / "screenshots" / "browser-80x24.svg").write_text("<svg/>")
    monkeypatch.chdir(clone)
    app: Any = make_app(shared_cluster.kubeconfig_path)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")
        saved = private_state_home / "ephemera" / "screenshots"
        await wait_for(pilot, lambda: list(saved.glob("ephemera-*.svg")), what="the screenshot in the state dir")
    [shot] = saved.glob("ephemera-*.svg")
    assert mode(shot) == 0o600 and mode(saved) == 0o700
    assert sorted(p.name for p in clone.rglob("*")) == ["browser-80x24.svg", "screenshots"]


async def test_w_in_a_clone_saves_the_cast_to_the_users_directory_not_the_source_tree(
        demo_cluster: DemoCluster, tmp_path: Path, private_state_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a (writable) clone: `w` writes the recording in $XDG_STATE_HOME/ephemera/casts,
    0600, and nothing in the current directory; the notice names the file to replay."""
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / "README.md").write_text("# a clone")
    monkeypatch.chdir(clone)
    app: Any = make_app(demo_cluster.kubeconfig_path, demo=True)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await attach(pilot)
        await pilot.press("ctrl+right_square_bracket", "w")
        casts = private_state_home / "ephemera" / "casts"
        await wait_for(pilot, lambda: casts.is_dir() and list(casts.glob("*.cast")), what="a .cast file")
        [cast] = casts.glob("*.cast")
        await wait_for(pilot, lambda: any(f"asciinema play {cast}" in n.message for n in app.notice_log),
                       what="the notice naming the file")
    assert mode(cast) == 0o600 and mode(casts) == 0o700
    assert sorted(p.name for p in clone.rglob("*")) == ["README.md"]


async def test_screenshot_dir_of_the_settings_is_where_the_user_asked(shared_cluster: DemoCluster, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "pictures"
    chosen.mkdir(mode=0o755)
    chosen.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text(f'screenshot_dir = "{chosen}"\n')
    monkeypatch.setenv("EPHEMERA_CONFIG", str(config))
    app: Any = make_app(shared_cluster.kubeconfig_path)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)):
        shot = app.save_screenshot_notice()
    assert shot is not None and shot.parent == chosen and mode(shot) == 0o600
    assert mode(chosen) == 0o755  # the user's directory is left as it is


async def attach(pilot: Pilot) -> Any:
    app: Any = pilot.app
    await wait_for(pilot, lambda: SLIM in app.browser.table.pods, what="the pod listed")
    app.browser.table.select_key(SLIM)
    await wait_for(pilot, lambda: app.browser.table.selected_key == SLIM, what="selection")
    await pilot.press("a")
    await wait_for(pilot, lambda: list(app.browser.sessions.panes), what="a pane")
    pane = list(app.browser.sessions.panes)[-1]
    await wait_for(pilot, lambda: pane.badge.text == "live", timeout=30, what="live")
    await wait_for(pilot, lambda: isinstance(app.focused, TerminalView), what="the terminal focused")
    return pane
