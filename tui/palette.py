"""Command palette (`:`, Ctrl+P) providers: `ns NAME`, `ctx NAME`, and every action with its key
(as the user's keymap set it): the actions with a `palette` entry in `tui.actions`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from tui.actions import APP, BROWSER, TAB_BAR, Action, palette_actions
from tui.display_text import visible_line
from tui.keymap import key_for, key_label
from tui.screens.browser_screen import BrowserScreen


def _key(action: Action, in_browser: bool = False) -> str:
    """The keys it shows; in a web browser those bound there (`browser_keys`)."""
    if in_browser and (action.browser_palette_keys or action.browser_keys):
        return action.browser_palette_keys or key_label(action.browser_keys)
    return action.palette_keys or key_label(action.keys)


def _entry(browser: BrowserScreen, action: Action, where: str = "") -> tuple[str, str, Callable[[], object]]:
    """(title, help with its key as the user's keymap has it, callable) of a palette action."""
    assert action.palette is not None
    title, help_text = action.palette
    target: object = browser
    if action.view == APP or action.action.startswith("app."):
        target = browser.app
    elif action.view == TAB_BAR:
        target = browser.sessions
    method = action.palette_method or f"action_{action.action.removeprefix('app.')}"
    key = key_for(browser.app, action.id if action.remappable else None,
                  _key(action, getattr(browser.app, "in_browser", False)))
    return title, f"{help_text} ({key}{where})", getattr(target, method)


def _entries(browser: BrowserScreen) -> list[tuple[str, str, Callable[[], object]]]:
    """Every action as (title, help with its key, callable): the browser's and the app's, and the
    tab bar's while panes are open."""
    out = [_entry(browser, action) for action in palette_actions(BROWSER, APP)]
    if browser.sessions.panes:
        sessions = browser.sessions  # what cannot work on the pane shown (`r` on a deleted pod's) is left out
        out += [_entry(browser, action, " on the tab bar") for action in palette_actions(TAB_BAR)
                if sessions.check_action(action.action, ()) is not False]
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
        namespaces = ["all", *browser.namespace_names]
        for name in namespaces:
            out.append((f"ns {name}", f"show pods of namespace {name}", partial(browser.switch_namespace, name)))
        for info in browser.kubeconfig.contexts:
            out.append((f"ctx {info.name}", f"connect to {info.server or info.name}", partial(browser.switch_context, info.name)))
        # (quitting is Textual's "Quit" entry: it asks first while sessions are open, as q does)
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
