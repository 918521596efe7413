"""A pane whose pod is deleted under it says so and offers nothing that cannot work (pilot, demo cluster).

The pod goes (`faults.delete_pod`, the API's graceful delete from the cleanup view, a StatefulSet-like
delete and re-create with the same name): the pane's badge becomes `gone` ("pod deleted"), its banner
says the session cannot be re-attached and the output is kept, the hints offer no `r`/`d`, `r`
answers with a notice instead of starting a session, copy and close still work, and quitting does
not count it as a session left running. Both orders are covered: the session ended before the delete
arrived, and the delete arrived while the session was still live. A pod that only left the watch's
scope (another namespace shown) is not taken for deleted.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from textual.pilot import Pilot

from helpers.attach import add_debug_container
from helpers.browser import make_app, wait_for
from tui.app import EphemeraApp
from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.kube.connection import ClusterConnection
from tui.screens.help_modal import help_for_screen
from tui.screens.session_pane import SessionPane
from widgets.terminal.terminal_view import TerminalView

SLIM = ("default", "slim-79487d6484-h4rss")
SHARED = ("default", "shared-pid-demo")
WEB = "web-5d9c7b8f4-m4k8p"
SIZE = (120, 40)
BANNER = "this session cannot be re-attached. The output below is kept (y copies, w saves)."



def _app(cluster: DemoCluster) -> EphemeraApp:
    return make_app(cluster.kubeconfig_path, demo=True)  # type: ignore[attr-defined]


def panes(pilot: Pilot) -> list[SessionPane]:
    return list(pilot.app.browser.sessions.panes)  # type: ignore[attr-defined]


def text_of(pane: SessionPane) -> str:
    return "\n".join(pane.terminal.engine.all_text())


def hint(pilot: Pilot) -> str:
    return str(pilot.app.browser.sessions.query_one("#session-hint").render())  # type: ignore[attr-defined]


def palette_texts(app: Any) -> str:
    """Every entry the command palette shows now."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return ""
    options = app.screen.query_one(CommandList)
    return "\n".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))


def notices(pilot: Pilot) -> list[str]:
    return [str(n.message) for n in pilot.app.notice_log]


async def select(pilot: Pilot, key: tuple[str, str]) -> None:
    app: Any = pilot.app
    await wait_for(pilot, lambda: key in app.browser.table.pods, what=f"pod {key[1]} listed")
    app.browser.table.select_key(key)
    await wait_for(pilot, lambda: app.browser.table.selected_key == key, what="selection")


async def type_line(pilot: Pilot, line: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in line], "enter")


async def run_line(pilot: Pilot, pane: SessionPane, line: str, expect: str) -> None:
    await type_line(pilot, line)
    await wait_for(pilot, lambda: expect in text_of(pane), what=f"{expect!r} in the pane")


async def wait_gone(pilot: Pilot, pane: SessionPane) -> None:
    try:
        await wait_for(pilot, lambda: pane.badge.state == "gone", timeout=30, what="the badge to say gone")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: the pane is {pane.badge.text!r}: {pane.banner_text!r}") from None


async def wait_live(pilot: Pilot, pane: SessionPane) -> None:
    try:
        await wait_for(pilot, lambda: pane.badge.state == "live", timeout=30, what="live")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: the pane is {pane.badge.text!r}: {pane.banner_text!r}") from None


async def attach(pilot: Pilot, key: tuple[str, str]) -> SessionPane:
    """`a` on the pod: the pane of its (only) debugger, live, the terminal focused."""
    await select(pilot, key)
    await pilot.press("a")
    await wait_for(pilot, lambda: panes(pilot), what="a pane")
    pane = panes(pilot)[-1]
    await wait_live(pilot, pane)
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, TerminalView), what="the terminal focused")
    return pane


async def shell_into_worker(pilot: Pilot) -> SessionPane:
    """`s` on the shared-pid pod, its busybox container (worker) picked: the live pane."""
    await select(pilot, SHARED)
    await pilot.press("s")
    await wait_for(pilot, lambda: "PickerModal" in type(pilot.app.screen).__name__, what="container picker")
    await pilot.press("down", "enter")
    await wait_for(pilot, lambda: panes(pilot), what="a pane")
    pane = panes(pilot)[-1]
    await wait_live(pilot, pane)
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, TerminalView), what="the terminal focused")
    return pane


def delete_from_store_only(cluster: DemoCluster, key: tuple[str, str]) -> None:
    """The DELETED event, the pod's GET a 404, while its containers (and so the open stream) run on:
    the delete reaching the watch before the stream has ended."""
    assert cluster.run(lambda: cluster.store.delete("pods", *key)) is not None


async def assert_r_is_refused(pilot: Pilot, pane: SessionPane) -> None:
    """`r` says the pod was deleted and starts nothing."""
    before = len(notices(pilot))
    await pilot.press("r")
    await wait_for(pilot, lambda: len(notices(pilot)) > before, what="a notice for r")
    notice = notices(pilot)[-1]
    assert "the pod was deleted" in notice and "Cannot re-attach" in notice, notice
    assert pane.session is None and pane.badge.state == "gone"


async def test_attach_pane_of_a_deleted_pod_says_so_and_offers_no_reattach(
        demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        pane = await attach(pilot, SLIM)
        uid = pane.pod_uid
        assert uid  # recorded when the pane opened
        await run_line(pilot, pane, "echo before-the-delete", "before-the-delete")
        assert [s.pod for s in app.open_sessions()] == [SLIM[1]]

        assert await asyncio.to_thread(demo_cluster.faults.delete_pod, *SLIM)
        await wait_gone(pilot, pane)
        assert pane.badge.text == "pod deleted"
        assert pane.banner_text.startswith(f"Pod default/{SLIM[1]} was deleted: {BANNER}")
        assert str(pane.banner.render()).startswith(f"Pod default/{SLIM[1]} was deleted")  # shown
        tabs = app.browser.sessions
        await wait_for(pilot, lambda: "⊘ pod deleted" in tabs.tab_bar.text, what="the tab's badge")
        assert "before-the-delete" in text_of(pane)  # the output is kept
        assert app.open_sessions() == []  # nothing left running in the cluster

        # In the terminal: no re-attach, no debug offered; r says why not.
        await wait_for(pilot, lambda: hint(pilot).startswith("Esc or Ctrl+] leave pane"), what="the pane's hint")
        assert "re-attach" not in hint(pilot) and "debug" not in hint(pilot)
        await assert_r_is_refused(pilot, pane)

        # On the tab bar: the same; copy and close still work.
        await pilot.press("ctrl+right_square_bracket")
        await wait_for(pilot, lambda: app.focused is tabs.tab_bar, what="the tab bar focused")
        await wait_for(pilot, lambda: "x close" in hint(pilot), what="the tab bar's hint")
        assert "re-attach" not in hint(pilot) and "y copy screen" in hint(pilot) and "w save" in hint(pilot)
        # the help (?), the footer and the palette agree with the hint: no Re-attach
        rows = help_for_screen(app.screen)[1]
        assert any("Copy screen" in description for _, description in rows)
        assert not any("Re-attach" in description for _, description in rows), rows
        assert all(active.binding.action != "reattach" for active in app.screen.active_bindings.values())
        await pilot.press("ctrl+p")
        await pilot.press(*"pane")
        await wait_for(pilot, lambda: "Copy pane screen" in palette_texts(app), what="the palette's pane entries")
        assert "Re-attach pane" not in palette_texts(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is tabs.tab_bar, what="the tab bar focused again")
        await assert_r_is_refused(pilot, pane)
        await pilot.press("y")
        await wait_for(pilot, lambda: "before-the-delete" in (app.clipboard or ""), what="copied")
        await pilot.press("x")
        await wait_for(pilot, lambda: not panes(pilot), what="the pane closed")


async def test_shell_that_ended_before_its_pod_was_deleted_becomes_gone(demo_cluster: DemoCluster) -> None:
    """The order of the report: the shell ended ("ended (exit 0)", r offered), then the pod went."""
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await shell_into_worker(pilot)
        await type_line(pilot, "exit 0")
        await wait_for(pilot, lambda: pane.badge.text == "ended (exit 0)", what="ended")
        assert "Press r for a new shell" in pane.banner_text
        await wait_for(pilot, lambda: "r re-attach" in hint(pilot), what="r offered while the pod lives")

        assert await asyncio.to_thread(demo_cluster.faults.delete_pod, *SHARED)
        await wait_gone(pilot, pane)
        assert BANNER in pane.banner_text and "Press r" not in pane.banner_text
        await wait_for(pilot, lambda: "re-attach" not in hint(pilot), what="r no longer offered")
        await assert_r_is_refused(pilot, pane)
        assert pilot.app.open_sessions() == []  # type: ignore[attr-defined]


async def test_delete_arriving_while_the_session_is_live_ends_it(demo_cluster: DemoCluster) -> None:
    """The other order: the watch says deleted while the stream is still open."""
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await shell_into_worker(pilot)
        await run_line(pilot, pane, "echo still-$((40+2))", "still-42")
        session = pane.session
        assert session is not None and not session.status.finished

        await asyncio.to_thread(delete_from_store_only, demo_cluster, SHARED)
        await wait_gone(pilot, pane)
        assert BANNER in pane.banner_text
        assert pane.session is None
        await wait_for(pilot, lambda: session.status.finished, what="the live session closed")
        await pilot.pause()
        assert pane.badge.text == "pod deleted"  # the session's own end does not replace it
        assert pilot.app.open_sessions() == []  # type: ignore[attr-defined]
        await assert_r_is_refused(pilot, pane)


async def test_recreated_pod_of_the_same_name_keeps_the_old_pane_gone(
        demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    """A StatefulSet-like delete and re-create: same name, new uid. The old pane stays gone; `s`
    on the new pod opens a pane of its own."""
    original = demo_cluster.run(lambda: copy.deepcopy(demo_cluster.store.get("pods", *SHARED)))
    fresh = {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": SHARED[1], "namespace": SHARED[0],
                          "labels": dict(original["metadata"].get("labels") or {})},
             "spec": {k: v for k, v in original["spec"].items() if k != "ephemeralContainers"}}

    def delete_and_recreate() -> str:
        assert demo_cluster.faults.delete_pod(*SHARED)
        return str(demo_cluster.faults.add_pod(fresh)["metadata"]["uid"])

    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        old = await shell_into_worker(pilot)
        old_uid = old.pod_uid
        new_uid = await asyncio.to_thread(delete_and_recreate)
        assert new_uid != old_uid
        await wait_gone(pilot, old)
        await wait_for(pilot, lambda: (app.browser.table.pods.get(SHARED) or {}).get("metadata", {}).get("uid")
                       == new_uid, what="the new pod in the browser")
        await wait_for(pilot, lambda: app.browser.table.pods[SHARED]["status"].get("phase") == "Running",
                       timeout=30, what="the new pod running")
        assert old.badge.state == "gone" and old.pod_uid == old_uid  # the new pod's data did not revive it

        await pilot.press("ctrl+right_square_bracket", "escape")
        new = await shell_into_worker(pilot)
        assert new is not old and len(panes(pilot)) == 2
        assert new.pod_uid == new_uid
        await run_line(pilot, new, "echo on-the-new-pod", "on-the-new-pod")
        assert old.badge.state == "gone"
        assert [(s.pod, s.container) for s in app.open_sessions()] == [(SHARED[1], "worker")]  # the new one only


async def test_relist_without_the_pod_checks_before_saying_deleted(demo_cluster: DemoCluster) -> None:
    """Another namespace shown (a reset batch without the pod): the pod still exists, the pane stays
    live. Deleted while the watch looked elsewhere: the relist of its namespace makes it gone."""
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        browser = app.browser
        pane = await shell_into_worker(pilot)
        checks = pane.pod_checks
        browser.switch_namespace("staging")
        await wait_for(pilot, lambda: ("staging", "redis-0") in browser.table.pods, what="staging listed")
        await wait_for(pilot, lambda: pane.pod_checks > checks, what="the pod checked")
        assert pane.badge.state == "live" and pane.session is not None

        await asyncio.to_thread(delete_from_store_only, demo_cluster, SHARED)  # unseen: the watch is elsewhere
        browser.switch_namespace("default")
        await wait_gone(pilot, pane)
        assert BANNER in pane.banner_text and pane.session is None


async def test_copy_deleted_by_the_cleanup_view_leaves_its_pane_gone(demo_cluster: DemoCluster) -> None:
    from textual.widgets import DataTable

    from tui.screens.cleanup_screen import CleanupScreen
    from tui.screens.confirm_modal import ConfirmModal

    copy_name = f"{WEB}-debug-k2x4z"
    config = str(demo_cluster.kubeconfig_path)  # type: ignore[attr-defined]
    assert await asyncio.to_thread(
        main, ["--kubeconfig", config, "debug", WEB, "--copy-to", copy_name, "--no-attach", "-q"]) == 0
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        pane = await attach(pilot, ("default", copy_name))
        await pilot.press("ctrl+right_square_bracket", "escape")
        await wait_for(pilot, lambda: app.focused is app.browser.table, what="back in the browser")
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen), what="cleanup view")
        screen = app.screen
        await wait_for(pilot, lambda: not screen.loading and screen.copies, what="copies listed")
        assert [c.name for c in screen.copies] == [copy_name]
        assert screen.query_one("#copies", DataTable).row_count == 1
        await pilot.press("space", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and not screen.busy and not screen.copies, timeout=30,
                       what="deleted")
        await wait_gone(pilot, pane)
        assert pane.banner_text.startswith(f"Pod default/{copy_name} was deleted")
        assert app.open_sessions() == []
