"""Command palette (`:`) providers: `ns NAME`, `ctx NAME`, and every browser action."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

# (title, help, BrowserScreen method name)
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Switch namespace…", "pick a namespace from the cluster (n)", "action_pick_namespace"),
    ("Switch context…", "pick a kubeconfig context (c)", "action_pick_context"),
    ("Toggle all namespaces", "show pods of every namespace (A)", "action_toggle_all_namespaces"),
    ("Filter pods", "substring, /regex/ or -l label selector (/)", "action_start_filter"),
    ("Clear filter", "show every pod again (Esc)", "clear_filter"),
    ("Inspect selected pod", "focus the container inspector (Enter, Tab)", "action_focus_inspector"),
    ("Hide/show inspector", "more room for the table (i)", "action_toggle_inspector"),
    ("Retry now", "reconnect without waiting for the backoff (r)", "action_retry"),
    ("Debug selected pod…", "the debug form: mode, image, pre-flight, kubectl preview (d)", "action_debug"),
    ("Policy audit of selected pod", "which debug containers the cluster admits, by dry runs (P)",
     "action_policy_audit"),
    ("Clean up copies…", "list and delete the pods Ephemera copied for debugging (C)", "action_cleanup"),
    ("Attach to ephemeral container", "a terminal pane on the selected pod's debug container (a)", "action_attach"),
    ("Shell into container", "exec bash, else sh, in a container of the selected pod (s)", "action_shell"),
    ("Go to session panes", "focus the terminal panes; Ctrl+] leaves a pane (t)", "action_focus_sessions"),
    ("Full-screen session pane", "the panes alone, or back beside the browser (z)", "action_sessions_full"),
    ("Save screenshot", "an SVG of the screen (ctrl+s)", "action_screenshot"),
    ("Help", "every key of the focused view (?)", "action_help"),
)


def _browser(provider: Provider) -> BrowserScreen | None:
    from tui.screens.browser_screen import BrowserScreen

    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, BrowserScreen):
            return screen
    return None


class BrowserCommands(Provider):
    """`ns NAME` / `ns all`, `ctx NAME`, and the browser's actions."""

    def _candidates(self, browser: BrowserScreen) -> list[tuple[str, str, Callable[[], object]]]:
        out: list[tuple[str, str, Callable[[], object]]] = []
        for title, help_text, method in ACTIONS:
            out.append((title, help_text, getattr(browser, method)))
        namespaces = ["all", *sorted(browser.cluster_objects.namespaces)]
        for name in namespaces:
            out.append((f"ns {name}", f"show pods of namespace {name}", partial(browser.switch_namespace, name)))
        for info in browser.kubeconfig.contexts:
            out.append((f"ctx {info.name}", f"connect to {info.server or info.name}", partial(browser.switch_context, info.name)))
        out.append(("quit", "leave Ephemera (q)", self.app.exit))
        return out

    async def discover(self) -> Hits:
        browser = _browser(self)
        if browser is None:
            return
        for title, help_text, method in ACTIONS:
            yield DiscoveryHit(title, getattr(browser, method), help=help_text)

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
                yield Hit(score, matcher.highlight(title), command, text=title, help=help_text)
        # `ns NAME` / `ctx NAME` typed in full for a name the lists do not know (yet)
        words = query.strip().split()
        if len(words) == 2 and words[0] in ("ns", "ctx") and query.strip() not in known:
            verb, name = words
            if verb == "ns":
                yield Hit(1.0, f"ns {name}", partial(browser.switch_namespace, name), help="switch namespace")
            elif name in browser.kubeconfig.context_names:
                yield Hit(1.0, f"ctx {name}", partial(browser.switch_context, name), help="switch context")
