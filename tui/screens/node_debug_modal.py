"""`N` in the browser: debug a node (`kubectl debug node/NAME`), the selected pod's node first.

A compact modal: the node (a picker of the cluster's nodes, loaded off the UI thread: `list_nodes`),
the profile, the image and the namespace the pod goes in; every change re-plans locally
(`tui.debug.node.plan_node`) and updates the `kubectl debug node/...` preview at once, and the
pre-flight (`tui.kube.node_debug.gather_node_facts` -> `tui.debug.node_preflight.run_node_checks`:
the node, RBAC, Pod Security, the server's dry run) runs in a worker on open and 0.4 s after the
last change. Ctrl+S waits for the pre-flight of what is on screen, then asks (`ConfirmModal`: root
on the node, and the failed checks if any), creates (one audit line) and waits in the modal until
the pod's container runs (its waiting reasons shown; Esc stops waiting, the pod stays), then
dismisses with a `DebugStarted` and `open_node_debug` opens an attach pane on it (`app.open_session`,
as after the debug form). A refusal (403, Pod Security, 404) or a pod that cannot start (an image
that cannot be pulled, a node that is gone) stays in the modal with the server's or kubelet's
message and what to do. Ctrl+Y copies the kubectl command.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Select, Static

from tui.clipboard import copy_text
from tui.debug.errors import PlanError
from tui.debug.node import NodeDebugPlan, NodeDebugRequest, plan_node
from tui.debug.node_preflight import dry_run_todo, node_ready, run_node_checks
from tui.debug.preflight import Check, DryRunVerdict
from tui.debug.request import DEFAULT_IMAGE, Mode, Profile
from tui.display_text import sanitize_text, visible_line
from tui.keymap import key_label
from tui.kube.debug_runner import ContainerOutcome, wait_for_container
from tui.kube.errors import ClusterError, describe_exception
from tui.kube.node_debug import NodeCreation, create_node_debug, gather_node_facts, list_nodes
from tui.pods.facts import operating_system_of
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_followup import WAIT_SECONDS, open_attach
from tui.screens.debug_form_modal import DebugStarted
from widgets.form_controls import SafeInput
from widgets.kubectl_preview import KubectlPreview
from widgets.preflight_list import PreflightList

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

__all__ = ["NodeDebugModal", "open_node_debug"]

PREFLIGHT_DEBOUNCE_SECONDS = 0.4
CREATE_KEY, COPY_KEY = "ctrl+s", "ctrl+y"


@dataclass
class NodesLoaded(BackgroundResult):
    nodes: list[dict[str, Any]]


@dataclass
class NodePreflightDone(BackgroundResult):
    generation: int
    checks: list[Check]


@dataclass
class NodePodCreated(BackgroundResult):
    plan: NodeDebugPlan
    creation: NodeCreation | None
    error: ClusterError | None


@dataclass
class NodePodWaiting(Message):
    """The new pod's container still waits: its reason (from the wait's thread)."""

    text: str


@dataclass
class NodePodFollowed(BackgroundResult):
    """Waiting for the new pod ended: its `outcome`, or the `error` that stopped the wait."""

    plan: NodeDebugPlan
    pod: str
    outcome: ContainerOutcome | None
    error: ClusterError | None


def _node_label(node: dict[str, Any]) -> Text:
    name = str((node.get("metadata") or {}).get("name") or "")
    ready, _ = node_ready(node)
    state = "Ready" if ready else "NotReady" if ready is False else "?"
    return Text.assemble(visible_line(name), (f"  {visible_line(operating_system_of(node) or '?')}, {state}", "dim"))


class NodeDebugModal(ModalScreen[DebugStarted | None]):
    """Debug a node: `node` first (None: the first node listed). `connection`: a ClusterConnection."""

    DEFAULT_CSS = """
    NodeDebugModal { align: center middle; }
    NodeDebugModal #node-debug { width: 110; max-width: 100%; height: auto; max-height: 100%;
        background: $panel; border: round $error; border-title-style: bold; padding: 0 1; }
    NodeDebugModal .field { height: auto; }
    NodeDebugModal .field-label { width: 11; color: $text-accent; }
    NodeDebugModal Input { width: 1fr; }
    NodeDebugModal Select { width: 1fr; }
    NodeDebugModal #node-lesson { height: auto; color: $text-muted; }
    NodeDebugModal #node-status { height: auto; }
    NodeDebugModal #node-error { height: auto; }
    NodeDebugModal #node-warnings { height: auto; color: $text-warning; }
    """
    HELP_TITLE = "node debugging"
    BINDINGS = [
        Binding(CREATE_KEY, "create", "Create", priority=True),
        Binding(COPY_KEY, "copy_command", "Copy kubectl command", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, *, connection: Any, node: str | None, namespace: str = "default",
                 default_image: str = DEFAULT_IMAGE, default_profile: Profile = Profile.GENERAL,
                 audit_log: Any = None, seed: int | None = None) -> None:
        super().__init__()
        self.connection = connection
        self.node = node or ""
        self.namespace = namespace or "default"
        self.default_image = default_image or DEFAULT_IMAGE
        self.default_profile = Profile(default_profile)
        self.audit_log = audit_log
        self.seed = seed if seed is not None else random.SystemRandom().getrandbits(32)
        self.nodes: dict[str, dict[str, Any]] = {}
        self.request: NodeDebugRequest | None = None
        self.plan: NodeDebugPlan | None = None
        self.problem = ""
        self.creating = False
        self.preflight_generation = 0
        self.preflight_done = 0
        self.preflight_error = ""
        self.checked_request: NodeDebugRequest | None = None
        self._preflight_request: NodeDebugRequest | None = None
        self._preflight_timer: Timer | None = None
        self.create_after_preflight = False
        self.created_pod = ""  # the pod created, while waiting for it to start
        self.plan_error_shown = False  # the error shown is the plan's problem (cleared once it plans)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        box = VerticalScroll(id="node-debug")
        box.border_title = "Debug a node (kubectl debug node/NAME)"
        box.border_subtitle = Text(f"{key_label(CREATE_KEY)} create · {key_label(COPY_KEY)} copy · Esc cancel")
        options = [(Text(visible_line(self.node)), self.node)] if self.node else []
        with box:
            yield Static(Text("A pod on the node in its host namespaces (its processes, its network), the node's "
                              "filesystem at /host (chroot /host for a shell on the node): root on the node.",
                              style="dim"), id="node-lesson")
            yield Static("", id="node-status")
            yield Horizontal(Static("node", classes="field-label"),
                             Select(options, value=self.node if self.node else Select.NULL, id="node",
                                    compact=True, prompt="loading nodes…"), classes="field")
            yield Horizontal(Static("profile", classes="field-label"),
                             Select([(p.value, p) for p in Profile], value=self.default_profile, allow_blank=False,
                                    id="profile", compact=True), classes="field")
            yield Horizontal(Static("image", classes="field-label"),
                             SafeInput(self.default_image, id="image", compact=True), classes="field")
            yield Horizontal(Static("namespace", classes="field-label"),
                             SafeInput(self.namespace, id="namespace", compact=True), classes="field")
            yield Static("", id="node-warnings")
            yield PreflightList(id="node-preflight")
            yield KubectlPreview(id="node-kubectl")
            yield Static("", id="node-error")

    def on_mount(self) -> None:
        connection = self.connection
        run_in_background(self, lambda: list_nodes(connection), NodesLoaded, group="node-list")
        self.refresh_plan()
        self.start_preflight()
        self.query_one("#image", Input).focus()

    # ------------------------------------------------------------------ values and plan
    def current_request(self) -> NodeDebugRequest:
        node = self.query_one("#node", Select).value
        profile = self.query_one("#profile", Select).value
        return NodeDebugRequest(
            node=str(node) if node is not Select.NULL and node is not None else "",
            namespace=self.query_one("#namespace", Input).value.strip(),
            image=self.query_one("#image", Input).value.strip(),
            profile=Profile(profile) if isinstance(profile, (str, Profile)) else self.default_profile,
        )

    def refresh_plan(self) -> None:
        request = self.current_request()
        self.request = request
        preview = self.query_one(KubectlPreview)
        try:
            self.plan = plan_node(request, self.nodes.get(request.node), rng=random.Random(self.seed))
        except PlanError as exc:
            self.plan, self.problem = None, str(exc)
            preview.show_problem(self.problem)
            self.query_one("#node-warnings", Static).update("")
            return
        self.problem = ""
        if self.plan_error_shown:  # "Cannot create: …" was about the values before: gone with them
            self.plan_error_shown = False
            self._show_error("", "")
        preview.show_command(self.plan.kubectl_command_text, notes=self.plan.kubectl_notes)
        warnings = Text("\n".join(f"⚠ {w}" for w in self.plan.warnings))
        self.query_one("#node-warnings", Static).update(sanitize_text(warnings))

    @on(Select.Changed)
    @on(Input.Changed)
    def _changed(self, event: Any) -> None:
        if not self.is_mounted or self.current_request() == self.request:
            return  # the fields' first values, or a list refilled with the same choice
        self.refresh_plan()
        if self._preflight_timer is not None:
            self._preflight_timer.stop()
        self._preflight_timer = self.set_timer(PREFLIGHT_DEBOUNCE_SECONDS, self.start_preflight)

    @on(NodesLoaded)
    def _nodes_loaded(self, message: NodesLoaded) -> None:
        self.nodes = {str((n.get("metadata") or {}).get("name")): n for n in message.nodes}
        select = self.query_one("#node", Select)
        current = self.node or next(iter(self.nodes), "")
        names = list(self.nodes)
        if current and current not in self.nodes:
            names.insert(0, current)  # the pod's node, gone from the list: the pre-flight says so
        if names:  # loaded: a node is always chosen (no blank "loading nodes…" row left to pick)
            select._allow_blank = False  # Textual's Select has no public setter for it
        else:
            select.prompt = "no node listed"
        select.set_options([(_node_label(self.nodes[n]) if n in self.nodes else Text(visible_line(n)), n)
                            for n in names])
        if current:
            select.value = current
        self.refresh_plan()  # the node's OS: the plan's warning

    # ------------------------------------------------------------------ pre-flight
    def start_preflight(self) -> None:
        self._preflight_timer = None
        request = self.current_request()
        if self.plan is None or not request.node:
            return
        self.preflight_generation += 1
        generation, connection, seed = self.preflight_generation, self.connection, self.seed
        self._preflight_request = request
        self.query_one(PreflightList).running()

        def check() -> NodePreflightDone:
            facts = gather_node_facts(connection, request, rng=random.Random(seed))
            return NodePreflightDone(generation, run_node_checks(facts))

        run_in_background(self, check, group="node-preflight")

    @property
    def preflight_current(self) -> bool:
        return (self._preflight_timer is None and self.preflight_done == self.preflight_generation
                and self.checked_request is not None and self.checked_request == self.current_request())

    @on(NodePreflightDone)
    def _preflight_finished(self, message: NodePreflightDone) -> None:
        self.query_one(PreflightList).show(message.checks)
        self.preflight_error = ""
        self._preflight_shown(message.generation)

    def _preflight_shown(self, generation: int) -> None:
        self.preflight_done = generation
        self.checked_request = self._preflight_request
        if self.create_after_preflight:
            self.create_after_preflight = False
            self._create_checked()

    @on(BackgroundFailed)
    def _background_failed(self, message: BackgroundFailed) -> None:
        message.stop()
        text = str(describe_exception(message.error))
        if message.group == "node-list":
            self._set_status(Text(f"cannot list nodes: {text}", style="yellow"))
            if not self.node:
                self._show_error("No node to debug: the nodes cannot be listed",
                                 "select a pod running on the node in the browser and press N: its node is used")
        elif message.group == "node-preflight":
            self.query_one(PreflightList).error(text)
            self.preflight_error = text
            self._preflight_shown(self.preflight_generation)
        elif message.group == "node-follow":
            pod, self.created_pod = self.created_pod, ""
            self._set_status(Text(""))
            self._show_error(f"Created {pod}, but could not follow it: {text}", "the pod stays: C (cleanup) lists it")
        else:
            self.creating = False
            self._show_error(f"Not created: {text}", "")

    # ------------------------------------------------------------------ create
    def action_create(self) -> None:
        if self.creating or self.create_after_preflight:
            return
        self.refresh_plan()
        if self.plan is None:
            self._show_error(f"Cannot create: {self.problem}", "")
            self.plan_error_shown = True
            return
        if not self.preflight_current:
            self.create_after_preflight = True
            self._set_status(Text("checking before creating (pre-flight)…", style="bold"))
            if self._preflight_timer is not None or self.preflight_done == self.preflight_generation:
                self.start_preflight()
            return
        self._create_checked()

    def failed_checks(self) -> list[str]:
        if self.preflight_error:
            return [f"the pre-flight could not run: {self.preflight_error}"]
        return [f"pre-flight failed: {c.name}: {c.found}" for c in self.query_one(PreflightList).checks
                if c.verdict == "fail"]

    def _create_checked(self) -> None:
        self._set_status(Text(""))
        plan = self.plan
        if plan is None:
            self._show_error(f"Cannot create: {self.problem}", "")
            self.plan_error_shown = True
            return
        failed = self.failed_checks()
        reasons = failed + list(plan.confirmation_reasons)
        where = f"{plan.namespace}/{plan.pod_name} on node {plan.request.node}"
        if not reasons:
            self._start_creation(plan)
            return
        title = f"Create node debug pod {where}?"
        if failed:
            title = f"The pre-flight found {len(failed)} problem{'s' if len(failed) > 1 else ''}. Create node " \
                    f"debug pod {where} anyway?"
        self.app.push_screen(ConfirmModal(title, reasons), lambda yes: self._confirmed(plan, yes))

    def _confirmed(self, plan: NodeDebugPlan, yes: bool | None) -> None:
        if yes:
            self._start_creation(plan)
        else:
            self._set_status(Text("not created (cancelled)", style="dim"))

    def _start_creation(self, plan: NodeDebugPlan) -> None:
        self.creating = True
        self._show_error("", "")
        self._set_status(Text(f"creating {plan.pod_name}…", style="bold"))
        connection, audit_log = self.connection, self.audit_log

        def create() -> NodePodCreated:
            try:
                return NodePodCreated(plan, create_node_debug(connection, plan, audit_log=audit_log), None)
            except ClusterError as exc:
                return NodePodCreated(plan, None, exc)

        run_in_background(self, create, group="node-create")

    @on(NodePodCreated)
    def _created(self, message: NodePodCreated) -> None:
        self.creating = False
        plan, creation, error = message.plan, message.creation, message.error
        for problem in (creation.audit_problems if creation else getattr(error, "audit_problems", [])):
            self.app.notify(problem, severity="warning")
        if creation is not None:
            self._wait(plan, str((creation.pod.get("metadata") or {}).get("name") or plan.pod_name))
            return
        assert error is not None
        self._set_status(Text(""))
        status = f"{error.status} " if error.status else ""
        todo = dry_run_todo(DryRunVerdict(False, error.message, error.status, hint=error.hint), plan.request)
        self._show_error(f"Refused: {status}{error.message}", todo)
        self.seed = random.SystemRandom().getrandbits(32)  # a fresh name for the next try

    # ------------------------------------------------------------------ waiting
    def _wait(self, plan: NodeDebugPlan, pod: str) -> None:
        self.created_pod = pod
        self._set_status(Text(f"created {pod}; waiting for it to start on node {plan.request.node}… (Esc stops "
                              "waiting: the pod stays)", style="bold"))
        connection = self.connection

        def waiting(reason: str, message: str) -> None:  # on the wait's thread: post only
            self.post_message(NodePodWaiting(f"{reason}: {message}" if message else reason))

        def follow() -> NodePodFollowed:
            try:
                outcome = wait_for_container(connection, plan.namespace, pod, plan.container_name,
                                             timeout=WAIT_SECONDS, on_waiting=waiting)
            except ClusterError as exc:
                return NodePodFollowed(plan, pod, None, exc)
            return NodePodFollowed(plan, pod, outcome, None)

        run_in_background(self, follow, group="node-follow")

    @on(NodePodWaiting)
    def _still_waiting(self, message: NodePodWaiting) -> None:
        if self.created_pod:
            self._set_status(Text(f"waiting for {self.created_pod}: {message.text} (Esc stops waiting: the pod "
                                  "stays)", style="bold"))

    @on(NodePodFollowed)
    def _followed(self, message: NodePodFollowed) -> None:
        plan, pod, outcome = message.plan, message.pod, message.outcome
        self.created_pod = ""
        if outcome is not None and outcome.state in ("running", "terminated"):  # a pane: the shell, or its logs
            self.dismiss(DebugStarted(plan.namespace, pod, plan.container_name, Mode.COPY, image=plan.request.image))
            return
        self._set_status(Text(""))
        leftover = (f"the pod stays: delete it with C (cleanup) or kubectl delete pod {pod} -n {plan.namespace}")
        if outcome is None:
            self._show_error(f"Created {plan.namespace}/{pod}, but could not follow it: {message.error}", leftover)
        elif outcome.state == "gone":
            self._show_error(f"{plan.namespace}/{pod} is gone: {outcome.message}", "create it again (Ctrl+S)")
        elif outcome.state == "timeout":
            last = f" (last: {outcome.reason}: {outcome.message})" if outcome.reason else ""
            self._show_error(f"{pod} is not running after {WAIT_SECONDS:.0f}s{last}",
                             f"is node {plan.request.node} Ready and able to pull {plan.request.image}? {leftover}")
        elif outcome.image_problem:
            self._show_error(f"{pod} cannot start, its image cannot be pulled ({outcome.reason}: {outcome.message})",
                             f"check the image name and that node {plan.request.node} can pull it; {leftover}")
        else:
            self._show_error(f"{pod} cannot start: {outcome.reason}: {outcome.message}", leftover)
        self.seed = random.SystemRandom().getrandbits(32)  # a fresh name for the next try

    # ------------------------------------------------------------------ messages
    def _show_error(self, message: str, hint: str) -> None:
        text = Text()
        if message:
            text.append(message, style="bold red")
        if hint:
            text.append(f"\n→ {hint}", style="yellow")
        self.query_one("#node-error", Static).update(sanitize_text(text))

    def _set_status(self, text: Text) -> None:
        self.query_one("#node-status", Static).update(sanitize_text(text))

    @property
    def error_text(self) -> str:
        return str(self.query_one("#node-error", Static).render())

    def action_copy_command(self) -> None:
        preview = self.query_one(KubectlPreview)
        if not preview.command:
            self.app.notify("Nothing to copy: the node debug pod cannot be planned yet", severity="warning")
            return
        if preview.copy_problem:
            self.app.notify(preview.copy_problem, severity="error")
            return
        local = copy_text(self.app, preview.clipboard_text)
        self.app.notify("kubectl command copied" + ("" if local else " (OSC 52: terminals that allow it)"))

    def action_cancel(self) -> None:
        if self.created_pod:
            namespace = self.plan.namespace if self.plan is not None else ""
            self.app.notify(f"Stopped waiting for {namespace}/{self.created_pod}: it stays (C lists it; a on it "
                            "attaches once it runs)", severity="warning")
        self.dismiss(None)


# ---------------------------------------------------------------------- the browser's side


def open_node_debug(browser: BrowserScreen, *, seed: int | None = None) -> NodeDebugModal | None:
    """`N`: the modal on the selected pod's node (none selected, or not scheduled: the first node)."""
    connection = browser.connection
    if connection is None:
        browser.notify("Not connected to a cluster", severity="warning")
        return None
    selected = browser.selected_pod()
    node = str((selected[1].get("spec") or {}).get("nodeName") or "") if selected else ""
    settings = getattr(browser.app, "settings", None)
    namespace = browser.shown_namespace or "default"
    modal = NodeDebugModal(
        connection=connection, node=node or None, namespace=namespace,
        default_image=getattr(settings, "default_image", None) or DEFAULT_IMAGE,
        default_profile=getattr(settings, "default_profile", None) or Profile.GENERAL,
        audit_log=getattr(browser.app, "audit_log", None), seed=seed)
    browser.app.push_screen(modal, lambda started: node_debug_started(browser, started))
    return modal


def node_debug_started(browser: BrowserScreen, started: DebugStarted | None) -> None:
    """The new node debug pod runs (the modal waited for it): select it and open its attach pane."""
    if started is None:
        return
    browser.select_pod((started.namespace, started.pod))
    browser.notify(f"Node debug pod {started.namespace}/{started.pod} is running; it stays after the session: "
                   f"C (cleanup) or `kubectl delete pod {started.pod} -n {started.namespace}` removes it", timeout=10)
    open_attach(browser, started.namespace, started.pod, started.container)
