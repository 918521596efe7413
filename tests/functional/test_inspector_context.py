"""The inspector's pod context against the demo cluster: events live (a watch with a field selector),
the workload (owner chain, the pods a template change rolls), refusals said on screen."""

from __future__ import annotations

from typing import Any

from helpers.attach import request
from helpers.browser import make_app, row_names, screen_text, wait_for
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.screens.debug_form_modal import DebugFormModal
from tui.screens.pod_context import PodContextFeed

SLIM = "slim-79487d6484-h4rss"
SHARED = "shared-pid-demo"
MISSING_IMAGE = "example.com/doesnotexist:1"


async def _inspect(pilot: Any, app: Any, name: str) -> Any:
    await wait_for(pilot, lambda: name in row_names(app), what="rows")
    await wait_for(pilot, lambda: app.browser.table.select_key(("default", name)), what=f"{name} selected")
    inspector = app.browser.inspector
    await wait_for(pilot, lambda: inspector.pod is not None and inspector.pod["metadata"]["name"] == name)
    return inspector


def _connect(cluster: DemoCluster) -> Any:
    return KubeConfig.load(str(cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]


async def test_events_appear_live_as_a_debuggers_image_pull_fails(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(140, 50)) as pilot:
        inspector = await _inspect(pilot, app, SHARED)
        await wait_for(pilot, lambda: "EVENTS (newest first, live)" in inspector.text and inspector.events is not None,
                       what="the events listed")
        conn = _connect(demo_cluster)
        try:
            container = {"name": "debugger", "image": MISSING_IMAGE, "stdin": True, "tty": True}
            status, answer = request(conn, "PATCH", f"/api/v1/namespaces/default/pods/{SHARED}/ephemeralcontainers",
                                     {"spec": {"ephemeralContainers": [container]}},
                                     content_type="application/strategic-merge-patch+json")
            assert status == 200, answer
        finally:
            conn.close()

        def events_section() -> str:
            text: str = inspector.text
            return text[text.index("EVENTS (newest first, live)"):] if "EVENTS (newest" in text else ""

        await wait_for(pilot, lambda: "BackOff" in events_section() and "ImagePullBackOff" in events_section(),
                       timeout=30, what="the pull's Failed / BackOff events in the inspector")
        section = events_section()
        assert "[debugger]" in section
        assert f'Failed to pull image "{MISSING_IMAGE}"' in section
        # newest first: the back-off comes after the pull, so it is listed above it
        assert section.index("BackOff") < section.index(f'Pulling image "{MISSING_IMAGE}"')
        assert "Warning" in section
        # the newest warning is also at the top, beside the pod's problems
        top = inspector.text.split("EVENTS (newest", 1)[0]
        assert "last warning" in top and "[debugger]" in top


async def test_the_rollout_warning_names_the_deployments_pods(demo_cluster: DemoCluster) -> None:
    conn = _connect(demo_cluster)
    try:
        status, deployment = request(conn, "GET", "/apis/apps/v1/namespaces/default/deployments/slim")
    finally:
        conn.close()
    assert status == 200
    pods = deployment["status"]["replicas"]
    assert pods == deployment["spec"]["replicas"]  # rolled out: the pods now are those a change replaces
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(140, 50)) as pilot:
        inspector = await _inspect(pilot, app, SLIM)
        await wait_for(pilot, lambda: inspector.workload_read, what="the owners read")
        text = " ".join(inspector.text.split())
        noun = "pod" if pods == 1 else "pods"
        assert "Deployment slim -> ReplicaSet slim-79487d6484 -> Pod" in text
        assert f"turning shareProcessNamespace on in Deployment slim restarts its {pods} {noun}" in text
        assert "Copy and share (d) gives you one sharing copy and leaves them alone" in text
        assert f"a pod template change of Deployment slim rolls {pods} {noun}" in text
        # the debug form's copy mode says it too
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="the debug form")
        form = app.screen
        assert form.rolled_pods == pods
        await pilot.press("down")
        await wait_for(pilot, lambda: "Deployment slim is not rolled" in " ".join(screen_text(app).split()),
                       what="copy mode's lesson")
        screen = " ".join(line.strip("│ ") for line in screen_text(app).split("\n"))
        assert f"shareProcessNamespace there would roll its {pods} {noun}" in " ".join(screen.split())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), what="the form closed")
        # a bare pod: no workload, no lesson
        inspector = await _inspect(pilot, app, SHARED)
        await wait_for(pilot, lambda: inspector.workload_read, what="the bare pod's owners")
        assert "bare pod (no owner)" in inspector.text


async def test_refused_events_and_owners_are_said_and_the_rest_goes_on(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("list", "events")
    demo_cluster.faults.deny("get", "replicasets")
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(140, 50)) as pilot:
        inspector = await _inspect(pilot, app, SLIM)
        await wait_for(pilot, lambda: inspector.workload_read and inspector.event_notes, what="the refusals")
        text = " ".join(inspector.text.split())
        assert 'cannot list resource "events"' in text
        assert "kubectl auth can-i list events -n default" in text
        assert "cannot read ReplicaSet slim-79487d6484" in text
        assert "EPHEMERAL CONTAINERS" in text  # the rest of the inspector is there
        assert app.is_running


async def test_a_hostile_event_message_is_shown_as_text(demo_cluster: DemoCluster) -> None:
    conn = _connect(demo_cluster)
    try:
        status, pod = request(conn, "GET", f"/api/v1/namespaces/default/pods/{SHARED}")
        event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"{SHARED}.hostile", "namespace": "default"},
                 "involvedObject": {"kind": "Pod", "namespace": "default", "name": SHARED,
                                    "uid": pod["metadata"]["uid"]},
                 "type": "Warning", "reason": "Evil[bold]\x1b[2J", "count": 3,
                 "message": "pwned \x1b]52;c;ZXZpbA==\x07 [link=https://x.example]click[/link] \u202e",
                 "source": {"component": "attacker"},
                 "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"}
        app = make_app(demo_cluster.kubeconfig_path)
        async with app.run_test(size=(140, 50)) as pilot:
            inspector = await _inspect(pilot, app, SHARED)
            await wait_for(pilot, lambda: inspector.events is not None, what="the events listed")
            status, answer = request(conn, "POST", "/api/v1/namespaces/default/events", event)
            assert status == 201, answer
            await wait_for(pilot, lambda: "pwned" in inspector.text, what="the event, live")
            text = inspector.text
            assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
            assert "␛]52;c;ZXZpbA==␇" in text
            assert "[link=https://x.example]click[/link]" in text  # as text, not a link
            assert "Evil[bold]␛[2J" in text
            assert "x3" in text
    finally:
        conn.close()


async def test_the_watch_follows_the_inspected_pod_and_stops_when_hidden(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(140, 50)) as pilot:
        feed = app.browser.query_one(PodContextFeed)
        inspector = await _inspect(pilot, app, SHARED)
        await wait_for(pilot, lambda: inspector.events is not None, what="the events listed")
        [first] = feed.watchers  # a bare pod: its own events only
        assert first.subject.name == SHARED and first.subject.uid
        inspector = await _inspect(pilot, app, SLIM)
        await wait_for(pilot, lambda: inspector.workload_read and len(feed.watchers) == 3, what="slim and its owners")
        assert first.stopped
        assert [w.subject.kind for w in feed.watchers] == ["Pod", "ReplicaSet", "Deployment"]
        watching = list(feed.watchers)
        await pilot.press("i")  # the inspector hidden: nothing watched
        await wait_for(pilot, lambda: not feed.watchers, what="the watches stopped")
        assert all(w.stopped for w in watching)
        await pilot.press("i")  # shown again: the owners are not read again (cached per pod)
        await wait_for(pilot, lambda: len(feed.watchers) == 3, what="the watches again")


async def test_bracket_keys_bring_each_section_heading_to_the_top_of_the_inspector(demo_cluster: DemoCluster) -> None:
    """`]` / `[` in the focused inspector: the next / previous section (CONTAINERS, EPHEMERAL
    CONTAINERS, WORKLOAD, EVENTS) scrolled to the inspector's first line as the user sees it (or
    into view once the inspector scrolls no further); `[` before the first: the pod's top."""
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        inspector = await _inspect(pilot, app, SLIM)
        await wait_for(pilot, lambda: inspector.workload_read and inspector.events is not None, what="the context")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is inspector, what="the inspector focused")

        def shown() -> list[str]:  # the inspector's lines on screen, below its border
            lines = screen_text(app).split("\n")
            return lines[inspector.region.y + 1:inspector.region.bottom - 1]

        headings = ["CONTAINERS (2)", "EPHEMERAL CONTAINERS", "WORKLOAD", "EVENTS (newest first, live)"]
        for heading in headings:
            await pilot.press("right_square_bracket")
            await pilot.pause()
            if inspector.scroll_y < inspector.max_scroll_y:
                assert shown()[0].strip().startswith(heading), (heading, shown())
            else:
                assert any(line.strip().startswith(heading) for line in shown()), (heading, shown())
        assert inspector.scroll_y > 0 and shown()[0].strip() != headings[0]
        while inspector.scroll_y > 0:  # back up, a heading at a time, to the top
            before = inspector.scroll_y
            await pilot.press("left_square_bracket")
            await pilot.pause()
            assert inspector.scroll_y < before
            assert inspector.scroll_y == 0 or any(shown()[0].strip().startswith(h) for h in headings), shown()
        assert inspector.scroll_y == 0, "before the first heading: the pod's top"
        assert shown()[0].strip().startswith(f"default/{SLIM}"), shown()


async def test_the_context_comes_back_after_the_cursor_passes_another_pod_and_returns(shared_cluster: DemoCluster) -> None:
    """The browser follows the inspected pod's context once the cursor rests (issue 15, keys first):
    a cursor that leaves a pod and comes back before that must still get the pod's workload and
    events again (the inspector drops them when it shows another pod; the feed never left)."""
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(140, 50)) as pilot:
        inspector = await _inspect(pilot, app, SLIM)
        await wait_for(pilot, lambda: inspector.workload_read and inspector.events is not None, what="the context")
        app.browser.table.focus()
        await pilot.press("j", "k")  # away and back within the settle time
        await wait_for(pilot, lambda: inspector.pod["metadata"]["name"] == SLIM, what="back on the pod")
        await wait_for(pilot, lambda: inspector.workload_read and inspector.events is not None,
                       what="the context shown again")
        assert "WORKLOAD" in inspector.text and "EVENTS (" in inspector.text
