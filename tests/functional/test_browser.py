"""The pod browser against a real demo cluster, driven with Textual's pilot."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from helpers.browser import make_app, merged_kubeconfig, message_text, row_names, row_of, run_from_palette, wait_for
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"
CRASHING = "payments-api-7c9d8f6b5-x2kqp"
STATIC = "kube-apiserver-demo-node-1"


async def test_seeded_default_namespace_rows_and_columns(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="the slim pod row")
        table = app.browser.table
        labels = table.column_labels
        assert labels == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE", "EPH"]
        slim = row_of(app, "default", SLIM)
        assert slim["READY"] == "2/2"
        assert slim["STATUS"] == "Running"
        assert slim["NODE"] == "demo-node-1"
        crashing = row_of(app, "default", CRASHING)
        assert crashing["STATUS"] == "CrashLoopBackOff"
        assert crashing["READY"] == "0/1"
        assert int(crashing["RESTARTS"].split()[0]) >= 1
        assert row_names(app) == sorted(row_names(app))
        header = app.browser.header
        assert header.context == "ephemera-demo"
        assert header.server == shared_cluster.url
        assert header.namespace == "default"
        await wait_for(pilot, lambda: header.state == "live", what="live state")


async def test_all_namespaces_shows_namespace_column_and_static_pod(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path, all_namespaces=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: STATIC in row_names(app), what="the static pod in kube-system")
        table = app.browser.table
        assert table.column_labels[0] == "NAMESPACE"
        keys = table.visible_keys()
        assert keys == sorted(keys), "sorted by namespace then name"
        assert ("kube-system", STATIC) in keys
        assert app.browser.header.namespace == "all"
        # A toggles back to the context's namespace
        await pilot.press("A")
        await wait_for(pilot, lambda: row_names(app) and STATIC not in row_names(app), what="default only")
        assert table.column_labels[0] == "NAME"


async def test_inspector_shows_containers_and_pod_facts(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path, all_namespaces=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        assert app.browser.table.select_key(("default", SLIM))
        inspector = app.browser.inspector
        await wait_for(pilot, lambda: "slim" in inspector.text and "pod security privileged" in inspector.text)
        text = inspector.text
        assert "ReplicaSet slim-79487d6484 (Deployment slim)" in text
        assert "gcr.io/distroless/python3-debian11" in text
        assert "sidecar" in text
        assert "node os      linux" in text
        assert "share pid ns no" in text
        assert "kube-api-access" in text
        # the static pod
        app.browser.table.select_key(("kube-system", STATIC))
        await wait_for(pilot, lambda: STATIC in inspector.text)
        assert "static pod   yes" in inspector.text
        assert "Node demo-node-1" in inspector.text
        # Enter moves focus into the inspector, Tab back
        await pilot.press("enter")
        assert app.focused is inspector
        await pilot.press("question_mark")
        assert app.screen.title_text == "Keys: container inspector"
        assert ("Tab, Esc", "back to the pod table") in app.screen.keys
        await pilot.press("escape")
        await pilot.press("tab")
        assert app.focused is app.browser.table
        await pilot.press("question_mark")
        keys = {key for row, _ in app.screen.keys for key in row.split(", ")}  # a row may list several keys
        for key in ("/", ":", "n", "c", "A", "?", "q", "Ctrl+S"):
            assert key in keys, f"{key} missing from the help"
        await pilot.press("escape")


async def test_filter_substring_regex_and_escape(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path, all_namespaces=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        total = len(row_names(app))
        await pilot.press("slash", *"slim", "enter")
        await wait_for(pilot, lambda: row_names(app) == [SLIM], what="only slim")
        assert app.focused is app.browser.table
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(row_names(app)) == total, what="filter cleared")
        await pilot.press("slash", *"^web-.*z$", "enter")
        await wait_for(pilot, lambda: row_names(app) == ["web-5d9c7b8f4-t9w2z"], what="regex match")
        await pilot.press("escape")
        await pilot.press("slash", *"no-such-pod", "enter")
        await wait_for(pilot, lambda: "No pods match" in message_text(app), what="no match message")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(row_names(app)) == total)


async def test_label_selector_restarts_the_watch(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        await pilot.press("slash", *"-l app=slim", "enter")
        await wait_for(pilot, lambda: row_names(app) == [SLIM], what="label-selected rows")
        assert app.browser.watcher is not None and app.browser.watcher.label_selector == "app=slim"
        assert "-l app=slim" in app.browser.header.filter_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(row_names(app)) > 1, what="selector cleared")
        assert app.browser.watcher.label_selector is None


async def test_namespace_picker_palette_and_empty_namespace(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PickerModal")
        picker = app.screen
        await wait_for(pilot, lambda: "kube-system" in picker.items, what="namespaces listed")
        await pilot.press(*"kube-sys", "enter")
        await wait_for(pilot, lambda: STATIC in row_names(app), what="kube-system rows")
        assert app.browser.header.namespace == "kube-system"
        # `:ns monitoring` through the command palette
        await run_from_palette(pilot, "ns monitoring", "monitoring")
        await wait_for(pilot, lambda: "prometheus-0" in row_names(app), what="monitoring rows")
        assert app.browser.header.namespace == "monitoring"
        # an empty namespace says so, with what to do
        app.browser.switch_namespace("kube-public")
        await wait_for(pilot, lambda: "No pods in namespace kube-public" in message_text(app), what="empty message")
        assert "A to show all namespaces" in message_text(app)


async def test_context_switch_reconnects_to_the_other_cluster(
    shared_cluster: DemoCluster, demo_cluster: DemoCluster, tmp_path: Path
) -> None:
    demo_cluster.faults.delete_pod("default", SLIM)
    config = merged_kubeconfig(
        tmp_path / "two", {"first": shared_cluster.kubeconfig_path, "second": demo_cluster.kubeconfig_path}
    )
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="first cluster rows")
        assert app.browser.header.server == shared_cluster.url
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PickerModal")
        await pilot.press(*"second", "enter")
        await wait_for(pilot, lambda: app.browser.header.server == demo_cluster.url, what="second server")
        await wait_for(
            pilot, lambda: row_names(app) and SLIM not in row_names(app) and CRASHING in row_names(app),
            what="second cluster rows (slim deleted there)",
        )
        assert app.browser.header.context == "second"
        assert app.browser.watcher is not None and app.browser.watcher.connection.server == demo_cluster.url
        # and back with `:ctx first`
        await run_from_palette(pilot, "ctx first", "first")
        await wait_for(pilot, lambda: app.browser.header.server == shared_cluster.url, what="first server again")
        await wait_for(pilot, lambda: SLIM in row_names(app), what="first cluster rows again")


async def test_live_status_change_appears_without_a_key(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        assert app.browser.table.select_key(("default", SLIM))
        demo_cluster.faults.set_container_waiting(
            "default", SLIM, "app", "CrashLoopBackOff", "back-off 10s restarting failed container=app"
        )
        await wait_for(pilot, lambda: row_of(app, "default", SLIM)["STATUS"] == "CrashLoopBackOff", what="new status")
        assert row_of(app, "default", SLIM)["READY"] == "1/2"
        await wait_for(pilot, lambda: "back-off 10s" in app.browser.inspector.text, what="inspector follows")
        assert app.browser.table.selected_key == ("default", SLIM)


async def test_deleted_selected_pod_shows_as_gone(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        app.browser.table.select_key(("default", SLIM))
        await wait_for(pilot, lambda: SLIM in app.browser.inspector.text, what="the pod in the inspector")
        demo_cluster.faults.delete_pod("default", SLIM)
        await wait_for(pilot, lambda: SLIM not in row_names(app), timeout=30, what="row removed")
        # the inspector follows a frame after the table (keys first): the deleted pod, marked gone
        await wait_for(pilot, lambda: "GONE" in app.browser.inspector.text, what="the pod marked gone")
        assert SLIM in app.browser.inspector.text


async def test_server_restart_reconnects_and_resyncs(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        header = app.browser.header
        await wait_for(pilot, lambda: header.state == "live")
        states: list[str] = []
        original = header.watch_state

        def record(state: str) -> None:
            states.append(state)
            original(state)

        header.watch_state = record  # type: ignore[method-assign]
        await pilot.pause(0)
        demo_cluster.restart_server(downtime=1.0)
        demo_cluster.faults.delete_pod("default", "nonroot-app")
        await wait_for(pilot, lambda: "reconnecting" in states, what="reconnecting shown")
        await wait_for(pilot, lambda: header.state == "live", timeout=30, what="live again")
        await wait_for(pilot, lambda: "nonroot-app" not in row_names(app), timeout=30, what="resynced rows")
        assert sorted(row_names(app)) == row_names(app)
        assert len(set(row_names(app))) == len(row_names(app))


async def test_relist_after_410_has_no_duplicates_or_ghosts(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path, all_namespaces=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        demo_cluster.faults.compact_history()
        demo_cluster.faults.drop_watches()
        demo_cluster.faults.delete_pod("staging", "redis-0")
        await wait_for(pilot, lambda: "redis-0" not in row_names(app), timeout=30, what="relisted")
        server = {(p["metadata"]["namespace"], p["metadata"]["name"]) for p in demo_cluster.store.values("pods")}
        await wait_for(pilot, lambda: set(app.browser.table.visible_keys()) == server, timeout=30)
        keys = app.browser.table.visible_keys()
        assert len(keys) == len(set(keys))


async def test_forbidden_list_is_explained_in_place(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("list", "pods")
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "Cannot list pods" in message_text(app), what="403 message")
        text = message_text(app)
        assert "Cannot list pods in namespace default" in text
        assert 'missing RBAC permission: verb "list" on "pods" in namespace "default"'.lower() in text.lower()
        assert "kubectl auth can-i list pods -n default" in text
        assert app.browser.header.state == "failed"
        assert not app.browser.table.display
        # the header says when the next attempt is
        header_line = str(app.browser.header.render()).splitlines()[1]
        assert "failed (retry in " in header_line and "cannot list" in header_line


async def test_unreachable_cluster_says_the_address(tmp_path: Path, private_state_home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "config"
    config.write_text(
        f"""apiVersion: v1
kind: Config
clusters: [{{name: gone, cluster: {{server: "http://127.0.0.1:{port}"}}}}]
users: [{{name: u, user: {{token: t}}}}]
contexts: [{{name: gone, context: {{cluster: gone, user: u, namespace: default}}}}]
current-context: gone
"""
    )
    app = make_app(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Cannot reach the cluster" in message_text(app), what="unreachable message")
        assert f"127.0.0.1:{port}" in message_text(app)
        assert app.browser.header.state == "reconnecting"
        # the header's first line has the address: its second keeps the cause in 80 columns
        header_line = str(app.browser.header.render()).splitlines()[1]
        assert "retry in " in header_line and header_line.rstrip().endswith("connection refused")
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpModal"
        await pilot.press("escape")
        assert app.screen is app.browser
        # Ctrl+S saves an SVG screenshot of the running app (into the user's state directory)
        shots = private_state_home / "ephemera" / "screenshots"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: shots.is_dir() and list(shots.glob("ephemera-*.svg")), what="screenshot")
        svg = next(shots.glob("ephemera-*.svg")).read_text()
        assert "Cannot" in svg and "reach" in svg


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_layout_keeps_table_and_inspector_usable(shared_cluster: DemoCluster, size: tuple[int, int]) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        table, inspector = app.browser.table, app.browser.inspector
        await wait_for(pilot, lambda: table.size.height > 0, what="table laid out")
        assert table.size.height >= 5
        assert inspector.size.height >= 5
        assert table.size.width >= 60
        await pilot.press("i")
        assert not inspector.display
        await pilot.press("i")
        assert inspector.display


async def test_ephemeral_container_count_marker_and_target(demo_cluster: DemoCluster) -> None:
    from kubernetes import client

    from tui.kube.config import KubeConfig

    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        assert row_of(app, "default", SLIM)["EPH"] == "-"
        app.browser.table.select_key(("default", SLIM))
        connection = KubeConfig.load(kubeconfig=str(demo_cluster.kubeconfig_path)).connect()
        body = {"spec": {"ephemeralContainers": [
            {"name": "debugger-abcde", "image": "busybox:1.36", "stdin": True, "tty": True, "targetContainerName": "app"}
        ]}}
        await asyncio.get_running_loop().run_in_executor(  # the UI loop stays free
            None,
            lambda: client.CoreV1Api(connection.api_client).patch_namespaced_pod_ephemeralcontainers(
                SLIM, "default", body, _content_type="application/strategic-merge-patch+json"
            ),
        )
        await wait_for(pilot, lambda: row_of(app, "default", SLIM)["EPH"] == "1 ● 1 running", what="running marker")
        text = app.browser.inspector.text
        assert "EPHEMERAL CONTAINERS (1)" in text
        assert "debugger-abcde  busybox:1.36  → target app" in text


async def test_benchmark_hook_writes_first_rows_time_once(
    shared_cluster: DemoCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    target = tmp_path / "first-rows"
    monkeypatch.setenv("EPHEMERA_BENCH_FIRST_ROWS", str(target))
    started = time.time()
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        await wait_for(pilot, target.exists, what="timestamp file")
        stamp = float(target.read_text())
        assert started <= stamp <= time.time()
        await pilot.press("A")
        await wait_for(pilot, lambda: STATIC in row_names(app))
        assert float(target.read_text()) == stamp


async def test_ctrl_c_quits_from_a_pop_up_screen_too(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path, demo=True)  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: len(app.screen_stack) > 1, what="the help screen")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")


def _add_debugger(cluster: DemoCluster, pod: str, container: dict) -> None:
    from kubernetes import client

    from tui.kube.config import KubeConfig

    connection = KubeConfig.load(kubeconfig=str(cluster.kubeconfig_path)).connect()
    try:
        client.CoreV1Api(connection.api_client).patch_namespaced_pod_ephemeralcontainers(
            pod, "default", {"spec": {"ephemeralContainers": [container]}},
            _content_type="application/strategic-merge-patch+json")
    finally:
        connection.close()


async def test_eph_column_says_why_a_debugger_is_not_running(demo_cluster: DemoCluster) -> None:
    """A debugger that cannot start (its image cannot be pulled) or has ended is named in the EPH
    column in words, not only counted: "1" hid an ImagePullBackOff."""
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        web = next(name for name in row_names(app) if name.startswith("web-"))
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, _add_debugger, demo_cluster, SLIM, {
            "name": "debugger-nopull", "image": "registry.example/doesnotexist:1", "stdin": True, "tty": True})
        await loop.run_in_executor(None, _add_debugger, demo_cluster, web, {
            "name": "debugger-false", "image": "busybox:1.36", "command": ["false"]})
        await wait_for(pilot, lambda: "Pull" in row_of(app, "default", SLIM)["EPH"], timeout=30,
                       what="the pull error in EPH")
        assert row_of(app, "default", SLIM)["EPH"] in ("1 ✘ ErrImagePull", "1 ✘ ImagePullBackOff")
        await wait_for(pilot, lambda: row_of(app, "default", web)["EPH"] == "1 ■ exited 1", timeout=30,
                       what="the exit code in EPH")


async def test_the_browser_lets_the_list_read_on_once_its_first_rows_are_painted(tmp_path: Path, monkeypatch) -> None:
    """The first list waits after its first page until the browser says its rows are painted
    (tui/kube/pod_watch.py FIRST_ROWS_WAIT; here long enough that only the browser's word lets it
    on): every pod follows."""
    import tui.kube.pod_watch as pod_watch

    monkeypatch.setattr(pod_watch, "FIRST_ROWS_WAIT", 120.0)
    with DemoCluster(extra_pods=250) as cluster:
        app = make_app(cluster.write_kubeconfig(tmp_path / "kubeconfig"), all_namespaces=True)
        async with app.run_test(size=(120, 40)) as pilot:
            total = len(cluster.store.values("pods"))
            await wait_for(pilot, lambda: app.browser.table.row_count == total and app.browser.header.state == "live",
                           timeout=30, what=f"all {total} pods listed")
            await pilot.press("A")  # one namespace: a new watch, whose first list waits for its rows too
            await wait_for(pilot, lambda: app.browser.header.state == "live" and app.browser.table.row_count
                           == sum(1 for pod in cluster.store.values("pods") if pod["metadata"]["namespace"] == "default"),
                           timeout=30, what="the default namespace's pods")
            await pilot.press("A")
            await wait_for(pilot, lambda: app.browser.table.row_count == total and app.browser.header.state == "live",
                           timeout=30, what=f"all {total} pods listed again")
