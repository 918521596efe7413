"""Hostile cluster, file and typed text: escape sequences and markup in every free-text field never
reach the user's terminal, never crash the app and never become links. Notifications are on (as in
every test: tests/conftest.py).

Two layers are checked: the views make such text visible themselves (`tui.display_text`: ESC is
shown as ␛, U+202E as <U+202E>, `[/]` as typed), and `tui.app.TerminalGuard` removes anything a
view missed before it is written. The tests run with the guard off too, so a view that forgets the
sanitiser fails here instead of hiding behind the guard."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import DataTable
from textual.widgets._toast import Toast

from helpers.browser import make_app, palette_entry, row_names, row_of, wait_for
from helpers.hostile_pods import HOSTILE_POD, NAMESPACE, OSC52, OSC_TITLE, add_hostile_pod, hostile, unsafe_output
from tui.app import EphemeraApp, TerminalGuard
from tui.cli import main
from tui.debug import MANAGED_BY_LABEL, MANAGED_BY_VALUE, SOURCE_POD_ANNOTATION
from tui.demo.cluster import DemoCluster
from tui.screens.cleanup_screen import CleanupScreen
from tui.screens.picker_modal import PickerModal


@pytest.fixture(params=["guarded", "views-alone"])
def guard(request: pytest.FixtureRequest) -> bool:
    """`views-alone`: the app's TerminalGuard is taken out, so only the views' own sanitising counts."""
    return request.param == "guarded"


def hostile_app(kubeconfig: Path | str, guard: bool, **kwargs: Any) -> EphemeraApp:
    app = make_app(kubeconfig, **kwargs)
    if not guard:
        app._filters = [f for f in app._filters if not isinstance(f, TerminalGuard)]
    return app


def toasts_text(app: EphemeraApp) -> str:
    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


async def test_hostile_pod_in_the_browser_and_inspector(demo_cluster: DemoCluster, guard: bool) -> None:
    add_hostile_pod(demo_cluster)
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: HOSTILE_POD in row_names(app), what="the hostile pod's row")
        app.browser.table.select_key((NAMESPACE, HOSTILE_POD))
        await wait_for(pilot, lambda: "termination" in app.browser.inspector.text, what="the inspector")
        await pilot.pause()
        assert unsafe_output(app) == []
        # what the pod author wrote is shown, visibly and literally (markup is not parsed)
        status = row_of(app, NAMESPACE, HOSTILE_POD)["STATUS"]
        assert status.startswith("CrashLoopBackOff␛]52;c;")
        text = app.browser.inspector.text
        for field in ("waiting message", "termination", "status message", "Thing", "NET_ADMIN", "/data/x"):
            assert f"{field}␛]52;c;" in text, field
        flat = re.sub(r" *\n", "", text)  # the inspector wraps long lines
        assert "[/][link=https://evil.example/]click[/link][/bold][b]" in flat
        assert "<U+202E>evil<U+2066>x<U+2069>" in flat
        assert "␡" in text and "<U+009B>2J" in text
        # the inspector can be scrolled through to its end without anything unsafe appearing
        await pilot.press("enter", "G")
        await pilot.pause()
        assert unsafe_output(app) == []


async def test_notices_show_cluster_text_literally(demo_cluster: DemoCluster, guard: bool) -> None:
    """Any notice (a kubelet message, an image name, a server answer) is text, never markup."""
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: row_names(app), what="rows")
        app.notify(f"image {hostile('busybox')} cannot be pulled", title=hostile("title"), severity="error")
        app.browser.notify(hostile("from a screen"))
        # the toast rack is rebuilt for each notice: wait until both are on screen, then read once
        await wait_for(pilot, lambda: "from a screen" in toasts_text(app) and "image busybox" in toasts_text(app),
                       what="the notices")
        shown = toasts_text(app)
        assert "image busybox␛]52;c;" in shown and "[/][link=https://evil.example/]click[/link]" in shown
        assert "title␛]52" in shown
        assert unsafe_output(app) == []


async def test_typed_namespace_with_markup(demo_cluster: DemoCluster, guard: bool) -> None:
    """`:ns dev[/]` in the palette: refused as not a namespace name, said literally; no crash."""
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: row_names(app), what="rows")
        await pilot.press(":")
        await pilot.press(*"ns dev[/]")
        # the palette searches in a worker: its entry for what was typed, shown safely
        await wait_for(pilot, lambda: "ns dev" in palette_entry(app), what="the palette's entry")
        assert unsafe_output(app) == []
        await pilot.press("enter")
        await wait_for(pilot, lambda: "is not a namespace name" in toasts_text(app), what="the refusal")
        assert "'dev[/]' is not a namespace name" in toasts_text(app)
        assert app.browser.namespace == "default"
        assert unsafe_output(app) == []


async def test_config_values_with_markup_and_escapes(demo_cluster: DemoCluster, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, guard: bool) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "x[/]\\u001b]0;pwned\\u0007"\ndefault_profile = "[link=https://evil.example/]y[/link]"\n'
                      'recent_images = ["busybox[/]\\u001b]52;c;aGk=\\u0007"]\n')
    monkeypatch.setenv("EPHEMERA_CONFIG", str(config))
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "x[/]" in toasts_text(app), what="the settings notice")
        assert "unknown theme" in toasts_text(app)
        assert unsafe_output(app) == []
        await pilot.press("question_mark")
        await pilot.pause()
        assert unsafe_output(app) == []


async def test_hostile_kubeconfig_names(demo_cluster: DemoCluster, tmp_path: Path, guard: bool) -> None:
    """A kubeconfig is a file: its context names and server addresses are shown visibly too."""
    data = yaml.safe_load(Path(demo_cluster.kubeconfig_path).read_text())
    evil = f"ctx[/]{OSC_TITLE}{OSC52}"
    data["contexts"][0]["name"] = evil
    data["current-context"] = evil
    data["contexts"].append({"name": "other[link=https://evil.example/]x[/link]\u202e",
                             "context": dict(data["contexts"][0]["context"])})
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(data))
    path.chmod(0o600)
    app = hostile_app(path, guard)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: row_names(app), what="rows")
        assert "ctx[/]␛]0;pwned window" in str(app.browser.header.render())
        assert unsafe_output(app) == []
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal), what="the context picker")
        await pilot.pause()
        assert unsafe_output(app) == []
        await pilot.press("escape", ":")
        await pilot.press(*"ctx")
        await wait_for(pilot, lambda: "ctx" in palette_entry(app), what="the palette's contexts")
        assert unsafe_output(app) == []


def _hostile_copy(cluster: DemoCluster) -> None:
    cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-debug-hostl", "namespace": "default",
                     "labels": {MANAGED_BY_LABEL: MANAGED_BY_VALUE},
                     "annotations": {SOURCE_POD_ANNOTATION: hostile("default/web")}},
        "spec": {"containers": [{"name": "app", "image": "busybox"}]},
    })


async def test_cleanup_view_with_a_hostile_source(demo_cluster: DemoCluster, guard: bool) -> None:
    _hostile_copy(demo_cluster)
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: row_names(app), what="rows")
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen) and app.screen.copies,
                       what="the cleanup view with the copy")
        await pilot.pause()
        table = app.screen.query_one("#copies", DataTable)
        assert "default/web␛]52;c;" in str(table.get_row_at(0)[3])
        assert unsafe_output(app) == []


def test_cli_prints_cluster_text_visibly(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    """`ephemera cleanup` lists the copies' sources: on the user's terminal, never an escape."""
    _hostile_copy(demo_cluster)
    code = main(["--kubeconfig", str(demo_cluster.kubeconfig_path), "cleanup", "-A", "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "default/web␛]52;c;" in out
    assert "\x1b" not in out + err and "\u202e" not in out + err and "\x9b" not in out + err


async def test_debug_form_and_policy_audit_on_the_hostile_pod(demo_cluster: DemoCluster, guard: bool) -> None:
    """The form's pre-flight, preview and messages, and the policy audit, quote the pod: visibly."""
    from helpers.debug_ui import open_form
    from tui.screens.policy_audit_screen import PolicyAuditScreen

    add_hostile_pod(demo_cluster)
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: HOSTILE_POD in row_names(app), what="the hostile pod's row")
        await open_form(pilot, (NAMESPACE, HOSTILE_POD))
        await pilot.pause()
        assert unsafe_output(app) == []
        await pilot.press("escape")
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyAuditScreen) and app.screen.rows, timeout=30,
                       what="the policy audit's rows")
        await pilot.pause()
        assert unsafe_output(app) == []


def test_debug_command_prints_the_hostile_pod_visibly(demo_cluster: DemoCluster,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`ephemera debug` on the hostile pod: its pre-flight and requests on the user's terminal."""
    add_hostile_pod(demo_cluster)
    main(["--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", HOSTILE_POD, "--image=busybox",
          "--target=app", "--dry-run"])
    out, err = capsys.readouterr()
    assert HOSTILE_POD in out + err
    assert "\x1b" not in out + err and "\u202e" not in out + err and "\x9b" not in out + err


async def test_session_pane_on_the_hostile_pod(demo_cluster: DemoCluster, guard: bool) -> None:
    """A shell on the hostile pod's crashing container waits: its tab label (the waiting reason)
    and banner quote the kubelet's text visibly."""
    from helpers.session_panes import panes, select

    add_hostile_pod(demo_cluster)
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(160, 50)) as pilot:
        await select(pilot, (NAMESPACE, HOSTILE_POD))
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal) or panes(pilot), what="the shell picker")
        await pilot.pause()
        assert unsafe_output(app) == []
        if isinstance(app.screen, PickerModal):
            await pilot.press("enter")
        await wait_for(pilot, lambda: panes(pilot) and panes(pilot)[-1].badge.state == "waiting",
                       what="the waiting pane")
        pane = panes(pilot)[-1]
        await wait_for(pilot, lambda: "CrashLoopBackOff" in pane.badge.text, what="the waiting reason")
        await pilot.pause()
        assert "waiting: CrashLoopBackOff␛]52;c;" in app.browser.sessions.tab_bar.text
        assert unsafe_output(app) == []


async def test_audit_log_view_with_markup_in_its_path(demo_cluster: DemoCluster, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, guard: bool) -> None:
    """`L`: the log's path (from $XDG_STATE_HOME) is the view's subtitle: a `[/]` or an escape in it
    is shown as written (it crashed the app with a MarkupError)."""
    from tui.screens.audit_log_screen import AuditLogScreen

    state = tmp_path / f"st[/]x[link=https://evil.example/]y[/link]{OSC_TITLE}"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: row_names(app), what="rows")
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditLogScreen) and app.screen.loaded,
                       what="the audit log view")
        await pilot.pause()
        from textual.containers import Vertical
        subtitle = app.screen.query_one("#audit-log", Vertical)._border_subtitle
        assert subtitle is not None and "st[/]x[link=https:/evil.example/]y[/link]␛]0;pwned" in subtitle.plain
        assert unsafe_output(app) == []


async def test_hostile_images_from_config_and_ctrl_y(demo_cluster: DemoCluster, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, guard: bool) -> None:
    """config.toml's default_image/recent_images with ESC, BEL or U+202E are settings problems: the
    debug form and the node modal start from the built-in image and suggest only clean ones. A
    field typed (or pasted) with such characters is shown visibly in the kubectl preview, and
    Ctrl+Y refuses to put that command on the clipboard, saying why."""
    from textual.events import Paste
    from textual.widgets import Input

    from helpers.debug_ui import notifications, open_form, preview
    from tui.screens.node_debug_modal import NodeDebugModal

    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # the app's clipboard only
    config = tmp_path / "config.toml"
    config.write_text('default_image = "busybox\\u001b]52;c;aGk=\\u0007\\u202e"\n'
                      'recent_images = ["nginx\\u202e[/]", "alpine"]\n')
    monkeypatch.setenv("EPHEMERA_CONFIG", str(config))
    add_hostile_pod(demo_cluster)
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: any("default_image" in n for n in notifications(app)),
                       what="the settings problem")
        form = await open_form(pilot, (NAMESPACE, HOSTILE_POD))
        assert form.query_one("#image", Input).value == "busybox"
        assert "nginx" not in str(form.query_one("#recent-images").render())
        assert unsafe_output(app) == []
        env = form.query_one("#env", Input)
        env.focus()
        env.post_message(Paste("X=a\u202eb\x1b]52;c;aGk=\x07\u200b\x7f"))  # a paste carries anything
        await wait_for(pilot, lambda: "X=ab]52;c;aGk=" in preview(form), what="the pasted env in the preview")
        assert env.value == "X=ab]52;c;aGk="  # what cannot be shown is left out
        await pilot.pause()
        assert unsafe_output(app) == []
        # whatever way such a value gets into the command, Ctrl+Y does not copy it
        env.value = "X=a\u202eb\x1b]52;c;aGk=\x07"
        await wait_for(pilot, lambda: "\u202e" in preview(form), what="the env in the preview")
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: any("Not copied" in n for n in notifications(app)), what="the refusal")
        refusal = next(n for n in notifications(app) if "Not copied" in n)
        assert "<U+202E>" in refusal and "␛" in refusal
        assert app.clipboard == ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, type(form)), what="the form closed")
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, NodeDebugModal), what="the node debug modal")
        assert app.screen.query_one("#image", Input).value == "busybox"
        await pilot.pause()
        assert unsafe_output(app) == []


async def test_copying_from_a_pane_leaves_out_invisible_characters(demo_cluster: DemoCluster,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A program in the container prints DEL and U+200B: the pane's cells hold them, the copy
    (`y` on the tab bar) does not."""
    from helpers.session_panes import attached, run_line

    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # the app's clipboard only
    async with attached(demo_cluster) as (app, pilot, pane):
        await run_line(pilot, pane, "echo -e 'a\\0177b\u200bc\u202ed'", "d")
        assert any("\u200b" in line or "\x7f" in line for line in pane.terminal.engine.all_text()), \
            pane.terminal.engine.all_text()
        await pilot.press("ctrl+right_square_bracket", "y")
        await wait_for(pilot, lambda: "abc" in app.clipboard, what="the screen copied")
        assert "abcd" in app.clipboard
        assert not any(ch in app.clipboard for ch in "\x7f\u200b\u202e\x1b")


async def test_more_views_of_the_hostile_pod(demo_cluster: DemoCluster, guard: bool) -> None:
    """The logs and previous-logs pickers, the YAML view, the copy-files modal and the help, on the
    hostile pod (init, ephemeral, terminated containers; a hostile owner): nothing unsafe is drawn."""
    from textual.screen import ModalScreen

    from helpers.session_panes import select
    from tui.screens.file_copy_modal import FileCopyModal
    from tui.screens.help_modal import HelpModal
    from tui.screens.yaml_screen import YamlScreen

    add_hostile_pod(demo_cluster)
    app = hostile_app(demo_cluster.kubeconfig_path, guard)
    async with app.run_test(size=(160, 50)) as pilot:
        await select(pilot, (NAMESPACE, HOSTILE_POD))
        await wait_for(pilot, lambda: "current termination" in app.browser.inspector.text, what="the inspector")
        text = app.browser.inspector.text
        for field in ("init message", "debugger message", "owner", "[@click=app.quit]x[/]"):
            assert field in text, field
        assert "␛P$qm" in text and "␛_Gf=100" in text and "␛c" in text and "<U+200B>" in text
        await pilot.pause()
        assert unsafe_output(app) == []
        for key, screen_type, what in (("l", PickerModal, "the logs picker"),
                                       ("p", PickerModal, "the previous-logs picker"),
                                       ("v", YamlScreen, "the YAML view"),
                                       ("F", FileCopyModal, "the copy-files modal"),
                                       ("question_mark", HelpModal, "the help")):
            await pilot.press(key)
            await wait_for(pilot, lambda screen_type=screen_type: isinstance(app.screen, screen_type), what=what)
            await pilot.pause()
            assert unsafe_output(app) == [], what
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ModalScreen | YamlScreen),
                           what=f"{what} closed")
        assert app.is_running  # [@click=app.quit] did nothing


def test_exit_summary_of_hostile_names() -> None:
    """What the terminal gets after the TUI has left it: every line made visible."""
    from tui.left_running import OpenSession, exit_summary

    session = OpenSession(hostile("ns"), hostile("pod"), hostile("debugger"), "attach", copy_of=hostile("src"))
    summary = exit_summary([session], ["--context", hostile("ctx")])
    assert "pod␛]52;c;" in summary
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202e\U000e0041]", summary), summary
