"""`?` (or F1): every key of the focused view, plus the filter syntax in the pod browser.

`help_for_screen(screen)` works for any screen: the browser describes its table and inspector
itself (`BrowserScreen.help_keys`); every other view (the session tab bar, the debug form, the
policy audit, the cleanup and audit log views, pickers) lists its active bindings (hidden ones
too) with the keys the user's keymap gave them, plus the keys its widgets handle themselves.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.actions import help_texts
from tui.display_text import safe_text, visible_line
from tui.keymap import key_label
from tui.screens.browser_screen import BrowserScreen
from widgets.container_inspector import ContainerInspector

FILTER_HELP = (
    ("/text", "substring of the name, namespace, status or node (case-insensitive)"),
    ("/a.*b", "a regular expression when the text has any of ^$*+?()[]{}|\\"),
    ("//x/", "/x/ between slashes is always a regular expression"),
    ("/-l app=x", "label selector, sent to the API server (the watch restarts)"),
    ("Esc", "clears the filter"),
)

# Keys a view's widgets handle themselves (no Binding to list).
VIEW_EXTRA_KEYS: dict[str, list[tuple[str, str]]] = {
    "session tab bar": [
        ("in a pane", "every key goes to the container, except:"),
        ("Ctrl+]", "leave the pane for the tab bar"),
        ("Ctrl+PgUp / PgDn", "previous / next tab, also from inside a pane"),
        ("Shift+PgUp / PgDn, Shift+Home / End, wheel", "scroll back (10,000 lines); a full-screen "
         "program gets Shift+Home / End"),
        ("mouse drag / double / triple click", "select characters / a word / a line and copy them "
         "(Shift+drag when the program uses the mouse)"),
        ("Esc", "leaves a pane where nothing runs (ended, lost, no shell)"),
        ("✱ on a tab", "that session printed something while it was not shown"),
    ],
    "debug form": [
        ("↑ / ↓", "choose the mode (the form opens there; the (•) row is the one created), or in a list"),
        ("Tab / Shift+Tab", "next / previous field (▶ marks the focused one)"),
        ("Enter", "next field (it never creates); Space or Enter toggles a checkbox, opens a list"),
        ("PgUp / PgDn", "scroll the form: the kubectl preview and the pre-flight are below"),
        ("F1", "this help (? types a ? in a text field)"),
    ],
    "audit log": [
        ("↑ / ↓, PgUp / PgDn", "move through the entries: the selected one's details are shown"),
        ("Tab", "into the details (↑ / ↓, PgUp / PgDn scroll the request); Tab again: back to the entries"),
    ],
    "picker": [("type", "narrows the list"), ("↑ / ↓", "move")],
    "policy audit": [("↑ / ↓, PgUp / PgDn, Home / End", "scroll the results")],
    "clean up copies": [("↑ / ↓, PgUp / PgDn", "move through the copies; d deletes the marked ones, else the "
                         "current one, after asking")],
}

# In a web browser (`ephemera serve`) the keys the browser keeps are replaced (tui/actions.py: browser_keys).
IN_BROWSER_KEYS = {"Ctrl+PgUp / PgDn": "Ctrl+Shift+← / →"}
# ...and the keys of Textual's widgets that the browser keeps are not offered there (the pod table's
# Ctrl+PgUp/PgDn page left/right switch the browser's tabs; ←/→ and h/l still scroll sideways).
WEB_BROWSER_KEEPS = {"ctrl+pageup", "ctrl+pagedown", "ctrl+t", "ctrl+w", "ctrl+n", "ctrl+tab", "ctrl+shift+tab"}

HIDDEN_ACTIONS = frozenset({"app.focus_previous", "focus_previous", "app.focus_next", "focus_next",
                            "app.copy_text", "copy_text", "screen.copy_text", "screenshot_", "app.bell",
                            "help_f1", "help_question", "app.help_quit", "help_quit"})
HIDDEN_KEYS = frozenset({"super+c"})

# Help texts of Textual's own actions whose binding text is too terse (ours are in tui/actions.py).
TEXTUAL_DESCRIPTIONS = {
    "scroll_down": "scroll down",
    "scroll_up": "scroll up",
    "page_down": "page down",
    "page_up": "page up",
    "scroll_left": "scroll left",
    "scroll_right": "scroll right",
    "page_left": "page left",
    "page_right": "page right",
}

BROWSER_TABLE_KEYS = [
    ("j / k, ↑ / ↓", "move the cursor"),
    ("g / G, Home / End", "first / last pod"),
    ("PgUp / PgDn", "page up / down"),
    ("Enter, Tab", "into the container inspector"),
    ("Esc", "clear the filter"),
]
INSPECTOR_KEYS = [
    ("j / k, ↑ / ↓", "scroll the inspector"),
    ("g / G", "top / bottom"),
    ("] / [", "next / previous section (containers, ephemeral containers, workload, events)"),
    ("Tab, Esc", "back to the pod table"),
]
BROWSER_OWN_KEYS = {"j", "k", "g", "G", "up", "down", "enter", "tab", "escape", "pageup", "pagedown", "home", "end",
                    "right_square_bracket", "left_square_bracket"}


def view_title(screen: Screen[Any]) -> str:
    """"browser", "session tab bar", "debug form", ... for the focused view of `screen`: the
    `HELP_TITLE` of the focused widget or of one of its parents, else of the screen."""
    node: Any = screen.focused
    while node is not None and node is not screen:
        title = getattr(node, "HELP_TITLE", None)
        if title:
            return str(title)
        node = node.parent
    if isinstance(screen, CommandPalette):  # Textual's
        return "command palette"
    title = getattr(screen, "HELP_TITLE", None)
    return str(title) if title else type(screen).__name__.removesuffix("Screen").lower() or "view"


def _descriptions() -> dict[str, str]:
    return {**help_texts(), **TEXTUAL_DESCRIPTIONS}


def binding_rows(screen: Screen[Any], skip_keys: set[str] | None = None) -> list[tuple[str, str]]:
    """The active bindings of `screen`'s focus chain (the app's too when the screen is not modal),
    one row per description with its keys joined (`Esc, q`), as the user's keymap set them."""
    skip = (skip_keys or set()) | HIDDEN_KEYS
    if getattr(screen.app, "in_browser", False):
        skip |= WEB_BROWSER_KEEPS  # an action of ours has its browser_keys bound instead
    described = _descriptions()
    screen_is_browser = isinstance(screen, BrowserScreen)
    rows: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        description = described.get(binding.action) or binding.description or binding.tooltip
        if key in skip or not description or binding.action in HIDDEN_ACTIONS:
            continue
        if type(active.node).__module__.startswith("textual.") and not screen_is_browser:
            continue  # a Textual widget's own keys (Input, DataTable...): the view's extra rows say them
        keys = rows.setdefault(description, [])
        label = key_label(key)
        if label not in keys:
            keys.append(label)
    return [(", ".join(keys), description) for description, keys in rows.items()]


def help_for_screen(screen: Screen[Any]) -> tuple[str, list[tuple[str, str]]]:
    """The title and key rows of the help for the focused view of `screen`."""
    title = view_title(screen)
    if title == "browser":  # BrowserScreen: the pod table, or the inspector
        inspector = isinstance(screen.focused, ContainerInspector)
        title = "container inspector" if inspector else "pod browser"
        rows = list(INSPECTOR_KEYS if inspector else BROWSER_TABLE_KEYS)
        return f"Keys: {title}", rows + binding_rows(screen, skip_keys=BROWSER_OWN_KEYS)
    in_browser = getattr(screen.app, "in_browser", False)
    extra = [(IN_BROWSER_KEYS.get(key, key) if in_browser else key, description)
             for key, description in VIEW_EXTRA_KEYS.get(title, [])]
    return f"Keys: {title}", extra + binding_rows(screen)


MORE_BELOW = "↓ more below: j/↓, PgDn, G end"
MORE_ABOVE = "↑ g/Home top"


class HelpModal(ModalScreen[None]):
    """The keys of the focused view, scrolled as the pod table is (j/k, PgUp/PgDn, g/G, Home/End);
    the frame's bottom line says when there is more below (or above)."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("question_mark,f1", "close", "Close", show=False),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
    ]

    def __init__(self, title: str, keys: list[tuple[str, str]], *, show_filter: bool | None = None,
                 notes: list[str] | None = None, notes_title: str = "Settings problems") -> None:
        """`notes`: lines shown after the keys under `notes_title` (the config file's problems)."""
        super().__init__()
        self.title_text = title
        self.keys = keys
        self.notes = list(notes or [])
        self.notes_title = notes_title
        # the filter syntax wherever the `/` row says "see below" (pod table, inspector, tab bar)
        self.show_filter = any("see below" in description for _key, description in keys) \
            if show_filter is None else show_filter

    @property
    def closing_hint(self) -> str:
        """How to leave, and the palette's keys where this view has them (`:` is the browser's)."""
        palette = next((key for key, description in self.keys if description.startswith("command palette")),
                       "Ctrl+P")
        return f"Esc closes this help; {palette.replace(', ', ' or ')} opens the command palette"

    @property
    def text(self) -> str:
        """The help as plain text (tests, screen readers)."""
        lines = [self.title_text, *(f"{key}  {description}" for key, description in self.keys)]
        if self.show_filter:
            lines += ["Filter", *(f"{key}  {description}" for key, description in FILTER_HELP)]
        if self.notes:
            lines += [self.notes_title, *self.notes]
        return "\n".join([*lines, self.closing_hint])

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in self.keys:
            table.add_row(Text(visible_line(key)), Text(visible_line(description)))
        with VerticalScroll(id="help"):
            yield Static(Text(self.title_text, style="bold underline"))
            yield Static(table)
            if self.show_filter:
                filters = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
                filters.add_column(style="bold cyan", no_wrap=True)
                filters.add_column()
                for key, description in FILTER_HELP:
                    filters.add_row(Text(key), Text(description))
                yield Static(Text("\nFilter", style="bold underline"))
                yield Static(filters)
            if self.notes:
                yield Static(Text(f"\n{self.notes_title}", style="bold underline"))
                for note in self.notes:
                    yield Static(safe_text(f"• {note}", style="yellow"))
            yield Static(Text(f"\n{self.closing_hint}", style="dim"))

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one("#help", VerticalScroll)

    def on_mount(self) -> None:
        scroller = self.scroller
        self.watch(scroller, "scroll_y", self._show_more, init=False)
        self.watch(scroller, "virtual_size", self._show_more)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_more)  # the frame's new height: another max_scroll_y

    def _show_more(self, _value: object = None) -> None:
        """"↓ more below" on the frame while the help goes on below it ("↑ ... top" once at the end)."""
        scroller = self.scroller
        if scroller.scroll_y < scroller.max_scroll_y:
            scroller.border_subtitle = MORE_BELOW
        else:
            scroller.border_subtitle = MORE_ABOVE if scroller.scroll_y > 0 else ""

    def action_scroll(self, lines: int) -> None:
        self.scroller.scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroller = self.scroller
        scroller.scroll_relative(y=pages * max(1, scroller.scrollable_content_region.height - 1), animate=False)

    def action_top(self) -> None:
        self.scroller.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.scroller.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
