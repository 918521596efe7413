"""After the debug form: open it from the browser, then follow the new debug container.

`open_debug_form(browser)` opens the form on the selected pod with the settings' defaults;
when it dismisses with a `DebugStarted`, the pod holding the debugger (the copy in copy mode) is
selected, so the inspector shows the container's live state from the watch (Waiting with reason
and message, e.g. `ImagePullBackOff: ...`), and a thread worker waits for the container
(`tui.kube.debug_runner.wait_for_container`): once it runs (or ran) the image is remembered for
the form's suggestions (one that cannot be pulled is not); Running opens the attach pane through
`app.open_session` when the app has it (else a notice says how to attach); Terminated shows the
exit code and the logs in that pane (without panes: the exit code and how to read the logs); a durable debugger (`tui.debug.durable`) gets an exec pane
of its shell instead of the attach pane (also when reused); an
image that cannot be pulled is reported once (`describe_image_problem`: the kubelet's reason and
message, what to check, and that an ephemeral container stays but costs nothing); another stuck
container (config error...) with its message.

UI glue, so it stays with the screens: every function here takes the `BrowserScreen` and uses its
public surface (selected_pod, connection, select_pod, cli_flags, shown_namespace, the header's
activity, notify, post_message); the blocking
parts it drives live in `tui.kube.debug_runner` (the wait) and `tui.settings` (recent images).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tui.kube.debug_runner import ContainerOutcome, describe_image_problem, wait_for_container
from tui.kube.errors import ClusterError
from tui.left_running import container_args
from tui.screens.background import BackgroundResult, run_in_background
from tui.screens.cleanup_screen import CleanupScreen
from tui.screens.debug_form_modal import DebugFormModal, DebugStarted
from tui.screens.pod_target import selected_and_connected
from tui.screens.policy_audit_screen import PolicyAuditScreen
from tui.settings import SettingsError, load_settings, remember_image

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

WAIT_SECONDS = 180.0


def _settings(app: Any) -> Any:
    settings = getattr(app, "settings", None)
    if settings is not None:
        return settings
    settings, _problems = load_settings()  # the problems are the app's to show at startup
    return settings


def open_debug_form(browser: BrowserScreen, *, seed: int | None = None) -> DebugFormModal | None:
    """Open the debug form on the selected pod (None with a notice when there is none)."""
    selected = browser.selected_pod()
    if selected is None:
        browser.notify("Select a pod to debug first", severity="warning")
        return None
    (namespace, _name), pod = selected
    connection = browser.connection
    if connection is None:
        browser.notify("Not connected to a cluster", severity="warning")
        return None
    settings = _settings(browser.app)
    form = DebugFormModal(
        connection=connection,
        pod=pod,
        default_image=settings.default_image,
        default_profile=settings.default_profile,
        default_mode=settings.debug.mode,
        default_pull_policy=settings.debug.pull_policy,
        recent_images=settings.recent_images,
        existing_pod_names=browser.pod_names(namespace),
        audit_log=getattr(browser.app, "audit_log", None),
        seed=seed,
        rolled_pods=browser.inspector.rolled_pods(selected[0]),  # read with the inspector's workload
    )
    browser.app.push_screen(form, lambda started: debug_started(browser, started))
    return form


def attach_notice(namespace: str, pod: str, container: str, flags: Sequence[str] = ()) -> str:
    """How to attach (`flags`: `KubeConfig.cli_flags`, so the kubectl command reaches this cluster)."""
    return (f"container {container} is running: attach with `a` in the inspector or "
            f"`kubectl attach -it {container_args(namespace, pod, container, flags)}`")


def open_attach(browser: BrowserScreen, namespace: str, pod: str, container: str, *,
                durable: bool = False, shell: Sequence[str] = ()) -> None:
    """The attach pane when the app has one (issue 5), else how to attach; `durable`: an exec pane
    of `shell` (empty: bash, else sh), the keep-alive is not worth attaching to."""
    open_session = getattr(browser.app, "open_session", None)
    if callable(open_session) and durable:
        open_session(namespace, pod, container, kind="exec", command=list(shell) or None)
    elif callable(open_session):
        open_session(namespace, pod, container, kind="attach")
    else:
        browser.notify(attach_notice(namespace, pod, container, browser.cli_flags()), timeout=15)


def debug_started(browser: BrowserScreen, started: DebugStarted | None) -> None:
    if started is None:
        return
    browser.select_pod((started.namespace, started.pod))
    browser.inspector.follow_end_of(started.namespace, started.pod)  # the new debugger: the last section
    if started.reused:
        open_attach(browser, started.namespace, started.pod, started.container, durable=started.durable,
                    shell=started.shell)
        return
    where = f"{started.namespace}/{started.pod}"
    what = f"copy {where} with {started.container}" if started.mode == "copy" else f"{started.container} in {where}"
    connection = browser.connection
    if connection is None:  # cannot happen (the form covered the browser: no reconnect meanwhile); typed
        browser.notify("Not connected to a cluster", severity="warning")
        return
    browser.notify(f"Created {what}; waiting for it to start…")
    activity = f"waiting for {started.container} to start"
    browser.header.start_activity(activity)

    def waiting(reason: str, message: str) -> None:  # the live reason, with the elapsed time (header)
        browser.post_message(FollowProgress(activity, f"{activity}: {reason}"))

    def follow() -> ContainerFollowed:
        try:
            outcome = wait_for_container(connection, started.namespace, started.pod, started.container,
                                         timeout=WAIT_SECONDS, on_waiting=waiting)
        except ClusterError as exc:
            return ContainerFollowed(started, activity, None, exc)
        recent, note = None, ""
        if outcome.state in ("running", "terminated") and started.image:
            # an image that ran goes first in the form's suggestions (one that cannot be pulled never does)
            try:
                recent = remember_image(started.image).recent_images
            except SettingsError as exc:
                note = f"recent images not saved: {exc}"
        return ContainerFollowed(started, activity, outcome, None, recent, note)

    run_in_background(browser, follow, group=f"debug-follow {where}/{started.container}")


@dataclass
class FollowProgress(Message):
    """The debug container being followed still waits: `text` for the header's activity."""

    activity: str
    text: str


@dataclass
class ContainerFollowed(BackgroundResult):
    """Following a new debug container ended: its `outcome`, or the `error` that stopped the wait;
    the form's recent images after remembering the image (None: not remembered, `note` says why)."""

    started: DebugStarted
    activity: str
    outcome: ContainerOutcome | None
    error: ClusterError | None
    recent_images: list[str] | None = None
    note: str = ""


def follow_progress(browser: BrowserScreen, message: FollowProgress) -> None:
    header = browser.header
    if header.activity.startswith(message.activity):
        header.start_activity(message.text)


def container_followed(browser: BrowserScreen, message: ContainerFollowed) -> None:
    """What the user sees when the new debug container runs, ended, or cannot start."""
    started, outcome = message.started, message.outcome
    namespace, pod, container = started.namespace, started.pod, started.container
    browser.header.end_activity(message.activity)
    if message.note:
        browser.notify(message.note, severity="warning")
    app_settings = getattr(browser.app, "settings", None)
    if message.recent_images is not None and app_settings is not None:
        app_settings.recent_images = message.recent_images
    if outcome is None:
        browser.notify(f"Stopped following {container}: {message.error}.{leftover_note(started)}",
                       severity="error", timeout=20)
    elif outcome.state == "running":
        open_attach(browser, namespace, pod, container, durable=started.durable, shell=started.shell)
    elif outcome.state == "terminated":
        if callable(getattr(browser.app, "open_session", None)):
            open_attach(browser, namespace, pod, container)  # the pane shows the logs
        else:
            reason = f" ({outcome.reason})" if outcome.reason else ""
            browser.notify(f"{container} terminated with exit code {outcome.exit_code}{reason}: "
                           f"kubectl logs {pod} -c {container} -n {namespace}", severity="warning")
    elif outcome.image_problem:
        text = describe_image_problem(outcome, namespace, pod, container, copy=started.mode == "copy")
        browser.notify(text, title="Image pull failed", severity="error", timeout=30)
    elif outcome.state == "stuck":
        browser.notify(f"{container} cannot start: {outcome.reason}: {outcome.message}.{leftover_note(started)}",
                       severity="error", timeout=20)
    elif outcome.state == "timeout":
        reason = f" ({outcome.reason}: {outcome.message})" if outcome.reason else ""
        browser.notify(f"{container} is not running after {WAIT_SECONDS:.0f}s{reason}.{leftover_note(started)}",
                       severity="warning", timeout=20)
    else:
        note = leftover_note(started) if outcome.state != "gone" else ""
        browser.notify(f"{container}: {outcome.message or outcome.state}.{note}", severity="error")


def leftover_note(started: DebugStarted) -> str:
    """What stays after a debug container that does not run: a copy to delete, or the container."""
    where = f"{started.namespace}/{started.pod}"
    if started.mode == "copy":
        return f" The copy {where} stays: delete it with C (cleanup) or `ephemera cleanup -n {started.namespace}`."
    return f" Ephemeral containers cannot be removed: {started.container} stays in {where}."


def open_policy_audit(browser: BrowserScreen) -> None:
    """`P`: the policy audit of the selected pod."""
    target = selected_and_connected(browser)
    if target is None:
        return
    _key, pod, connection = target
    browser.app.push_screen(PolicyAuditScreen(connection=connection, pod=pod,
                                              image=_settings(browser.app).default_image))


def open_cleanup(browser: BrowserScreen) -> None:
    """`C`: Ephemera's copies in the namespace shown (all namespaces when all are shown)."""
    connection = browser.connection
    if connection is None:
        browser.notify("Not connected to a cluster", severity="warning")
        return
    browser.app.push_screen(CleanupScreen(connection=connection, namespace=browser.shown_namespace,
                                          audit_log=getattr(browser.app, "audit_log", None), clock=browser.clock))
