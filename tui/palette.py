"""Command palette (`:`, Ctrl+P) providers: `ns NAME`, `ctx NAME`, and every action with its key
(as the user's keymap set it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from tui.display_text import visible_line
from tui.keymap import key_for
from tui.screens.browser_screen import BrowserScreen

# (title, help, BrowserScreen method name, binding id or None, default key(s))
ACTIONS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("Switch namespace…", "pick a namespace from the cluster", "action_pick_namespace", "namespace", "n"),
    ("Switch context…", "pick a kubeconfig context", "action_pick_context", "context", "c"),
    ("Toggle all namespaces", "show pods of every namespace", "action_toggle_all_namespaces", "all_namespaces", "A"),
    ("Filter pods", "substring, /regex/ or -l label selector", "action_start_filter", "filter", "/"),
    ("Clear filter", "show every pod again", "clear_filter", None, "Esc"),
    ("Inspect selected pod", "focus the container inspector", "action_focus_inspector", None, "Enter, Tab"),
    ("Hide/show inspector", "more room for the table", "action_toggle_inspector", "inspector", "i"),
    ("Retry now", "reconnect without waiting for the backoff", "action_retry", "retry", "r"),
    ("Debug selected pod…", "the debug form: mode, image, pre-flight, kubectl preview", "action_debug", "debug", "d"),
    ("Policy audit of selected pod", "which debug containers the cluster admits, by dry runs",
     "action_policy_audit", "policy_audit", "P"),
    ("Clean up copies…", "list and delete the pods Ephemera copied for debugging", "action_cleanup", "cleanup", "C"),
    ("Attach to ephemeral container", "a terminal pane on the selected pod's debug container", "action_attach",
     "attach", "a"),
    ("Shell into container", "exec bash, else sh, in a container of the selected pod", "action_shell", "shell", "s"),
    ("Go to session panes", "focus the terminal panes; Ctrl+] leaves a pane", "action_focus_sessions", "panes", "t"),
    ("Full-screen session pane", "the panes alone, or back beside the browser", "action_sessions_full",
     "full_screen", "z"),
    ("Save screenshot", "an SVG of the screen; a notice says where", "action_screenshot", "screenshot", "ctrl+s"),
    ("Help", "every key of the focused view", "app.action_help", "help", "?, F1"),
    ("Audit log", "every change Ephemera made to a cluster, newest first", "app.action_audit_log", "audit_log", "L"),
    ("Change theme…", "pick a Textual theme; remembered in the config file", "app.action_change_theme", "theme",
     "ctrl+t"),
)

# Session tab bar actions (when a pane is open): (title, help, SessionTabs method, key on the tab bar)
SESSION_ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Close session tab", "close the current pane (the shell keeps running)", "action_close_tab", "x, Ctrl+W"),
    ("Copy pane screen", "the current pane's screen to the clipboard (OSC 52)", "action_copy_screen", "y"),
    ("Save pane as .cast", "an asciicast recording of the current pane", "action_save_cast", "w"),
    ("Panes beside/below", "put the session panes beside or below the browser", "action_toggle_beside", "o"),
    ("Re-attach pane", "attach the finished pane again", "action_reattach", "r"),
    ("Next session tab", "show the next pane", "action_next_tab", "→, Ctrl+PgDn"),
    ("Previous session tab", "show the previous pane", "action_previous_tab", "←, Ctrl+PgUp"),
)


def _target(browser: BrowserScreen, method: str) -> Callable[[], object]:
    if method.startswith("app."):
        return getattr(browser.app, method[4:])
    return getattr(browser, method)


def _entries(browser: BrowserScreen) -> list[tuple[str, str, Callable[[], object]]]:
    """Every action as (title, help with its key, callable)."""
    app = browser.app
    out = [(title, f"{help_text} ({key_for(app, binding_id, key)})", _target(browser, method))
           for title, help_text, method, binding_id, key in ACTIONS]
    if browser.sessions.panes:
        out += [(title, f"{help_text} ({key} on the tab bar)", getattr(browser.sessions, method))
                for title, help_text, method, key in SESSION_ACTIONS]
    return out


def _browser(provider: Provider) -> BrowserScreen | None:
    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, BrowserScreen):
            return screen
    return None


def _as_markup(text: str) -> Content:
    """Textual's palette parses every prompt and help text given as a string as markup (and fails
    on a half-typed `ns dev[/`): names from the cluster and the kubeconfig are given as Content,
    made visible, never parsed."""
    return Content(visible_line(text))


def _help(text: str) -> str:
    """A help line as Content (typed `str` in Textual's Hit, but `Content.from_markup` takes a
    Content as it is): the kubeconfig's servers and the cluster's names are never parsed."""
    return cast(str, _as_markup(text))


def _highlight(matcher: Matcher, title: str) -> Content:
    """`matcher.highlight` without parsing `title` as markup."""
    content = _as_markup(title)
    if content.plain != title:
        return content
    _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class BrowserCommands(Provider):
    """`ns NAME` / `ns all`, `ctx NAME`, and the browser's actions."""

    def _candidates(self, browser: BrowserScreen) -> list[tuple[str, str, Callable[[], object]]]:
        out: list[tuple[str, str, Callable[[], object]]] = []
        out.extend(_entries(browser))
        namespaces = ["all", *sorted(browser.cluster_objects.namespaces)]
        for name in namespaces:
            out.append((f"ns {name}", f"show pods of namespace {name}", partial(browser.switch_namespace, name)))
        for info in browser.kubeconfig.contexts:
            out.append((f"ctx {info.name}", f"connect to {info.server or info.name}", partial(browser.switch_context, info.name)))
        out.append(("quit", f"leave Ephemera ({key_for(self.app, 'quit', 'q')})", self.app.exit))
        return out

    async def discover(self) -> Hits:
        browser = _browser(self)
        if browser is None:
            return
        for title, help_text, command in _entries(browser):
            yield DiscoveryHit(_as_markup(title), command, help=_help(help_text), text=title)

    async def search(self, query: str) -> Hits:
        browser = _browser(self)
        if browser is None:
            return
        matcher = self.matcher(query)
        known: set[str] = set()
        for title, help_text, command in self._candidates(browser):
            known.add(title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlight(matcher, title), command, text=title, help=_help(help_text))
        # `ns NAME` / `ctx NAME` typed in full for a name the lists do not know (yet)
        words = query.strip().split()
        if len(words) == 2 and words[0] in ("ns", "ctx") and query.strip() not in known:
            verb, name = words
            if verb == "ns":
                yield Hit(1.0, _as_markup(f"ns {name}"), partial(browser.switch_namespace, name), text=f"ns {name}",
                          help="switch namespace")
            elif name in browser.kubeconfig.context_names:
                yield Hit(1.0, _as_markup(f"ctx {name}"), partial(browser.switch_context, name), text=f"ctx {name}",
                          help="switch context")
