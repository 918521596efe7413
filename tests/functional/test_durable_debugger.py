"""Durable debuggers on the demo cluster (issue 13): a keep-alive main process, shells by exec.

The debugger is planned and created as the form and `ephemera debug --durable` do; in the app `a`
on it opens an exec pane (not an attach to the keep-alive), a second `a` opens a second shell in
the same debugger while the first is live: each sees the other's files in /tmp, `exit` in one ends
only that shell, and the debugger keeps running; the reuse offer finds it again.
"""

from __future__ import annotations

import json
from typing import Any

from helpers.browser import make_app, wait_for
from helpers.debug_ui import open_form, preview, settle_preflight
from helpers.session_panes import panes, run_line, select, text_of, type_line, wait_badge
from tui.cli import main
from tui.debug import DebugRequest, Mode
from tui.debug.durable import KEEPALIVE_COMMAND, is_durable
from tui.debug.preflight import reusable_container
from tui.demo.cluster import DemoCluster
from tui.kube import debug_runner
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.screens.debug_form_modal import DebugFormModal
from tui.screens.session_panes import attach_selected
from widgets.terminal.terminal_view import TerminalView

SLIM = ("default", "slim-79487d6484-h4rss")


def _durable_request(name: str = "keeper") -> DebugRequest:
    return DebugRequest(namespace=SLIM[0], pod=SLIM[1], mode=Mode.TARGET, target="app", container_name=name,
                        durable=True)


def _create(conn: ClusterConnection, request: DebugRequest) -> str:
    facts = debug_runner.gather_facts(conn, request, with_dry_run=False)
    assert facts.plan is not None, facts.plan_error
    assert facts.plan.durable and facts.plan.container is not None
    assert facts.plan.container["command"] == list(KEEPALIVE_COMMAND)
    execution = debug_runner.execute(conn, facts.plan)
    outcome = debug_runner.wait_for_container(conn, execution.namespace, execution.pod_name, execution.container,
                                              timeout=30)
    assert outcome.running, outcome
    return execution.container


def _running(conn: ClusterConnection, container: str) -> bool:
    pod = debug_runner.fetch_pod(conn, *SLIM)
    return (debug_runner.container_status(pod, container) or {}).get("state", {}).get("running") is not None


async def test_durable_debugger_serves_two_shells_and_survives_exit(demo_cluster: DemoCluster) -> None:
    conn = KubeConfig.load(demo_cluster.kubeconfig_path).connect()
    container = _create(conn, _durable_request())
    pod = debug_runner.fetch_pod(conn, *SLIM)
    spec = next(c for c in pod["spec"]["ephemeralContainers"] if c["name"] == container)
    assert is_durable(spec) and not spec.get("stdin") and not spec.get("tty")

    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, SLIM)
        inspector = app.browser.inspector
        await wait_for(pilot, lambda: inspector.pod is not None and inspector.pod["metadata"]["name"] == SLIM[1]
                       and f"{container}  busybox" in inspector.text, what="the debugger in the inspector")
        entry = next(line for line in inspector.text.splitlines() if f"{container}  busybox" in line)
        assert "durable debugger" in entry, entry  # its entry says what it is
        assert "durable" not in next(line for line in inspector.text.splitlines() if "● app " in line)
        await pilot.press("a")  # on a durable debugger: a shell by exec, not an attach to the keep-alive
        await wait_for(pilot, lambda: panes(pilot), what="a pane")
        first = panes(pilot)[0]
        await wait_badge(pilot, first, "live")
        assert first.kind == "exec" and first.target.container == container
        await wait_for(pilot, lambda: isinstance(app.focused, TerminalView), what="the terminal focused")
        await run_line(pilot, first, "echo from-shell-one > /tmp/one; echo W\"\"1", "W1")

        attach_selected(app.browser)  # `a` again while the first shell is live: a second shell
        await wait_for(pilot, lambda: len(panes(pilot)) == 2, what="a second pane")
        second = panes(pilot)[1]
        await wait_badge(pilot, second, "live")
        assert second.kind == "exec" and second.target == first.target
        await wait_for(pilot, lambda: app.focused is second.terminal, what="the second terminal focused")
        await run_line(pilot, second, "cat /tmp/one", "from-shell-one")
        await run_line(pilot, second, "echo from-shell-two > /tmp/two; echo W\"\"2", "W2")
        await type_line(pilot, "exit")
        await wait_for(pilot, lambda: second.badge.state == "ended", what="the second shell ended")
        assert _running(conn, container), "exit in one shell does not end a durable debugger"
        assert first.badge.state == "live", "the other shell goes on"

        app.browser.sessions.show(0)
        await wait_for(pilot, lambda: app.focused is first.terminal, what="the first terminal focused")
        await run_line(pilot, first, "cat /tmp/two", "from-shell-two")
        await type_line(pilot, "exit")
        await wait_for(pilot, lambda: first.badge.state == "ended", what="the first shell ended")
        assert "from-shell-two" in text_of(first)
        assert second.badge.state == "ended"
        attach_selected(app.browser)  # `a` with the pane's shell ended: a new shell there (as r), not the ended pane
        await wait_badge(pilot, first, "live")
        assert len(panes(pilot)) == 2
        await wait_for(pilot, lambda: app.focused is first.terminal, what="the first terminal focused again")
        await run_line(pilot, first, "echo again-""W3", "again-W3")
        await type_line(pilot, "exit")
        await wait_for(pilot, lambda: first.badge.state == "ended", what="the new shell ended")
    assert _running(conn, container), "no shell left, the debugger still runs"

    # The reuse offer (form, `ephemera debug --reuse`) finds it again for a durable request only.
    pod = debug_runner.fetch_pod(conn, *SLIM)
    assert reusable_container(pod, _durable_request("other")) == container
    plain = DebugRequest(namespace=SLIM[0], pod=SLIM[1], mode=Mode.TARGET, target="app")
    assert reusable_container(pod, plain) is None


def test_ephemera_debug_durable_dry_run_and_no_attach(demo_cluster: DemoCluster, capsys: Any) -> None:
    """`--durable`: the dry run shows the keep-alive without stdin/tty; created without a terminal,
    the CLI prints how to open shells (kubectl exec), not how to attach."""
    base = ["--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM[1], "--target=app", "--image=busybox",
            "-c", "keeper", "--durable"]
    assert main([*base, "--dry-run"]) == 0
    sent = json.loads(capsys.readouterr().out)
    container = sent[0]["body"]["spec"]["ephemeralContainers"][0]
    assert container["command"] == list(KEEPALIVE_COMMAND) and "stdin" not in container and "tty" not in container
    assert main([*base, "--no-attach"]) == 0
    out = capsys.readouterr().out
    assert "open shells with:" in out and "kubectl exec -it" in out and "kubectl attach" not in out
    conn = KubeConfig.load(demo_cluster.kubeconfig_path).connect()
    assert _running(conn, "keeper")
    assert main([*base, "--dry-run", "--", "sh"]) == 2, "a durable debugger takes no command"


async def test_the_forms_durable_box_creates_a_durable_debugger_and_opens_a_shell(demo_cluster: DemoCluster) -> None:
    """Off (the default) the preview is kubectl's attach (-it); on, the keep-alive command and the
    kubectl exec note; Ctrl+S creates it and the pane that opens is an exec shell in it."""
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, SLIM)
        assert "-it" in preview(form).split() and "sleep 3600" not in preview(form)
        form.query_one("#durable").value = True
        await settle_preflight(pilot, form)
        assert "sleep 3600" in preview(form) and "-it" not in preview(form).split()
        assert form.request is not None and form.request.durable
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="created")
        await wait_for(pilot, lambda: panes(pilot), timeout=30, what="a pane")
        pane = panes(pilot)[0]
        await wait_badge(pilot, pane, "live")
        assert pane.kind == "exec"
        container = pane.target.container
        await wait_for(pilot, lambda: app.focused is pane.terminal, what="the terminal focused")
        await run_line(pilot, pane, "echo D\"\"1", "D1")
        await type_line(pilot, "exit")
        await wait_for(pilot, lambda: pane.badge.state == "ended", what="the shell ended")
    conn = KubeConfig.load(demo_cluster.kubeconfig_path).connect()
    assert _running(conn, container)
