"""`d` on a pod: the debug form (modal, keyboard-only, scrolls at 80x24).

Fields: mode (with what each mode lets you see), target (only when the mode has one: targeted, or a
copy's target-filesystem helper; shared network has none), image (recent images suggested), image
pull policy (default from the settings' `debug.pull_policy`), profile, name, command, env, mounts of
the pod's volumes, a custom partial container spec (JSON/YAML, merged last like `--custom`),
security overrides, copy options, the target-filesystem helper and the session choice: attach to
the main process (kubectl's behaviour, the default) or durable (a keep-alive main process, shells
by exec: `tui.debug.durable`). Every change re-plans locally (no I/O) and updates the `kubectl debug`
preview, the plan's warnings and the reuse offer at once; the pre-flight (RBAC, Pod Security, the
server's dry run...) runs in a thread worker on open and 0.4 s after the last change.

Keys: the focus starts in the mode list, where ↑/↓ choose the mode itself (the row marked `(•)` is
the one created); Enter there or in a text field moves to the next field, never creates. Only
Ctrl+S creates, and the line at the top of the form says what it creates ("Ctrl+S creates:
Targeted PID namespace on app ...") and the pre-flight's verdict ("pre-flight: 1 failed: static
pod"), fixed above the scrolling fields so it shows at 80x24. Ctrl+S first waits for the
pre-flight of the values on screen; a failed check (a refused server dry run included), a
pre-flight that could not run, privileged or replace ask first (ConfirmModal, focus on Cancel,
listing why). The creation runs in a worker; a refusal (403/422/404) stays in the form with the
server's message and the fix. Success dismisses the form with a `DebugStarted`; so does Ctrl+R ("attach to the
running debugger-xyz instead"). Ctrl+Y copies the kubectl command.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Checkbox, Input, RadioSet, Select, Static

from tui.clipboard import copy_text
from tui.debug.errors import PlanError
from tui.debug.planner import DebugPlan, plan
from tui.debug.preflight import reusable_container, run_checks
from tui.debug.request import DEFAULT_IMAGE, PULL_POLICIES, DebugRequest, Mode, Profile
from tui.display_text import safe_text, sanitize_text, visible_line
from tui.keymap import key_label
from tui.kube.debug_creation import Creation, create_debug
from tui.kube.debug_runner import gather_facts
from tui.kube.errors import describe_exception
from tui.pods.facts import container_entries, share_pid_lesson, workload_of
from tui.screens.background import BackgroundFailed, BackgroundResult, forget, run_in_background
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_values import MODE_LESSONS, FormValues, request_from_values
from widgets.form_controls import BoxCheckbox, FieldLabel, ModeButton, ModeList, SafeInput
from widgets.kubectl_preview import KubectlPreview
from widgets.preflight_list import PreflightList, form_wording

PREFLIGHT_DEBOUNCE_SECONDS = 0.4
# The form's keys; the text naming them shows them as the footer does (`key_label`: "Ctrl+S").
CREATE_KEY, COPY_KEY, REUSE_KEY = "ctrl+s", "ctrl+y", "ctrl+r"
NARROW_WIDTH = 118
COMMON_IMAGES = ("busybox", "busybox:1.36", "alpine", "nicolaka/netshoot", "ubuntu", "debian")
MODE_IDS = {Mode.SHARED_NETWORK: "mode-shared-network", Mode.TARGET: "mode-target", Mode.COPY: "mode-copy"}
CHECKBOX_FIELDS = ("privileged", "run-as-non-root", "same-node", "keep-labels", "keep-annotations",
                   "keep-liveness", "keep-readiness", "keep-startup", "replace", "target-fs", "durable")
INPUT_FIELDS = ("image", "name", "command", "env", "mounts", "run-as-user", "run-as-group", "cap-add",
                "cap-drop", "copy-name", "set-image")


@dataclass(frozen=True)
class DebugStarted:
    """What the form did: a new debug container (or copy), or `reused` an existing one."""

    namespace: str
    pod: str  # the pod holding the debug container (the copy in copy mode)
    container: str
    mode: Mode
    reused: bool = False
    source_pod: str = ""
    image: str = ""  # remembered for the form's suggestions once the container runs
    durable: bool = False  # a durable debugger: shells by exec of `shell` (empty: bash, else sh)
    shell: tuple[str, ...] = ()


def target_choices(pod: dict[str, Any]) -> list[tuple[Text, str]]:
    """(label, name) of the regular and init containers, running ones first (kubectl's --target)."""
    entries = [e for e in container_entries(pod) if e.kind in ("container", "init")]
    ordered = sorted(entries, key=lambda e: (e.state != "Running", e.kind != "container"))
    return [(Text(visible_line(f"{e.name} ({e.kind if e.kind == 'init' else e.state.lower()})")), e.name)
            for e in ordered]


def suggested_mode(pod: dict[str, Any]) -> Mode:
    """The mode the form starts in when the settings name none.

    Targeted, when a regular container runs and the node can share PID namespaces (not Windows):
    the plain mode's `ps` shows only the debugger's own processes, the classic surprise of
    `kubectl debug` without `--target`. Otherwise shared network.
    """
    spec = pod.get("spec") or {}
    windows = (spec.get("nodeSelector") or {}).get("kubernetes.io/os") == "windows" or (
        (spec.get("os") or {}).get("name") == "windows"
    )
    running = any("running" in (s.get("state") or {}) for s in (pod.get("status") or {}).get("containerStatuses") or [])
    return Mode.TARGET if running and not windows else Mode.SHARED_NETWORK


def _show(widget: Static, text: Text) -> None:
    """Update a message line (cluster text in it made visible); an empty one takes no room."""
    widget.update(sanitize_text(text))
    widget.display = bool(text.plain)


def _field(label: str, widget: Any, hint: str = "", *, id: str | None = None) -> Horizontal:
    children: list[Any] = [FieldLabel(label), widget]
    if hint:
        children.append(Static(Text(hint, style="dim"), classes="field-hint"))
    return Horizontal(*children, classes="field", id=id)


def uses_target(mode: Mode, target_fs: bool) -> bool:
    """Whether the request has a target container: the targeted mode, or a copy whose target
    filesystem helper roots the shell in one. Shared network has none (no targetContainerName)."""
    return mode is Mode.TARGET or (mode is Mode.COPY and target_fs)


@dataclass
class PreflightDone(BackgroundResult):
    """The pre-flight of `generation` ran: its checks, and the pod as the API server has it now."""

    generation: int
    checks: list[Any]
    pod: dict[str, Any] | None


@dataclass
class DebugCreated(BackgroundResult):
    request: DebugRequest
    creation: Creation


class DebugFormModal(ModalScreen[DebugStarted | None]):
    """The debug form for one pod. `connection`: a ClusterConnection; `pod`: plain JSON."""

    DEFAULT_CSS = """
    DebugFormModal { align: center middle; }
    DebugFormModal #debug-form { width: 160; max-width: 100%; height: 100%; max-height: 100%;
        background: $panel; border: round $accent; border-title-style: bold; padding: 0 1;
        scrollbar-size-vertical: 1; }
    DebugFormModal #form-columns { height: auto; }
    DebugFormModal #fields { width: 2fr; height: auto; }
    DebugFormModal #results { width: 3fr; height: auto; margin-left: 1; }
    DebugFormModal.-narrow #form-columns { layout: vertical; }
    DebugFormModal.-narrow #fields { width: 100%; }
    DebugFormModal.-narrow #results { width: 100%; margin-left: 0; }
    DebugFormModal .field { height: auto; }
    DebugFormModal .field-label { width: 14; color: $text-accent; }
    DebugFormModal #form-top { dock: top; height: auto; }
    DebugFormModal #form-summary { height: auto; }
    DebugFormModal .field-hint { width: auto; max-width: 40; margin-left: 1; }
    DebugFormModal .section { color: $text-accent; text-style: bold; margin-top: 1; }
    DebugFormModal Input { width: 1fr; }
    DebugFormModal Select { width: 1fr; }
    DebugFormModal #mode { width: 1fr; margin-bottom: 1; }
    DebugFormModal #copy-options { height: auto; }
    DebugFormModal #copy-options.-hidden { display: none; }
    DebugFormModal #form-error { color: $text-error; height: auto; }
    DebugFormModal #form-status { height: auto; }
    DebugFormModal #reuse-offer { height: auto; color: $text-warning; }
    DebugFormModal #plan-warnings { height: auto; color: $text-warning; }
    """
    HELP_TITLE = "debug form"  # the help's title: "Keys: debug form"
    BINDINGS = [
        Binding(CREATE_KEY, "create", "Create", priority=True),
        Binding(COPY_KEY, "copy_command", "Copy kubectl command", priority=True),
        Binding(REUSE_KEY, "reuse", "Attach to the running debugger", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        *,
        connection: Any,
        pod: dict[str, Any],
        default_image: str = DEFAULT_IMAGE,
        default_profile: Profile = Profile.GENERAL,
        default_mode: Mode | None = None,
        default_pull_policy: str | None = None,
        recent_images: Collection[str] = (),
        existing_pod_names: Collection[str] = (),
        audit_log: Any = None,
        seed: int | None = None,
        run_preflight: bool = True,
        rolled_pods: int | None = None,
    ) -> None:
        super().__init__()
        self.connection = connection
        self.pod = pod
        self.rolled_pods = rolled_pods  # the pods a template change of its workload rolls, when read
        metadata = pod.get("metadata") or {}
        self.namespace = str(metadata.get("namespace") or "default")
        self.pod_name = str(metadata.get("name") or "")
        self.default_image = default_image or DEFAULT_IMAGE
        self.default_profile = Profile(default_profile)
        self.default_mode = Mode(default_mode) if default_mode is not None else suggested_mode(pod)
        self.default_pull_policy = default_pull_policy
        self.recent_images = list(recent_images)
        self.existing_pod_names = frozenset(existing_pod_names)
        self.audit_log = audit_log
        self.seed = seed if seed is not None else random.SystemRandom().getrandbits(32)
        self.run_preflight = run_preflight
        self.targets = target_choices(pod)
        self.request: DebugRequest | None = None
        self.plan: DebugPlan | None = None
        self.problem = ""  # why there is no plan
        self.reusable: str | None = None
        self.creating = False
        self.preflight_generation = 0
        self.preflight_done = 0  # generation of the results shown
        self._preflight_timer: Timer | None = None
        self._mounted = False
        self._planned_values: FormValues | None = None
        self._preflight_values: FormValues | None = None  # what the running pre-flight checks
        self.checked_values: FormValues | None = None  # what the pre-flight shown checked
        self.preflight_error = ""  # why the pre-flight shown could not run
        self.create_after_preflight = False  # ctrl+s waits for the pre-flight of the values on screen

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        suggestions = list(dict.fromkeys([*self.recent_images, self.default_image, *COMMON_IMAGES]))
        volumes = [v.get("name") for v in (self.pod.get("spec") or {}).get("volumes") or () if v.get("name")]
        target_value = self.targets[0][1] if self.targets else Select.NULL
        form = VerticalScroll(id="debug-form")
        form.border_title = Text(visible_line(f"Debug {self.namespace}/{self.pod_name}"))
        form.border_subtitle = Text(f"{key_label(CREATE_KEY)} create · ↑↓ mode · Tab/Enter next · "
                                    f"{key_label(COPY_KEY)} copy · {key_label(REUSE_KEY)} reuse · Esc cancel")
        with form:
            with Vertical(id="form-top"):  # above the scrolling fields: seen at 80x24 whatever the scroll
                yield Static("", id="form-summary")
                yield Static("", id="form-status")  # creating…, cancelled, checking before creating
            with ModeList(id="mode", compact=True):
                for mode, element_id in MODE_IDS.items():
                    title, lesson = MODE_LESSONS[mode]
                    label = Text.assemble((f"{title:<23}", "bold"), (lesson, "dim"))
                    yield ModeButton(label, id=element_id, value=mode is self.default_mode)
            with Horizontal(id="form-columns"):
                with Vertical(id="fields"):
                    yield _field("target", Select(self.targets, value=target_value, allow_blank=not self.targets,
                                                  id="target", compact=True, prompt="no container"),
                                 id="target-field")
                    yield _field("image", SafeInput(self.default_image, id="image", compact=True,
                                                suggester=SuggestFromList(suggestions, case_sensitive=False)))
                    if self.recent_images:
                        yield Static(safe_text("recent: " + ", ".join(self.recent_images[:5]), style="dim"),
                                     classes="field-hint", id="recent-images")
                    yield _field("pull", Select([(p, p) for p in PULL_POLICIES], id="pull-policy", compact=True,
                                                prompt="default (cluster's)", value=self.default_pull_policy
                                                if self.default_pull_policy in PULL_POLICIES else Select.NULL))
                    yield _field("profile", Select([(p.value, p) for p in Profile], value=self.default_profile,
                                                   allow_blank=False, id="profile", compact=True))
                    yield _field("name", SafeInput(placeholder="debugger-xxxxx", id="name", compact=True))
                    yield _field("command", SafeInput(placeholder="default: the image's shell", id="command",
                                                  compact=True))
                    yield _field("env", SafeInput(placeholder="KEY=VALUE ...", id="env", compact=True))
                    yield _field("mounts", SafeInput(placeholder="VOL:PATH[:ro] ... ("
                                                 + (visible_line(", ".join(volumes)) if volumes else "no volumes") + ")",
                                                 id="mounts", compact=True))
                    yield _field("custom", SafeInput(placeholder="JSON/YAML, merged last: {workingDir: /tmp}",
                                                 id="custom", compact=True))
                    yield Static("security overrides", classes="section")
                    yield BoxCheckbox("privileged (asks first)", id="privileged", compact=True)
                    yield _field("runAsUser", SafeInput(placeholder="uid", id="run-as-user", compact=True))
                    yield _field("runAsGroup", SafeInput(placeholder="gid", id="run-as-group", compact=True))
                    yield BoxCheckbox("runAsNonRoot", id="run-as-non-root", compact=True)
                    yield _field("caps add", SafeInput(placeholder="NET_ADMIN SYS_PTRACE", id="cap-add", compact=True))
                    yield _field("caps drop", SafeInput(placeholder="ALL", id="cap-drop", compact=True))
                    yield BoxCheckbox("target filesystem: shell in its root",
                                   id="target-fs", compact=True)
                    # short: it reads whole in the form's column at 80 and at 140 columns; the rest is its tooltip
                    durable = BoxCheckbox("durable: keep-alive + exec shells", id="durable", compact=True)
                    durable.tooltip = ("on: the debugger's main process only keeps it alive; every shell is an "
                                       "exec into it, several at once, and exit never ends the debugger. "
                                       "off: the shell attaches to the main process, kubectl's way")
                    yield durable
                    with Vertical(id="copy-options"):
                        yield Static("copy options", classes="section")
                        # short enough for the field at 120 columns; the default in full is its tooltip
                        copy_name = SafeInput(placeholder="(pod name)-debug-xxxxx", id="copy-name", compact=True)
                        copy_name.tooltip = Text(visible_line(f"empty: {self.pod_name}-debug-xxxxx"))
                        yield _field("copy name", copy_name)
                        yield _field("set image", SafeInput(placeholder="CONTAINER=IMAGE ...", id="set-image",
                                                        compact=True))
                        yield BoxCheckbox("same node", id="same-node", compact=True)
                        yield BoxCheckbox("keep labels", id="keep-labels", compact=True)
                        yield BoxCheckbox("keep annotations", id="keep-annotations", compact=True)
                        yield BoxCheckbox("keep liveness probes", id="keep-liveness", compact=True)
                        yield BoxCheckbox("keep readiness probes", id="keep-readiness", compact=True)
                        yield BoxCheckbox("keep startup probes", id="keep-startup", compact=True)
                        yield BoxCheckbox("replace: delete the original (asks)", id="replace",
                                       compact=True)
                with Vertical(id="results"):
                    yield KubectlPreview(id="kubectl-preview")
                    yield Static("", id="plan-warnings")
                    yield Static("", id="reuse-offer")
                    yield Static("", id="form-error")
                    yield PreflightList(id="preflight")

    def on_mount(self) -> None:
        self._mounted = True
        for element_id in ("#form-error", "#form-status"):
            self.query_one(element_id, Static).display = False
        self._update_copy_section()
        self.refresh_plan(schedule_preflight=False)
        self.query_one("#mode", ModeList).focus()  # ↑/↓ choose the mode: a keyboard user starts there
        if self.run_preflight:
            self.start_preflight()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # ------------------------------------------------------------------ reading the form
    @property
    def mode(self) -> Mode:
        pressed = self.query_one("#mode", RadioSet).pressed_button
        for mode, element_id in MODE_IDS.items():
            if pressed is not None and pressed.id == element_id:
                return mode
        return self.default_mode

    def values(self) -> FormValues:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        def checked(name: str) -> bool:
            return self.query_one(f"#{name}", Checkbox).value

        target = self.query_one("#target", Select).value
        profile = self.query_one("#profile", Select).value
        pull = self.query_one("#pull-policy", Select).value
        return FormValues(
            mode=self.mode,
            target=target if isinstance(target, str) else None,
            image=text("image"),
            profile=Profile(profile) if isinstance(profile, str) else self.default_profile,
            name=text("name"),
            command=text("command"),
            env=text("env"),
            mounts=text("mounts"),
            privileged=checked("privileged"),
            run_as_user=text("run-as-user"),
            run_as_group=text("run-as-group"),
            run_as_non_root=checked("run-as-non-root"),
            cap_add=text("cap-add"),
            cap_drop=text("cap-drop"),
            copy_name=text("copy-name"),
            same_node=checked("same-node"),
            set_image=text("set-image"),
            keep_labels=checked("keep-labels"),
            keep_annotations=checked("keep-annotations"),
            keep_liveness=checked("keep-liveness"),
            keep_readiness=checked("keep-readiness"),
            keep_startup=checked("keep-startup"),
            replace=checked("replace"),
            target_fs=checked("target-fs"),
            durable=checked("durable"),
            pull_policy=pull if isinstance(pull, str) else None,
            custom=text("custom"),
        )

    def _plan_now(self, request: DebugRequest) -> DebugPlan:
        return plan(request, self.pod, rng=random.Random(self.seed), existing_pod_names=self.existing_pod_names)

    # ------------------------------------------------------------------ reacting to changes
    @on(RadioSet.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(Input.Changed)
    def _changed(self) -> None:
        if not self._mounted or self.values() == self._planned_values:
            return  # e.g. the Changed events of widgets just mounted: nothing to re-plan
        if self.create_after_preflight:
            self.create_after_preflight = False
            self._set_status(Text(f"not created: the form changed while its pre-flight ran ({key_label(CREATE_KEY)} again)",
                                  style="yellow"))
        self._show_error("", "")  # a refusal was about other values: it must not stay on screen for these
        self._update_copy_section()
        self.refresh_plan()

    def _update_copy_section(self) -> None:
        mode = self.mode
        self.query_one("#copy-options").set_class(mode is not Mode.COPY, "-hidden")
        # a mode without a target container shows none (nor a disabled one that looks chosen)
        self.query_one("#target-field").display = uses_target(mode, self.query_one("#target-fs", Checkbox).value)
        # no target's filesystem to share in shared network mode: no box that looks like it would
        self.query_one("#target-fs", Checkbox).display = mode is not Mode.SHARED_NETWORK

    def refresh_plan(self, *, schedule_preflight: bool = True) -> None:
        """Re-plan from the form (no I/O): preview, warnings, reuse offer; then (debounced) pre-flight."""
        preview = self.query_one(KubectlPreview)
        self.plan = None
        self.request = None
        self._planned_values = values = self.values()
        try:
            self.request = request_from_values(self.namespace, self.pod_name, values)
            self.plan = self._plan_now(self.request)
            self.problem = ""
        except (ValueError, PlanError) as exc:
            self.problem = str(exc)
        if self.plan is not None:
            preview.show_command(self.plan.kubectl_command_text, custom_json=self.plan.kubectl_custom_json,
                                 notes=self.plan.kubectl_notes)
            warnings = Text("\n".join(f"⚠ {w}" for w in self.plan.warnings))
        else:
            preview.show_problem(self.problem)
            warnings = Text("")
        _show(self.query_one("#plan-warnings", Static), warnings)
        self._show_reuse(reusable_container(self.pod, self.request) if self.request else None)
        self._update_summary()
        if schedule_preflight and self.run_preflight:
            if self._preflight_timer is not None:
                self._preflight_timer.stop()
            self._preflight_timer = self.set_timer(PREFLIGHT_DEBOUNCE_SECONDS, self.start_preflight)

    def _update_summary(self) -> None:
        """The top line: what ctrl+s creates, in words, and the pre-flight's verdict."""
        text = Text()
        request, target = self.request, self.values().target
        if request is None:
            text.append(f"{key_label(CREATE_KEY)} cannot create yet: ", style="bold")
            text.append(self.problem, style="red")
        else:
            text.append(f"{key_label(CREATE_KEY)} creates: ", style="bold")
            title = MODE_LESSONS[request.mode][0]
            text.append(f"{title} on {target or '?'}" if request.mode is Mode.TARGET else title, style="bold")
            if request.mode is not Mode.COPY:
                text.append(" · can't be removed")
            elif share_pid_lesson(self.pod) and (workload := workload_of(self.pod)) is not None:
                # the walkthrough's lesson where the choice is made: why not shareProcessNamespace there
                count = self.rolled_pods
                rolled = "all its pods" if count is None else f"its {count} pod{'' if count == 1 else 's'}"
                text.append(f" · a new pod; {workload[0]} {workload[1]} is not rolled, as turning on "
                            f"shareProcessNamespace there would roll {rolled}")
            else:
                text.append(" · a new pod; the original untouched")
        text.append("\n")
        text.append_text(self.query_one(PreflightList).summary)
        self.query_one("#form-summary", Static).update(sanitize_text(text))

    def _show_reuse(self, container: str | None) -> None:
        self.reusable = container
        offer = Text()
        if container:
            offer.append(f"↺ {container} ({self.request.image if self.request else ''}, same mode) is already "
                         "running in this pod: ", style="")
            durable = self.request is not None and self.request.durable
            offer.append(f"{key_label(REUSE_KEY)} {'opens a shell in' if durable else 'attaches to'} {container} "
                         "instead", style="bold")
            offer.append(" (ephemeral containers can never be removed)", style="dim")
        _show(self.query_one("#reuse-offer", Static), offer)

    # ------------------------------------------------------------------ pre-flight
    def start_preflight(self) -> None:
        if self._preflight_timer is not None:
            self._preflight_timer.stop()
        self._preflight_timer = None
        request = self.request
        self.preflight_generation += 1
        self._preflight_values = self._planned_values
        if request is None or self.connection is None:
            forget(self, "debug-preflight")  # a check still running answers for other values
            self._preflight_failed(self.preflight_generation, self.problem or "not connected to a cluster")
            return
        self.query_one(PreflightList).running()
        self._update_summary()
        self._run_preflight(request, self.preflight_generation)

    @property
    def preflight_current(self) -> bool:
        """The pre-flight shown is that of the values on screen (none pending or running)."""
        return (self._preflight_timer is None and self.preflight_done == self.preflight_generation
                and self.checked_values is not None and self.checked_values == self.values())

    def _run_preflight(self, request: DebugRequest, generation: int) -> None:
        connection, seed, existing = self.connection, self.seed, self.existing_pod_names

        def check() -> PreflightDone:
            facts = gather_facts(connection, request, attach=True, rng=random.Random(seed),
                                 existing_pod_names=existing)
            return PreflightDone(generation, run_checks(facts), facts.pod)

        run_in_background(self, check, group="debug-preflight")

    @on(PreflightDone)
    def _preflight_finished(self, message: PreflightDone) -> None:
        pod = message.pod
        if pod is not None:
            self.pod = pod  # fresher than the watch's copy: the reuse offer follows it
            if self.request is not None:
                self._show_reuse(reusable_container(pod, self.request))
        self.query_one(PreflightList).show(message.checks)
        self.preflight_error = ""
        self._preflight_shown(message.generation)

    @on(BackgroundFailed)
    def _background_failed(self, message: BackgroundFailed) -> None:
        message.stop()
        if message.group == "debug-preflight":  # shown in place of the checks
            self._preflight_failed(self.preflight_generation, str(describe_exception(message.error)))
        else:  # the creation: the form must not stay "creating…"
            error = message.error
            self._created(None, Creation(None, plan_error=f"unexpected error: {type(error).__name__}: {error}"))

    def _preflight_shown(self, generation: int) -> None:
        self.preflight_done = generation
        self.checked_values = self._preflight_values
        self._update_summary()
        if self.create_after_preflight:
            self.create_after_preflight = False
            self._create_checked()

    def _preflight_failed(self, generation: int, message: str) -> None:
        self.query_one(PreflightList).error(message)
        self.preflight_error = message
        self._preflight_shown(generation)

    # ------------------------------------------------------------------ actions
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a text field moves on (as Tab does): only ctrl+s creates, with the mode stated
        at the top, so Enter never makes a debugger in a mode the user did not look at."""
        event.stop()
        self.focus_next()

    def action_create(self) -> None:
        if self.creating or self.create_after_preflight:
            return
        if self.values() != self._planned_values:
            self.refresh_plan()
        if self.plan is None or self.request is None:
            self._show_error(f"Cannot create: {self.problem}", "")
            return
        if self.run_preflight and self.connection is not None and not self.preflight_current:
            # the checks of what is on screen first: they decide whether to ask
            self.create_after_preflight = True
            self._set_status(Text("checking before creating (pre-flight)…", style="bold"))
            if self._preflight_timer is not None or self.preflight_done == self.preflight_generation:
                self.start_preflight()
            return
        self._create_checked()

    def failed_checks(self) -> list[str]:
        """Why the pre-flight shown says no, one line each (empty: nothing failed)."""
        if self.preflight_error:
            return [f"the pre-flight could not run: {self.preflight_error}"]
        return [f"pre-flight failed: {check.name}: {form_wording(check.found)}"
                for check in self.query_one(PreflightList).checks if check.verdict == "fail"]

    def _create_checked(self) -> None:
        """ctrl+s once the pre-flight of these values is shown: ask when it failed or the plan
        needs root on the node, else create."""
        self._set_status(Text(""))
        if self.plan is None or self.request is None:
            self._show_error(f"Cannot create: {self.problem}", "")
            return
        failed = self.failed_checks() if self.run_preflight and self.connection is not None else []
        reasons = failed + list(self.plan.confirmation_reasons)
        if reasons:
            what = "this copy" if self.request.mode is Mode.COPY else "this debug container"
            title = f"Create {what} in {self.namespace}/{self.pod_name}?"
            if failed:
                problems = "problem" if len(failed) == 1 else "problems"
                title = f"The pre-flight found {len(failed)} {problems}. Create {what} in " \
                        f"{self.namespace}/{self.pod_name} anyway?"
            self.app.push_screen(ConfirmModal(title, reasons), self._confirmed)
            return
        self._start_creation(self.request)

    def _confirmed(self, yes: bool | None) -> None:
        if yes and self.request is not None:
            self._start_creation(self.request)
        else:
            self._set_status(Text("not created (cancelled)", style="dim"))

    def _start_creation(self, request: DebugRequest) -> None:
        self.creating = True
        self._show_error("", "")
        what = "the copy" if request.mode is Mode.COPY else "the debug container"
        self._set_status(Text(f"creating {what}…", style="bold"))
        self._create(request)

    def _create(self, request: DebugRequest) -> None:
        connection, seed, existing, audit_log = self.connection, self.seed, self.existing_pod_names, self.audit_log
        # what was asked (or nothing): a pod recreated meanwhile whose plan needs more is not created
        confirmed = tuple(self.plan.confirmation_reasons) if self.plan is not None else ()
        # the follow-up remembers the image once it runs
        run_in_background(self, lambda: create_debug(connection, request, seed=seed, existing_pod_names=existing,
                                                     audit_log=audit_log, confirmed=confirmed),
                          lambda creation: DebugCreated(request, creation), group="debug-create")

    @on(DebugCreated)
    def _on_created(self, message: DebugCreated) -> None:
        self._created(message.request, message.creation)

    def _created(self, request: DebugRequest | None, creation: Creation) -> None:
        self.creating = False
        for notice in creation.notices:
            self.app.notify(notice, severity="warning")
        if creation.ok and request is not None:
            execution = creation.execution
            assert execution is not None
            planned = creation.plan
            self.dismiss(DebugStarted(execution.namespace, execution.pod_name, execution.container,
                                      request.mode, source_pod=self.pod_name, image=request.image or "",
                                      durable=request.durable,
                                      shell=tuple(planned.shell_command or ()) if planned is not None else ()))
            return
        self._set_status(Text(""))
        if creation.unconfirmed and creation.pod is not None:
            self.pod = creation.pod  # the pod as it is now: the next create asks for what it needs
            self.refresh_plan()
            self._show_error(f"Not created: {creation.plan_error}", "")
            return
        if creation.plan_error:
            self._show_error(f"Cannot create: {creation.plan_error}", "")
            return
        error = creation.error
        assert error is not None  # not ok, no plan error: the server's refusal
        status = f"{error.status} " if error.status else ""
        left = ""
        if creation.created_pods:
            left = (f"\nAlready created: {', '.join(creation.created_pods)}: it stays until you delete it "
                    "(C lists Ephemera's copies).")
        self._show_error(f"Refused: {status}{error.message}{left}", form_wording(error.hint))

    def _show_error(self, message: str, hint: str) -> None:
        text = Text()
        if message:
            text.append(message, style="bold red")
        if hint:
            text.append(f"\n→ {hint}", style="yellow")
        widget = self.query_one("#form-error", Static)
        _show(widget, text)
        if message:
            self.call_after_refresh(self.query_one("#debug-form", VerticalScroll).scroll_to_widget, widget)

    def _set_status(self, text: Text) -> None:
        _show(self.query_one("#form-status", Static), text)

    @property
    def error_text(self) -> str:
        return str(self.query_one("#form-error", Static).render())

    def action_copy_command(self) -> None:
        preview = self.query_one(KubectlPreview)
        if not preview.command:
            self.app.notify("Nothing to copy: the form cannot be planned yet", severity="warning")
            return
        if preview.copy_problem:
            self.app.notify(preview.copy_problem, severity="error")
            return
        local = copy_text(self.app, preview.clipboard_text)
        what = "kubectl command" + (" with its --custom file (a here-document)" if preview.custom_json else "")
        self.app.notify(f"{what} copied" + ("" if local else " (OSC 52: terminals that allow it)"))

    def action_reuse(self) -> None:
        if not self.reusable:
            self.app.notify("No running debugger of this image and mode to reuse", severity="warning")
            return
        durable = self.request is not None and self.request.durable
        self.dismiss(DebugStarted(self.namespace, self.pod_name, self.reusable, self.mode, reused=True,
                                  durable=durable, source_pod=self.pod_name))

    def action_cancel(self) -> None:
        self.dismiss(None)
