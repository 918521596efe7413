"""SessionTabs: the session area (a tab bar, one `SessionPane` per container, a hint bar).

Sessions keep running when their tab is not shown. The focused terminal swallows every key
except its leave chord (Ctrl+]) and the tab keys below, which are priority bindings; Ctrl+] puts
the focus on the tab bar, where single keys act on the panes (x close, z full-screen, ...).

Layouts (classes set on the screen holding the area): `-sessions` when it is shown, plus
`-sessions-beside` (browser left, panes right) or `-sessions-full` (the panes alone).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from tui.actions import TAB_BAR, bindings
from tui.display_text import counted, visible_line, without_unsafe
from tui.paths import cast_directory
from widgets.terminal.messages import TerminalLeave, TerminalScrolled, TerminalSelected, is_terminal_view

if TYPE_CHECKING:  # the panes (and the terminal engine under them) are imported by the first `open`
    from tui.screens.session_pane import Badge, KeyDisplay, SessionKind, SessionPane

__all__ = ["SessionTabBar", "SessionTabs", "panes_under"]

Layout = Literal["below", "beside", "full"]
BESIDE_MIN_WIDTH = 160  # default layout: beside on wide terminals, below otherwise

BADGE_STYLES: dict[str, tuple[str, str]] = {
    "live": ("●", "green"),
    "connecting": ("…", "yellow"),
    "waiting": ("◌", "yellow"),
    "ended": ("■", "dim"),
    "terminated": ("■", "yellow"),
    "lost": ("✕", "bold red"),
    "failed": ("✕", "bold red"),
    "no-shell": ("✕", "bold red"),
    "closed": ("■", "dim"),
    "gone": ("⊘", "red"),  # the pod was deleted: nothing to re-attach to
}

ACTIVITY_MARK = "✱"  # on a tab not shown whose session printed something since (as tmux's #)
HINT_TERMINAL = "Ctrl+] leave pane · Ctrl+PgUp/PgDn switch tab"
# in a web browser, which switches its own tabs on Ctrl+PgUp/PgDn (tui/actions.py: browser_keys)
HINT_TERMINAL_IN_BROWSER = "Ctrl+] leave pane · Ctrl+Shift+←/→ switch tab"
# The hints name the keys most needed first: a hint wider than its line keeps the items that fit,
# in this order (`fit_hint`), never half a word.
HINT_TAB_BAR = (
    "Esc browser · Enter pane · ←/→ tabs · r re-attach · x close · z full-screen · o beside · y copy screen"
    " · v select lines (or drag the mouse) · w save .cast"
)
HINT_TAB_BAR_GONE = HINT_TAB_BAR.replace(" · r re-attach", "")  # the shown pane's pod was deleted
HINT_SCROLLED = "↑ scrolled back (Shift+End: bottom)"
HINT_SELECTING = "Esc cancel · j/k (↑/↓) extend the selection · y copy the lines · PgUp/PgDn by a page"
HINT_SEPARATOR = " · "


def fit_hint(hint: str, width: int) -> str:
    """`hint`'s items (" · " between them) that fit in `width` cells, in their order: an item too
    wide for what is left is dropped whole (a later, shorter one may still fit). `width` <= 0: all."""
    if width <= 0:
        return hint
    kept: list[str] = []
    for item in hint.split(HINT_SEPARATOR):
        if not kept or Text(HINT_SEPARATOR.join([*kept, item])).cell_len <= width:
            kept.append(item)
    return HINT_SEPARATOR.join(kept)


def badge_text(badge: Badge) -> Text:
    icon, style = BADGE_STYLES.get(badge.state, ("?", ""))
    return Text.assemble((icon + " ", style), (visible_line(badge.text), style))  # a waiting reason: cluster text


class SessionTabBar(Widget, can_focus=True):
    """One line: every session's title and badge; the shown one highlighted."""

    DEFAULT_CSS = """
    SessionTabBar { height: 1; background: $panel; }
    SessionTabBar:focus { background: $accent 30%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[tuple[str, Badge]] = []
        self.active = -1
        self.activity: frozenset[int] = frozenset()
        self._spans: list[tuple[int, int]] = []

    def set_tabs(self, entries: list[tuple[str, Badge]], active: int, activity: frozenset[int] = frozenset()) -> None:
        """`activity`: tabs (not shown) whose session printed something since they were last shown."""
        self.entries = entries
        self.active = active
        self.activity = activity
        self.refresh()

    def _labels(self, detail: str) -> list[Text]:
        """One label per tab: "full" (pod/container and badge), "short" (container and badge) or
        "icon" (container and the badge's icon); the shown tab always keeps its badge text."""
        labels = []
        for index, (title, badge) in enumerate(self.entries):
            mode = "full" if index == self.active and detail != "icon" else detail
            name = title if mode == "full" else title.rsplit("/", 1)[-1]
            if mode == "icon" and index != self.active:
                icon, style = BADGE_STYLES.get(badge.state, ("?", ""))
                shown = Text(icon, style)
            else:
                shown = badge_text(badge)
            label = Text.assemble(f" {index + 1} ", (visible_line(name), "bold"), " ", shown, " ")
            if index in self.activity:
                label.append_text(Text.assemble((ACTIVITY_MARK, "bold yellow"), " "))
            if index == self.active:
                label.stylize("reverse")
            labels.append(label)
        return labels

    def render(self) -> Text:
        width = self.size.width or 10_000
        separator = Text("│", style="dim")
        for detail in ("full", "short", "icon"):
            labels = self._labels(detail)
            if sum(label.cell_len + 1 for label in labels) <= width:
                return self._shown(labels, separator, 0, len(labels))
        # Still too wide: the tabs around the shown one, and how many are left out on each side.
        first = last = max(0, self.active)
        total = lambda a, b: sum(label.cell_len + 1 for label in labels[a:b]) + 8  # noqa: E731 - room for ‹n and n›
        while True:
            grown = False
            if last + 1 < len(labels) and total(first, last + 2) <= width:
                last += 1
                grown = True
            if first > 0 and total(first - 1, last + 1) <= width:
                first -= 1
                grown = True
            if not grown:
                break
        return self._shown(labels, separator, first, last + 1)

    def _shown(self, labels: list[Text], separator: Text, first: int, end: int) -> Text:
        text, self._spans = self._join(labels, separator, first, end)
        return text

    @staticmethod
    def _join(labels: list[Text], separator: Text, first: int, end: int) -> tuple[Text, list[tuple[int, int]]]:
        """Tabs `first` to `end` (exclusive) with "‹n" / "n›" for those left out; and where each is."""
        text = Text(no_wrap=True, overflow="ellipsis")
        spans = [(-1, -1)] * len(labels)
        if first > 0:
            text.append(f"‹{first} ", style="dim")
        for index in range(first, end):
            start = text.cell_len
            text.append_text(labels[index])
            spans[index] = (start, text.cell_len)
            text.append_text(separator)
        if end < len(labels):
            text.append(f" {len(labels) - end}›", style="dim")
        return text, spans

    def on_resize(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        for index, (start, end) in enumerate(self._spans):
            if start <= event.x < end:
                parent = self.parent
                if isinstance(parent, SessionTabs):
                    parent.show(index)
                return

    @property
    def text(self) -> str:
        """Every tab's number, pod/container and badge, as a bar wide enough for all of them shows it."""
        return self._join(self._labels("full"), Text("│"), 0, len(self.entries))[0].plain

    @property
    def shown_text(self) -> str:
        """The bar as it is drawn at its width (shortened titles, the tabs around the shown one)."""
        return self.render().plain


def panes_under(node: DOMNode) -> list[SessionPane]:
    """The session panes under `node` (a screen): its session areas' panes (without importing
    SessionPane, which the first pane opened imports)."""
    return [pane for sessions in node.query(SessionTabs) for pane in sessions.panes]


class SessionTabs(Vertical):
    """The session area. `open()` adds (or shows) the pane of a container.

    What the area needs from the application is passed in, so the widget imports none of it:
    `copy_text(text) -> bool` (True when the local clipboard got it too; default: OSC 52 only),
    `cast_directory() -> Path` (where `w` saves; default: `tui.paths.cast_directory`, the user's
    state directory, never the current one) and
    `key_display(binding_id, default) -> str` (a browser key as the user's keymap has it).
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings(TAB_BAR)  # tui/actions.py
    HELP_TITLE = "session tab bar"

    def __init__(
        self,
        *,
        id: str | None = None,
        copy_text: Callable[[str], bool] | None = None,
        cast_directory: Callable[[], Path] = cast_directory,
        key_display: KeyDisplay | None = None,
    ) -> None:
        super().__init__(id=id)
        self._copy_text = copy_text if copy_text is not None else self._copy_with_osc52
        self._cast_directory = cast_directory
        self._key_display = key_display
        self.panes: list[SessionPane] = []
        self.layout_mode: Layout | None = None  # None: not chosen yet (by width at the first open)
        self._serial = 0
        self.on_leave: Callable[[], None] | None = None  # where Esc on the tab bar sends the focus
        self._hint = ""  # the hint line's whole text (what fits of it is shown)

    def compose(self) -> ComposeResult:
        yield SessionTabBar(id="session-tab-bar")
        yield ContentSwitcher(id="session-switcher")
        self._hint = self._hint_terminal
        yield Static(Text(self._hint), id="session-hint")

    @property
    def _hint_terminal(self) -> str:
        """The hint in a pane: the tab keys that reach the app (a web browser keeps Ctrl+PgUp/PgDn)."""
        return HINT_TERMINAL_IN_BROWSER if getattr(self.app, "in_browser", False) else HINT_TERMINAL

    @property
    def tab_bar(self) -> SessionTabBar:
        return self.query_one(SessionTabBar)

    @property
    def current(self) -> SessionPane | None:
        switcher = self.query_one(ContentSwitcher)
        for pane in self.panes:
            if pane.id == switcher.current:
                return pane
        return None

    @property
    def current_index(self) -> int:
        current = self.current
        return self.panes.index(current) if current is not None else -1

    def find(self, namespace: str, pod: str, container: str) -> SessionPane | None:
        """The pane of this container; not one whose pod was deleted (a new pod of the same name,
        a StatefulSet's, gets a pane of its own; the old one keeps its output until closed)."""
        wanted = (namespace, pod, container)
        return next((pane for pane in self.panes
                     if (pane.target.namespace, pane.target.pod, pane.target.container) == wanted and not pane.gone), None)

    # ------------------------------------------------------------------ opening and closing
    def open(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        connection: Any,
        kind: SessionKind = "attach",
        command: Sequence[str] | None = None,
        pod_object: dict[str, Any] | None = None,
        another: bool = False,
    ) -> SessionPane:
        """Show the pane of this container, creating it (and its session) when there is none.
        `another`: one more exec pane when this container's pane is a live exec session (a durable
        debugger serves several shells at once), a new shell in it when its shell ended."""
        existing = self.find(namespace, pod, container)
        if another and existing is not None and existing.kind == "exec" and existing.badge.state == "live":
            existing = None
        if existing is not None:
            # `another` (a on a durable debugger) in a pane whose shell ended: a new shell there, as r
            ended_shell = another and existing.kind == "exec" and existing.badge.state == "ended" and not existing.gone
            if existing.can_reattach and (existing.badge.state in ("lost", "failed") or ended_shell):
                existing.reattach()
            self.show(self.panes.index(existing))
            return existing
        from tui.screens.session_pane import SessionPane, SessionTarget  # late: see the imports

        self._serial += 1
        pane = SessionPane(
            SessionTarget(namespace, pod, container),
            connection=connection,
            kind=kind,
            command=command,
            pod=pod_object,
            id=f"session-{self._serial}",
            key_display=self._key_display,
        )
        switcher = self.query_one(ContentSwitcher)
        switcher.mount(pane)  # registers the pane now; it is mounted (and its session started) later
        if pane.parent is not switcher:
            # Textual ignores mounts into a widget being removed: the session area (the browser, the
            # app) is closing, e.g. a follow-up worker's result arriving at exit. Nothing to show.
            return pane
        self.panes.append(pane)
        if self.layout_mode is None:
            self.layout_mode = "beside" if self.screen.size.width >= BESIDE_MIN_WIDTH else "below"
        self.show(len(self.panes) - 1)
        return pane

    def show(self, index: int, *, focus: bool = True) -> None:
        if not self.panes:
            return
        index %= len(self.panes)
        pane = self.panes[index]
        self._clear_selection()
        switcher = self.query_one(ContentSwitcher)
        if pane.parent is not switcher:
            return  # being removed with the session area
        switcher.current = pane.id
        self._apply_layout()
        self._redraw_tabs()
        self.refresh_bindings()  # `r` depends on the pane shown
        if focus:
            self.call_after_refresh(pane.terminal.focus)

    def close_current(self) -> str | None:
        pane = self.current
        if pane is None:
            return None
        index = self.panes.index(pane)
        notice = pane.close_session()
        self.panes.remove(pane)
        pane.remove()
        if self.panes:
            self.show(min(index, len(self.panes) - 1), focus=False)
            self.tab_bar.focus()
        else:
            self.query_one(ContentSwitcher).current = None
            self._apply_layout()
            self._redraw_tabs()
            self.action_leave()
        return notice

    def close_all(self) -> None:
        for pane in self.panes:
            pane.close_session()

    # ------------------------------------------------------------------ watch data
    def pods_changed(self, changed: Collection[tuple[str, str]], pods: Mapping[tuple[str, str], dict[str, Any]],
                     deletes: frozenset[tuple[str, str]] = frozenset(), *, reset: bool = False) -> None:
        """The browser's pod batch (`changed`: the keys it brought, now in `pods`): panes waiting
        for their container re-check its state; a pane whose pod was deleted (`deletes`, or a
        `reset` batch without it) checks it is gone."""
        for pane in self.panes:
            key = (pane.target.namespace, pane.target.pod)
            if key in changed:
                pane.update_pod(pods[key])
            elif key in deletes or reset:
                pane.update_pod(None, deleted=True)

    # ------------------------------------------------------------------ layout
    def _apply_layout(self) -> None:
        screen = self.screen
        shown = bool(self.panes)
        self.display = shown
        mode = self.layout_mode or "below"
        screen.set_class(shown, "-sessions")
        screen.set_class(shown and mode == "full", "-sessions-full")
        screen.set_class(shown and mode == "beside", "-sessions-beside")

    def set_layout(self, mode: Layout) -> None:
        self.layout_mode = mode
        self._apply_layout()

    def action_toggle_full(self) -> None:
        if not self.panes:
            return
        full = self.layout_mode != "full"
        if full:
            self._split_mode = self.layout_mode or "below"
        self.set_layout("full" if full else getattr(self, "_split_mode", "below"))
        if full and self.current is not None:
            self.current.terminal.focus()

    def action_toggle_beside(self) -> None:
        if not self.panes:
            return
        self.set_layout("below" if self.layout_mode == "beside" else "beside")

    # ------------------------------------------------------------------ tabs and focus
    # (handlers by name: SessionPane is not imported until a pane opens)
    def on_session_pane_badge_changed(self, message: SessionPane.BadgeChanged) -> None:
        message.stop()
        self._redraw_tabs()
        self._update_hint()
        self.refresh_bindings()  # a pane gone: its `r` is no longer offered

    def on_session_pane_debug_requested(self, message: SessionPane.DebugRequested) -> None:
        """Select the pane's pod in the browser and open its debug form (when the screen has one)."""
        message.stop()
        target = message.pane.target
        select = getattr(self.screen, "select_pod", None)
        debug = getattr(self.screen, "action_debug", None)
        if callable(select) and callable(debug):
            select((target.namespace, target.pod))
            debug()

    def _redraw_tabs(self) -> None:
        current = self.current
        for pane in self.panes:
            pane.watched = pane is current
            if pane.watched:
                pane.activity = False
        activity = frozenset(i for i, pane in enumerate(self.panes) if pane.activity)
        self.tab_bar.set_tabs([(pane.target.title, pane.badge) for pane in self.panes], self.current_index, activity)

    def action_next_tab(self) -> None:
        self._step(1)

    def action_previous_tab(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if len(self.panes) < 2:
            return
        in_terminal = is_terminal_view(self.app.focused)
        self.show(self.current_index + delta, focus=in_terminal)

    def action_focus_terminal(self) -> None:
        pane = self.current
        if pane is None:
            return
        self._clear_selection()
        pane.terminal.focus()

    def action_down(self) -> None:
        if self._selecting:
            self.action_selection_down()
        else:
            self.action_focus_terminal()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc (priority, tui/actions.py) leaves the tab bar; in a focused pane it is the program's.
        `r` is not offered (help, footer, palette) for a pane whose pod was deleted: there is
        nothing to re-attach to."""
        if action == "leave" and is_terminal_view(self.app.focused):
            return False
        if action == "reattach":
            pane = self.current
            return pane is None or not pane.gone
        return True

    def on_key(self, event: events.Key) -> None:
        """`r` typed anyway on the tab bar of a deleted pod's pane: the notice saying why, rather
        than the key going on to the browser's own `r` (retry the connection)."""
        pane = self.current
        if event.key == "r" and self.app.focused is self.tab_bar and pane is not None and pane.gone:
            event.stop()
            event.prevent_default()
            self.action_reattach()

    def action_leave(self) -> None:
        if self._selecting:
            self._clear_selection()
            return
        if self.layout_mode == "full":
            self.set_layout(getattr(self, "_split_mode", "below"))
        if self.on_leave is not None:
            self.on_leave()

    @on(TerminalScrolled)
    def _terminal_scrolled(self, message: TerminalScrolled) -> None:
        message.stop()
        self._update_hint()

    @on(TerminalLeave)
    def _terminal_leave(self, message: TerminalLeave) -> None:
        message.stop()
        self.screen.set_focus(self.tab_bar)  # at once: the keys typed behind Ctrl+] are the tab bar's

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._update_hint()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.call_after_refresh(self._update_hint)

    def _update_hint(self) -> None:
        focused = self.app.focused
        pane = self.current
        if is_terminal_view(focused):
            hint = self._hint_terminal
            if pane is not None and pane.finished:
                leave, _, rest = hint.partition(HINT_SEPARATOR)
                hint = "Esc or " + leave  # nothing runs in the pane to take Esc
                if pane.can_reattach:
                    hint += " · r re-attach"
                elif pane.badge.state == "no-shell":
                    hint += " · d debug it with an ephemeral container"
                hint += HINT_SEPARATOR + rest
            if pane is not None and not pane.terminal.following:
                # After the leave chord, which must stay visible on a narrow screen.
                hint = hint.replace(" · ", f" · {HINT_SCROLLED} · ", 1)
        elif focused is self.tab_bar:
            hint = HINT_SELECTING if self._selecting else (
                HINT_TAB_BAR_GONE if pane is not None and pane.gone else HINT_TAB_BAR)
        else:
            hint = "t into the panes (Ctrl+] comes back out)"
        line = self.query_one("#session-hint", Static)
        self._hint = hint
        line.update(Text(fit_hint(hint, line.content_region.width)))

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit_hint)  # the line's new width, once laid out

    def _refit_hint(self) -> None:
        line = self.query_one("#session-hint", Static)
        line.update(Text(fit_hint(self._hint, line.content_region.width)))

    # ------------------------------------------------------------------ pane actions
    def action_close_tab(self) -> None:
        notice = self.close_current()
        if notice:
            self.app.notify(notice, title="Session closed", timeout=8)

    def action_reattach(self) -> None:
        pane = self.current
        if pane is None:
            return
        if pane.gone:
            self.app.notify(pane.gone_notice, title="Pod deleted", severity="warning", timeout=8)
        elif pane.reattach():
            pane.terminal.focus()
        elif pane.badge.state == "live":
            self.app.notify(f"{pane.target.title} is live: nothing to re-attach")
        else:
            self.app.notify(f"{pane.target.title}: {pane.badge.text}; cannot re-attach", severity="warning")

    # ------------------------------------------------------------------ line selection
    @property
    def _selecting(self) -> bool:
        pane = self.current
        return pane is not None and pane.terminal.selection is not None

    def _clear_selection(self) -> None:
        for pane in self.panes:
            pane.terminal.clear_selection()
        if self.is_mounted:
            self._update_hint()

    def action_select_lines(self) -> None:
        """v: select the cursor's line in the current pane; j/k extend it, y copies it."""
        pane = self.current
        if pane is None:
            return
        pane.terminal.flush_pending()
        pane.terminal.start_selection()
        self._update_hint()

    def action_selection_down(self) -> None:
        if self._selecting and self.current is not None:
            self.current.terminal.move_selection(1)

    def action_selection_up(self) -> None:
        if self._selecting and self.current is not None:
            self.current.terminal.move_selection(-1)

    def action_selection_page(self, direction: int) -> None:
        pane = self.current
        if self._selecting and pane is not None:
            pane.terminal.move_selection(direction * max(1, pane.terminal.scrollable_content_region.height - 1))

    def _copy_selection(self, pane: SessionPane) -> None:
        self._copy_selected_text(pane, pane.terminal.selected_text())
        self._clear_selection()

    def _copy_with_osc52(self, text: str) -> bool:
        self.app.copy_to_clipboard(text)
        return False

    def _copy(self, text: str) -> str:
        """Copy `text` (without control or invisible characters: a pane's cells may hold a DEL or a
        U+200B the program printed); where it went, for the notice."""
        return "clipboard" if self._copy_text(without_unsafe(text)) else "clipboard via OSC 52 (terminals that allow it)"

    def _copy_selected_text(self, pane: SessionPane, text: str) -> None:
        how = self._copy(text)
        lines = text.count("\n") + 1
        if pane.terminal.selection_is_lines or lines > 1:
            what = counted(lines, "line")
        else:
            what = counted(len(text), "character")
        self.app.notify(f"Copied {what} of {pane.target.title} to the {how}")

    @on(TerminalSelected)
    def _mouse_selection(self, message: TerminalSelected) -> None:
        """A mouse selection is copied at once (as terminals do); it stays shown until the next click."""
        message.stop()
        pane = next((p for p in self.panes if p.terminal is message.terminal), None)
        if pane is not None:
            self._copy_selected_text(pane, message.text)

    def action_copy_screen(self) -> None:
        pane = self.current
        if pane is None:
            return
        if pane.terminal.selection is not None:
            self._copy_selection(pane)
            return
        text = pane.screen_text()
        how = self._copy(text)
        lines = text.count("\n") + 1 if text else 0
        what = "the screen" if pane.terminal.following else "the scrolled-back view"
        self.app.notify(f"Copied {what} of {pane.target.title} ({counted(lines, 'line')}) to the {how}")

    def action_save_cast(self) -> None:
        pane = self.current
        if pane is None:
            return
        target = pane.target
        name = f"{target.pod}-{target.container}-{time.strftime('%Y%m%d-%H%M%S')}.cast"
        try:
            path, truncated = pane.save_cast(self._cast_directory() / name)
        except OSError as exc:
            self.app.notify(f"Could not save the session: {exc}", severity="error")
            return
        extra = " (only the first 16 MB of output were kept)" if truncated else ""
        self.app.notify(f"Session saved to {path}{extra}; replay it with: asciinema play {path}", timeout=10)
