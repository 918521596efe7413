"""The container inspector: every container of the selected pod and the pod facts for debugging."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll

from tui.debug.durable import durable_container_names
from tui.display_text import safe_text, visible_line
from tui.pods.events import EventRow, event_rows
from tui.pods.facts import ContainerEntry, container_entries, pod_facts, pod_problems
from tui.pods.rows import SEVERITY_STYLE, status_severity
from tui.pods.status import format_age, pod_ready, pod_status_reason
from tui.pods.workload import OwnerChain, chain_lesson
from widgets.quiet_static import QuietStatic

ERROR_REASONS = frozenset(
    {
        "CrashLoopBackOff",
        "ErrImagePull",
        "ImagePullBackOff",
        "CreateContainerConfigError",
        "CreateContainerError",
        "InvalidImageName",
        "RunContainerError",
        "OOMKilled",
        "Error",
    }
)
KIND_TITLES = {"init": "INIT CONTAINERS", "container": "CONTAINERS", "ephemeral": "EPHEMERAL CONTAINERS"}
# The headings `]` / `[` move between (as rendered: `render_pod`, `render_workload`, `render_events`).
SECTION_HEADING = re.compile(r"^((INIT |EPHEMERAL )?CONTAINERS\b|WORKLOAD\b|EVENTS \()")


def _ago(timestamp: str, now: datetime) -> str:
    if not timestamp:
        return ""
    return f"{format_age(timestamp, now)} ago ({timestamp})"


def _state_style(entry: ContainerEntry) -> str:
    if entry.state == "Running":
        return "green"
    if entry.state == "Waiting":
        return "bold red" if entry.reason in ERROR_REASONS else "yellow"
    if entry.state == "Terminated":
        return "dim" if entry.exit_code == 0 else "bold red"
    return "dim"


def render_container(entry: ContainerEntry, now: datetime, *, durable: bool = False) -> RenderableType:
    """`durable`: a durable debugger (`tui.debug.durable`: a keep-alive main process, shells by exec)."""
    style = _state_style(entry)
    head = Text.assemble(("● ", style), (visible_line(entry.name), "bold"), "  ", (visible_line(entry.image), "cyan"))
    if durable:
        head.append("  durable debugger", style="bold green")
        head.append(" (keep-alive main process: a opens a shell in it by exec)", style="dim")
    if entry.target:
        head.append("  → target ", style="dim")
        head.append(visible_line(entry.target), style="bold magenta")
    elif entry.kind == "ephemeral":
        head.append("  no target (sees only its own processes unless the pod shares them)", style="dim")
    state = Text("  ")
    state.append(entry.state if entry.state != "Unknown" else "no status yet", style=style)
    if entry.reason:
        state.append(f" {visible_line(entry.reason)}", style=style)
    if entry.exit_code is not None:
        state.append(f"  exit code {entry.exit_code}", style=style)
    if entry.kind != "ephemeral":
        state.append(f"  restarts {entry.restarts}", style="yellow" if entry.restarts else "")
        if entry.ready is not None:
            state.append("  ready" if entry.ready else "  not ready", style="" if entry.ready else "yellow")
    lines: list[RenderableType] = [head, state]
    if entry.message:
        lines.append(Padding(safe_text(entry.message, style="italic"), (0, 0, 0, 2)))
    if entry.started_at:
        lines.append(safe_text(f"  started  {_ago(entry.started_at, now)}", style="dim"))
    if entry.finished_at:
        lines.append(safe_text(f"  finished {_ago(entry.finished_at, now)}", style="dim"))
    if entry.last_termination:
        lines.append(safe_text(f"  last termination: {entry.last_termination}", style="yellow"))
    return Group(*lines)


def render_workload(pod: dict, chain: OwnerChain | None) -> RenderableType:
    """WORKLOAD: the owner chain as read from the API server, what a template change rolls."""
    title = Text("WORKLOAD", style="bold underline")
    if chain is None:
        return Group(title, Text("  reading the owners…", style="dim"))
    lines: list[RenderableType] = [title, Text.assemble("  ", (visible_line(chain.text()), "bold"))]
    for link in chain.links:
        if link.found:
            lines.append(safe_text(f"  {link.describe()}", style="dim"))
    top = chain.top
    rolled = chain.rolled_pods()
    if top is not None and rolled is not None:
        lines.append(Text.assemble(
            "  a pod template change of ", (visible_line(f"{top.kind} {top.name}"), "bold"), " rolls ",
            (f"{rolled} pod{'' if rolled == 1 else 's'}", "bold yellow"), " (kubectl edit, set image, patch)"))
    lesson = chain_lesson(pod, chain)
    if lesson and rolled is not None:
        lines.append(Padding(safe_text(lesson, style="italic"), (0, 0, 0, 2)))
    for note in chain.notes:
        lines.append(Padding(safe_text(note, style="yellow"), (0, 0, 0, 2)))
    return Group(*lines)


EVENT_TYPE_STYLE = {"Warning": "bold red", "Normal": "green"}


def render_events(events: list[dict] | None, notes: list[str], now: datetime) -> RenderableType:
    """EVENTS, newest first: age, type, reason, count, who / which container, message."""
    title = Text("EVENTS (newest first, live)", style="bold underline")
    lines: list[RenderableType] = [title]
    for note in notes:
        lines.append(Padding(safe_text(note, style="yellow"), (0, 0, 0, 2)))
    if events is None:
        if not notes:
            lines.append(Text("  watching…", style="dim"))
        return Group(*lines)
    rows = event_rows(events, now)
    if not rows:
        lines.append(Text("  none (the API server keeps events for an hour)", style="dim"))
        return Group(*lines)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")  # age
    grid.add_column(no_wrap=True)  # type
    grid.add_column(no_wrap=True)  # reason + count
    grid.add_column()  # about + message
    for row in rows:
        reason = Text(visible_line(row.reason), style="bold")
        if row.count_text:
            reason.append(f" {row.count_text}", style="yellow")
        message = Text()
        if row.object_kind and row.object_kind != "Pod":
            message.append(visible_line(f"{row.object_kind} {row.object_name}: "), style="magenta")
        if row.container:
            message.append(visible_line(f"[{row.container}] "), style="cyan")
        message.append(visible_line(row.message))
        grid.add_row(Text(f"  {row.age}"), Text(visible_line(row.type), style=EVENT_TYPE_STYLE.get(row.type, "")),
                      reason, message)
    lines.append(grid)
    return Group(*lines)


def render_pod(
    pod: dict,
    *,
    now: datetime,
    nodes: dict[str, dict],
    namespaces: dict[str, dict],
    gone: bool = False,
    notes: tuple[str, ...] | list[str] = (),
    chain: OwnerChain | None = None,
    warning: EventRow | None = None,
) -> RenderableType:
    meta = pod.get("metadata") or {}
    status = pod_status_reason(pod)
    title = Text.assemble(
        (f"{visible_line(meta.get('namespace', ''))}/", "dim"),
        (visible_line(meta.get("name", "")), "bold"),
        "  ",
        (visible_line(status), SEVERITY_STYLE[status_severity(status)]),
        "  ",
        (f"ready {pod_ready(pod)}", ""),
    )
    parts: list[RenderableType] = []
    if gone:
        parts.append(Text(" GONE: this pod was deleted; last known state below ", style="bold white on red"))
    parts.append(title)

    facts = pod_facts(pod, nodes=nodes, namespaces=namespaces, notes=notes)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold dim", no_wrap=True)
    grid.add_column()
    problems = pod_problems(pod)
    if problems:
        grid.add_row(Text("problem", style="bold red"), safe_text("\n".join(problems), style="red"))
    if warning is not None:  # the newest Warning event, in the user's face (all of them: EVENTS below)
        about = f"[{warning.container}] " if warning.container else ""
        grid.add_row(Text("last warning", style="bold red"),
                     Text.assemble((f"{warning.age} ago ", "dim"), (visible_line(warning.reason), "bold red"),
                                   f" {visible_line(about + warning.message)}", ("  (EVENTS below)", "dim")))
    grid.add_row("owner", safe_text(facts.owner))
    node_line = facts.node_os
    pod_ip = (pod.get("status") or {}).get("podIP")
    if pod_ip:
        node_line += f"  ip {pod_ip}"
    grid.add_row("node os", safe_text(node_line))
    grid.add_row(
        "pod security",
        safe_text(facts.pod_security, style="yellow" if facts.pod_security.startswith(("restricted", "baseline")) else ""),
    )
    lesson = chain_lesson(pod, chain)  # with the number of pods once the workload is read
    grid.add_row(
        "share pid ns",
        Text("yes (shareProcessNamespace)", style="green")
        if facts.share_process_namespace
        else Text.assemble(("no", "dim"), (f"  ({visible_line(lesson)})" if lesson else "", "italic")),
    )
    grid.add_row(
        "static pod",
        Text("yes (mirror pod: ephemeral containers refused)", style="yellow") if facts.static else Text("no", style="dim"),
    )
    grid.add_row("security", safe_text("\n".join(facts.security)))
    grid.add_row("volumes", safe_text("\n".join(facts.volumes)) if facts.volumes else Text("none", style="dim"))
    parts.append(grid)

    entries = container_entries(pod)
    durable = durable_container_names(pod)
    for kind in ("init", "container", "ephemeral"):
        of_kind = [e for e in entries if e.kind == kind]
        if not of_kind:
            if kind == "ephemeral":
                parts.append(Text("EPHEMERAL CONTAINERS  none yet", style="bold dim"))
            continue
        parts.append(Text(f"{KIND_TITLES[kind]} ({len(of_kind)})", style="bold underline"))
        parts.extend(render_container(e, now, durable=e.name in durable) for e in of_kind)
    return Group(*parts)


def _key_of(pod: dict | None) -> tuple[str, str] | None:
    if pod is None:
        return None
    meta = pod.get("metadata") or {}
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


class ContainerInspector(VerticalScroll, can_focus=True):
    """Shows one pod (kept live by the screen); scrolls with j/k when focused."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("right_square_bracket", "next_section", "Next section", show=False),
        Binding("left_square_bracket", "previous_section", "Previous section", show=False),
    ]

    # At once, without animation: Textual's scroll actions are deferred to after the next refresh,
    # so keys held down or typed fast all started from the same line and moved the view by one.
    def _scroll_by(self, lines: int) -> None:
        self.scroll_to(y=max(0, min(self.max_scroll_y, self.scroll_y + lines)), animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        """G: the end, and it stays the end when the inspector grows right after (Enter/Tab gives
        it more room: a G typed at once was left short of the last lines)."""
        self._pinned_to_end = True
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def on_resize(self) -> None:
        if self._pinned_to_end:
            self.call_after_refresh(lambda: self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value < old_value:
            self._pinned_to_end = False  # scrolled up: no longer following the end

    def action_scroll_down(self) -> None:
        self._scroll_by(1)

    def section_lines(self) -> list[int]:
        """The scroll offsets of the section headings shown (CONTAINERS, EPHEMERAL CONTAINERS,
        WORKLOAD, EVENTS...), top to bottom."""
        if self.pod is None:
            return []
        text = self._body_text(self._rendered(self.pod, self._drawn_at or self.clock()))
        base = self._body_top()
        return [base + index for index, line in enumerate(text.split("\n")) if SECTION_HEADING.match(line)]

    def _body_text(self, renderable: RenderableType) -> str:
        """`renderable` as plain text at the width of the inspector's body (its lines as shown)."""
        buffer = io.StringIO()
        width = max(1, self.query_one("#inspector-body", QuietStatic).content_region.width)
        Console(file=buffer, width=width, color_system=None, legacy_windows=False).print(renderable)
        return buffer.getvalue()

    def _body_top(self) -> int:
        """The scroll offset of the body's first line."""
        body = self.query_one("#inspector-body", QuietStatic)
        return body.content_region.y - self.scrollable_content_region.y + round(self.scroll_y)

    def action_next_section(self) -> None:
        """]: the next section's heading at the top (as far as the inspector scrolls)."""
        below = [line for line in self.section_lines() if line > round(self.scroll_y)]
        if below:
            self.scroll_to(y=min(self.max_scroll_y, below[0]), animate=False, immediate=True)

    def action_previous_section(self) -> None:
        """[: the previous section's heading at the top (the top of the pod above the first)."""
        above = [line for line in self.section_lines() if line < round(self.scroll_y)]
        self.scroll_to(y=above[-1] if above else 0, animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self._scroll_by(-1)

    def action_page_down(self) -> None:
        self._scroll_by(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._scroll_by(-max(1, self.scrollable_content_region.height - 1))

    def __init__(self, *, clock: Callable[[], datetime], id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.pod: dict | None = None
        self.gone = False
        self.nodes: dict[str, dict] = {}
        self.namespaces: dict[str, dict] = {}
        self.notes: list[str] = []  # why namespaces / nodes could not be listed
        self._pinned_to_end = False  # G pressed: keep the end in view when the inspector grows
        self._end_of: tuple[str, str] | None = None  # follow_end_of: the pod whose end stays in view
        # The pod's context, passed in by the screen (tui/screens/pod_context.py) for `context_of`:
        self.context_of: tuple[str, str] | None = None  # the pod the workload and events below are of
        self.chain: OwnerChain | None = None  # its owners as read (None: not read yet)
        self.events: list[dict] | None = None  # its events and its owners' (None: not listed yet)
        self.event_notes: list[str] = []  # why events could not be watched (a 403...)
        self._drawn_at: datetime | None = None  # the clock of the content shown (None: no pod)

    def compose(self) -> ComposeResult:
        yield QuietStatic(Text("No pod selected", style="dim"), id="inspector-body")

    BLURRED_TITLE = "inspector (Enter/Tab)"
    FOCUSED_TITLE = "inspector: j/k scroll, Tab/Esc back"

    def on_mount(self) -> None:
        self.border_title = self.BLURRED_TITLE

    def on_focus(self) -> None:
        self.border_title = self.FOCUSED_TITLE

    def on_blur(self) -> None:
        self.border_title = self.BLURRED_TITLE

    def show(self, pod: dict | None, *, gone: bool = False) -> None:
        key = _key_of(pod)
        if self._end_of is not None and key != self._end_of:
            self._end_of = None  # another pod: the end it followed was that of the other one
        if key != self.context_of:  # another pod: the context shown was the other one's
            self.context_of, self.chain, self.events, self.event_notes = None, None, None, []
        # The same pod again (the screen's age refresh): redrawn only when a relative time shown
        # changed, so an idle screen writes nothing; the body then repaints only the cells that
        # changed (an event's "63m" becoming "64m"), not the whole inspector.
        same = pod is self.pod and gone == self.gone and self._drawn_at is not None
        self.pod = pod
        self.gone = gone
        if pod is None or not same:
            self._redraw()
        else:  # one rendering per refresh while nothing changes
            body = self.query_one("#inspector-body", QuietStatic)
            now = self.clock()
            renderable = self._rendered(pod, now)
            rendering = body.render_at_width(renderable)
            if not body.shows(rendering):
                self._drawn_at = now
                body.update(renderable, rendering)
        if self._end_of is not None and key == self._end_of:
            self.call_after_refresh(self._show_end_of_containers)

    def follow_end_of(self, namespace: str, name: str) -> None:
        """Keep the end of this pod's containers in view while it is shown (a debugger just created:
        the ephemeral containers are the last of them; WORKLOAD and EVENTS follow below), until
        another pod is shown."""
        self._end_of = (namespace, name)
        if _key_of(self.pod) == self._end_of:
            self.call_after_refresh(self._show_end_of_containers)

    def _show_end_of_containers(self) -> None:
        """Scroll so that the last line of the containers is the view's last line, or, when the view
        is too short for the last container's entry, so that the entry starts at its top."""
        if self.pod is None:
            return

        def lines(renderable: RenderableType) -> int:
            return self._body_text(renderable).count("\n")

        shown = self._parts(self.pod, self._drawn_at or self.clock())[0]
        last_entry = shown.renderables[-1] if isinstance(shown, Group) and shown.renderables else Text("")
        end = self._body_top() + lines(shown)
        top = max(0, min(end - self.scrollable_content_region.height, end - lines(last_entry)))
        self.scroll_to(y=top, animate=False, immediate=True)

    def set_cluster_objects(
        self, *, nodes: dict[str, dict], namespaces: dict[str, dict], notes: list[str] | None = None
    ) -> None:
        self.nodes = nodes
        self.namespaces = namespaces
        self.notes = list(notes or [])
        self._redraw()

    def set_workload(self, key: tuple[str, str], chain: OwnerChain) -> None:
        """The owner chain of pod `key` (ignored when another pod is shown)."""
        if key != _key_of(self.pod):
            return
        if self.context_of != key:
            self.context_of, self.events, self.event_notes = key, None, []
        self.chain = chain
        self._redraw()

    def set_events(self, key: tuple[str, str], events: list[dict] | None, notes: list[str]) -> None:
        """The events of pod `key` and of its owners, as watched (None: not listed yet), and why
        some could not be watched (ignored when another pod is shown)."""
        if key != _key_of(self.pod):
            return
        if self.context_of != key:
            self.context_of, self.chain = key, None
        self.events, self.event_notes = events, list(notes)
        self._redraw()

    def rolled_pods(self, key: tuple[str, str]) -> int | None:
        """How many pods a template change of pod `key`'s workload rolls, when its owners were read."""
        if self.chain is None or self.context_of != key or _key_of(self.pod) != key:
            return None
        return self.chain.rolled_pods()

    @property
    def workload_read(self) -> bool:
        """The shown pod's owners were read (or said unreadable)."""
        return self.pod is not None and self.context_of == _key_of(self.pod) and self.chain is not None

    def _redraw(self, now: datetime | None = None) -> None:
        body = self.query_one("#inspector-body", QuietStatic)
        if self.pod is None:
            self._drawn_at = None
            body.update(Text("No pod selected", style="dim"))
            return
        self._drawn_at = now or self.clock()
        body.update(self._rendered(self.pod, self._drawn_at))

    def _parts(self, pod: dict, now: datetime) -> tuple[RenderableType, list[RenderableType]]:
        """The pod and its containers, then WORKLOAD and EVENTS (once read for this pod)."""
        with_context = self.context_of is not None and self.context_of == _key_of(pod)
        chain = self.chain if with_context else None
        rows = event_rows(self.events, now) if with_context and self.events else []
        warning = next((row for row in rows if row.warning), None)
        shown = render_pod(
            pod, now=now, nodes=self.nodes, namespaces=self.namespaces, gone=self.gone, notes=self.notes, chain=chain,
            warning=warning,
        )
        if not with_context:
            return shown, []
        return shown, [render_workload(pod, chain), render_events(self.events, self.event_notes, now)]

    def _rendered(self, pod: dict, now: datetime) -> RenderableType:
        shown, context = self._parts(pod, now)
        return Group(shown, *context) if context else shown

    @property
    def text(self) -> str:
        """The inspector's content as plain text (for tests and screen readers)."""
        if self.pod is None:
            return "No pod selected"
        return self._plain(self.pod, self.clock())

    def _plain(self, pod: dict, now: datetime | None) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=max(self.size.width, 100), color_system=None, legacy_windows=False)
        console.print(self._rendered(pod, now or self.clock()))
        return buffer.getvalue()
