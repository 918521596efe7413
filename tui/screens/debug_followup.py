"""After the debug form: open it from the browser, then follow the new debug container.

`open_debug_form(browser)` opens the form on the selected pod with the settings' defaults;
when it dismisses with a `DebugStarted`, the pod holding the debugger (the copy in copy mode) is
selected, so the inspector shows the container's live state from the watch (Waiting with reason
and message, e.g. `ImagePullBackOff: ...`), and a thread worker waits for the container
(`tui.kube.debug_runner.wait_for_container`): once it runs (or ran) the image is remembered for
the form's suggestions (one that cannot be pulled is not); Running opens the attach pane through
`app.open_session` when the app has it (else a notice says how to attach); Terminated shows the
exit code and the logs in that pane (without panes: the exit code and how to read the logs); an
image that cannot be pulled is reported once (`describe_image_problem`: the kubelet's reason and
message, what to check, and that an ephemeral container stays but costs nothing); another stuck
container (config error...) with its message.

UI glue, so it stays with the screens: every function here takes the `BrowserScreen` and calls
its methods (notify, push_screen, run_worker, select_pod, the header's activity); the blocking
parts it drives live in `tui.kube.debug_runner` (the wait) and `tui.settings` (recent images).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui.kube.debug_runner import describe_image_problem, wait_for_container
from tui.kube.errors import ClusterError
from tui.left_running import container_args
from tui.screens.cleanup_screen import CleanupScreen
from tui.screens.debug_form_modal import DebugFormModal, DebugStarted
from tui.screens.policy_audit_screen import PolicyAuditScreen
from tui.screens.ui_thread import call_on_ui
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
    key = browser.table.selected_key
    pod = browser.table.pods.get(key) if key is not None else None
    if key is None or pod is None:
        browser.notify("Select a pod to debug first", severity="warning")
        return None
    if browser.connection is None:
        browser.notify("Not connected to a cluster", severity="warning")
        return None
    settings = _settings(browser.app)
    namespace = key[0]
    form = DebugFormModal(
        connection=browser.connection,
        pod=pod,
        default_image=settings.default_image,
        default_profile=settings.default_profile,
        default_mode=settings.debug.mode,
        default_pull_policy=settings.debug.pull_policy,
        recent_images=settings.recent_images,
        existing_pod_names=[name for ns, name in browser.table.pods if ns == namespace],
        audit_log=getattr(browser.app, "audit_log", None),
        seed=seed,
    )
    browser.app.push_screen(form, lambda started: debug_started(browser, started))
    return form


def attach_notice(namespace: str, pod: str, container: str, flags: Sequence[str] = ()) -> str:
    """How to attach (`flags`: `KubeConfig.cli_flags`, so the kubectl command reaches this cluster)."""
    return (f"container {container} is running: attach with `a` in the inspector or "
            f"`kubectl attach -it {container_args(namespace, pod, container, flags)}`")


def open_attach(browser: BrowserScreen, namespace: str, pod: str, container: str) -> None:
    """The attach pane when the app has one (issue 5), else how to attach."""
    open_session = getattr(browser.app, "open_session", None)
    if callable(open_session):
        open_session(namespace, pod, container, kind="attach")
    else:
        flags = browser.kubeconfig.cli_flags(browser.context_name or None)
        browser.notify(attach_notice(namespace, pod, container, flags), timeout=15)


def debug_started(browser: BrowserScreen, started: DebugStarted | None) -> None:
    if started is None:
        return
    select = getattr(browser, "select_pod", None)
    if callable(select):
        select((started.namespace, started.pod))
    if started.reused:
        open_attach(browser, started.namespace, started.pod, started.container)
        return
    where = f"{started.namespace}/{started.pod}"
    what = f"copy {where} with {started.container}" if started.mode == "copy" else f"{started.container} in {where}"
    browser.notify(f"Created {what}; waiting for it to start…")
    connection = browser.connection
    browser.run_worker(lambda: _follow(browser, connection, started), thread=True, group="debug-follow",
                       name=f"follow {where}/{started.container}", exit_on_error=False)


def _follow(browser: BrowserScreen, connection: Any, started: DebugStarted) -> None:
    namespace, pod, container = started.namespace, started.pod, started.container
    header = browser.header
    activity = f"waiting for {container} to start"
    call_on_ui(browser.app, header.start_activity, activity)

    def waiting(reason: str, message: str) -> None:  # the live reason, with the elapsed time (header)
        call_on_ui(browser.app, header.start_activity, f"{activity}: {reason}")

    try:
        outcome = wait_for_container(connection, namespace, pod, container, timeout=WAIT_SECONDS,
                                     on_waiting=waiting)
    except ClusterError as exc:
        call_on_ui(browser.app, browser.notify, f"Stopped following {container}: {exc}.{leftover_note(started)}",
                   severity="error", timeout=20)
        return
    finally:
        call_on_ui(browser.app, header.end_activity, activity)
    if outcome.state in ("running", "terminated"):
        _remember_image(browser, started.image)
    if outcome.state == "running":
        call_on_ui(browser.app, open_attach, browser, namespace, pod, container)
    elif outcome.state == "terminated":
        if callable(getattr(browser.app, "open_session", None)):
            call_on_ui(browser.app, open_attach, browser, namespace, pod, container)  # the pane shows logs
        else:
            reason = f" ({outcome.reason})" if outcome.reason else ""
            call_on_ui(browser.app, browser.notify, f"{container} terminated with exit code {outcome.exit_code}"
                       f"{reason}: kubectl logs {pod} -c {container} -n {namespace}", severity="warning")
    elif outcome.image_problem:
        text = describe_image_problem(outcome, namespace, pod, container, copy=started.mode == "copy")
        call_on_ui(browser.app, browser.notify, text, title="Image pull failed", severity="error", timeout=30)
    elif outcome.state == "stuck":
        call_on_ui(browser.app, browser.notify, f"{container} cannot start: {outcome.reason}: {outcome.message}."
                   f"{leftover_note(started)}", severity="error", timeout=20)
    elif outcome.state == "timeout":
        reason = f" ({outcome.reason}: {outcome.message})" if outcome.reason else ""
        call_on_ui(browser.app, browser.notify, f"{container} is not running after {WAIT_SECONDS:.0f}s{reason}."
                   f"{leftover_note(started)}", severity="warning", timeout=20)
    else:
        note = leftover_note(started) if outcome.state != "gone" else ""
        call_on_ui(browser.app, browser.notify, f"{container}: {outcome.message or outcome.state}.{note}",
                   severity="error")


def _remember_image(browser: BrowserScreen, image: str) -> None:
    """An image that ran goes first in the form's suggestions (one that cannot be pulled never does)."""
    if not image:
        return
    try:
        settings = remember_image(image)
    except SettingsError as exc:
        call_on_ui(browser.app, browser.notify, f"recent images not saved: {exc}", severity="warning")
        return
    app_settings = getattr(browser.app, "settings", None)
    if app_settings is not None:
        call_on_ui(browser.app, setattr, app_settings, "recent_images", settings.recent_images)


def leftover_note(started: DebugStarted) -> str:
    """What stays after a debug container that does not run: a copy to delete, or the container."""
    where = f"{started.namespace}/{started.pod}"
    if started.mode == "copy":
        return f" The copy {where} stays: delete it with C (cleanup) or `ephemera cleanup -n {started.namespace}`."
    return f" Ephemeral containers cannot be removed: {started.container} stays in {where}."


def open_policy_audit(browser: BrowserScreen) -> None:
    """`P`: the policy audit of the selected pod."""
    key = browser.table.selected_key
    pod = browser.table.pods.get(key) if key is not None else None
    if pod is None or browser.connection is None:
        browser.notify("Select a pod first" if pod is None else "Not connected to a cluster", severity="warning")
        return
    browser.app.push_screen(PolicyAuditScreen(connection=browser.connection, pod=pod,
                                              image=_settings(browser.app).default_image))


def open_cleanup(browser: BrowserScreen) -> None:
    """`C`: Ephemera's copies in the namespace shown (all namespaces when all are shown)."""
    if browser.connection is None:
        browser.notify("Not connected to a cluster", severity="warning")
        return
    namespace = None if browser.all_namespaces else browser.namespace
    browser.app.push_screen(CleanupScreen(connection=browser.connection, namespace=namespace,
                                          audit_log=getattr(browser.app, "audit_log", None), clock=browser.clock))
