"""Regenerate the README's screenshots: `python -m tui.screenshots [--out screenshots/] [NAME ...]`.

Starts an embedded demo cluster, drives the real app headless (`App.run_test`) with keys, as a
user would, and saves SVGs: the pod browser (80x24, 120x40, 200x50), the inspector with live
ephemeral statuses (Running, Waiting ImagePullBackOff, Terminated), the debug form with its
pre-flight (and a Pod Security refusal), the policy audit, attach panes running `ps` in each of
the three modes (plain: only its own processes; targeted: the target's; copy-and-share: `/pause`
and every container), the audit log view, the help, the logs view (the crash-looping pod's
previous run), the inspector's live events (a debugger's pull failing) and the pod YAML view. Ephemera's own files (settings, audit
log) go to a temporary directory: the user's are never read or written.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import RadioSet

from tui.app import EphemeraApp
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.requests import send
from tui.paths import write_private_file
from tui.screens.audit_log_screen import AuditLogScreen
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_followup import open_debug_form
from tui.screens.node_debug_modal import open_node_debug
from tui.screens.policy_audit_screen import PolicyAuditScreen
from widgets.kubectl_preview import KubectlPreview

SLIM = ("default", "slim-79487d6484-h4rss")
SHARED = ("default", "shared-pid-demo")
VAULT = ("secure", "vault-agent-0")
CRASHLOOP = ("default", "payments-api-7c9d8f6b5-x2kqp")
FORM_SEED = 7
TIMEOUT = 20.0

Shot = Callable[[Pilot, Path], Awaitable[list[Path]]]


# ---------------------------------------------------------------------------------------- driving
async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def _app(pilot: Pilot) -> Any:
    return pilot.app


async def settle_browser(pilot: Pilot, key: tuple[str, str] = SLIM) -> None:
    """Connected, live, `key` listed and selected, the inspector showing it."""
    browser = _app(pilot).browser
    await wait_for(pilot, lambda: browser.header.state == "live", "the watch to be live")
    if browser.shown_namespace not in (None, key[0]):
        browser.switch_namespace(key[0])
        await wait_for(pilot, lambda: browser.header.state == "live", "the watch of the namespace")
    await wait_for(pilot, lambda: key in browser.table.pods, f"{key[1]} listed")
    await wait_for(pilot, lambda: browser.inspector.namespaces, "namespaces for the inspector")
    browser.table.select_key(key, center=True)
    await wait_for(pilot, lambda: browser.table.selected_key == key and key[1] in browser.inspector.text,
                   "the inspector")
    await pilot.pause(0.2)


def save(pilot: Pilot, out: Path, name: str) -> Path:
    app = _app(pilot)
    app.clear_notifications()
    path = write_private_file(out / f"{name}.svg", app.export_screenshot())  # 0600, as the app's
    print(f"saved {path}")
    return path


async def type_line(pilot: Pilot, line: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in line], "enter")


async def open_form(pilot: Pilot, key: tuple[str, str] = SLIM) -> Any:

    await settle_browser(pilot, key)
    form = open_debug_form(_app(pilot).browser, seed=FORM_SEED)
    assert form is not None
    await wait_for(pilot, lambda: form.is_attached and form.preflight_done == form.preflight_generation > 0,
                   "the pre-flight")
    return form


async def choose_mode(pilot: Pilot, form: Any, index: int, *, settle: bool = True) -> None:
    """Keyboard only: focus the mode list, ↓ until the `index`-th mode is chosen (0 plain, 1 target,
    2 copy), Enter (on to the next field); with `settle`, wait for the pre-flight of the new mode
    (tests use it too)."""

    radio = form.query_one(RadioSet)
    already = radio.pressed_index == index
    # before Enter: on a loaded machine the debounced pre-flight may start before press() returns
    generation = form.preflight_generation
    radio.focus()
    for _ in range(3):
        if radio._selected == index:
            break
        await pilot.press("down")
    await pilot.press("enter")
    if not settle or already:
        return
    await wait_for(pilot, lambda: form.preflight_generation > generation, "the pre-flight to restart")
    await wait_for(pilot, lambda: form.preflight_done == form.preflight_generation, "the pre-flight result")


def pane_text(pane: Any) -> str:
    return "\n".join(pane.terminal.engine.screen_text())


async def create_and_ps(pilot: Pilot, mode: int, expect: str, absent: str | None = None) -> Any:
    """The debug form on slim in `mode` (always chosen: a running pod's form opens in targeted
    mode), Ctrl+S, the pane the follow-up opens, `ps` in it, showing `expect` and not `absent`."""
    app = _app(pilot)
    form = await open_form(pilot)
    await choose_mode(pilot, form, mode)
    if mode == 0:

        command = form.query_one(KubectlPreview).command
        if "--target=" in command or "--copy-to=" in command:
            raise TimeoutError(f"the plain mode was not chosen: {command}")
    await pilot.press("ctrl+s")
    sessions = app.browser.sessions
    await wait_for(pilot, lambda: sessions.panes and sessions.panes[-1].badge.state == "live", "the attach pane")
    pane = sessions.panes[-1]
    await wait_for(pilot, lambda: app.focused is pane.terminal, "the pane focused")
    await wait_for(pilot, lambda: "#" in pane_text(pane), "the shell prompt")
    await type_line(pilot, "ps")
    await wait_for(pilot, lambda: expect in pane_text(pane) and "/ #" in pane_text(pane).split(expect, 1)[-1],
                   f"{expect!r} in ps, then the prompt")
    await pilot.pause(0.3)
    pane.terminal.flush_pending()
    if absent is not None and absent in pane_text(pane):
        raise TimeoutError(f"{absent!r} should not be in this mode's ps:\n{pane_text(pane)}")
    return pane


# ---------------------------------------------------------------------------------------- shots
async def shot_browser(pilot: Pilot, out: Path) -> list[Path]:
    await settle_browser(pilot)
    size = _app(pilot).size
    name = {80: "browser-80x24", 200: "browser-wide-200x50"}.get(size.width, "browser-120x40")
    return [save(pilot, out, name)]


def api_request(conn: Any, method: str, path: str, body: Any = None,
                content_type: str = "application/json") -> tuple[int, Any]:
    """One API request through the connection's client: (status, decoded JSON). Tests use it too."""

    answer = send(conn, method, path, body=body, content_type=content_type if body is not None else None, timeout=10)
    return answer.status, answer.body


def add_three_debuggers(conn: Any) -> None:
    """On shared-pid-demo: a running debugger, one whose image does not exist, one that exited 3."""
    namespace, pod = SHARED
    for container in (
        {"name": "debugger-r7k2p", "image": "busybox:1.36", "stdin": True, "tty": True, "targetContainerName": "web"},
        {"name": "debugger-x4m9q", "image": "registry.doesnotexist.example/debug-tools:1.0", "stdin": True, "tty": True},
        {"name": "debugger-t2w8z", "image": "busybox:1.36", "command": ["sh", "-c", "exit 3"]},
    ):
        api_request(conn, "PATCH", f"/api/v1/namespaces/{namespace}/pods/{pod}/ephemeralcontainers",
                 {"spec": {"ephemeralContainers": [{**container, "terminationMessagePolicy": "File"}]}},
                 content_type="application/strategic-merge-patch+json")


async def shot_inspector(pilot: Pilot, out: Path) -> list[Path]:
    app = _app(pilot)
    browser = app.browser
    await settle_browser(pilot, SHARED)
    await asyncio.to_thread(add_three_debuggers, browser.connection)

    def ready() -> bool:
        text = browser.inspector.text
        return "ImagePullBackOff" in text and "Terminated" in text and "Running" in text.split("debugger-r7k2p", 1)[-1]

    await wait_for(pilot, ready, "Running, ImagePullBackOff and Terminated in the inspector")
    browser.action_focus_inspector()
    await pilot.pause(0.3)
    return [save(pilot, out, "inspector-120x40")]


async def shot_debug_form(pilot: Pilot, out: Path) -> list[Path]:
    form = await open_form(pilot)
    await choose_mode(pilot, form, 1)
    form.query_one("#mode").focus()  # as the form opens: the focus on the chosen mode
    await pilot.pause(0.2)
    first = save(pilot, out, "debug-form-120x40")
    await pilot.press("escape")
    await wait_for(pilot, lambda: _app(pilot).screen is _app(pilot).browser, "the form closed")
    await open_form(pilot, VAULT)
    await pilot.pause(0.2)
    return [first, save(pilot, out, "debug-form-psa-refused-120x40")]


async def shot_policy_audit(pilot: Pilot, out: Path) -> list[Path]:

    app = _app(pilot)
    await settle_browser(pilot, VAULT)
    await pilot.press("P")
    await wait_for(pilot, lambda: isinstance(app.screen, PolicyAuditScreen) and app.screen.rows
                   and not app.screen.running, "the policy audit")
    await pilot.pause(0.2)
    return [save(pilot, out, "policy-audit-120x40")]


async def shot_attach_plain(pilot: Pilot, out: Path) -> list[Path]:
    await create_and_ps(pilot, 0, "PID", absent="http.server")  # only the debugger's own processes
    return [save(pilot, out, "attach-plain-ps")]


async def shot_attach_targeted(pilot: Pilot, out: Path) -> list[Path]:
    await create_and_ps(pilot, 1, "http.server", absent="/pause")
    return [save(pilot, out, "attach-targeted-ps")]


async def shot_attach_copy(pilot: Pilot, out: Path) -> list[Path]:
    app = _app(pilot)
    await create_and_ps(pilot, 2, "/pause")
    first = save(pilot, out, "attach-copy-ps")
    await pilot.press("ctrl+right_square_bracket", "z")
    await wait_for(pilot, lambda: app.browser.has_class("-sessions-full"), "full-screen panes")
    await pilot.pause(0.3)
    return [first, save(pilot, out, "session-tabs-full-screen")]


async def shot_audit_log(pilot: Pilot, out: Path) -> list[Path]:

    app = _app(pilot)
    await settle_browser(pilot)
    await pilot.press("L")
    await wait_for(pilot, lambda: isinstance(app.screen, AuditLogScreen) and app.screen.loaded, "the audit log")
    await pilot.pause(0.2)
    return [save(pilot, out, "audit-log-120x40")]


async def shot_help(pilot: Pilot, out: Path) -> list[Path]:
    await settle_browser(pilot)
    await pilot.press("question_mark")
    await pilot.pause(0.2)
    return [save(pilot, out, "help-120x40")]


async def shot_logs(pilot: Pilot, out: Path) -> list[Path]:
    """`p` on the CrashLoopBackOff pod: its previous run's output, timestamps on, a search."""
    app = _app(pilot)
    await settle_browser(pilot, CRASHLOOP)
    await pilot.press("p")
    await wait_for(pilot, lambda: getattr(app.screen, "HELP_TITLE", "") == "logs", "the logs view")
    await wait_for(pilot, lambda: app.screen.state == "shown", "the previous run's log")
    await pilot.press("t", "slash", *"connect", "enter")
    await wait_for(pilot, lambda: app.screen.view.search_term == "connect", "the search")
    await pilot.pause(0.2)
    return [save(pilot, out, "logs-previous-120x40")]


async def shot_events(pilot: Pilot, out: Path) -> list[Path]:
    """The inspector's end: a debugger whose image does not exist, its pull failing live in EVENTS."""
    app = _app(pilot)
    browser = app.browser
    await settle_browser(pilot, SHARED)
    namespace, pod = SHARED
    container = {"name": "debugger-p5x2v", "image": "registry.doesnotexist.example/debug-tools:1.0", "stdin": True,
                 "tty": True, "targetContainerName": "web", "terminationMessagePolicy": "File"}
    await asyncio.to_thread(api_request, browser.connection, "PATCH",
                            f"/api/v1/namespaces/{namespace}/pods/{pod}/ephemeralcontainers",
                            {"spec": {"ephemeralContainers": [container]}},
                            "application/strategic-merge-patch+json")

    def failed() -> bool:
        text = browser.inspector.text
        events = text.split("EVENTS (newest first", 1)[-1]
        return "[debugger-p5x2v]" in events and "BackOff" in events and "ImagePullBackOff" in events

    await wait_for(pilot, failed, "the debugger's failed pull in the inspector's events")
    browser.action_focus_inspector()
    await pilot.press("G")
    await pilot.pause(0.3)
    return [save(pilot, out, "inspector-events-120x40")]


async def shot_yaml(pilot: Pilot, out: Path) -> list[Path]:
    """`v` on the slim pod with a debugger: its YAML, the ephemeral container's lines marked, a search."""
    app = _app(pilot)
    browser = app.browser
    await settle_browser(pilot, SLIM)
    namespace, pod = SLIM
    container = {"name": "debugger-y7q4k", "image": "busybox:1.36", "stdin": True, "tty": True,
                 "targetContainerName": "app", "terminationMessagePolicy": "File"}
    await asyncio.to_thread(api_request, browser.connection, "PATCH",
                            f"/api/v1/namespaces/{namespace}/pods/{pod}/ephemeralcontainers",
                            {"spec": {"ephemeralContainers": [container]}},
                            "application/strategic-merge-patch+json")
    await wait_for(pilot, lambda: "debugger-y7q4k" in browser.inspector.text, "the debugger in the inspector")
    await pilot.press("v")
    await wait_for(pilot, lambda: getattr(app.screen, "HELP_TITLE", "") == "pod YAML", "the YAML view")
    await wait_for(pilot, lambda: app.screen.state == "shown" and "debugger-y7q4k" in app.screen.text, "the YAML")
    await pilot.press("slash", *"ephemeralContainers", "enter")
    await wait_for(pilot, lambda: app.screen.search_term == "ephemeralContainers", "the search")
    await pilot.pause(0.3)
    return [save(pilot, out, "yaml-120x40")]


async def shot_node(pilot: Pilot, out: Path) -> list[Path]:
    """`N` on the slim pod: the node debug modal (its node, pre-flight, kubectl preview), then Ctrl+S,
    y, and the pane on the node debug pod: `ps` shows the node's processes, `ls /host` its files."""
    app = _app(pilot)
    await settle_browser(pilot, SLIM)
    modal = open_node_debug(app.browser, seed=FORM_SEED)  # N, with a fixed name for the picture
    if modal is None:
        raise TimeoutError("no node debug modal")
    await wait_for(pilot, lambda: app.screen is modal, "the node debug modal")
    await wait_for(pilot, lambda: modal.nodes and modal.preflight_current, "the node pre-flight")
    await pilot.pause(0.3)
    first = save(pilot, out, "node-debug-120x40")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
    await pilot.press("y")
    sessions = app.browser.sessions
    await wait_for(pilot, lambda: sessions.panes and sessions.panes[-1].badge.state == "live", "the attach pane")
    pane = sessions.panes[-1]
    await wait_for(pilot, lambda: app.focused is pane.terminal, "the pane focused")
    await wait_for(pilot, lambda: "#" in pane_text(pane), "the shell prompt")
    await type_line(pilot, "ps | head -n 12")  # the node's first processes: init, containerd, the kubelet
    await wait_for(pilot, lambda: "/usr/bin/kubelet" in pane_text(pane), "the node's kubelet in ps")
    await type_line(pilot, "ls /host")
    await wait_for(pilot, lambda: "/ #" in pane_text(pane).rsplit("ls /host", 1)[-1], "ls /host, then the prompt")
    await pilot.pause(0.3)
    pane.terminal.flush_pending()
    return [first, save(pilot, out, "node-debug-pane-ps")]


# name -> (terminal size, shot); run in this order (the audit log shows what the others created)
SHOTS: dict[str, tuple[tuple[int, int], Shot]] = {
    "browser-120x40": ((120, 40), shot_browser),
    "browser-80x24": ((80, 24), shot_browser),
    "browser-wide-200x50": ((200, 50), shot_browser),
    "inspector": ((120, 40), shot_inspector),
    "debug-form": ((120, 40), shot_debug_form),
    "policy-audit": ((120, 40), shot_policy_audit),
    "attach-plain": ((120, 40), shot_attach_plain),
    "attach-targeted": ((120, 40), shot_attach_targeted),
    "attach-copy": ((120, 40), shot_attach_copy),
    "audit-log": ((120, 40), shot_audit_log),
    "help": ((120, 40), shot_help),
    "logs": ((120, 40), shot_logs),
    "node": ((120, 40), shot_node),
    "events": ((120, 40), shot_events),
    "yaml": ((120, 40), shot_yaml),
}


async def run_shots(kubeconfig: Path, out: Path, names: list[str]) -> list[Path]:

    saved: list[Path] = []
    for name in names:
        size, shot = SHOTS[name]
        kc = KubeConfig.load(kubeconfig=str(kubeconfig))
        kc.interactive = False
        app = EphemeraApp(kc, demo=True)
        async with app.run_test(size=size) as pilot:
            saved += await shot(pilot, out)
        kc.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="directory of the SVGs (%(default)s)")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"only these ({', '.join(SHOTS)})")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in SHOTS]
    if unknown:
        parser.error(f"unknown screenshot {', '.join(unknown)} (known: {', '.join(SHOTS)})")
    names = args.names or list(SHOTS)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)


    with tempfile.TemporaryDirectory(prefix="ephemera-screenshots-") as tmp:
        # never the user's settings or audit log: the pictures show the defaults
        # (a home of its own: the audit log view shows ~/.local/state/ephemera/audit-demo.jsonl)
        os.environ["HOME"] = tmp
        os.environ["EPHEMERA_CONFIG"] = str(Path(tmp) / ".config" / "ephemera" / "config.toml")
        os.environ["XDG_STATE_HOME"] = str(Path(tmp) / ".local" / "state")
        with DemoCluster(kubelet_delay=0.3) as cluster:
            kubeconfig = cluster.write_kubeconfig(Path(tmp) / "kubeconfig")
            try:
                asyncio.run(run_shots(kubeconfig, out, names))
            except TimeoutError as exc:
                print(f"screenshots: {exc}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
