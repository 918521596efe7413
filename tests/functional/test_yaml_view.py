"""`v`: the selected pod's YAML against the demo cluster: read from the API server, the describe-like
summary, ephemeral containers marked, search, copy, hostile strings shown as text, a refusal said."""

from __future__ import annotations

from typing import Any

from helpers.attach import add_debug_container, request
from helpers.browser import make_app, row_names, screen_text, wait_for
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.screens.help_modal import HelpModal
from tui.screens.yaml_screen import MARK, YamlScreen

SHARED = "shared-pid-demo"
HOSTILE = "\x1b]52;c;ZXZpbA==\x07 [link=https://x.example]click[/link] \u202eevil"


async def _open_yaml(pilot: Any, app: Any, name: str) -> YamlScreen:
    await wait_for(pilot, lambda: name in row_names(app), what="rows")
    await wait_for(pilot, lambda: app.browser.table.select_key(("default", name)), what=f"{name} selected")
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(app.screen, YamlScreen), what="the YAML view")
    screen: YamlScreen = app.screen
    await wait_for(pilot, lambda: screen.state != "reading", what="the pod read")
    return screen


async def test_the_pods_yaml_with_its_debugger_marked_searched_and_copied(demo_cluster: DemoCluster) -> None:
    connection = KubeConfig.load(str(demo_cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]
    try:
        add_debug_container(connection, "debugger", target="web", pod=SHARED)
        status, _ = request(connection, "PATCH", f"/api/v1/namespaces/default/pods/{SHARED}",
                            {"metadata": {"annotations": {"note": HOSTILE}}},
                            content_type="application/strategic-merge-patch+json")
        assert status == 200
    finally:
        connection.close()
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_yaml(pilot, app, SHARED)
        assert screen.state == "shown"
        lines = screen.lines
        assert lines[:2] == ["apiVersion: v1", "kind: Pod"]
        start = lines.index("  ephemeralContainers:")
        assert start in screen.marked and start + 1 in screen.marked
        assert any("targetContainerName: web" in lines[i] for i in screen.marked)
        status_start = lines.index("  ephemeralContainerStatuses:")
        assert {status_start, status_start + 1} <= screen.marked
        assert "  containers:" not in [lines[i] for i in screen.marked]
        shown = screen_text(app)
        assert f"{MARK}  ephemeralContainers:" in shown or "ephemeral containers and their statuses" in shown
        summary = " ".join(screen_text(app).split())
        assert "qos" in summary and "BestEffort" in summary and "debugger (running, target web)" in summary
        assert "PodScheduled=True" in summary
        # hostile strings: visible text, never an escape, never markup
        note = next(line for line in lines if line.strip().startswith("note:"))
        assert "\x1b" not in note and "\u202e" not in note and "<U+202E>" in note
        assert "[link=https://x.example]click[/link]" in note
        assert "\x1b" not in screen_text(app) and "\u202e" not in screen_text(app)
        # search (smart case), n moves on
        await pilot.press("slash", *"debugger", "enter")
        await wait_for(pilot, lambda: screen.search_term == "debugger", what="the search")
        assert len(screen.matches) >= 2 and screen.current_match == 0
        await pilot.press("n")
        assert screen.current_match == 1
        assert "match 2 of" in screen.status_text
        # copy: the YAML as shown
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard.startswith("apiVersion: v1"), what="the copy")
        assert "\x1b" not in app.clipboard and "ephemeralContainers:" in app.clipboard
        # ? lists the view's keys
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpModal), what="the help")
        await wait_for(pilot, lambda: "Copy YAML" in screen_text(app) and "pod YAML" in screen_text(app),
                       what="the YAML view's keys in the help")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, YamlScreen), what="the help closed")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, YamlScreen), what="back to the pods")
        # the browser's help lists v
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpModal), what="the browser's help")
        await wait_for(pilot, lambda: "the selected pod's YAML" in screen_text(app), what="v in the help")


async def test_a_refused_read_shows_the_lists_copy_and_says_why(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("get", "pods")
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_yaml(pilot, app, SHARED)
        assert screen.state == "fallback"
        status = screen.status_text
        assert "could not read the pod" in status and 'cannot get resource "pods"' in status
        assert "  containers:" in screen.lines
