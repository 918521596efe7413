"""The pod table repaints only what changed (issue 15, idle means quiet): an age refresh that
changes no text repaints nothing, one that changes an AGE repaints that row's changed cells only, an
update of a pod off screen repaints nothing, and a cursor move repaints its two lines. Counted
through the widget (`PodTable.repainted_lines`), never by time; what reaches the screen is checked
on the rendered screen. The inspector redraws for the clock only when its text changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from helpers.browser import make_app, screen_lines, settled, wait_for
from tui.demo.cluster import DemoCluster
from tui.pods.store import PodBatch
from tui.pods.stored import StoredPod, stored_pod
from widgets import narrow_updates
from widgets.container_inspector import ContainerInspector
from widgets.pod_table import PodTable
from widgets.quiet_static import QuietStatic
from widgets.terminal.engine import CellStyle, TerminalEngine

START = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def pod(name: str, *, created: datetime, restarts: int = 0, reason: str = "") -> dict[str, Any]:
    state: dict[str, Any] = {"waiting": {"reason": reason}} if reason else {"running": {}}
    return {
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": created.strftime("%Y-%m-%dT%H:%M:%SZ")},
        "spec": {"containers": [{"name": "app"}], "nodeName": "node-a"},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": not reason, "state": state, "restartCount": restarts}]},
    }


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class TableApp(App[None]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield PodTable(clock=self.clock, id="pods")


def _pods(count: int) -> dict[tuple[str, str], StoredPod]:
    # pod-00 is young (its AGE text changes within a minute), the others are days old
    pods = {("default", "pod-00"): stored_pod(pod("pod-00", created=START - timedelta(seconds=30)))}
    for index in range(1, count):
        name = f"pod-{index:02d}"
        pods[("default", name)] = stored_pod(pod(name, created=START - timedelta(days=3)))
    return pods


def _named(names: list[str], created: datetime) -> dict[tuple[str, str], StoredPod]:
    """Pods of these names in "default", all created at `created`, as the table is fed them."""
    return {("default", name): stored_pod(pod(name, created=created)) for name in names}


async def _loaded(pilot: Pilot, count: int = 40) -> PodTable:
    table = pilot.app.query_one(PodTable)
    table.apply_batch(PodBatch(upserts=_pods(count), reset=True))
    await wait_for(pilot, lambda: any("pod-00" in line for line in screen_lines(pilot.app)), what="the rows")
    await settled(pilot)
    return table


async def _many_loaded(pilot: Pilot) -> PodTable:
    """The table focused, with 190 pods (pod-010 to pod-199, three days old) on and below the screen."""
    table = pilot.app.query_one(PodTable)
    table.apply_batch(PodBatch(upserts=_named([f"pod-{index:03d}" for index in range(10, 200)],
                                              START - timedelta(days=3)), reset=True))
    table.focus()
    await wait_for(pilot, lambda: any(" pod-010 " in line for line in screen_lines(pilot.app)), what="the rows")
    return table


def _line_of(app: Any, name: str) -> str:
    return next(line for line in screen_lines(app) if f" {name} " in line)


async def test_an_age_refresh_that_changes_no_text_repaints_nothing() -> None:
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = await _loaded(pilot)
        before = table.repainted_lines
        clock.now = START + timedelta(seconds=0.5)  # "30s" stays "30s", "3d" stays "3d"
        table.refresh_ages()
        await settled(pilot)
        assert table.repainted_lines == before


async def test_an_age_that_ticks_repaints_its_row_alone_and_reaches_the_screen() -> None:
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = await _loaded(pilot)
        assert "30s" in _line_of(pilot.app, "pod-00")
        before = table.repainted_lines
        clock.now = START + timedelta(seconds=5)
        table.refresh_ages()
        await wait_for(pilot, lambda: "35s" in _line_of(pilot.app, "pod-00"), what="the new age on screen")
        assert table.repainted_lines == before + 1  # pod-00's line; the 3-day-old rows keep "3d"


async def test_a_change_off_screen_repaints_nothing_and_one_on_screen_its_line() -> None:
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = await _loaded(pilot)
        before = table.repainted_lines
        off_screen = ("default", "pod-39")
        table.apply_batch(PodBatch(upserts={off_screen: stored_pod(pod("pod-39", created=START - timedelta(days=3), restarts=4))}))
        await settled(pilot)
        assert table.repainted_lines == before
        assert table.row_texts(off_screen)[table.shown_columns.index("restarts")] == "4"
        shown = ("default", "pod-03")
        table.apply_batch(PodBatch(upserts={shown: stored_pod(pod("pod-03", created=START - timedelta(days=3), restarts=7))}))
        await wait_for(pilot, lambda: " 7 " in _line_of(pilot.app, "pod-03"), what="the new restart count")
        assert table.repainted_lines == before + 1


async def test_j_moves_the_cursor_and_repaints_its_two_lines() -> None:
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = await _loaded(pilot)
        table.focus()
        await settled(pilot)
        assert table.selected_key == ("default", "pod-00")
        before = table.repainted_lines
        await pilot.press("j")
        await wait_for(pilot, lambda: table.selected_key == ("default", "pod-01"), what="the cursor on pod-01")
        assert table.repainted_lines == before + 2
        await settled(pilot)
        # on screen: the cursor's line is pod-01's (the highlight is a background on that line only)
        strips = pilot.app.screen._compositor.render_strips()
        highlighted = [strip.text for strip in strips
                       if any(seg.style is not None and seg.style.bold and seg.style.bgcolor is not None
                              and seg.text.strip() for seg in strip)]
        assert any(" pod-01 " in line for line in highlighted)
        assert not any(" pod-00 " in line for line in highlighted)


class InspectorApp(App[None]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield ContainerInspector(clock=self.clock, id="inspector")


async def test_the_inspector_redraws_for_the_clock_only_when_its_text_changes() -> None:
    clock = Clock()
    async with InspectorApp(clock).run_test(size=(100, 30)) as pilot:
        inspector = pilot.app.query_one(ContainerInspector)
        body = inspector.query_one("#inspector-body", QuietStatic)
        updates: list[object] = []
        original = body.update
        body.update = lambda *args, **kwargs: (updates.append(args), original(*args, **kwargs))[1]  # type: ignore[method-assign]
        shown = pod("pod-00", created=START - timedelta(days=3))
        started = (START - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        shown["status"]["containerStatuses"][0]["state"] = {"running": {"startedAt": started}}
        inspector.show(shown)
        await settled(pilot)
        assert "3d ago" in inspector.text
        assert len(updates) == 1
        clock.now = START + timedelta(seconds=1)  # nothing it shows is that fine-grained for a 3-day-old pod
        inspector.show(shown)
        assert len(updates) == 1
        regions = body.repainted_regions
        clock.now = START + timedelta(days=2)  # "started 3d ago" becomes "5d ago"
        inspector.show(shown)
        assert len(updates) == 2
        assert "5d ago" in inspector.text
        # only the changed cells are repainted: the "3d"/"5d" of the started line, not the inspector
        assert body.repainted_regions == regions + 1
        await settled(pilot)
        assert any("started  5d ago" in line for line in screen_lines(pilot.app))
        inspector.show(pod("pod-00", created=START - timedelta(days=3)))  # a new version: drawn
        assert len(updates) == 3


def test_changed_span_is_the_cells_that_differ() -> None:
    from rich.segment import Segment
    from rich.style import Style

    from widgets.quiet_static import changed_span, line_cells

    dim = Style(dim=True)
    old = line_cells([Segment("  63m", dim), Segment(" Normal Started")])
    assert changed_span(old, old) is None
    assert changed_span(old, line_cells([Segment("  64m", dim), Segment(" Normal Started")])) == (3, 4)
    assert changed_span(old, line_cells([Segment("  63m"), Segment(" Normal Started")])) == (0, 5)  # style only
    assert changed_span(old, line_cells([Segment("  63m", dim)])) == (5, 20)  # shorter: to the old end
    wide = line_cells([Segment("日本")])
    assert wide == (("日", None), ("", None), ("本", None), ("", None))


async def test_keys_first_the_inspector_follows_to_the_pod_the_cursor_stops_on(shared_cluster: DemoCluster) -> None:
    """The inspector is updated after the cursor's frame (keys first); after several j it shows the
    pod under the cursor, and the browser inspects that pod."""
    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await wait_for(pilot, lambda: browser.table.row_count > 5 and browser.inspector.pod is not None,
                       what="rows and an inspected pod")
        browser.table.focus()
        start = browser.table.cursor_row
        await pilot.press("j", "j", "j")
        await wait_for(pilot, lambda: browser.table.cursor_row == start + 3, what="the cursor three rows down")
        selected = browser.table.selected_key
        await wait_for(pilot, lambda: browser.inspected == selected, what="the inspector on the cursor's pod")
        assert (browser.inspector.pod["metadata"]["namespace"], browser.inspector.pod["metadata"]["name"]) == selected


async def test_keys_first_pod_changes_wait_while_the_cursor_moves(shared_cluster: DemoCluster) -> None:
    """Under an update storm a j must not queue behind hundreds of rows recomputed: while the cursor
    moves, pod batches are held (merged) and applied once it rests, at most a second later."""
    import time

    from tui.screens.browser_messages import PodsChanged

    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        table = browser.table
        await wait_for(pilot, lambda: table.row_count > 5, what="rows")
        gone, changed = table.visible_keys()[1], table.visible_keys()[2]
        renamed = dict(table.pods[changed], status={"phase": "Failed", "reason": "Evicted"})
        table.moved_at = time.monotonic() + 3600  # a key "just" moved the cursor, for as long as this test needs
        browser._on_pods(PodsChanged(PodBatch(upserts={}, deletes=frozenset({gone})), browser.watcher))
        browser._on_pods(PodsChanged(PodBatch(upserts={changed: stored_pod(renamed)}), browser.watcher))
        assert gone in table.pods and table.pods[changed] != renamed  # held while keys come
        table.moved_at = float("-inf")  # the cursor rests
        browser._apply_deferred()
        assert gone not in table.pods  # both held batches applied, in order
        assert table.pods[changed] == renamed
        assert "Evicted" in table.row_texts(changed)


async def test_keys_first_holds_changes_at_most_the_limit_even_when_applied_in_parts(shared_cluster: DemoCluster) -> None:
    """While keys keep coming, held changes still go in once they waited KEYS_FIRST_MAX_SECONDS:
    a large batch goes in parts of APPLY_CHUNK, and its rest keeps the batch's waiting time (it
    was held again as new, so a held j starved the table: 150 pods a second)."""
    import time

    from tui.screens.browser_screen import APPLY_CHUNK, KEYS_FIRST_MAX_SECONDS

    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        table = browser.table
        await wait_for(pilot, lambda: browser.header.state == "live" and table.row_count > 5, what="live rows")
        new = {("default", f"storm-{index:03d}"): stored_pod(pod(f"storm-{index:03d}", created=START))
               for index in range(APPLY_CHUNK * 2 + 10)}
        table.moved_at = time.monotonic() + 3600  # keys keep coming, for as long as this test needs
        browser._hold(PodBatch(upserts=new), 3600)
        browser._deferred_since -= KEYS_FIRST_MAX_SECONDS + 1  # held past the limit
        for _ in range(3):  # what the timer would do, a frame apart
            browser._apply_deferred()
        assert all(key in table.pods for key in new)


async def test_rows_scrolled_into_view_show_the_current_age() -> None:
    """refresh_ages keeps the rows on screen current; rows scrolled into view later must not show
    the AGE of when they were last changed (30s where it is 2h)."""
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = pilot.app.query_one(PodTable)
        young = _named([f"pod-{index:03d}" for index in range(200)], START - timedelta(seconds=30))
        table.apply_batch(PodBatch(upserts=young, reset=True))
        await wait_for(pilot, lambda: "30s" in _line_of(pilot.app, "pod-000"), what="the rows")
        clock.now = START + timedelta(hours=2)
        table.refresh_ages()
        await wait_for(pilot, lambda: "120m" in _line_of(pilot.app, "pod-000"), what="the rows on screen aged")
        table.focus()
        await pilot.press("G")
        await wait_for(pilot, lambda: any(" pod-199 " in line for line in screen_lines(pilot.app)), what="the last row")
        assert "120m" in _line_of(pilot.app, "pod-199") and "30s" not in _line_of(pilot.app, "pod-199")
        assert table.row_texts(("default", "pod-199"))[table.shown_columns.index("age")] == "120m"


async def test_paging_through_many_rows_keeps_only_the_painted_rows_near_the_screen() -> None:
    from widgets.pod_table import STRIP_CACHE_ROWS

    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = pilot.app.query_one(PodTable)
        many = _named([f"pod-{index:04d}" for index in range(2000)], START - timedelta(days=3))
        table.apply_batch(PodBatch(upserts=many, reset=True))
        table.focus()
        await wait_for(pilot, lambda: any(" pod-0000 " in line for line in screen_lines(pilot.app)), what="the rows")
        for _ in range(120):
            await pilot.press("pagedown")
        await wait_for(pilot, lambda: any(" pod-1999 " in line for line in screen_lines(pilot.app)), what="the last page")
        assert len(table._strips) <= STRIP_CACHE_ROWS


async def test_rows_added_or_removed_repaint_only_the_lines_that_show_another_row() -> None:
    """A rollout's pods coming and going (issue 15, storms): a pod added or removed below the
    screen repaints nothing; one added above it (the cursor stays on its pod, on its line) nothing;
    one removed on screen the lines from its own down. What is on screen is right each time."""
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = pilot.app.query_one(PodTable)
        pods = _named([f"pod-{index:03d}" for index in range(10, 200)], START - timedelta(days=3))
        table.apply_batch(PodBatch(upserts=pods, reset=True))
        table.focus()
        await wait_for(pilot, lambda: any(" pod-010 " in line for line in screen_lines(pilot.app)), what="the rows")
        for _ in range(30):
            await pilot.press("j")
        await settled(pilot)
        shown = [line for line in screen_lines(pilot.app) if " pod-" in line]
        selected = table.selected_key
        before = table.repainted_lines

        def add(name: str) -> None:
            table.apply_batch(PodBatch(upserts={("default", name): stored_pod(pod(name, created=START - timedelta(days=3)))}))

        add("pod-500")  # below the screen
        table.apply_batch(PodBatch(upserts={}, deletes=frozenset({("default", "pod-199")})))
        await settled(pilot)
        assert table.repainted_lines == before
        add("pod-000")  # above the screen: the table scrolls one row, every line shows its row
        await settled(pilot)
        assert table.repainted_lines == before
        assert table.selected_key == selected
        assert [line for line in screen_lines(pilot.app) if " pod-" in line] == shown
        for _ in range(12):  # the cursor to the middle of the screen
            await pilot.press("k")
        await settled(pilot)
        shown = [line for line in screen_lines(pilot.app) if " pod-" in line]
        before = table.repainted_lines
        gone = table.visible_keys()[int(table.scroll_y) + 12]  # a row on screen below the cursor
        table.apply_batch(PodBatch(upserts={}, deletes=frozenset({gone})))
        await settled(pilot)
        lines = [line for line in screen_lines(pilot.app) if " pod-" in line]
        assert f" {gone[1]} " not in "".join(lines) and len(lines) == len(shown)
        assert lines[:12] == shown[:12] and lines[12:-1] == shown[13:]
        assert table.repainted_lines - before == len(shown) - 12  # from the removed row down


async def test_a_column_that_grows_moves_every_line_from_that_column_on() -> None:
    """RESTARTS' "5 (9s ago)" becoming "5 (10s ago)" widens the column: every row stays aligned
    (every line is redrawn, not only the row whose text changed)."""
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = pilot.app.query_one(PodTable)
        pods = _pods(12)
        crashed = pod("pod-03", created=START - timedelta(days=3), restarts=5)
        crashed["status"]["containerStatuses"][0]["lastState"] = {
            "terminated": {"finishedAt": (START - timedelta(seconds=9)).strftime("%Y-%m-%dT%H:%M:%SZ")}}
        pods[("default", "pod-03")] = stored_pod(crashed)
        table.apply_batch(PodBatch(upserts=pods, reset=True))
        await wait_for(pilot, lambda: "5 (9s ago)" in _line_of(pilot.app, "pod-03"), what="the rows")
        await settled(pilot)
        clock.now = START + timedelta(seconds=1)
        table.refresh_ages()
        await wait_for(pilot, lambda: "5 (10s ago)" in _line_of(pilot.app, "pod-03"), what="the wider column")
        await settled(pilot)
        lines = screen_lines(pilot.app)
        header = next(line for line in lines if "AGE" in line)
        column = header.index("AGE")
        rows = [line for line in lines if " pod-" in line]
        assert len(rows) == 12
        for line in rows:
            age = line.split()[-3] if "(" not in line else line.split(")")[1].split()[0]
            assert line.index(" " + age + " ", column - 1) == column - 1, line


async def test_a_batch_that_scrolls_the_table_still_repaints_the_rows_it_changed() -> None:
    """A pod added above the screen scrolls the table one row (the cursor keeps its pod on its line):
    a row on screen changed by the same batch must show its new text."""
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = await _many_loaded(pilot)
        for _ in range(30):
            await pilot.press("j")
        await settled(pilot)
        shown = table.visible_keys()[int(table.scroll_y) + 3]
        table.apply_batch(PodBatch(upserts={
            ("default", "pod-000"): stored_pod(pod("pod-000", created=START - timedelta(days=3))),
            shown: stored_pod(pod(shown[1], created=START - timedelta(days=3), restarts=7)),  # same widths
        }))
        await settled(pilot)
        assert table.row_texts(shown)[table.shown_columns.index("restarts")] == "7"
        assert " 7 " in _line_of(pilot.app, shown[1])


class Written:
    """What the app would write to a terminal for each frame (Textual's `_display`, headless)."""

    def __init__(self, app: Any) -> None:
        self.frames: list[str] = []
        display = app._display

        def recorded(screen: Any, renderable: Any) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                self.frames.append(renderable.render_segments(app.console))
            display(screen, renderable)

        app._display = recorded

    @property
    def total(self) -> int:
        return sum(len(frame.encode()) for frame in self.frames)


def _scrollbar_thumb(app: Any, x: int) -> list[int]:
    """The screen lines where the scrollbar at column `x` shows its thumb (a reversed or a partial cell)."""
    lines = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        cell = strip.crop(x, x + 1)
        if any(segment.style and (segment.style.reverse or segment.text.strip()) for segment in cell):
            lines.append(y)
    return lines


async def test_rows_coming_and_going_off_screen_write_nothing_while_the_scrollbar_looks_the_same() -> None:
    """A churn storm (a Deployment rolling, issue 15): pods added and removed below the screen
    change the row count, and the scrollbar's thumb moves only every so many rows; nothing is
    written to the terminal until it does (each batch rewrote the scrollbar's every line), and
    then the scrollbar on screen shows its new thumb."""
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = await _many_loaded(pilot)
        await settled(pilot)
        written = Written(pilot.app)
        bar_x = table.vertical_scrollbar.region.x
        thumb = _scrollbar_thumb(pilot.app, bar_x)
        assert thumb
        for index in range(3):  # a pod comes below the screen, another goes
            table.apply_batch(PodBatch(upserts=_named([f"pod-5{index:02d}"], START - timedelta(days=3))))
            await settled(pilot)
            table.apply_batch(PodBatch(upserts={}, deletes=frozenset({("default", f"pod-{199 - index:03d}")})))
            await settled(pilot)
        assert written.total == 0
        table.apply_batch(PodBatch(upserts=_named([f"pod-6{index:02d}" for index in range(60)], START)))
        await settled(pilot)
        assert written.total > 0
        assert _scrollbar_thumb(pilot.app, bar_x) != thumb  # a quarter more rows: a shorter thumb, drawn


async def test_rows_shifted_by_a_pod_added_or_removed_rewrite_only_the_cells_that_read_otherwise() -> None:
    """A churn storm on screen (issue 15): every line below a pod added or removed shows another
    row, but rows next to each other mostly share their namespace, status, node...: only the
    cells whose text differs are written (every such line was rewritten whole), and the screen
    shows the right rows."""
    narrow_updates.install()  # as the app does: partial updates written from their first cell
    clock = Clock()
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = pilot.app.query_one(PodTable)
        table.apply_batch(PodBatch(upserts=_named([f"pod-{index:03d}" for index in range(10, 200, 2)],
                                                  START - timedelta(days=3)), reset=True))
        table.focus()
        await wait_for(pilot, lambda: any(" pod-010 " in line for line in screen_lines(pilot.app)), what="the rows")
        await settled(pilot)
        written = Written(pilot.app)
        table.apply_batch(PodBatch(upserts=_named(["pod-015"], START - timedelta(days=3))))  # on screen, line 4
        await wait_for(pilot, lambda: any(" pod-015 " in line for line in screen_lines(pilot.app)), what="the new row")
        await settled(pilot)
        names = [line.split()[0] for line in screen_lines(pilot.app) if " pod-" in line]
        assert names[:5] == ["pod-010", "pod-012", "pod-014", "pod-015", "pod-016"]
        assert names == sorted([f"pod-{index:03d}" for index in range(10, 200, 2)] + ["pod-015"])[:len(names)]
        sent = "".join(written.frames)
        assert sent  # the shifted lines' names: only the characters that differ ("pod-038" -> "pod-040": "40")
        assert "pod-" not in sent and "node-a" not in sent and "Running" not in sent
        assert all(" node-a " in line for line in screen_lines(pilot.app) if " pod-" in line)


async def test_ages_growing_longer_do_not_widen_their_columns_or_rewrite_the_table() -> None:
    """kubectl's ages grow from "30s" to "3m30s" as time passes (and a restart's "(30s ago)" with
    them): AGE and RESTARTS have room for that from the start, so the columns do not move and only
    the young pod's line is written (a widened column rewrote every line of the table)."""
    clock = Clock()
    restarted = pod("pod-01", created=START - timedelta(days=3), restarts=2)
    restarted["status"]["containerStatuses"][0]["lastState"] = {"terminated": {
        "finishedAt": (START - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")}}
    async with TableApp(clock).run_test(size=(100, 20)) as pilot:
        table = await _loaded(pilot)
        table.apply_batch(PodBatch(upserts={("default", "pod-01"): stored_pod(restarted)}))
        await wait_for(pilot, lambda: "2 (30s ago)" in _line_of(pilot.app, "pod-01"), what="the restart")
        await settled(pilot)
        header = screen_lines(pilot.app)[0]
        before = table.repainted_lines
        clock.now = START + timedelta(minutes=3)
        table.refresh_ages()
        await wait_for(pilot, lambda: "3m30s" in _line_of(pilot.app, "pod-00"), what="the new age on screen")
        await settled(pilot)
        assert "2 (3m30s ago)" in _line_of(pilot.app, "pod-01")
        assert screen_lines(pilot.app)[0] == header  # no column moved
        assert table.repainted_lines == before + 2  # pod-00's and pod-01's lines, not the table


def _two_container_pod(name: str, ready: int, *, waiting: str = "") -> dict[str, Any]:
    state: dict[str, Any] = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    statuses = [{"name": f"c{i}", "ready": i < ready, "state": state if i == 0 else {"running": {}}, "restartCount": 0}
                for i in range(2)]
    return {"metadata": {"name": name, "namespace": "default",
                         "creationTimestamp": (START - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")},
            "spec": {"containers": [{"name": "c0"}, {"name": "c1"}], "nodeName": "node-a"},
            "status": {"phase": "Running", "containerStatuses": statuses}}


def _cell_styles(engine: TerminalEngine, row: int, start: int, end: int) -> list[CellStyle]:
    """The style of each cell from `start` to `end` on the emulated screen's `row`."""
    styles: list[CellStyle] = []
    x = 0
    for segment in engine.line_segments(engine.screen_offset + row):
        for _ in segment.text:
            if start <= x < end:
                styles.append(segment.style)
            x += 1
    return styles


async def test_cells_partly_repainted_on_shifted_lines_take_their_new_rows_colour() -> None:
    """Only the differing characters of a shifted line's cells are written; READY takes its colour
    from the whole text ("1/2" yellow, "2/2" plain), so it is written whole: on a terminal fed what
    the app wrote, no "/2" keeps the colour of the row that was on that line before (audit of 2990bde)."""
    narrow_updates.install()
    async with TableApp(Clock()).run_test(size=(100, 12)) as pilot:
        written = Written(pilot.app)
        table = pilot.app.query_one(PodTable)
        table.apply_batch(PodBatch(upserts={("default", name): stored_pod(_two_container_pod(name, ready))
                                            for name, ready in [("pod-1", 2), ("pod-3", 1), ("pod-4", 2)]}, reset=True))
        await wait_for(pilot, lambda: any(" pod-4 " in line for line in screen_lines(pilot.app)), what="the rows")
        await settled(pilot)
        # 2/2 where pod-3's 1/2 was, pod-3's 1/2 where pod-4's 2/2 was: "/2" shared, colours not
        table.apply_batch(PodBatch(upserts={("default", "pod-2"): stored_pod(_two_container_pod("pod-2", 2))}))
        await wait_for(pilot, lambda: any(" pod-2 " in line for line in screen_lines(pilot.app)), what="the new row")
        await settled(pilot)
        engine = TerminalEngine(100, 12)
        for frame in written.frames:
            engine.feed_text(frame)
        screen = engine.screen_text()
        ready_at = next(line for line in screen if "READY" in line).index("READY")
        line_of = {name: next(index for index, line in enumerate(screen) if f" {name} " in line)
                   for name in ("pod-2", "pod-3", "pod-4")}
        assert [screen[line_of[name]][ready_at:ready_at + 3] for name in line_of] == ["2/2", "1/2", "2/2"]
        plain = _cell_styles(engine, line_of["pod-4"], ready_at, ready_at + 3)  # a new line (pod-1 has the cursor)
        assert _cell_styles(engine, line_of["pod-2"], ready_at, ready_at + 3) == plain  # as pod-4's 2/2
        warned = _cell_styles(engine, line_of["pod-3"], ready_at, ready_at + 3)
        assert len(set(warned)) == 1 and warned != plain  # "1/2" in one colour, not pod-4's
