"""Issue 12 item 12, the small things a new user trips on: counts read right ("1 pod"), no internal
field name in the form's notes, one palette entry per action, pop-ups dim what they cover, the copy
name's placeholder fits its field, the pickers say what their highlighted row is, notices stay off
the pane's hint line, and with --demo the help says the settings path is the demo's copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.widgets import Input, OptionList, Static
from textual.widgets._toast import Toast, ToastRack

from helpers.browser import make_app, screen_lines, wait_for
from helpers.debug_ui import app_for, open_form
from helpers.session_panes import SLIM, attach_first, select
from tui.demo.cluster import DemoCluster
from tui.screens.help_modal import HelpModal
from tui.screens.picker_modal import PickerModal
from tui.screenshots import choose_mode
from tui.settings import load_settings
from widgets.kubectl_preview import KubectlPreview

SHARED = ("default", "shared-pid-demo")


async def test_one_pod_is_counted_as_one_pod(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await wait_for(pilot, lambda: browser.header.state == "live", what="live")
        await pilot.press("slash", *"-l app=slim", "enter")
        await wait_for(pilot, lambda: browser.header.pod_count.startswith("1 pod "), timeout=30,
                       what=f"1 pod in the header ({browser.header.pod_count!r})")
        await pilot.press("slash", *"nomatch", "enter")
        await wait_for(pilot, lambda: any("1 pod in " in line for line in screen_lines(app)), what="1 pod in ...")
        assert not any("1 pods" in line for line in screen_lines(app))


async def test_the_custom_file_note_names_no_internal_field(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#cap-add", Input).value = "NET_ADMIN"
        shown = lambda: str(form.query_one(KubectlPreview).render())  # noqa: E731
        await wait_for(pilot, lambda: "note: kubectl debug has no flag for" in shown(), what="the note")
        assert "kubectl_custom_json" not in shown() and "shown with the command" in shown()


async def test_the_palette_lists_each_action_once(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.browser.header.state == "live", what="live")
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: any(str(commands.get_option_at_index(i).prompt).startswith("Change theme")
                                          for i in range(commands.option_count)), what="every entry")
        titles = [str(commands.get_option_at_index(i).prompt).split("\n")[0] for i in range(commands.option_count)]
        for ours in ("Save screenshot", "Change theme…", "Help", "Quit"):
            assert titles.count(ours) == 1, (ours, titles)
        assert not {"Screenshot", "Theme", "Keys"} & set(titles), titles  # Textual's twins of ours


async def test_a_pop_up_dims_the_view_behind_it_instead_of_blanking_it(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.browser.header.state == "live", what="live")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpModal), what="the help")
        await wait_for(pilot, lambda: any("● live" in line for line in screen_lines(app)),
                       what="the browser's header visible behind the help")
        assert 0 < app.screen.styles.background.a < 1


async def test_the_copy_name_placeholder_fits_its_field(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await choose_mode(pilot, form, 2)
        field = form.query_one("#copy-name", Input)
        await wait_for(pilot, lambda: field.region.width > 0, what="the copy options shown")
        assert len(field.placeholder) <= field.content_region.width, (field.placeholder, field.content_region)
        assert SLIM[1] in str(field.tooltip)  # the default in full


async def test_the_shell_picker_says_what_its_highlighted_row_is(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, SHARED)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal), what="the shell picker")
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count > 1, what="the containers")
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(row.endswith("(default: the container kubectl exec picks)") for row in rows), rows
        assert not any("(current)" in row for row in rows)


async def test_notices_leave_the_panes_hint_line_visible(demo_cluster: DemoCluster) -> None:
    from helpers.attach import add_debug_container_to

    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await attach_first(pilot, SLIM)
        app.notify("a notice")
        hint = app.browser.sessions.query_one("#session-hint", Static)
        toasts = lambda: list(app.screen.query_one(ToastRack).query(Toast))  # noqa: E731
        await wait_for(pilot, lambda: any(toast.region.height > 0 for toast in toasts()), what="the notice shown")
        assert all(toast.region.bottom <= hint.region.y for toast in toasts()), (
            [toast.region for toast in toasts()], hint.region)
        assert any("Ctrl+] leave pane" in line for line in screen_lines(app))


async def test_with_demo_the_help_names_the_settings_file_as_the_demos_copy(shared_cluster: DemoCluster,
                                                                          tmp_path: Path) -> None:
    copy = tmp_path / "ephemera-demo-x" / "config.toml"  # what --demo hands the app (tui_run.demo_only_settings)
    copy.parent.mkdir()
    copy.write_text('[keys]\ndebug = "q"\n')  # a problem the app finds itself: it names settings.path
    settings, problems = load_settings(copy)
    app = make_app(shared_cluster.kubeconfig_path, demo=True, settings=settings, settings_problems=problems)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.browser.header.state == "live", what="live")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpModal), what="the help")
        assert f"Settings problems ({copy}: the demo's own copy of your settings" in app.screen.text
