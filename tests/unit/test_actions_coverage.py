"""Every key of the app is covered (issue 13: "Help, palette, remapping and README cover every new
key"): each `Action` of tui/actions.py is a row of the help (`?`, help_for_screen), runs from the
palette when it has a `palette` entry, moves with `[keys]` when `remappable`, and is in README's
keys tables; each binding of the pop-up views (debug form, file copy, delete pod, node debug, logs,
YAML, pickers, cleanup, audit log, policy audit, confirmations) is a row of their help and of
README. The help is the real `help_for_screen` on each view's real BINDINGS (the views are made
without their contents: no cluster is needed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.actions import ACTIONS, APP, BROWSER, TAB_BAR, Action, palette_actions, remappable
from tui.app import EphemeraApp
from tui.keymap import key_label, keymap_from_settings
from tui.screens.audit_log_screen import AuditLogScreen
from tui.screens.browser_screen import BrowserScreen
from tui.screens.cleanup_screen import CleanupScreen
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_modal import DebugFormModal
from tui.screens.delete_pod_modal import DeletePodModal
from tui.screens.file_copy_modal import FileCopyModal
from tui.screens.help_modal import help_for_screen
from tui.screens.logs_screen import LogsScreen
from tui.screens.node_debug_modal import NodeDebugModal
from tui.screens.picker_modal import PickerModal
from tui.screens.policy_audit_screen import PolicyAuditScreen
from tui.screens.session_tabs import SessionTabBar, SessionTabs
from tui.screens.yaml_screen import YamlScreen
from tui.settings import load_settings

README = Path(__file__).resolve().parents[2] / "README.md"

# the pop-up views -> the README table holding their keys: (table, the row's first cell) for the
# "Other views" table, whose rows name the view first and its keys after
POPUPS: dict[type[Screen[Any]], tuple[str, str | None]] = {
    DebugFormModal: ("Debug form", None),
    LogsScreen: ("Logs view", None),
    YamlScreen: ("Pod YAML", None),
    FileCopyModal: ("Other views", "Copy files"),
    DeletePodModal: ("Other views", "Delete pod"),
    NodeDebugModal: ("Other views", "Node debugging"),
    PickerModal: ("Other views", "Pickers"),
    CleanupScreen: ("Other views", "Clean up copies"),
    AuditLogScreen: ("Other views", "Audit log"),
    PolicyAuditScreen: ("Other views", "Policy audit"),
    ConfirmModal: ("Other views", "Confirmations"),
}
VIEW_TABLES = {BROWSER: "Pod browser", APP: "Pod browser", TAB_BAR: "Terminal panes"}
HELP_ACTIONS = {"app.help"}  # `?` in a view: the browser's table and the Keys intro say it for every view


def _readme_tables() -> dict[str, list[tuple[str, str]]]:
    """README's key tables: the header's second cell (`| Key | Logs view |`) -> (key cell, text) rows."""
    tables: dict[str, list[tuple[str, str]]] = {}
    rows: list[tuple[str, str]] | None = None
    for line in README.read_text().splitlines():
        header = re.fullmatch(r"\| Key \| (.+) \|", line)
        if header:
            rows = tables.setdefault(header.group(1), [])
        elif rows is not None and line.startswith("|---"):
            continue
        elif rows is not None and line.startswith("| "):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows.append((cells[0], cells[1] if len(cells) > 1 else ""))
        else:
            rows = None
    return tables


def _keys_in(cell: str) -> set[str]:
    """The keys a README cell names, as key_label spells them: `j`/`k` -> j, k; Ctrl+PgUp/PgDn ->
    Ctrl+PgUp, Ctrl+PgDn; Esc/`q` -> Esc, q."""
    found: set[str] = set()
    for quoted in re.findall(r"`([^`]+)`", cell):
        found.add(quoted)
        if len(quoted) > 1:
            found.update(part for part in quoted.split("/") if part)
    rest = re.sub(r"`[^`]+`", " ", cell)
    for word in re.split(r"[\s,;()]+", rest):
        parts = [part for part in word.split("/") if part]
        prefix = ""
        for part in parts:
            modifier = re.match(r"((?:Ctrl|Shift|Alt)\+)+", part)
            if modifier:
                prefix = modifier.group(0)
            elif prefix:
                found.add(prefix + part)
            found.add(part)
    return found


def _labels(keys: str) -> list[str]:
    return [key_label(key) for key in keys.split(",") if key]


def _bare(screen_class: type[Screen[Any]]) -> Screen[Any]:
    """The view with its real BINDINGS and HELP_TITLE, made without its arguments or contents."""
    screen = screen_class.__new__(screen_class)
    Screen.__init__(screen)
    return screen


class ProbeApp(App[None]):
    """An app with EphemeraApp's bindings (F1, ?, Ctrl+C, L, Ctrl+T) and the check that offers
    them (F1 and the app's ? only where the view has no ? of its own), and no cluster."""

    BINDINGS = EphemeraApp.BINDINGS
    check_action = EphemeraApp.check_action


class TabBarScreen(Screen[None]):
    """The session area with its tab bar focused: the help then lists the tab bar's keys."""

    def compose(self) -> Any:
        yield SessionTabs()

    def on_mount(self) -> None:
        self.query_one(SessionTabBar).focus()


def _help_rows(screen: Screen[Any]) -> dict[str, set[str]]:
    """help_for_screen's rows: description -> the keys it shows."""
    _title, rows = help_for_screen(screen)
    return {description: {key.strip() for key in keys.split(",")} for keys, description in rows}


def _shown_keys(rows: dict[str, set[str]]) -> set[str]:
    """Every key a help row names (`j / k, ↑ / ↓` rows of the pod table too), and the keys a row's
    words name ("this help (also F1)": the app's F1 shares the row of `?`)."""
    keys = {part.strip() for keys in rows.values() for key in keys for part in key.split(" / ")}
    return keys | {word for text in rows for word in re.findall(r"\b(?:F\d+|Ctrl\+\S+)(?=[\s),]|$)", text)}


def _action_text(action: Action) -> str:
    return action.help or action.footer


async def test_every_browser_and_app_key_is_a_row_of_the_browsers_help() -> None:
    async with ProbeApp().run_test():
        rows = _help_rows(_bare(BrowserScreen))
        shown = _shown_keys(rows)
        missing = [(action.id, label) for action in ACTIONS if action.view in (BROWSER, APP)
                   for label in _labels(action.keys) if label not in shown]
        assert missing == []
        # and with its own words (F1 and the app's ? share the help row of the browser's ?)
        unworded = [action.id for action in ACTIONS if action.view == BROWSER and action.id not in ("escape",
                    "toggle_focus") and _action_text(action) not in rows]
        assert unworded == []


async def test_every_tab_bar_key_is_a_row_of_its_help() -> None:
    app = ProbeApp()
    async with app.run_test() as pilot:
        await app.push_screen(TabBarScreen())
        await pilot.pause()
        title, _rows = help_for_screen(app.screen)
        assert title == "Keys: session tab bar"
        rows = _help_rows(app.screen)
        missing = [(action.id, label) for action in ACTIONS if action.view == TAB_BAR
                   for label in _labels(action.keys)
                   if label not in rows.get(action.footer, set())]
        assert missing == []


@pytest.mark.parametrize("screen_class", list(POPUPS), ids=lambda c: c.__name__)
async def test_every_key_of_a_pop_up_view_is_a_row_of_its_help(screen_class: type[Screen[Any]]) -> None:
    async with ProbeApp().run_test():
        shown = _shown_keys(_help_rows(_bare(screen_class)))
        missing = [(binding.action, key_label(binding.key))
                   for binding in Binding.make_bindings(screen_class.BINDINGS)
                   if key_label(binding.key) not in shown and binding.action not in HELP_ACTIONS]
        assert missing == []


async def test_a_remapped_key_moves_the_actions_row_in_the_help() -> None:
    """Every remappable action through `[keys]` (a free key, F9): the keymap takes it and the help's
    row of that action shows F9 in place of its default key."""
    app = ProbeApp()
    async with app.run_test() as pilot:
        for action in ACTIONS:
            if not action.remappable:
                continue
            app.set_keymap({action.id: "f9"})
            await pilot.pause()
            rows = _help_rows(_bare(BrowserScreen))
            text = "this help (also F1)" if action.id == "help" else _action_text(action)
            assert "F9" in rows.get(text, set()), (action.id, rows.get(text))
            assert not set(_labels(action.keys)) & rows.get(text, set()) or action.id == "help", action.id


def test_every_remappable_action_is_accepted_in_keys(tmp_path: Path) -> None:
    for action_id in remappable():
        path = tmp_path / "config.toml"
        path.write_text(f'[keys]\n{action_id} = "f9"\n')
        settings, problems = load_settings(path)
        keymap, warnings = keymap_from_settings(settings)
        assert (problems, warnings, keymap) == ([], [], {action_id: "f9"}), action_id
    assert set(remappable()) == {a.id for a in ACTIONS if a.remappable}


def test_every_palette_entry_runs_an_existing_method_and_every_action_has_one() -> None:
    for action in ACTIONS:
        target: type[Any] = BrowserScreen
        if action.view == APP or action.action.startswith("app."):
            target = EphemeraApp
        elif action.view == TAB_BAR:
            target = SessionTabs
        name = "action_" + action.action.removeprefix("app.").split("(")[0]
        assert hasattr(target, name), (action.id, name)
        if action.palette is not None:
            method = action.palette_method or name
            assert hasattr(target, method), (action.id, method)
    listed = palette_actions(BROWSER, APP) + palette_actions(TAB_BAR)
    assert [a.id for a in listed] == [a.id for a in ACTIONS if a.palette is not None]


def test_every_action_key_is_in_the_readmes_keys_table_of_its_view() -> None:
    tables = _readme_tables()
    missing = []
    for action in ACTIONS:
        rows = tables[VIEW_TABLES[action.view]]
        shown = set().union(*(_keys_in(keys) for keys, _text in rows))
        missing += [(action.id, label) for label in _labels(action.keys) if label not in shown]
    assert missing == []


@pytest.mark.parametrize("screen_class", list(POPUPS), ids=lambda c: c.__name__)
def test_every_key_of_a_pop_up_view_is_in_the_readme(screen_class: type[Screen[Any]]) -> None:
    table, view = POPUPS[screen_class]
    rows = _readme_tables()[table]
    if view is None:
        shown = set().union(*(_keys_in(keys) for keys, _text in rows))
    else:
        row = next((text for keys, text in rows if keys.startswith(view)), None)
        assert row is not None, f"no README row for {view} in {table}"
        shown = _keys_in(row)
    missing = [(binding.action, key_label(binding.key)) for binding in Binding.make_bindings(screen_class.BINDINGS)
               if key_label(binding.key) not in shown and binding.action not in HELP_ACTIONS]
    assert missing == []


def test_the_readme_lists_every_remappable_action() -> None:
    text = README.read_text()
    paragraph = text[text.index("Remappable actions:"):].split(". ", 1)[0]
    listed = set(re.findall(r"`([a-z_]+)`", paragraph))
    assert listed == set(remappable())
