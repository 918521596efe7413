"""Browser behaviour a user notices between the big features: where keys go (a burst, a watch restart), why a fact is unknown."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import App

from helpers.browser import make_app, message_text, row_names, settled, wait_for
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"


def burst(app: App, keys: list[str]) -> None:
    """Queue every key at once, as a terminal delivers a paste or fast typing (pilot.press lets
    the app settle after each key, which hides focus races)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        try:
            char: str | None = unicodedata.lookup(key.replace("_", " ").upper()) if len(key) > 1 else key
        except KeyError:
            char = None
        name = {" ": "space", "-": "minus", "=": "equals_sign", "/": "slash"}.get(key, key)
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)


async def select_slim(pilot, app):  # type: ignore[no-untyped-def]
    """Wait for the rows, select the slim pod; returns the pod table."""
    await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
    table = app.browser.table
    table.select_key(("default", SLIM))
    await wait_for(pilot, lambda: table.selected_key == ("default", SLIM), what="slim selected")
    # the inspector follows the cursor through a message: keys sent before it arrives would scroll
    # the first pod's (shorter) details
    await wait_for(pilot, lambda: (app.browser.inspector.pod or {}).get("metadata", {}).get("name") == SLIM,
                   what="slim in the inspector")
    return table


async def open_worker_shell(pilot, app):  # type: ignore[no-untyped-def]
    """`s` on shared-pid-demo, the worker (busybox) container: returns its pane, live and focused."""
    from widgets.terminal.terminal_view import TerminalView

    key = ("default", "shared-pid-demo")
    await wait_for(pilot, lambda: key in app.browser.table.pods, what="rows")
    app.browser.table.select_key(key)
    await wait_for(pilot, lambda: app.browser.table.selected_key == key, what="shared-pid-demo selected")
    await pilot.press("s")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "PickerModal", what="container picker")
    await pilot.press("down", "enter")
    await wait_for(pilot, lambda: app.browser.sessions.panes, what="a pane")
    pane = app.browser.sessions.panes[0]
    await wait_for(pilot, lambda: pane.badge.text == "live" and isinstance(app.focused, TerminalView),
                   timeout=30, what="a live shell, focused")
    return pane


async def test_a_filter_typed_in_one_burst_lands_in_the_filter(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        # `a` and `s` are browser keys (attach, shell): they must not fire while typing the filter
        burst(app, ["/", *"-l app=slim", "enter"])
        await wait_for(pilot, lambda: row_names(app) == [SLIM], what="label-selected rows")
        assert app.browser.label_selector == "app=slim"
        assert not app.browser.sessions.panes, "a browser key fired while typing the filter"
        await wait_for(pilot, lambda: app.focused is app.browser.table, what="focus back on the table")


async def test_keys_right_after_tab_scroll_the_inspector_not_the_table(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await select_slim(pilot, app)
        burst(app, ["tab", "j", "j"])
        # each j one line (Textual's deferred scroll actions moved one line for a burst of keys)
        await wait_for(pilot, lambda: app.browser.inspector.scroll_y == 2, what="inspector scrolled two lines")
        assert table.selected_key == ("default", SLIM)
        assert app.focused is app.browser.inspector


async def test_slash_inside_the_filter_field_is_typed_not_a_new_filter(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        burst(app, ["/", "/", *"^sl", "/", "enter"])
        await wait_for(pilot, lambda: row_names(app) == [SLIM], what="regex-filtered rows")
        assert app.browser.header.filter_text == "regex /^sl/"


async def test_j_moves_the_cursor_after_every_watch_restart(shared_cluster: DemoCluster) -> None:
    """A, n and -l restart the watch: "Loading pods…" hides the table (Textual then drops its
    focus); when the rows are back, j/k must work without a Tab first."""
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        table = app.browser.table
        for _ in range(4):
            await pilot.press("A")
            await wait_for(pilot, lambda: app.browser.has_listed and table.row_count > 1, what="rows again")
            await settled(pilot)  # the table shown again, its focus restored (or not)
            before = table.selected_key
            await pilot.press("j")
            assert table.selected_key != before, (
                f"j did nothing after the watch restarted (focus {app.focused}, {table.row_count} rows, "
                f"display {table.display}, cursor {table.cursor_row})"
            )
            assert app.focused is table


async def test_pod_security_says_why_it_is_unknown_when_namespaces_are_forbidden(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("list", "namespaces")
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_slim(pilot, app)
        await wait_for(
            pilot, lambda: "may not list namespaces" in app.browser.inspector.text, what="why the level is unknown"
        )


async def test_cursor_and_scroll_stay_on_the_pod_while_rows_come_and_go(tmp_path) -> None:
    """Rows added and removed above the cursor (and changes elsewhere) leave the selected pod
    selected, on the same screen line."""
    with DemoCluster(extra_pods=120) as cluster:
        app = make_app(cluster.write_kubeconfig(tmp_path / "kubeconfig"), all_namespaces=True)
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.browser.table
            await wait_for(pilot, lambda: app.browser.header.state == "live" and table.row_count > 100, what="rows")
            keys = table.visible_keys()
            target = keys[len(keys) // 2]
            table.select_key(target, center=True)
            await pilot.press("j", "j", "j")  # the cursor off the centre line
            target = table.selected_key
            line = table.cursor_row - int(table.scroll_y)
            assert int(table.scroll_y) > 0
            above = [k for k in keys if k < target][-5:]
            for namespace, name in above[:3]:
                cluster.faults.delete_pod(namespace, name)
            for index in range(4):
                cluster.faults.add_pod({"metadata": {"name": f"aaa-new-{index}", "namespace": target[0]},
                                        "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}})
            await wait_for(pilot, lambda: (target[0], "aaa-new-3") in table.pods
                           and above[0] not in table.pods, timeout=30, what="rows added and removed above")
            # the new pods' kubelet updates (their start) are in too
            await wait_for(pilot, lambda: all(table.pods[(target[0], f"aaa-new-{index}")]["status"].get("phase") == "Running"
                                              for index in range(4)), timeout=30, what="the new pods running")
            await settled(pilot)
            assert table.selected_key == target
            assert table.cursor_row - int(table.scroll_y) == line
            assert target[1] in app.browser.inspector.text


async def test_all_namespaces_at_80_columns_keeps_every_column_on_screen(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path, all_namespaces=True)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.browser.table
        await wait_for(pilot, lambda: table.row_count > 10, what="rows")

        def header() -> list[str]:
            return "".join(segment.text for segment in table.render_line(0)).split()

        columns = ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "EPH"]
        await wait_for(pilot, lambda: header() == columns, what=f"the columns laid out ({header()})")
        index = table.visible_keys().index(("default", "payments-api-7c9d8f6b5-x2kqp"))
        table.select_key(("default", "payments-api-7c9d8f6b5-x2kqp"))
        await wait_for(pilot, lambda: table.selected_key == ("default", "payments-api-7c9d8f6b5-x2kqp"), what="selected")
        await settled(pilot)
        row = "".join(segment.text for segment in table.render_line(index + 1 - int(table.scroll_y)))
        assert "x2kqp" in row, "a narrowed name keeps its end (what tells replicas apart)"
        assert "CrashLoopBackOff" in row and row.rstrip().endswith("-")
        assert table.virtual_size.width <= table.size.width, "no horizontal scrolling needed"


async def test_a_pod_deleted_above_the_cursor_leaves_the_selection_alone(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await select_slim(pilot, app)
        demo_cluster.faults.delete_pod("default", "nonroot-app")  # sorts above slim
        await wait_for(pilot, lambda: "nonroot-app" not in row_names(app), timeout=30, what="row removed")
        assert table.selected_key == ("default", SLIM)
        assert app.browser.inspector.text.startswith(f"default/{SLIM}")
        await pilot.press("j")
        assert table.selected_key == ("default", "web-5d9c7b8f4-m4k8p")


async def test_the_inspector_follows_the_cursor_when_a_filter_hides_its_pod(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await select_slim(pilot, app)
        await pilot.press("slash", *"web", "enter")
        await wait_for(pilot, lambda: SLIM not in row_names(app), what="filtered")
        selected = table.selected_key
        assert selected is not None and selected[1].startswith("web-")
        await wait_for(pilot, lambda: app.browser.inspector.text.startswith(f"default/{selected[1]}"),
                       what="inspector on the selected row")


async def test_namespace_picker_takes_a_typed_name_when_namespaces_cannot_be_listed(
    demo_cluster: DemoCluster,
) -> None:
    demo_cluster.faults.deny("list", "namespaces")
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PickerModal", what="picker")
        picker = app.screen
        await wait_for(pilot, lambda: picker.notice, what="the picker's notice")
        assert "namespaces" in picker.notice and "type any name" in picker.notice
        await pilot.press(*"staging", "enter")
        await wait_for(pilot, lambda: "redis-0" in row_names(app), what="staging rows")
        assert app.browser.header.namespace == "staging"
        # a name the API server would refuse is refused here, saying what a name is
        app.browser.switch_namespace("Not A Namespace")
        await wait_for(pilot, lambda: any("is not a namespace name" in str(n.message) for n in app.notice_log),
                       what="the refusal")
        await settled(pilot)
        assert app.browser.header.namespace == "staging"


async def test_an_invalid_label_selector_is_said_to_be_invalid_not_unreachable(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        await pilot.press("slash", *"-l app in (a", "enter")
        await wait_for(pilot, lambda: "is not valid" in message_text(app), what="invalid selector message")
        text = message_text(app)
        assert "The label selector -l app in (a is not valid" in text
        assert "Cannot reach" not in text
        assert app.browser.header.state == "failed"  # refused: no reconnect backoff
        await pilot.press("escape")
        await wait_for(pilot, lambda: SLIM in row_names(app), what="selector cleared, rows back")


async def test_slash_in_a_terminal_pane_goes_to_the_shell(demo_cluster: DemoCluster) -> None:
    """`/` is a priority binding (for bursts): it must still reach a focused terminal pane."""
    app = make_app(demo_cluster.kubeconfig_path, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_worker_shell(pilot, app)
        await pilot.press(*"echo a/b/c", "enter")
        await wait_for(pilot, lambda: "a/b/c\n" in "\n".join(pane.terminal.engine.all_text()) + "\n",
                       what="the shell's output")
        assert not app.browser.query_one("#filter").display


async def test_keys_typed_right_after_enter_move_the_cursor_not_the_filter(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app), what="rows")
        burst(app, ["/", *"web", "enter", "j"])
        await wait_for(pilot, lambda: app.browser.header.filter_text == '"web"', what="the web filter")
        await wait_for(pilot, lambda: app.browser.table.selected_key == ("default", "web-5d9c7b8f4-t9w2z"),
                       what="j moved to the second row")
        assert app.focused is app.browser.table
        assert app.browser.query_one("#filter").value == "web"


async def test_the_mouse_selects_a_row_and_double_click_enters_the_inspector(shared_cluster: DemoCluster) -> None:
    from widgets.pod_table import PodTable

    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in row_names(app) and app.browser.header.state == "live", what="rows")
        table = app.browser.table
        await wait_for(pilot, lambda: table.region.height > 2, what="the table laid out")
        row = table.visible_keys().index(("default", SLIM)) + 1 - int(table.scroll_y)  # line 0: column labels
        await pilot.click(PodTable, offset=(3, row))
        await wait_for(pilot, lambda: table.selected_key == ("default", SLIM),
                       what=f"clicked row selected (row {row}, selected {table.selected_key}, {table.region})")
        await wait_for(pilot, lambda: app.browser.inspector.text.startswith(f"default/{SLIM}"), what="inspector")
        await pilot.click(PodTable, offset=(3, row), times=2)
        await wait_for(pilot, lambda: app.focused is app.browser.inspector, what="double click: inspector")


async def test_a_failed_connect_still_shows_where_it_was_going(tmp_path) -> None:
    config = tmp_path / "config"
    config.write_text(
        """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ephemera-no-such-plugin}}}]
contexts: [{name: prod, context: {cluster: c, user: u, namespace: shop}}]
current-context: prod
"""
    )
    app = make_app(config)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for(pilot, lambda: "Cannot connect" in message_text(app), what="connect error")
        assert "Cannot connect with context prod" in message_text(app)
        assert "ephemera-no-such-plugin" in message_text(app)
        header = app.browser.header
        assert (header.context, header.namespace, header.server) == ("prod", "shop", "https://127.0.0.1:1")
        assert header.state == "failed"


async def test_a_watch_restart_leaves_the_focus_on_the_table_not_in_an_open_pane(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_worker_shell(pilot, app)
        await settled(pilot)  # the pane's own deferred focus calls are done
        await pilot.press("ctrl+right_square_bracket", "escape")  # leave the pane, back to the table
        await wait_for(pilot, lambda: app.focused is app.browser.table, what="the table focused")
        for _ in range(3):
            await pilot.press("A")
            await wait_for(pilot, lambda: app.browser.has_listed and app.browser.table.row_count > 1, what="rows")
            await settled(pilot)
            assert app.focused is app.browser.table, f"focus went to {app.focused}"
