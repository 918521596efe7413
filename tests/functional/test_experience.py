"""The whole experience: settings (bad file, theme, keymap, defaults), `--config`, help in every
view, the palette holding every action with its key (real demo cluster, real app)."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from helpers.browser import make_app, row_names, settled, wait_for
from helpers.debug_ui import SLIM, notifications, open_form, preview, select
from tui.cli import build_parser, use_config_option
from tui.demo.cluster import DemoCluster
from tui.keymap import key_label
from tui.paths import CONFIG_ENV
from tui.screens.browser_screen import BrowserScreen
from tui.screens.debug_form_modal import DebugFormModal
from tui.screens.help_modal import HelpModal
from tui.settings import load_settings

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path


def _config(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _app_with_config(cluster: DemoCluster, text: str) -> Any:
    """The app on `cluster` with `text` as its config.toml (the private one of `private_files`)."""
    _config(Path(os.environ[CONFIG_ENV]), text)
    return make_app(cluster.kubeconfig_path)


async def test_bad_config_starts_with_defaults_and_names_key_and_line(shared_cluster: DemoCluster,
                                                                      private_files: Path) -> None:
    app = _app_with_config(shared_cluster, 'theme = "nord"\ndefault_image = 3\n\n[keys]\ndebug = "x"\nfly = "f"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: SLIM[1] in row_names(app), what="rows: the app started")
        shown = notifications(app)
        assert any("line 2" in n and "default_image" in n and "busybox" in n for n in shown), shown
        assert any("line 6" in n and "keys.fly" in n and "unknown action" in n for n in shown), shown
        assert app.theme == "nord"  # the good keys are kept
        assert app.settings.default_image == "busybox"
        # the remapped key opens the debug form; the old one no longer does
        await select(pilot, SLIM)
        await pilot.press("d")
        await settled(pilot)  # the key handled (and whatever it would have opened)
        assert app.screen is app.browser
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="debug form on x")


async def test_syntax_error_names_line_and_column(shared_cluster: DemoCluster, private_files: Path) -> None:
    app = _app_with_config(shared_cluster, 'default_image = "busybox"\ntheme = \n')
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: SLIM[1] in row_names(app), what="rows")
        assert any("line 2, column" in n for n in notifications(app)), notifications(app)
        assert app.theme == "textual-dark"


async def test_theme_choice_is_remembered_and_default_namespace_used(shared_cluster: DemoCluster,
                                                                    private_files: Path) -> None:
    path = _config(Path(os.environ[CONFIG_ENV]), '# my settings\ndefault_namespace = "staging"\n')
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "redis-0" in row_names(app), what="staging pods")
        assert app.browser.namespace == "staging"
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: app.screen is not app.browser, what="theme picker")
        await pilot.press(*"gruvbox", "enter")
        await wait_for(pilot, lambda: app.theme == "gruvbox", what="theme applied")
        await wait_for(pilot, lambda: load_settings(path)[0].theme == "gruvbox", what="theme saved")
    assert path.read_text().startswith("# my settings")  # the user's comments survive


def test_config_option_on_the_tui_and_subcommands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parser = build_parser()
    path = tmp_path / "mine.toml"
    for argv in (["--config", str(path)], ["--config", str(path), "cleanup"], ["cleanup", "--config", str(path)],
                 ["debug", "web", "--config", str(path)]):
        monkeypatch.delenv(CONFIG_ENV, raising=False)
        args: argparse.Namespace = parser.parse_args(argv)
        use_config_option(args)
        assert os.environ[CONFIG_ENV] == str(path), argv
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    use_config_option(parser.parse_args([]))
    assert CONFIG_ENV not in os.environ


async def _run_from_palette(pilot: Any, key: str, typed: str, shown_key: str) -> None:
    """Open the palette with `key`, type `typed`, check the first entry shows `(shown_key)`, run it."""

    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what=f"the palette on {key}")
    await pilot.press(*typed)
    await wait_for(pilot, lambda: f"({shown_key})" in str(app.screen.query_one("CommandList").get_option_at_index(0)
                                                         .prompt), what=f"{typed!r} with its key {shown_key}")
    await pilot.press("enter")


async def _press_help(pilot: Any, key: str = "question_mark") -> str:
    """Press `key` and return the help it opened, as text."""
    await pilot.press(key)
    return _help(pilot.app).text


def _help(app: Any) -> HelpModal:
    screen = app.screen
    assert isinstance(screen, HelpModal), screen
    return screen


async def test_help_lists_the_keys_of_every_view(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, SLIM)
        browser_help = await _press_help(pilot, "question_mark")
        for line in ("d  debug the selected pod", "L  the audit log", "Ctrl+T  pick a theme", "/  filter pods",
                     "P  policy audit", "C  Ephemera's copies", "a  attach", "s  a shell", "q", "Filter"):
            assert line in browser_help, line
        assert "Ctrl+C, q, Ctrl+Q  quit" in browser_help  # one row per action, in the help's own words
        await pilot.press("escape")
        app.browser.action_focus_inspector()
        inspector_help = await _press_help(pilot, "question_mark")
        assert inspector_help.startswith("Keys: container inspector")
        assert "/  filter pods (see below)" in inspector_help and "\nFilter\n/text" in inspector_help
        assert "Esc closes this help; : or Ctrl+P opens the command palette" in inspector_help
        await pilot.press("escape", "tab")
        await wait_for(pilot, lambda: app.focused is app.browser.table, what="back in the table")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="debug form")
        form = app.screen
        form.query_one("#image", Input).focus()
        await pilot.press("question_mark")  # types a ? in the field
        assert app.screen is form
        help_text = await _press_help(pilot, "f1")
        assert help_text.startswith("Keys: debug form")
        for line in ("Ctrl+S  Create", "Esc  Cancel", "Tab / Shift+Tab", "Ctrl+Y", "Enter  next field (it never creates)",
                     "PgUp / PgDn  scroll the form"):
            assert line in help_text, line
        assert "Filter" not in help_text
        await pilot.press("escape")
        assert app.screen is form
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen), what="back")
        await pilot.press("C")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CleanupScreen", what="cleanup view")
        cleanup_help = await _press_help(pilot, "question_mark")
        assert cleanup_help.startswith("Keys: clean up copies")
        assert "Space  Mark" in cleanup_help and "d, Del  Delete" in cleanup_help
        assert "↑ / ↓, PgUp / PgDn  move through the copies" in cleanup_help
        await pilot.press("escape", "escape")
        await pilot.press("L")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AuditLogScreen", what="audit log view")
        audit_help = await _press_help(pilot, "question_mark")
        assert audit_help.startswith("Keys: audit log")
        assert "Tab  into the details" in audit_help
        assert audit_help.endswith("Esc closes this help; Ctrl+P opens the command palette")  # no : here
        await pilot.press("escape", "escape")
        await select(pilot, ("secure", "vault-agent-0"))
        await pilot.press("P")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PolicyAuditScreen", what="policy audit")
        audit_help = await _press_help(pilot, "question_mark")
        for line in ("↑ / ↓, PgUp / PgDn, Home / End  scroll the results", "r  Run again", "j  scroll down"):
            assert line in audit_help, (line, audit_help)


async def test_the_help_and_the_palette_hold_every_browser_key_as_remapped(shared_cluster: DemoCluster,
                                                                          private_files: Path) -> None:
    """Every key of the browser is a row of `?` and (but Esc, Tab, : and q, the palette's own) an
    entry of the palette showing that key; a remapped key works, and both show it."""
    app = _app_with_config(shared_cluster, '[keys]\ninspector = "f6"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, SLIM)
        browser = app.browser
        own = {binding.action for binding in Binding.make_bindings(BrowserScreen.BINDINGS)}  # not Textual's
        labels = {key_label(key) for key, active in browser.active_bindings.items()
                  if active.node is browser and active.binding.action in own}
        assert "F6" in labels and "i" not in labels
        await pilot.press("question_mark")
        help_keys = {key.strip() for keys, _description in _help(app).keys for key in keys.split(",")}
        assert labels - help_keys <= {"Esc", "Tab"}, labels - help_keys  # the pod table's rows say these
        assert ("F6", "hide / show the inspector") in _help(app).keys
        await pilot.press("escape")
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 10, what="the palette's actions")
        shown = " ".join(str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count))
        listed = {label for label in labels if re.search(rf"[(, ]{re.escape(label)}[),]", shown)}
        assert labels - listed <= {":", "q"}, labels - listed
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browser, what="the palette closed")
        await pilot.press("f6")
        await wait_for(pilot, lambda: not browser.inspector.display, what="the inspector hidden by F6")
        await _run_from_palette(pilot, "colon", "hide/show inspector", "F6")
        await wait_for(pilot, lambda: browser.inspector.display, what="the inspector shown from the palette")


async def test_debugger_start_shows_what_it_waits_for_with_elapsed_time(tmp_path: Path) -> None:
    """A new debugger's start (the image pull, held by a slow node here) is shown in the header with
    the elapsed time, until the follow-up ends (here: the image cannot be pulled, said once)."""
    with DemoCluster() as cluster:
        app = make_app(cluster.write_kubeconfig(tmp_path / "kubeconfig"))
        async with app.run_test(size=(120, 40)) as pilot:
            header = app.browser.header
            form = await open_form(pilot)
            form.query_one("#image", Input).value = "doesnotexist:1.0"
            await wait_for(pilot, lambda: "--image=doesnotexist:1.0" in preview(form), what="image in the plan")
            cluster.faults.pause_kubelet()  # the pull waits until the elapsed time has ticked
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: "⧗ waiting for debugger-" in header.render().plain, timeout=30,
                           what="the wait in the header")
            await wait_for(pilot, lambda: re.search(r"⧗ waiting for debugger-\w+ to start.* \([2-9]s\)",
                                                    header.render().plain), timeout=30,
                           what=f"the elapsed time ticking ({header.render().plain!r})")
            cluster.faults.resume_kubelet()
            await wait_for(pilot, lambda: "⧗" not in header.render().plain, timeout=30, what="the wait ended")
            # the follow-up ends the header's wait, then posts its notice: two UI callbacks
            await wait_for(pilot, lambda: any("doesnotexist" in n for n in notifications(app)), what="the notice")


async def test_palette_runs_actions_by_name_and_shows_their_keys(shared_cluster: DemoCluster,
                                                                 private_files: Path) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, SLIM)
        await _run_from_palette(pilot, "colon", "audit log", "L")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AuditLogScreen", what="the audit log view")


async def test_a_remapped_key_another_binding_has_is_refused_with_its_line(shared_cluster: DemoCluster,
                                                                            private_files: Path) -> None:
    app = _app_with_config(shared_cluster, '[keys]\ndebug = "s"\nattach = "j"\nshell = "ctrl+x"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, SLIM)
        shown = notifications(app)
        assert any("line 3" in n and "keys.attach" in n and "pod table" in n for n in shown), shown
        assert not any("keys.debug" in n for n in shown), shown  # s is free: shell moved to ctrl+x
        assert app.keymap_overrides == {"debug": "s", "shell": "ctrl+x"}
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="debug form on s")


async def test_several_config_problems_are_one_notice_that_fits_80x24_and_help_repeats_them(
        shared_cluster: DemoCluster, private_files: Path) -> None:
    app = _app_with_config(shared_cluster, 'default_image = 3\nrecent_images = "x"\nprofile = "weird"\n'
            'default_profile = "weird"\n[keys]\nflyaway = "f"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: SLIM[1] in row_names(app), what="rows: the app started")
        [notice] = list(app.notice_log)  # stacked notices would push the first ones off the screen
        assert notice.title.startswith("Settings: 5 problems in") and str(Path(os.environ[CONFIG_ENV])) in notice.title
        for needle in ("line 1: default_image", "line 2: recent_images", "line 3: profile", "line 4: default_profile",
                       "line 6: keys.flyaway"):
            assert needle in notice.message, (needle, notice.message)
        assert "(one of:" not in notice.message and "(known:" not in notice.message  # short: fits 80x24
        help_text = await _press_help(pilot, "question_mark")
        assert "Settings problems" in help_text
        assert "line 4: default_profile: unknown profile 'weird' (one of: legacy" in help_text  # in full


async def test_remapped_keys_show_in_footer_help_and_palette(shared_cluster: DemoCluster,
                                                              private_files: Path) -> None:
    from textual.widgets._footer import FooterKey

    app = _app_with_config(shared_cluster, '[keys]\ndebug = "x"\naudit_log = "f4"\ncommand_palette = "semicolon"\n')
    async with app.run_test(size=(160, 30)) as pilot:
        await select(pilot, SLIM)

        def footer() -> dict[str, str]:
            return {key.description: key.key for key in app.screen.query(FooterKey)}

        await wait_for(pilot, lambda: footer().get("Debug") == "x" and footer().get("Commands") == "semicolon",
                       what=f"the remapped keys in the footer ({footer()})")
        help_text = await _press_help(pilot, "question_mark")
        for line in ("x  debug the selected pod", "F4  the audit log", ";, Ctrl+P  command palette",
                     "; or Ctrl+P opens the command palette"):
            assert line in help_text, line
        assert "d  debug" not in help_text
        await pilot.press("escape")
        await _run_from_palette(pilot, "semicolon", "debug selected", "x")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="the debug form from the palette")


async def test_the_palette_holds_the_actions_of_the_view_it_is_opened_on(shared_cluster: DemoCluster,
                                                                        private_files: Path) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await select(pilot, SLIM)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="debug form")
        form_commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert form_commands["Create"] == "debug form (Ctrl+S)", form_commands
        assert form_commands["Copy kubectl command"] == "debug form (Ctrl+Y)"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.browser, what="back")
        await pilot.press("L")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AuditLogScreen", what="audit log view")
        await _run_from_palette(pilot, "ctrl+p", "close", "Esc, q")
        await wait_for(pilot, lambda: app.screen is app.browser, what="the audit log closed from the palette")


async def test_a_screenshot_in_a_read_only_directory_goes_to_the_state_directory_or_says_why(
        shared_cluster: DemoCluster, private_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/proc")  # not writable, even for root
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, SLIM)
        await pilot.press("ctrl+s")
        saved = private_files / "state" / "ephemera" / "screenshots"
        await wait_for(pilot, lambda: list(saved.glob("ephemera-*.svg")), what="the screenshot in the state dir")
        assert any(f"Screenshot saved to {saved}" in n for n in notifications(app)), notifications(app)
        monkeypatch.setenv("XDG_STATE_HOME", "/proc/no-such-dir")
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("Screenshot not saved" in n for n in notifications(app)),
                       what="why the screenshot was not saved")
        assert app.is_running and app.screen is app.browser


async def test_the_config_file_defaults_fill_the_debug_form(shared_cluster: DemoCluster,
                                                           private_files: Path) -> None:
    app = _app_with_config(shared_cluster, 'default_image = "nicolaka/netshoot"\ndefault_profile = "netadmin"\n'
                           'recent_images = ["alpine:3.20", "busybox"]\n[debug]\nmode = "copy"\n'
                           'pull_policy = "Always"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        command = preview(form)
        for flag in ("--image=nicolaka/netshoot", "--profile=netadmin", "--copy-to=", "--image-pull-policy=Always"):
            assert flag in command, (flag, command)
        assert app.settings.recent_images == ["alpine:3.20", "busybox"]
        image = form.query_one("#image", Input)
        image.focus()
        image.value = ""
        await pilot.press("a", "l")
        await wait_for(pilot, lambda: image._suggestion == "alpine:3.20", what="the recent image suggested")
        assert not notifications(app)  # a good file: nothing to report


async def test_hints_about_debugging_name_the_remapped_debug_key(shared_cluster: DemoCluster,
                                                                 private_files: Path) -> None:
    """`a` on a pod without an ephemeral container says which key adds one: the user's, not d."""
    app = _app_with_config(shared_cluster, '[keys]\ndebug = "x"\nshell = "ctrl+x"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, ("default", "web-5d9c7b8f4-m4k8p"))
        await pilot.press("a")

        def notices() -> list[str]:
            return [str(n.message) for n in app.notice_log]

        await wait_for(pilot, lambda: any("no ephemeral container" in n for n in notices()), what="the notice")
        notice = next(n for n in notices() if "no ephemeral container" in n)
        assert "press x to add a debug container (Ctrl+X opens a shell" in notice, notice
