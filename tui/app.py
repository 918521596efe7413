"""EphemeraApp: the Textual application (pod browser first).

Settings (`tui.settings`): loaded here unless given, from `tui.paths.config_path()` (the CLI's
`--config PATH` sets `$EPHEMERA_CONFIG`, else the XDG file); each problem of the file is a
notification at startup, the app starts with the defaults of the bad keys. The theme (Ctrl+T,
or `Change theme…` in the palette) is remembered in the file; `[keys]` goes to `App.set_keymap` (binding
ids in `tui.actions`) and stays in `keymap_overrides` (`tui.keymap.key_for` shows keys as remapped).

Audit log (`tui.audit_log`): every change made to a cluster is appended to `app.audit_log`:
`$XDG_STATE_HOME/ephemera/audit.jsonl`, or `audit-demo.jsonl` beside it for the embedded demo
cluster (`--demo`), so demo sessions never pollute the real log. `L` shows it.

`NO_COLOR`: Textual's greyscale filter is replaced by `ReadableMonochrome` (words whose grey nears
their background's are drawn white or black). The palette also lists the actions of the pop-up
view it is opened on (`_view_commands`). Ctrl+S (browser) or the palette's Save screenshot saves an
SVG (`save_screenshot_notice`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.color import Color
from textual.dom import DOMNode
from textual.filter import LineFilter, Monochrome, monochrome_style
from textual.notifications import Notification
from textual.screen import Screen

from tui.actions import APP, bindings, browser_keymap
from tui.audit_log import AuditLog
from tui.daemon_executor import DaemonThreadExecutor
from tui.display_text import is_safe_line, strip_unsafe, visible
from tui.gc_pause import RESUME_AFTER_SECONDS, paused, resume_collections
from tui.initial_session import InitialSession, open_initial_session
from tui.keymap import describe_clash, key_for, key_label, keymap_from_settings
from tui.kube.errors import describe_exception
from tui.left_running import OpenSession, created_this_session, exit_summary, quit_reasons, still_in_cluster
from tui.palette import BrowserCommands
from tui.paths import audit_log_path, ensure_private_dir, screenshots_dir, write_private_file
from tui.redaction import redact_credentials
from tui.resources import stylesheet_path
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background
from tui.screens.browser_messages import Connected
from tui.screens.browser_screen import BrowserScreen
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.help_modal import HelpModal, help_for_screen, view_title
from tui.screens.session_panes import open_pane
from tui.screens.session_tabs import panes_under
from tui.settings import Settings, SettingsError, SettingsProblem, load_settings, remember_theme
from tui.terminal_exit import hangup_safe_driver, install_exit_handlers
from widgets import footer_refresh, narrow_updates, prompt_frames
from widgets.terminal.messages import is_terminal_view

DEFAULT_THEME = "textual-dark"
DEMO_AUDIT_LOG_NAME = "audit-demo.jsonl"
PROBLEM_NOTICE_SECONDS = 30.0
NOTICE_LOG_SIZE = 100
MIN_GREY_CONTRAST = 0.25  # brightness difference (0..1) between a text and its background under NO_COLOR
# Textual's palette entries that tui/actions.py has as "Save screenshot", "Change theme…" and "Help"
SYSTEM_COMMANDS_OF_OURS = frozenset({"Screenshot", "Theme", "Keys"})
_VALID_VALUES = re.compile(r" \((?:known|one of): [^)]*\)")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@lru_cache(4096)
def readable_monochrome_style(style: Style, background: tuple[int, int, int]) -> Style:
    """Textual's greyscale of a style (NO_COLOR), with text that would vanish into its background
    (red or blue on a dark grey) made white or black: the greys keep the cursor and panels apart,
    and every word stays readable."""
    grey = monochrome_style(style)
    if grey.color is None:
        return grey
    fg = Color.from_rich_color(grey.color)
    bg = Color.from_rich_color(grey.bgcolor) if grey.bgcolor is not None else Color(*background)
    if abs(fg.brightness - bg.brightness) >= MIN_GREY_CONTRAST:
        return grey
    text = Color(255, 255, 255) if bg.brightness < 0.5 else Color(0, 0, 0)
    return grey + Style.from_color(text.rich_color)


class ThemeRemembered(BackgroundResult):
    """The theme was written to config.toml (nothing to show)."""


class ReadableMonochrome(LineFilter):
    """`NO_COLOR`: greys only, and never a word in a grey too close to its background's."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        base = background.rgb
        # words only: a dim glyph (an unselected radio button's ●, a border) stays dim on purpose
        return [Segment(text, readable_monochrome_style(style, base) if style is not None and _has_word(text)
                        else monochrome_style(style) if style is not None else style, None)
                for text, style, _control in segments]


class TerminalGuard(LineFilter):
    """The last line of defence between cluster text and the user's terminal: whatever a widget
    renders, no segment's text carries a control character (an ESC starting OSC 52 / OSC 0 / CSI,
    C1, DEL, bidi overrides: all zero-width, so removing them keeps the layout) and no segment is a
    hyperlink (OSC 8). Widgets show such text visibly through `tui.display_text` first; this
    guard is for anything that was missed. Strips cache the filtered result."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        cleaned: list[Segment] | None = None
        for index, segment in enumerate(segments):
            text, style, control = segment
            if control is not None:
                continue
            linked = style is not None and style.link is not None
            if not linked and is_safe_line(text):
                continue
            if cleaned is None:
                cleaned = list(segments)
            cleaned[index] = Segment(strip_unsafe(text), style.update_link(None) if linked and style else style)
        return segments if cleaned is None else cleaned


def _has_word(text: str) -> bool:
    return any(character.isalnum() for character in text)


def problem_without_path(problem: SettingsProblem) -> str:
    """`line 4: theme: unknown theme 'x' ...` (the file is named once, in the title)."""
    text = str(dataclasses.replace(problem, path=None))
    return text.removeprefix("config, ").removeprefix("config: ")


def audit_log_path_for(demo: bool) -> Path:
    """The real log, or for the embedded demo cluster `audit-demo.jsonl` in the same directory."""
    path = audit_log_path()
    return path.with_name(DEMO_AUDIT_LOG_NAME) if demo else path


class EphemeraApp(App[None]):
    """Keyboard-driven pod debugging. `kubeconfig` is a `tui.kube.config.KubeConfig`."""

    TITLE = "Ephemera"
    CSS_PATH = str(stylesheet_path())
    COMMANDS: ClassVar = App.COMMANDS | {BrowserCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar = bindings(APP)  # tui/actions.py: Ctrl+C, F1, ?, L, Ctrl+T

    def __init__(
        self,
        kubeconfig: Any,
        context: str | None = None,
        namespace: str | None = None,
        all_namespaces: bool = False,
        demo: bool = False,
        *,
        clock: Callable[[], datetime] | None = None,
        live_timers: bool = True,
        settings: Settings | None = None,
        settings_problems: Iterable[SettingsProblem] = (),
        audit_log: AuditLog | None = None,
        initial_session: InitialSession | None = None,
        in_browser: bool | None = None,
    ) -> None:
        """`clock` fixes "now" for ages (snapshots); `live_timers=False` stops periodic refreshes.
        `settings` (and the problems met loading them): None loads `tui.paths.config_path()`.
        `audit_log`: None is the user's log (the demo log with `demo=True`).
        `initial_session`: open that pane as soon as the browser is connected (`ephemera debug`).
        `in_browser`: whether it runs in a web browser (None: Textual's driver says, `is_web`)."""
        super().__init__()
        narrow_updates.install()  # partial repaints written from the first changed cell (issue 15)
        footer_refresh.install()  # a footer rebuilt once per refresh at most, only when its keys changed
        prompt_frames.install()  # the first frame after a quiet moment at once, not on the next tick
        # NO_COLOR: Textual's greyscale loses text whose grey is that of its background
        self._filters = [ReadableMonochrome() if type(f) is Monochrome else f for f in self._filters]
        self._filters.append(TerminalGuard())
        self.notice_log: deque[Notification] = deque(maxlen=NOTICE_LOG_SIZE)
        """The last notices, shown or already expired (as sanitised), oldest first."""
        self.kubeconfig = kubeconfig
        problems = list(settings_problems)
        if settings is None:
            settings, problems = load_settings()
        self.settings: Settings = settings
        keymap, keymap_problems = keymap_from_settings(settings)
        self.settings_problems: list[SettingsProblem] = problems + keymap_problems
        self.keymap_overrides = keymap
        self.audit_log: AuditLog = audit_log if audit_log is not None else AuditLog(audit_log_path_for(demo))
        self.initial_session = initial_session
        self.demo = demo
        self._in_browser = in_browser
        self.left_running: list[OpenSession] = []  # sessions open when the user chose to quit
        self._asking_to_quit = False
        self._remembered_theme = settings.theme
        self._reported_clashes: set[str] = set()
        if namespace is None and not all_namespaces and settings.default_namespace:
            namespace = settings.default_namespace
        self.browser = BrowserScreen(
            kubeconfig=kubeconfig,
            context=context,
            namespace=namespace,
            all_namespaces=all_namespaces,
            demo=demo,
            clock=clock or _utcnow,
            live_timers=live_timers,
        )

    def on_mount(self) -> None:
        # thread workers (cluster requests) must never hold up quitting: see tui/daemon_executor.py
        asyncio.get_running_loop().set_default_executor(DaemonThreadExecutor())
        if not self.is_headless:  # a real terminal (not run_test): SIGTERM, SIGHUP quit as `q` does
            install_exit_handlers(self._quit_on_signal)
        # in a web browser, the keys the browser keeps (Ctrl+T, Ctrl+W, Ctrl+PgUp/PgDn) are replaced
        self.set_keymap({**(browser_keymap() if self.in_browser else {}), **self.keymap_overrides})
        self.theme = self.settings.theme or DEFAULT_THEME
        self._remembered_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.push_screen(self.browser)
        self._notify_settings_problems()
        if paused():  # `ephemera` paused the garbage collector for the start (tui/gc_pause.py)
            self.watch(self.browser, "has_listed", self._first_rows_listed, init=False)
            self.set_timer(RESUME_AFTER_SECONDS, resume_collections)  # rows or not

    def _first_rows_listed(self, listed: bool) -> None:
        if listed:
            self.call_after_refresh(resume_collections)  # once they are painted

    @property
    def in_browser(self) -> bool:
        """Running in a web browser (`ephemera serve`, Textual's web driver), which keeps Ctrl+T,
        Ctrl+W and Ctrl+PgUp/PgDn for itself: the actions' `browser_keys` are bound instead, and the
        hints, help and palette name those (`tui.actions`)."""
        return self.is_web if self._in_browser is None else self._in_browser

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notice of the app (widgets' and screens' `notify` come here): its text goes through
        the one sanitiser and is never parsed as markup (an image name, a kubelet message, a config
        value or a typed namespace may hold `[/]` or escape sequences) and credentials in it (a
        Bearer token, a URL's password) are redacted. Thread-safe as Textual's."""
        message, title = visible(redact_credentials(message)), visible(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)
        self.notice_log.append(Notification(message, title, severity, timeout or self.NOTIFICATION_TIMEOUT,
                                            markup=False))

    def _fatal_error(self) -> None:
        """An unhandled exception: its traceback without local variables (they hold tokens and pod
        specs), each line made visible and redacted (tui/crash_report.py), then exit."""
        from tui.crash_report import crash_traceback  # rich.traceback, Pygments: only after a crash (start-up)

        self.bell()
        self._exit_renderables.append(crash_traceback(self.console))
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Textual's crash output, made safe, on the real stderr (not the command line's sanitiser,
        which showed Rich's colour codes as ␛[31m). Called on every exit: nothing to print (no crash),
        nothing of tui.crash_report (rich.traceback, Pygments) imported."""
        if not self._exit_renderables:
            super()._print_error_renderables()
            return
        from tui.crash_report import on_real_stderr, safe_renderable  # only after a crash (start-up)

        self._exit_renderables[:] = [safe_renderable(r, self.console) for r in self._exit_renderables]
        with on_real_stderr(self.error_console):
            super()._print_error_renderables()

    def _notify_settings_problems(self) -> None:
        """One notification per problem when there is one; else one listing them all (stacked
        notifications would push the first ones off an 80x24 screen). `?` lists them again."""
        problems = self.settings_problems
        if not problems:
            return
        severity = "error" if any(problem.severity == "error" for problem in problems) else "warning"
        help_key = key_for(self, "help")  # as remapped (F1 always works too)
        if len(problems) == 1:
            problem = problems[0]
            self.notify(f"{problem}\n({help_key} lists it again)", title="Settings problem" if severity == "error"
                        else "Settings", severity=severity, timeout=PROBLEM_NOTICE_SECONDS)
            return
        path = self._settings_file() or "the config file"
        # without the lists of valid values, so that every problem fits on an 80x24 screen
        lines = "\n".join(f"• {_VALID_VALUES.sub('', problem_without_path(problem))}" for problem in problems)
        self.notify(f"{lines}\nThe other settings are used; {help_key} lists these again in full.",
                    title=f"Settings: {len(problems)} problems in {path}", severity=severity,
                    timeout=PROBLEM_NOTICE_SECONDS)

    @on(Connected)
    def _open_initial_session(self, message: Connected) -> None:
        """The browser is connected (the message bubbles up from it): open the initial session."""
        session = self.initial_session
        if session is None or message.connection is None or self.browser.connection is not message.connection:
            return
        self.initial_session = None
        open_initial_session(self, session)

    # ------------------------------------------------------------------ settings
    def _theme_changed(self, theme: Any) -> None:
        name = str(getattr(theme, "name", theme))
        if name == self._remembered_theme:
            return
        self._remembered_theme = name
        path = self.settings.path
        run_in_background(self, lambda: remember_theme(name, path), lambda _: ThemeRemembered(),
                          group="remember-theme")

    @on(BackgroundFailed)
    def _background_failed(self, message: BackgroundFailed) -> None:
        """The one place for a background call's failure that its screen did not handle."""
        error = message.error
        if message.group == "remember-theme" and isinstance(error, SettingsError):
            self.notify(f"Theme not remembered: {error}", severity="warning")
            return
        self.notify(f"{message.group} failed: {describe_exception(error)}", severity="error", timeout=15)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        view = "the pod browser" if isinstance(node, BrowserScreen) else type(node).__name__
        text = describe_clash(clashed_bindings, view)
        if text not in self._reported_clashes:
            self._reported_clashes.add(text)
            self.notify(text, severity="warning", timeout=PROBLEM_NOTICE_SECONDS)

    # ------------------------------------------------------------------ app-wide actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+P and Ctrl+Q go to a focused terminal pane's program, not to the palette and quit.
        F1 and `?` reach every view (Textual does not offer the app's normal bindings to a
        modal screen, so these are priority bindings), but never take a key from a terminal pane
        (htop's F1) or a `?` from a text field."""
        if action in ("command_palette", "quit", "help"):
            # ^P (previous history), ^Q (XON, quoted insert) and ? belong to the program in a pane
            return not is_terminal_view(self.focused)
        if action not in ("help_f1", "help_question"):
            return True
        screen, focused = self.screen, self.focused
        if isinstance(screen, HelpModal) or is_terminal_view(focused):
            return False
        if action == "help_question":
            if not screen.is_modal:
                return False  # the browser binds ? itself (below the terminal and the filter field)
            if focused is not None and focused.check_consume_key("question_mark", "?"):
                return False
        return True

    def action_help_f1(self) -> None:
        self.action_help()

    def action_help_question(self) -> None:
        self.action_help()

    def action_help(self) -> None:
        """`?` / F1: every key of the focused view."""
        if isinstance(self.screen, HelpModal):
            return
        title, rows = help_for_screen(self.screen)
        notes: list[str] = []
        if isinstance(self.screen, BrowserScreen) and self.settings_problems:
            notes = [problem_without_path(problem) for problem in self.settings_problems]
        path = self._settings_file()
        self.push_screen(HelpModal(title, rows, notes=notes,
                                   notes_title=f"Settings problems ({path})" if path else "Settings problems"))

    def _settings_file(self) -> str | None:
        """The config file the problems are in; with `--demo`, the demo's copy is named as such
        (`settings.path` is its private copy of the user's file: tui/commands/tui_run.py)."""
        path = next((p.path for p in self.settings_problems if p.path is not None), self.settings.path)
        if path is None:
            return None
        if self.demo and path == self.settings.path:
            return f"{path}: the demo's own copy of your settings, removed when it quits"
        return str(path)

    def action_audit_log(self) -> None:
        """`L`: the audit log, newest first."""
        from tui.screens.audit_log_screen import AuditLogScreen  # only on L (start-up)

        if isinstance(self.screen, AuditLogScreen):
            return
        self.push_screen(AuditLogScreen(self.audit_log))

    def save_screenshot_notice(self) -> Path | None:
        """An SVG of the screen into the user's screenshot directory: `screenshot_dir` of the
        settings when set, else (or when that cannot take it) `tui.paths.screenshots_dir()`; never
        the current directory, which may be a source tree (a clone's tracked screenshots/). A
        notification says where, or why it could not be saved."""
        filename = f"ephemera-{time.strftime('%Y%m%d-%H%M%S')}.svg"
        chosen = self.settings.screenshot_dir
        directories = [Path(chosen).expanduser()] if chosen else []
        problems: list[str] = []
        for directory in [*directories, screenshots_dir()]:
            try:  # the file 0600, a directory we create 0700: a screen may show secrets
                if not (directory in directories and directory.is_dir()):  # the user's own: left as it is
                    ensure_private_dir(directory)
                path = write_private_file(directory / filename, self.export_screenshot())
            except OSError as exc:
                problems.append(f"{directory}: {exc.strerror or exc}")
                continue
            self.notify(f"Screenshot saved to {path.resolve()}")
            return path
        self.notify(f"Screenshot not saved ({'; '.join(problems)}); set screenshot_dir in the config file to a "
                    "writable directory", title="Screenshot", severity="error")
        return None

    def action_quit_or_interrupt(self) -> None:
        focused = self.focused
        if is_terminal_view(focused):
            focused.send_interrupt()
            return
        self.request_quit()

    async def action_quit(self) -> None:
        """q, Ctrl+C and the palette's Quit: asks first while sessions are open."""
        self.request_quit()

    def open_sessions(self) -> list[OpenSession]:
        """Panes whose session is live, connecting or waiting for its container to start."""
        sessions: list[OpenSession] = []
        for screen in self.screen_stack:
            for pane in panes_under(screen):
                if pane.badge.state in ("live", "connecting", "waiting"):
                    target = pane.target
                    sessions.append(OpenSession(target.namespace, target.pod, target.container, pane.kind,
                                                ephemeral=pane.container_kind != "container",
                                                copy_of=pane.copy_source))
        return sessions

    def remember_detached(self, session: OpenSession) -> None:
        """A pane closed while its attached shell ran (Ctrl+] x): the shell keeps running."""
        detached: list[OpenSession] = self.__dict__.setdefault("_detached_sessions", [])
        detached.append(session)

    def leftovers(self) -> list[OpenSession]:
        """What stays in the cluster: the open panes, the shells detached from, and what this
        session created (its audit log's changes: ephemeral containers, copies, node debug pods)."""
        ended = {(pane.target.namespace, pane.target.pod, pane.target.container)
                 for screen in self.screen_stack for pane in panes_under(screen)
                 if pane.badge.state not in ("live", "connecting", "waiting")}
        return still_in_cluster(self.open_sessions(), self.__dict__.get("_detached_sessions", []),
                                created_this_session(self.audit_log.recorded),
                                lambda namespace, pod: self.browser.pod((namespace, pod)), ended)

    def request_quit(self) -> None:
        """Quit at once, unless something stays on a real cluster (open sessions, detached shells,
        what this session created): then say what quitting leaves and ask (with the embedded demo
        cluster everything stops with the app anyway)."""
        sessions = [] if self.demo else self.leftovers()
        if not sessions:
            self.exit()
            return
        if self._asking_to_quit:
            return

        def answered(quit_now: bool | None) -> None:
            self._asking_to_quit = False
            if quit_now:
                self.left_running = self.leftovers()
                self.exit()

        self._asking_to_quit = True
        self.push_screen(ConfirmModal("Quit Ephemera?", quit_reasons(sessions), confirm_label="Quit"), answered)

    def exit_summary(self) -> str:
        """What the CLI prints after the TUI has left the terminal (empty when nothing stays)."""
        return exit_summary(self.left_running, self.browser.cli_flags())

    # ------------------------------------------------------------------ signals (tui/terminal_exit.py)
    def get_driver_class(self) -> type[Any]:
        """Textual's driver, writing through a file that survives a hung-up terminal (SIGHUP)."""
        return hangup_safe_driver(super().get_driver_class())

    def _quit_on_signal(self, signum: int) -> None:
        """SIGTERM, SIGHUP (terminal closed, SSH connection dropped), SIGINT from `kill`: quit at
        once, as a confirmed `q`: the driver restores the terminal and the CLI prints the sessions
        left running (`exit_summary`). Exit code 128+signum."""
        if self.is_running and not self.demo:
            self.left_running = self.leftovers()
        self.exit(return_code=128 + signum)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette entries, with their keys, but those tui/actions.py lists already (one
        entry each: "Save screenshot", "Change theme…", "Help" are ours)."""
        keys = {"Quit": f"{key_for(self, 'quit')}, Ctrl+C"}
        for command in super().get_system_commands(screen):
            if command.title in SYSTEM_COMMANDS_OF_OURS:
                continue
            if command.title in keys:
                yield SystemCommand(command.title, f"{command.help} ({keys[command.title]})", command.callback,
                                    command.discover)
            else:
                yield command
        yield from self._view_commands(screen)

    def _view_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The actions of the view the palette was opened on (debug form, audit log, cleanup,
        policy audit, confirmation...), each with its key: the palette holds every action of
        wherever the user is (the browser's own come from `tui.palette`)."""
        if isinstance(screen, (BrowserScreen, HelpModal)) or not screen.is_modal:
            return
        view = view_title(screen)
        actions: dict[tuple[int, str], tuple[str, list[str], DOMNode]] = {}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not binding.description or binding.action.startswith("app."):
                continue
            if type(active.node).__module__.startswith("textual."):
                continue  # a Textual widget's own keys (Input, DataTable...)
            entry = actions.setdefault((id(active.node), binding.action), (binding.description, [], active.node))
            label = key_label(key)
            if label not in entry[1]:
                entry[1].append(label)
        for (_node_id, action), (description, labels, node) in actions.items():
            yield SystemCommand(description[:1].upper() + description[1:], f"{view} ({', '.join(labels)})",
                                partial(self.run_action, action, node))

    def open_session(
        self,
        namespace: str,
        pod: str,
        container: str,
        kind: str = "attach",
        command: list[str] | None = None,
    ) -> None:
        """Open (or show) the terminal pane of a container: `kind="attach"` to its main process,
        `"exec"` to run `command` (None: a shell, bash else sh). Waits while the container is not
        running yet; shows logs and exit code when it has terminated."""
        open_pane(self.browser, namespace, pod, container, kind=kind, command=command)
