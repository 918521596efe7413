"""Pod actions of the browser (issue 13): sort the table by a column (`o` next column, `O`
reverse), copy a pod's name (`y`, `Y` namespace/name), delete a pod (Ctrl+D: dry run, confirmation
naming the pod and what replaces it, audit log). Against the demo cluster, notifications on."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from helpers.browser import make_app, row_names, row_of, screen_lines, screen_text, wait_for
from helpers.hostile_pods import HOSTILE_POD, add_hostile_pod, markup_rendered, unsafe_output
from tui.demo.cluster import DemoCluster
from tui.demo.faults import TOUCH_ANNOTATION
from tui.paths import CONFIG_ENV
from tui.pods.rows import RowSort, sort_pods
from tui.screens.delete_pod_modal import DeletePodModal

SLIM = "slim-79487d6484-h4rss"
CRASHING = "payments-api-7c9d8f6b5-x2kqp"
SIZE = (120, 40)


async def _loaded(pilot: Pilot) -> None:
    app: Any = pilot.app
    await wait_for(pilot, lambda: SLIM in row_names(app) and CRASHING in row_names(app), what="the pod rows")


def _notices(app: Any) -> list[str]:
    return [str(notice.message) for notice in app.notice_log]


def _header(app: Any) -> str:
    """The table's header line on screen ("" while not painted)."""
    return next((line for line in screen_lines(app) if "NAME" in line and "STATUS" in line), "")


def _sorted_by(app: Any, sort: RowSort) -> list[str]:
    """The names in the order `sort` gives the pods the table holds."""
    return [name for _, name in sort_pods(app.browser.table.pods.values(), sort)]


async def _sort_to(pilot: Pilot, column: str) -> None:
    """`o` until the table is sorted by `column` (ascending)."""
    app: Any = pilot.app
    table = app.browser.table
    for _ in table.shown_columns:
        if table.sort_marked and table.sort.column == column:
            return
        await pilot.press("o")
    raise AssertionError(f"o never sorted by {column}")


async def test_sort_by_restarts_age_and_name_orders_the_rows_and_marks_the_header(
        shared_cluster: DemoCluster) -> None:
    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        table = app.browser.table
        await wait_for(pilot, lambda: _header(app), what="the table's header")
        assert "↑" not in _header(app) and "↓" not in _header(app)  # the default order carries no mark
        await _sort_to(pilot, "restarts")
        await wait_for(pilot, lambda: "RESTARTS↑" in _header(app), what="RESTARTS↑ in the header")
        assert row_names(app) == _sorted_by(app, RowSort("restarts"))
        await pilot.press("O")
        await wait_for(pilot, lambda: "RESTARTS↓" in _header(app), what="RESTARTS↓ in the header")
        assert row_names(app)[0] == CRASHING  # the crash loop is the only pod restarting
        assert row_names(app) == _sorted_by(app, RowSort("restarts", descending=True))
        assert table.selected_key is not None
        await _sort_to(pilot, "age")
        await wait_for(pilot, lambda: "AGE↑" in _header(app) and "RESTARTS↓" not in _header(app), what="AGE↑")
        assert row_names(app) == _sorted_by(app, RowSort("age"))
        assert row_names(app) != sorted(row_names(app))
        await _sort_to(pilot, "name")  # around the cycle: back to NAME
        await wait_for(pilot, lambda: "NAME↑" in _header(app), what="NAME↑")
        assert row_names(app) == sorted(row_names(app))
        await pilot.press("O")
        await wait_for(pilot, lambda: "NAME↓" in _header(app), what="NAME↓")
        assert row_names(app) == sorted(row_names(app), reverse=True)


async def test_the_sort_and_delete_keys_follow_the_users_keys_remap(shared_cluster: DemoCluster,
                                                                     private_files: Path) -> None:
    """[keys] remaps the new keys like every other (they are Action lines); the old keys are free."""
    Path(os.environ[CONFIG_ENV]).write_text('[keys]\nsort = "f7"\ndelete_pod = "ctrl+x"\n')
    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        table = app.browser.table
        await pilot.press("o")
        assert not table.sort_marked
        await pilot.press("f7")
        await wait_for(pilot, lambda: table.sort_marked, what="F7 sorted")
        assert app.browser.table.select_key(("default", SLIM))
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: isinstance(app.screen, DeletePodModal), what="Ctrl+X asked to delete")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DeletePodModal), what="the box closed")


async def test_the_cursor_stays_on_its_pod_when_the_order_changes(shared_cluster: DemoCluster) -> None:
    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        table = app.browser.table
        assert table.select_key(("default", SLIM))
        await pilot.press("o", "o", "o", "O")
        await wait_for(pilot, lambda: table.sort_marked and table.sort.descending, what="sorted")
        assert table.selected_key == ("default", SLIM)
        assert app.browser.inspected == ("default", SLIM)


async def test_a_sorted_table_keeps_its_order_through_live_updates(demo_cluster: DemoCluster) -> None:
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        table = app.browser.table
        await _sort_to(pilot, "restarts")
        await pilot.press("O")
        await wait_for(pilot, lambda: row_names(app)[:1] == [CRASHING], what="the crash loop first")

        def restart_many(pod: dict[str, Any]) -> None:
            for status in pod["status"]["containerStatuses"]:
                status["restartCount"] = 500

        demo_cluster.faults.modify_pod("default", SLIM, restart_many)
        await wait_for(pilot, lambda: row_names(app)[:1] == [SLIM], what="slim moved to the top with 500 restarts")
        assert row_names(app) == _sorted_by(app, RowSort("restarts", descending=True))
        assert demo_cluster.faults.touch_pods() > 0  # a MODIFIED event for every pod: the order holds
        await wait_for(pilot, lambda: all(TOUCH_ANNOTATION in (p["metadata"].get("annotations") or {})
                                          for p in table.pods.values()), what="every pod's update applied")
        assert row_names(app)[:2] == [SLIM, CRASHING]
        assert row_names(app) == _sorted_by(app, RowSort("restarts", descending=True))
        assert len(row_names(app)) == len(table.pods)


async def test_y_copies_the_pod_name_and_Y_its_namespace_with_osc_52(
        shared_cluster: DemoCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # OSC 52 only: no local clipboard
    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        written: list[str] = []
        driver = app._driver
        write = driver.write
        monkeypatch.setattr(driver, "write", lambda data: (written.append(data), write(data))[1])
        assert app.browser.table.select_key(("default", SLIM))
        await pilot.press("y")
        osc52 = f"\x1b]52;c;{base64.b64encode(SLIM.encode()).decode()}\a"
        await wait_for(pilot, lambda: osc52 in "".join(written), what="OSC 52 with the pod's name")
        assert app.clipboard == SLIM
        await wait_for(pilot, lambda: f"Copied pod name {SLIM} to the clipboard via OSC 52 (terminals that allow it)"
                       in _notices(app), what="the notice saying what was copied")
        await pilot.press("Y")
        osc52 = f"\x1b]52;c;{base64.b64encode(f'default/{SLIM}'.encode()).decode()}\a"
        await wait_for(pilot, lambda: osc52 in "".join(written), what="OSC 52 with namespace/name")
        assert app.clipboard == f"default/{SLIM}"
        assert any(f"Copied namespace/name default/{SLIM}" in notice for notice in _notices(app))


# ------------------------------------------------------------------ delete (Ctrl+D)

NONROOT = "nonroot-app"  # a bare pod


def _audit(app: Any) -> list[Any]:
    return list(app.audit_log.read())


async def _delete_box(pilot: Pilot, name: str) -> DeletePodModal:
    app: Any = pilot.app
    assert app.browser.table.select_key(("default", name))
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: isinstance(app.screen, DeletePodModal), what="the delete confirmation")
    box: DeletePodModal = app.screen
    await wait_for(pilot, lambda: box.state != "checking", what="the dry run's answer")
    return box


async def test_delete_names_the_pod_and_its_replacement_and_cancel_deletes_nothing(demo_cluster: DemoCluster) -> None:
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        box = await _delete_box(pilot, SLIM)
        text = screen_text(app)
        assert f"Delete pod default/{SLIM}? This cannot be undone." in text
        assert "its ReplicaSet slim-79487d6484 (Deployment slim) will create a replacement" in text
        assert "grace period 30 s: its containers get that long to stop" in text
        assert "Terminating meanwhile" in text
        assert box.state == "ready" and "Dry run: the API server accepts the deletion." in text
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, DeletePodModal), what="the box closed")
        assert ("default", SLIM) in app.browser.table.pods
        assert _audit(app) == []  # the dry run is no change
        box = await _delete_box(pilot, NONROOT)
        assert "nothing will replace it: it is a bare pod (no controller), gone for good" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DeletePodModal), what="the box closed")


async def test_a_dry_run_refusal_is_shown_and_deletes_nothing(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("delete", "pods")
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        box = await _delete_box(pilot, NONROOT)
        assert box.state == "refused"
        text = screen_text(app)
        assert "The API server refuses to delete it (dry run):" in text
        assert 'cannot delete resource "pods"' in box.check_text
        assert 'missing RBAC permission: verb "delete" on "pods"' in box.check_text
        assert "nothing was deleted" in text
        await pilot.press("y")  # nothing to confirm
        assert isinstance(app.screen, DeletePodModal)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DeletePodModal), what="the box closed")
        demo_cluster.faults.allow_all()
        assert demo_cluster.faults.touch_pods([("default", NONROOT)]) == 1  # still there
        assert ("default", NONROOT) in app.browser.table.pods
        assert _audit(app) == []


async def test_a_confirmed_delete_removes_the_pod_and_writes_one_audit_line(demo_cluster: DemoCluster) -> None:
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        box = await _delete_box(pilot, NONROOT)
        assert box.state == "ready"
        await pilot.press("y")
        await wait_for(pilot, lambda: ("default", NONROOT) not in app.browser.table.pods, what="the pod gone")
        assert not isinstance(app.screen, DeletePodModal)
        assert any(f"Deleting pod default/{NONROOT}: nothing will replace it" in n for n in _notices(app))
        (entry,) = _audit(app)
        assert (entry.action, entry.namespace, entry.pod, entry.ok) == ("pod-deleted", "default", NONROOT, True)
        assert entry.request["method"] == "DELETE" and "query" not in entry.request  # not the dry run
        assert entry.request["body"]["preconditions"]["uid"]


async def test_a_deleted_pod_shows_as_terminating_until_it_is_gone(demo_cluster: DemoCluster) -> None:
    """While its containers stop (the kubelet held here), the row says Terminating; then it goes."""
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await _delete_box(pilot, NONROOT)
        demo_cluster.faults.pause_kubelet()
        await pilot.press("y")
        await wait_for(pilot, lambda: row_of(app, "default", NONROOT)["STATUS"] == "Terminating",
                       what="the row says Terminating")
        assert "Terminating" in app.browser.inspector.text
        demo_cluster.faults.resume_kubelet()
        await wait_for(pilot, lambda: ("default", NONROOT) not in app.browser.table.pods, what="the pod gone")


async def test_a_pod_gone_before_the_confirmation_is_said_and_recorded(demo_cluster: DemoCluster) -> None:
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await _delete_box(pilot, NONROOT)
        assert demo_cluster.faults.delete_pod("default", NONROOT)
        await pilot.press("y")
        await wait_for(pilot, lambda: any(f"Pod default/{NONROOT} was already gone" in n for n in _notices(app)),
                       what="the notice that it was gone")
        (entry,) = _audit(app)
        assert (entry.action, entry.ok) == ("pod-deleted", False)
        assert "already gone" in str(entry.result)


async def test_a_terminating_pod_shows_so_and_is_not_deleted_again(demo_cluster: DemoCluster) -> None:
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)

        def terminating(pod: dict[str, Any]) -> None:
            pod["metadata"]["deletionTimestamp"] = "2099-01-01T00:00:00Z"
            pod["metadata"]["deletionGracePeriodSeconds"] = 30

        demo_cluster.faults.modify_pod("default", SLIM, terminating)
        await wait_for(pilot, lambda: row_of(app, "default", SLIM)["STATUS"] == "Terminating",
                       what="slim shown as Terminating")
        await _sort_to(pilot, "status")
        assert row_names(app) == _sorted_by(app, RowSort("status"))
        assert app.browser.table.select_key(("default", SLIM))
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: any(f"Pod default/{SLIM} is terminating already" in n for n in _notices(app)),
                       what="the notice")
        assert not isinstance(app.screen, DeletePodModal)


async def test_the_confirmation_shows_hostile_owner_text_as_text(demo_cluster: DemoCluster) -> None:
    add_hostile_pod(demo_cluster)
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: HOSTILE_POD in row_names(app), what="the hostile pod")
        box = await _delete_box(pilot, HOSTILE_POD)
        reasons = str(box.query_one("#delete-reasons").render())
        assert reasons.startswith("• its controller Thing␛]52;c;") and "will probably create a replacement" in reasons
        assert "its controller Thing␛]52;c;" in screen_text(app)
        assert unsafe_output(app) == []
        assert not markup_rendered(app)


async def test_deleting_a_debug_copy_says_nothing_replaces_it_and_is_audited_as_a_copy(
        demo_cluster: DemoCluster) -> None:
    copy = "slim-debug-x7k2p"
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": copy, "namespace": "default",
                     "labels": {"app.kubernetes.io/managed-by": "ephemera"},
                     "annotations": {"ephemera.dev/source-pod": f"default/{SLIM}"}},
        "spec": {"containers": [{"name": "app", "image": "busybox"}], "nodeName": "demo-node-1"},
    })
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: copy in row_names(app), what="the copy's row")
        box = await _delete_box(pilot, copy)
        assert str(box.query_one("#delete-reasons").render()).startswith(
            f"• nothing will replace it: it is a debug copy Ephemera made of default/{SLIM}")
        await pilot.press("y")
        await wait_for(pilot, lambda: ("default", copy) not in app.browser.table.pods, what="the copy gone")
        (entry,) = _audit(app)
        assert (entry.action, entry.pod, entry.ok) == ("copy-deleted", copy, True)
