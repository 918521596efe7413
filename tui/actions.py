"""Every key of the app, the pod browser and the session tab bar, in one table (`ACTIONS`).

One `Action` per binding: its id, default key(s), footer text, help row, palette entry and view.
From it come the views' `BINDINGS` (`bindings(view)`), the help's rows (`help_texts()`), the
palette's entries (`palette_actions(view)`) and what `[keys]` in config.toml may remap
(`remappable()`: binding id -> default keys). Adding a browser key is one line here (and its
`action_*` method).

In a web browser (`ephemera serve`: Textual's web driver, `App.is_web`) the browser keeps Ctrl+T,
Ctrl+W, Ctrl+Tab and Ctrl+PgUp/PgDn for itself: they never reach the app. An action with such a key
names the keys that work there in `browser_keys`; the app binds them in place of `keys` when it
runs in a browser (`browser_keymap()`, given to `App.set_keymap` under the user's `[keys]`), and
every hint, help row and palette entry naming the key shows the browser's then. The pop-up views (debug form, pickers, cleanup, audit log...) declare their
few keys in their own `BINDINGS`: there the binding's description is the footer, help and palette
text at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

__all__ = ["ACTIONS", "APP", "BROWSER", "TAB_BAR", "Action", "bindings", "browser_keymap", "help_texts",
           "palette_actions", "remappable"]

BROWSER = "browser"  # tui/screens/browser_screen.py: BrowserScreen
APP = "app"  # tui/app.py: EphemeraApp (every screen)
TAB_BAR = "tab bar"  # tui/screens/session_tabs.py: SessionTabs (the palette lists these while panes are open)


@dataclass(frozen=True)
class Action:
    """One key binding and everything the user reads about it."""

    id: str
    """The binding id: the name in `[keys]` of config.toml when `remappable`."""
    keys: str
    """Default key(s), Textual's names, comma separated ("slash", "ctrl+s", "x,ctrl+w")."""
    footer: str
    """The binding's description (the footer; Textual's key panel)."""
    help: str = ""
    """The help's row (`?`); "" uses `footer`."""
    run: str = ""
    """The Textual action ("" is `id`); "app.x" runs on the app."""
    footer_rank: int | None = None
    """Position in the footer (1 first); None: not in the footer."""
    palette: tuple[str, str] | None = None
    """(title, help) in the command palette; None: not listed there."""
    palette_method: str = ""
    """What the palette calls when not `action_<run>` of the view (e.g. "clear_filter")."""
    palette_keys: str = ""
    """The keys the palette shows when not the binding's (e.g. "?, F1"); a remapped key replaces them."""
    browser_keys: str = ""
    """The key(s) bound instead of `keys` in a web browser, which keeps these for itself ("" keeps `keys`)."""
    browser_palette_keys: str = ""
    """`palette_keys` in a web browser ("" is `browser_keys`, else `palette_keys`)."""
    view: str = BROWSER
    remappable: bool = True
    priority: bool = False

    @property
    def action(self) -> str:
        return self.run or self.id

    @property
    def binding_id(self) -> str | None:
        """The id of its binding: the keymap (the user's `[keys]`, the browser's keys) finds it by it."""
        return self.id if self.remappable or self.browser_keys else None

    def key_names(self, in_browser: bool = False) -> str:
        """Its default key(s) (Textual's names): `browser_keys` in a web browser when it has some."""
        return self.browser_keys if in_browser and self.browser_keys else self.keys


ACTIONS: tuple[Action, ...] = (
    # the pod browser, in the palette's order (`footer_rank`: the footer's, what fits in 80 columns first)
    # the footer's words are short (the header's "ns", "ctx") so that every footer key fits in 80 columns
    Action("namespace", "n", "ns", "pick a namespace (from the API server, or all)", run="pick_namespace",
           footer_rank=8, palette=("Switch namespace…", "pick a namespace from the cluster")),
    Action("context", "c", "ctx", "pick a kubeconfig context (reconnects)", run="pick_context", footer_rank=9,
           palette=("Switch context…", "pick a kubeconfig context")),
    Action("all_namespaces", "A", "All ns", "toggle all namespaces", run="toggle_all_namespaces", footer_rank=10,
           palette=("Toggle all namespaces", "show pods of every namespace")),
    # priority: the filter field takes focus before the next key is routed, so `/-l app=x` typed or
    # pasted in one burst lands in the field (a normal binding would leave those keys to the pod
    # table, where `a`, `s`, `d` are actions); action_start_filter leaves `/` to text fields and panes
    Action("filter", "slash", "Filter", "filter pods (see below)", run="start_filter", footer_rank=1, priority=True,
           palette=("Filter pods", "substring, /regex/ or -l label selector")),
    # priority: resolved when Esc arrives, before a `/` typed right behind it (priority too) focuses the
    # filter field, where this Esc would clear the filter; action_escape leaves Esc to panes and tab bar
    Action("escape", "escape", "Clear filter / back", remappable=False, priority=True,
           palette=("Clear filter", "show every pod again"), palette_method="clear_filter"),
    Action("toggle_focus", "tab", "Inspector", remappable=False, palette=("Inspect selected pod",
           "focus the container inspector"), palette_method="action_focus_inspector", palette_keys="Enter, Tab"),
    Action("inspector", "i", "Hide/show inspector", "hide / show the inspector", run="toggle_inspector",
           palette=("Hide/show inspector", "more room for the table")),
    Action("retry", "r", "Retry now", "retry the connection now",
           palette=("Retry now", "reconnect without waiting for the backoff")),
    Action("debug", "d", "Debug", "debug the selected pod: the debug form (mode, image, pre-flight, kubectl preview)",
           footer_rank=2, palette=("Debug selected pod…", "the debug form: mode, image, pre-flight, kubectl preview")),
    Action("debug_node", "N", "Debug node", "debug the selected pod's node (or pick one): a pod in the host's "
           "namespaces with the node's / at /host (kubectl debug node/NAME)", palette=("Debug node…",
           "kubectl debug node/NAME: the node's processes and /host, with pre-flight")),
    Action("policy_audit", "P", "Policy audit",
           "policy audit: which debug containers the cluster admits for the pod (dry runs)",
           palette=("Policy audit of selected pod", "which debug containers the cluster admits, by dry runs")),
    Action("cleanup", "C", "Copies", "Ephemera's copies of pods: list and delete",
           palette=("Clean up copies…", "list and delete the pods Ephemera copied for debugging")),
    Action("attach", "a", "Attach", "attach to the pod's ephemeral container (a pane below)", footer_rank=3,
           palette=("Attach to ephemeral container", "a terminal pane on the selected pod's debug container")),
    Action("shell", "s", "Shell", "a shell (bash, else sh) in one of the pod's containers", footer_rank=4,
           palette=("Shell into container", "exec bash, else sh, in a container of the selected pod")),
    Action("logs", "l", "Logs", "logs of a container (follow, search, save); a picker when the pod has several",
           palette=("Container logs…", "a container's log: follow, timestamps, wrap, search, save, copy")),
    Action("previous_logs", "p", "Previous logs", "logs of a container's previous run (the crash's output)",
           palette=("Previous run's logs…", "the log of the run before the last restart (kubectl logs -p)")),
    Action("yaml", "v", "YAML", "the selected pod's YAML, read-only: a describe-like summary, ephemeral containers "
           "marked, search, copy", run="view_yaml", palette=("Pod YAML", "kubectl get -o yaml, read-only: search, copy")),
    Action("panes", "t", "Panes", "into the session panes (Ctrl+] leaves a pane)", run="focus_sessions",
           palette=("Go to session panes", "focus the terminal panes; Ctrl+] leaves a pane")),
    Action("full_screen", "z", "Full-screen pane", "session pane full-screen / back", run="sessions_full",
           palette=("Full-screen session pane", "the panes alone, or back beside the browser")),
    Action("sort", "o", "Sort", "sort the pods by the next column (the header marks it: ↑ ascending, ↓ descending)",
           run="sort_next_column", palette=("Sort by next column", "NAME, READY, STATUS, RESTARTS, AGE, NODE, EPH")),
    Action("sort_reverse", "O", "Reverse sort", "reverse the sort order", run="reverse_sort",
           palette=("Reverse sort order", "ascending / descending")),
    Action("copy_name", "y", "Copy name", "copy the selected pod's name (OSC 52: works over SSH)",
           palette=("Copy pod name", "the selected pod's name to the clipboard (OSC 52)")),
    Action("copy_full_name", "Y", "Copy ns/name", "copy the selected pod's namespace/name",
           palette=("Copy pod namespace/name", "namespace/name of the selected pod to the clipboard (OSC 52)")),
    Action("delete_pod", "ctrl+d", "Delete pod", "delete the selected pod (a dry run, then a confirmation saying what "
           "replaces it)", palette=("Delete pod…", "dry run, then confirm: names what will replace the pod")),
    Action("copy_files", "F", "Copy files", "copy a file out of (or into) a container through a debugger sharing its "
           "processes: no tar needed in it", palette=("Copy files…", "a file out of / into a distroless container, "
           "sha256 checked (ephemera cp)")),
    Action("screenshot", "ctrl+s", "Screenshot", "save an SVG screenshot",
           palette=("Save screenshot", "an SVG of the screen; a notice says where")),
    Action("help", "question_mark", "Help", "this help (also F1)", run="app.help", footer_rank=5,
           palette=("Help", "every key of the focused view"), palette_keys="?, F1"),
    Action("quit", "q", "Quit", "quit (asks first while debug sessions are open)", run="app.quit", footer_rank=6),
    Action("command_palette", "colon", "Commands", "command palette: every action, ns NAME, ctx NAME",
           run="app.command_palette", footer_rank=7),
    # the app, on every screen. Priority: Ctrl+C is the shell's interrupt in a focused terminal pane
    # (the pane gets ^C) and quits everywhere else; F1 and ? reach the pop-up views (see check_action)
    Action("quit_or_interrupt", "ctrl+c", "Quit", "quit (asks first while debug sessions are open)", view=APP,
           remappable=False, priority=True),
    Action("help_f1", "f1", "Help", view=APP, remappable=False, priority=True),
    Action("help_question", "question_mark", "Help", view=APP, remappable=False, priority=True),
    Action("audit_log", "L", "Audit log", "the audit log: every change Ephemera made to a cluster", view=APP,
           palette=("Audit log", "every change Ephemera made to a cluster, newest first")),
    Action("theme", "ctrl+t", "Theme", "pick a theme (remembered in the config file)", run="change_theme", view=APP,
           palette=("Change theme…", "pick a Textual theme; remembered in the config file"), browser_keys="T"),
    # the session tab bar (SessionTabs); priority: Ctrl+PgUp/PgDn also from inside a pane. A browser
    # switches its own tabs on those: there Ctrl+Shift+←/→ (xterm.js sends them, no browser or
    # shell binds them; Alt+←/→ are the browser's Back/Forward)
    Action("next_tab_anywhere", "ctrl+pagedown", "Next tab", run="next_tab", view=TAB_BAR, remappable=False,
           priority=True, browser_keys="ctrl+shift+right"),
    Action("previous_tab_anywhere", "ctrl+pageup", "Previous tab", run="previous_tab", view=TAB_BAR, remappable=False,
           priority=True, browser_keys="ctrl+shift+left"),
    Action("next_tab", "right,right_square_bracket,l", "Next tab", view=TAB_BAR, remappable=False,
           palette=("Next session tab", "show the next pane"), palette_keys="→, Ctrl+PgDn",
           browser_palette_keys="→, Ctrl+Shift+→"),
    Action("previous_tab", "left,left_square_bracket,h", "Previous tab", view=TAB_BAR, remappable=False,
           palette=("Previous session tab", "show the previous pane"), palette_keys="←, Ctrl+PgUp",
           browser_palette_keys="←, Ctrl+Shift+←"),
    Action("focus_terminal", "enter,i", "Into the pane", view=TAB_BAR, remappable=False),
    Action("down", "down", "Into the pane (a selection: extend it)", view=TAB_BAR, remappable=False),
    Action("close_tab", "x,ctrl+w", "Close", view=TAB_BAR, remappable=False, browser_keys="x",
           palette=("Close session tab", "close the current pane (the shell keeps running)")),
    Action("toggle_full", "z", "Full-screen", view=TAB_BAR, remappable=False),
    Action("toggle_beside", "o", "Beside/below", view=TAB_BAR, remappable=False,
           palette=("Panes beside/below", "put the session panes beside or below the browser")),
    Action("reattach", "r", "Re-attach", view=TAB_BAR, remappable=False,
           palette=("Re-attach pane", "attach the finished pane again")),
    Action("copy_screen", "y", "Copy screen (or the selected lines)", view=TAB_BAR, remappable=False,
           palette=("Copy pane screen", "the current pane's screen to the clipboard (OSC 52)")),
    Action("select_lines", "v", "Select lines", view=TAB_BAR, remappable=False),
    Action("selection_down", "j", "Selection down", view=TAB_BAR, remappable=False),
    Action("selection_up", "k,up", "Selection up", view=TAB_BAR, remappable=False),
    Action("selection_page_down", "pagedown", "Selection page down", run="selection_page(1)", view=TAB_BAR,
           remappable=False),
    Action("selection_page_up", "pageup", "Selection page up", run="selection_page(-1)", view=TAB_BAR,
           remappable=False),
    Action("save_cast", "w", "Save .cast", view=TAB_BAR, remappable=False,
           palette=("Save pane as .cast", "an asciicast recording of the current pane")),
    # priority: resolved when Esc arrives, not once it has bubbled up to the app, by when a `/` typed
    # right behind it (itself priority) has focused the filter field, whose Esc clears the filter;
    # SessionTabs.check_action leaves Esc to a focused terminal pane (the program's)
    Action("leave", "escape", "Browser", view=TAB_BAR, remappable=False, priority=True),
)


def _of(view: str) -> list[Action]:
    return [action for action in ACTIONS if action.view == view]


def bindings(view: str) -> list[BindingType]:
    """The `BINDINGS` of `view`: the footer's keys first, in `footer_rank` order, then the others
    in the table's order. Remappable ones, and those with `browser_keys`, carry their id (Textual's
    keymap finds them by it)."""
    actions = _of(view)
    ordered = sorted(actions, key=lambda a: (a.footer_rank is None, a.footer_rank or 0, actions.index(a)))
    return [Binding(a.keys, a.action, a.footer, show=a.footer_rank is not None, priority=a.priority,
                    id=a.binding_id) for a in ordered]


def browser_keymap() -> dict[str, str]:
    """Binding id -> key(s) of every action with `browser_keys`: the keymap an app running in a web
    browser applies (before the user's `[keys]`), so that these actions have keys that reach it."""
    return {action.id: action.browser_keys for action in ACTIONS if action.browser_keys}


def help_texts() -> dict[str, str]:
    """The help's text per Textual action ("app.quit" and "quit" alike: Textual's own Ctrl+Q shares
    the row of `q`)."""
    texts: dict[str, str] = {}
    for action in ACTIONS:
        if action.help:
            texts.setdefault(action.action, action.help)
            texts.setdefault(action.action.removeprefix("app."), action.help)
    return texts


def palette_actions(*views: str) -> list[Action]:
    """The actions of `views` the command palette lists, in the table's order."""
    return [action for action in ACTIONS if action.view in views and action.palette is not None]


def remappable(*views: str) -> dict[str, str]:
    """Binding id -> default key(s) of every action `[keys]` may remap (of `views`; all by default)."""
    return {action.id: action.keys for action in ACTIONS
            if action.remappable and (not views or action.view in views)}
