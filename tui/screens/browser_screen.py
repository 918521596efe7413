"""The main screen: header, pod table (or a message in its place), container inspector.

All network I/O runs in threads: `kubeconfig.connect` and the namespace/node lists in thread
workers, the pod list+watch in `PodWatcher`'s threads. Results come back as messages.

The screen's state (the connection, the namespace shown, the filters, the watch's status, the pod
inspected...) is held in Textual reactives, each with its docstring; their watchers (`watch_<name>`)
keep the header, the table, the inspector and the message in the table's place in step, so a
handler assigns the new state and nothing else. They are `var`s: the screen itself draws none of
them, its widgets do. The modules that act on the browser (debug follow-up, session panes, the
palette, the screenshots) use its public methods and properties.
"""

from __future__ import annotations

import gc
import os
import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from tui.actions import BROWSER, bindings
from tui.clipboard import copy_text
from tui.display_text import counted, sanitize_text
from tui.keymap import key_for
from tui.kube.cluster_objects import ClusterObjects, fetch_cluster_objects
from tui.kube.connection import ClusterConnection
from tui.kube.errors import ClusterError, describe_exception
from tui.kube.namespaces import namespace_choices
from tui.kube.pod_watch import PodWatcher, WatchStatus
from tui.paths import cast_directory
from tui.pods.filter import PodFilter, parse_filter
from tui.pods.store import PodBatch, PodKey, exclude_loaded_pods_from_gc, merge_batches
from tui.screens.background import BackgroundFailed, forget, run_in_background
from tui.screens.browser_messages import ClusterObjectsLoaded, Connected, PodsChanged, WatchStatusChanged
from tui.screens.picker_modal import PickerModal
from tui.screens.pod_actions import copy_pod_name, open_delete_pod, sort_table
from tui.screens.pod_context import PodContextFeed
from tui.screens.session_panes import attach_selected, shell_selected
from tui.screens.session_tabs import SessionTabs
from tui.screens.unbound_keys import UnboundKeyHint
from widgets.cluster_header import ClusterHeader
from widgets.container_inspector import ContainerInspector
from widgets.pod_table import PodTable
from widgets.terminal.messages import is_terminal_view

if TYPE_CHECKING:  # imported on first use (the debug form and what follows it: start-up, issue 15)
    from tui.screens.debug_followup import ContainerFollowed, FollowProgress

BENCH_ENV = "EPHEMERA_BENCH_FIRST_ROWS"
NAMESPACE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # a DNS label, as the API server checks
WIDE_LAYOUT_MIN_WIDTH = 160
COMPACT_TABLE_MAX_WIDTH = 100
AGE_REFRESH_SECONDS = 5.0
OBJECTS_REFRESH_SECONDS = 60.0
FILTER_DEBOUNCE_SECONDS = 0.12
# The inspected pod's events and owners are watched once the cursor rests this long (issue 15):
# j held or typed fast starts no list, watch and owner reads (threads sharing the GIL with the
# keys, and an inspector redraw each when they answer) for every pod it passes.
CONTEXT_SETTLE_SECONDS = 0.2
# The inspector renders the cursor's new pod this long after the cursor's frame (issue 15, `j` at
# 1k pods): the event loop waits meanwhile, so Textual's output thread, which needs the GIL to
# write the frame, writes it before the UI thread renders the inspector (it waited for that render:
# `j` p95 idle 14.8 -> 9.1 ms, in a 2,000/s storm 28.2 -> 16.8 ms, at 1,000 pods).
INSPECT_AFTER_FRAME_SECONDS = 0.004
# Keys first under an update storm (issue 15): while the cursor moves, pod batches wait (merged)
# until it has rested this long, at most KEYS_FIRST_MAX_SECONDS, so a j never queues behind
# the rows and the inspector being recomputed for hundreds of changed pods.
KEYS_FIRST_SECONDS = 0.25
KEYS_FIRST_MAX_SECONDS = 1.0
# A large batch of changes (a storm's, or held ones merged; not the listing's pages) is applied this
# many pods at a time, a frame and the keys typed meanwhile between two parts, so no key waits for
# thousands of rows.
APPLY_CHUNK = 150
GC_FREEZE_MIN_PODS = 2000  # lists after the process's first are frozen from this size
ALL = "all"

class BrowserScreen(Screen[None]):
    """Pods of one namespace (or all), live."""

    BINDINGS = bindings(BROWSER)  # tui/actions.py: the keys, footer, help and palette texts
    HELP_TITLE = "browser"

    # Reactives: `init=False` (the constructor's values are set with `set_reactive`, and `on_mount`
    # shows them), `always_update=True` where every assignment must redraw, as it did before they
    # were reactives (e.g. the same namespace picked again, a new watch's status reset to None).
    connection: var[ClusterConnection | None] = var(None, init=False)
    """The connection to the API server: None while connecting and after a failed connect. Its
    context and server are the header's."""
    connect_error: var[ClusterError | None] = var(None, init=False, always_update=True)
    """Why the last connect failed (None while connecting and once connected): the header says
    "failed" with the reason, and the message in the table's place says what to do."""
    context_name: var[str | None] = var(None, init=False)
    """The kubeconfig context connected to, or being connected to (None: the current context)."""
    namespace: var[str] = var("", init=False, always_update=True)
    """The namespace shown ("" until known: the connection's namespace, else "default"); shown in
    the header unless `all_namespaces`."""
    all_namespaces: var[bool] = var(False, init=False, always_update=True)
    """Pods of every namespace are shown (the header says "all")."""
    label_selector: var[str | None] = var(None, init=False)
    """The `-l` selector the watch lists with (None: every pod)."""
    pod_filter: var[PodFilter] = var(PodFilter, init=False, always_update=True)
    """The text filter (`/`) over the listed pods: the table shows the rows it matches."""
    watch_status: var[WatchStatus | None] = var(None, init=False, always_update=True)
    """The pod watch's last status (None: a new watch, nothing heard yet): the header's state line."""
    has_listed: var[bool] = var(False, init=False)
    """The current watch delivered its first complete list (until then: "Loading pods…")."""
    cluster_objects: var[ClusterObjects] = var(ClusterObjects, init=False, always_update=True)
    """Nodes and namespaces of the cluster (for the inspector's facts and the palette's `ns NAME`)."""
    inspected: var[PodKey | None] = var(None, init=False, always_update=True)
    """The pod the inspector shows (None: none)."""
    inspector_hidden: var[bool] = var(False, init=False, always_update=True)
    """The user hid the inspector (`i`)."""

    def __init__(
        self,
        *,
        kubeconfig: Any,
        context: str | None,
        namespace: str | None,
        all_namespaces: bool,
        demo: bool,
        clock: Callable[[], datetime],
        live_timers: bool = True,
    ) -> None:
        super().__init__()
        # The constructor's arguments: fixed for the screen's life.
        self.kubeconfig = kubeconfig
        self.requested_namespace = namespace  # `-n`: the namespace each context starts with
        self.demo = demo
        self.clock = clock
        self.live_timers = live_timers
        self._highlighted: PodKey | None = None  # the cursor's pod, inspected once its frame is painted
        # Before mount: no watcher may run yet (they update widgets not composed yet).
        self.set_reactive(BrowserScreen.context_name, context)
        self.set_reactive(BrowserScreen.namespace, namespace or "")
        self.set_reactive(BrowserScreen.all_namespaces, all_namespaces)
        # Plain attributes, not reactives: handles and bookkeeping nothing on screen shows.
        self.watcher: PodWatcher | None = None  # the running watch (owns its threads; stopped, replaced)
        self._first_rows_written = False  # the benchmark's timestamp was written (once)
        self._reselect: PodKey | None = None  # the pod to select again when the watch delivers it
        self._table_had_focus = False  # the table was focused when a message took its place
        self._filter_timer: Timer | None = None  # the typed filter's debounce
        self._context_timer: Timer | None = None  # the inspected pod's context, once the cursor rests
        self._deferred: PodBatch | None = None  # pod changes held while the cursor moves (keys first)
        self._deferred_since = 0.0  # when the first of them was held (monotonic)
        self._deferred_timer: Timer | None = None
        self._gc_frozen_for: PodWatcher | None = None  # the watch whose pods were excluded from the GC
        self._unbound_key_hint = UnboundKeyHint()  # "x: no such key here" (rate-limited)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield ClusterHeader(id="header")
        yield FilterInput(placeholder="filter: text, /regex/, or -l app=x   (Enter applies, Esc clears)", id="filter")
        with Vertical(id="workspace"):
            with Vertical(id="body"):
                with Vertical(id="table-pane"):
                    yield PodTable(clock=self.clock, id="pods")
                    yield Static("", id="table-message")
                yield (inspector := ContainerInspector(clock=self.clock, id="inspector"))
            yield SessionTabs(id="sessions", copy_text=self._copy_text, cast_directory=cast_directory,
                              key_display=self._key_display)
        yield Footer()
        yield PodContextFeed(inspector, id="pod-context")  # the inspected pod's events and workload, live

    @property
    def table(self) -> PodTable:
        """The pod table (its rows are the watch's pods as filtered)."""
        return self.query_one(PodTable)

    def _copy_text(self, text: str) -> bool:
        """The session panes' `y`: OSC 52, and the local clipboard when not over SSH."""
        return copy_text(self.app, text)

    def _key_display(self, binding_id: str, default: str) -> str:
        """A browser key as the user's keymap has it, for the session panes' banners."""
        return key_for(self.app, binding_id, default)

    @property
    def inspector(self) -> ContainerInspector:
        """The container inspector beside (or below) the table."""
        return self.query_one(ContainerInspector)

    @property
    def header(self) -> ClusterHeader:
        """The header: where the browser is, how the watch is doing, a long wait in progress
        (`header.start_activity` / `end_activity`)."""
        return self.query_one(ClusterHeader)

    @property
    def sessions(self) -> SessionTabs:
        """The session panes (attach, shell) under the table."""
        return self.query_one(SessionTabs)

    # ------------------------------------------------------------------ for the modules acting on the browser
    def pod(self, key: PodKey | None) -> dict[str, Any] | None:
        """The listed pod `key` (its JSON as the watch delivered it), None when not listed."""
        return self.table.pods.get(key) if key is not None else None

    def selected_pod(self) -> tuple[PodKey, dict[str, Any]] | None:
        """The pod under the table's cursor, as (key, JSON); None when there is none."""
        key = self.table.selected_key
        pod = self.pod(key)
        return None if key is None or pod is None else (key, pod)

    def pod_names(self, namespace: str) -> list[str]:
        """The names of the listed pods in `namespace`."""
        return [name for ns, name in self.table.pods if ns == namespace]

    @property
    def shown_namespace(self) -> str | None:
        """The namespace whose pods are shown, None when all namespaces are."""
        return None if self.all_namespaces else self.namespace

    @property
    def namespace_names(self) -> list[str]:
        """The cluster's namespaces as last listed, sorted (empty until listed or when forbidden)."""
        return sorted(self.cluster_objects.namespaces)

    def cli_flags(self) -> list[str]:
        """The kubectl flags reaching the cluster shown (`--kubeconfig`, `--context`), for the
        commands Ephemera suggests."""
        return list(self.kubeconfig.cli_flags(self.context_name or None))

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.sessions.display = False
        self.sessions.on_leave = self.action_focus_table
        header = self.header
        header.demo = self.demo
        info = self._show_kubeconfig_context(self.context_name)
        if self.namespace or self.all_namespaces:
            self._update_header_scope()
        self._show_message(Text(f"Connecting{_where(info)}…", style="dim"))
        self.table.focus()
        self._connect(self.context_name)
        if self.live_timers:
            self.set_interval(AGE_REFRESH_SECONDS, self._refresh_ages)
            self.set_interval(OBJECTS_REFRESH_SECONDS, self._reload_cluster_objects)

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE_LAYOUT_MIN_WIDTH
        self.set_class(wide, "-wide")
        table_width = event.size.width * 3 // 5 if wide else event.size.width
        self.table.set_compact(table_width < COMPACT_TABLE_MAX_WIDTH)

    def on_unmount(self) -> None:
        self._stop_watcher(wait=True)
        for sessions in self.query(SessionTabs):
            sessions.close_all()

    # ------------------------------------------------------------------ connection
    def _connect(self, context: str | None) -> None:
        self._stop_watcher()
        self.connection = None
        self.connect_error = None
        forget(self, "cluster-objects")  # nodes and namespaces of the context being left
        kubeconfig = self.kubeconfig

        def connect() -> Connected:
            try:
                return Connected(context or "", kubeconfig.connect(context), None)
            except Exception as exc:  # noqa: BLE001 - shown in place of the table
                error = exc if isinstance(exc, ClusterError) else describe_exception(exc)
                return Connected(context or "", None, error)

        cached = kubeconfig.cached_connection(context)
        if cached is not None:  # the CLI connected before the app started: list at once (issue 15)
            self.post_message(Connected(context or "", cached, None))
            return
        run_in_background(self, connect, group="connect")

    @on(Connected)
    def _on_connected(self, message: Connected) -> None:
        if message.error is not None:
            self.connect_error = message.error  # type: ignore[assignment]
            return
        connection = message.connection
        self.connection = connection
        self.context_name = connection.context
        if not self.namespace:
            self.namespace = connection.namespace or "default"
        self._start_watch()
        self._reload_cluster_objects()

    def watch_connection(self, connection: ClusterConnection | None) -> None:
        if connection is not None:
            header = self.header
            header.context = connection.context
            header.server = connection.server
        self._follow_context()  # another connection (or none): the context's watches are of the old one

    def watch_connect_error(self, error: ClusterError | None) -> None:
        if error is not None:
            self.header.state = "failed"
            self.header.reason = str(getattr(error, "message", error))
            self._update_placeholder()

    def watch_namespace(self) -> None:
        self._update_header_scope()

    def watch_all_namespaces(self) -> None:
        self._update_header_scope()

    def _update_header_scope(self) -> None:
        self.header.namespace = ALL if self.all_namespaces else self.namespace

    def _show_kubeconfig_context(self, context: str | None) -> Any:
        """Before (or without) a connection: the header shows the context, server and namespace
        the kubeconfig names, so a failed connect still says where it was going. Returns the
        kubeconfig's context info (None for an unknown context)."""
        header = self.header
        header.context = context or ""
        header.server = ""
        try:
            info = self.kubeconfig.context(context)
        except Exception:  # noqa: BLE001 - an unknown context is reported by the connect itself
            return None
        header.context = getattr(info, "name", "") or header.context
        header.server = getattr(info, "server", "") or ""
        if not self.namespace and not self.all_namespaces:
            header.namespace = getattr(info, "namespace", "") or "default"
        return info

    # ------------------------------------------------------------------ watch
    def _start_watch(self) -> None:
        self._stop_watcher()
        self._drop_deferred()
        if self.connection is None:
            return
        self.has_listed = False
        self.watch_status = None
        self._reselect = self.table.selected_key
        self.table.set_show_namespace(self.all_namespaces)
        self.table.apply_batch(PodBatch(upserts={}, reset=True))
        self.header.retry_at = None
        self.header.pod_count = ""
        self.inspected = None

        def on_batch(batch: PodBatch) -> None:
            self.post_message(PodsChanged(batch, watcher))

        def on_status(status: WatchStatus) -> None:
            self.post_message(WatchStatusChanged(status, watcher))

        watcher = PodWatcher(
            self.connection,
            None if self.all_namespaces else self.namespace,
            label_selector=self.label_selector,
            on_batch=on_batch,
            on_status=on_status,
        )
        self.watcher = watcher
        watcher.start()
        self._update_placeholder()

    def _stop_watcher(self, *, wait: bool = False) -> None:
        """Stop the current watcher (its threads end on their own; what it posted before is no
        longer dispatched). When leaving, wait a moment for them: a thread stuck in a connect to a
        silent server must not hold up quitting for long (they are daemons)."""
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop(timeout=0.5 if wait else 0)

    @on(PodsChanged)
    def _on_pods(self, message: PodsChanged) -> None:
        batch = message.batch
        if self._deferred is not None or self._keys_active():
            self._hold(batch, KEYS_FIRST_SECONDS)
            return
        self._apply_pods(batch)

    def _hold(self, batch: PodBatch, delay: float, since: float | None = None) -> None:
        """Keep `batch` (merged with what is held already) to apply after `delay`. `since`: when its
        changes were first held (the rest of a batch applied in parts keeps its batch's time, so
        changes wait at most KEYS_FIRST_MAX_SECONDS while keys keep coming)."""
        if self._deferred is None:
            self._deferred, self._deferred_since = batch, time.monotonic() if since is None else since
        else:
            self._deferred = merge_batches(self._deferred, batch)
        if self._deferred_timer is None:
            self._deferred_timer = self.set_timer(delay, self._apply_deferred)

    def _keys_active(self) -> bool:
        return time.monotonic() - self.table.moved_at < KEYS_FIRST_SECONDS

    def _apply_deferred(self) -> None:
        self._deferred_timer = None
        if self._deferred is None:
            return
        waited = time.monotonic() - self._deferred_since
        if self._keys_active() and waited < KEYS_FIRST_MAX_SECONDS:
            self._deferred_timer = self.set_timer(min(KEYS_FIRST_SECONDS, KEYS_FIRST_MAX_SECONDS - waited),
                                                  self._apply_deferred)
            return
        batch, self._deferred = self._deferred, None
        self._apply_pods(batch, self._deferred_since)

    def _drop_deferred(self) -> None:
        """Forget held changes (a new watch: they were the old one's)."""
        self._deferred = None
        if self._deferred_timer is not None:
            self._deferred_timer.stop()
            self._deferred_timer = None

    def _apply_pods(self, batch: PodBatch, since: float | None = None) -> None:
        status = self.watch_status  # listing: its pages go in whole (all rows sooner), changes in parts
        table = self.table
        if status is not None and status.state in ("live", "stale") and not batch.reset and len(batch.upserts) > APPLY_CHUNK:
            # in the order the changes came: each part changes a few rows on screen, a short frame
            # (the rows on screen first made one frame of every row on screen at 1k pods, 40-50 ms
            # under a storm, and a j waited behind it: issue 15)
            items = list(batch.upserts.items())
            self._hold(PodBatch(upserts=dict(items[APPLY_CHUNK:])), 0.02, since)  # the rest after a frame
            batch = PodBatch(upserts=dict(items[:APPLY_CHUNK]), deletes=batch.deletes)
        table.apply_batch(batch)
        for sessions in self.query(SessionTabs):  # none while the app is closing
            sessions.pods_changed(batch.upserts.keys(), table.pods, batch.deletes, reset=batch.reset)
        if batch.reset:
            self.has_listed = True
        self._update_count()
        inspected = self.inspected
        if inspected is not None:
            if inspected in batch.upserts:
                self.inspector.show(table.pods[inspected])
                if self._context_timer is None:  # else followed once the cursor rests (watch_inspected)
                    self._follow_context()
            elif inspected in batch.deletes or (batch.reset and inspected not in batch.upserts):
                self.inspector.show(self.inspector.pod, gone=True)
                self._follow_context()
        reselect = self._reselect
        if reselect is not None and reselect in table.pods:
            self._reselect = None
            table.select_key(reselect, center=True)
        elif self.inspected is None and table.row_count:
            self.inspected = table.selected_key
        if batch.reset:
            self._reselect = None
        self._update_placeholder()
        watcher = self.watcher
        if batch.reset and watcher is not None:  # a list's first page: it reads on once painted
            self.call_after_refresh(watcher.first_rows_shown)
        if table.row_count and not self._first_rows_written:
            self._first_rows_written = True
            path = os.environ.get(BENCH_ENV)
            if path:
                self.call_after_refresh(_write_timestamp, path)

    @on(WatchStatusChanged)
    def _on_watch_status(self, message: WatchStatusChanged) -> None:
        self.watch_status = message.status
        if message.status.state == "live":
            self._exclude_pods_from_gc()

    def watch_watch_status(self, status: WatchStatus | None) -> None:
        header = self.header
        if status is None:  # a new watch (or context): nothing heard yet
            header.state = "connecting"
            header.reason = ""
            return
        header.state = status.state
        header.reason = status.reason
        header.retry_at = status.retry_at
        header.refresh()
        self._update_placeholder()

    def _exclude_pods_from_gc(self) -> None:
        """Once a list is on screen ("live" follows the list's last batch): keep its pods, and the
        app's own objects, out of the garbage collector's full scans, which otherwise pause the UI
        in update storms. The first list of the process whatever its size (the app's own ~10^5
        objects made each full collection 80-125 ms at 1,000 pods, one every few seconds in a storm:
        issue 15, `j` at 1k pods), later lists when large."""
        if self._gc_frozen_for is self.watcher:
            return
        if gc.get_freeze_count() == 0 or len(self.table.pods) >= GC_FREEZE_MIN_PODS:
            self._gc_frozen_for = self.watcher
            exclude_loaded_pods_from_gc()

    def _update_count(self) -> None:
        table = self.table
        total = len(table.pods)
        shown = table.visible_count
        text = counted(total, "pod") if shown == total else f"{shown}/{counted(total, 'pod')}"
        if self.label_selector:
            text += f"  -l {self.label_selector}"
        self.header.pod_count = text

    # ------------------------------------------------------------------ messages in place of the table
    def _show_message(self, text: Text | None) -> None:
        message = self.query_one("#table-message", Static)
        table = self.table
        # An empty inspector beside a message is noise: it comes back with the first pod.
        self.inspector.display = not self.inspector_hidden and (text is None or self.inspector.pod is not None)
        if text is None:
            message.display = False
            table.display = True
            # Textual moves the focus off a hidden widget (to nothing, or to the inspector beside
            # it): the table hidden by "Loading pods…" (A, n, -l restart the watch) would come
            # back deaf to j/k. It gets the focus back when it had it, or when nothing has it.
            if self.focused is None or (self._table_had_focus and self.focused is self.inspector):
                self.set_focus(table)
            if self._table_had_focus:
                # Textual moves the focus off a hidden widget at its next layout refresh: when the
                # rows came back first, the move still comes (under load): take it back then too
                self.call_after_refresh(self._refocus_table)
            self._table_had_focus = False
            return
        if table.display:
            self._table_had_focus = self.focused is table
        message.update(sanitize_text(text))
        message.display = True
        table.display = False

    def _refocus_table(self) -> None:
        if self.table.display and (self.focused is None or self.focused is self.inspector):
            self.set_focus(self.table)

    def _placeholder_text(self) -> Text | None:
        server = getattr(self.connection, "server", "") or "the API server"
        if self.connect_error is not None:
            error = self.connect_error
            return _message(
                f"Cannot connect with context {self.context_name or self.header.context or '(current)'}",
                str(getattr(error, "message", error)),
                (getattr(error, "hint", "") or "") + "\nPress c to pick another context, r to retry.",
            )
        if self.table.row_count:
            return None
        status = self.watch_status
        scope = "any namespace" if self.all_namespaces else f"namespace {self.namespace}"
        if status is not None and status.state == "failed" and status.http_status == 400 and self.label_selector:
            return _message(
                f"The label selector -l {self.label_selector} is not valid",
                status.reason,
                "Press / to edit it (e.g. -l app=web,tier!=db or -l env in (dev,test)), Esc to clear it.",
            )
        if status is not None and status.state == "failed":
            keys = "press n to pick another namespace, " if not self.all_namespaces else "press A for one namespace, "
            return _message(
                f"Cannot list pods in {scope}",
                status.reason,
                _sentence(status.hint or "ask your cluster admin for the missing permission")
                + "\n\n"
                + _sentence(f"Meanwhile {keys}c for another context. Retrying every 15 s; r retries now"),
            )
        if status is not None and status.state == "reconnecting" and not self.has_listed:
            return _message(
                f"Cannot reach the cluster at {server}",
                status.reason,
                _sentence(
                    status.hint
                    or "check that the cluster is running and reachable (VPN, proxy, kubeconfig server address)"
                )
                + "\n\nRetrying with backoff (the header counts down); r retries now, c picks another context.",
            )
        if not self.has_listed:
            return Text(f"Loading pods in {scope} from {server}…", style="dim")
        if self.table.pods and self.pod_filter.active:
            return _message(
                f"No pods match the filter {self.pod_filter.describe}",
                f"{counted(len(self.table.pods), 'pod')} in {scope}",
                "Esc clears the filter.",
            )
        if self.label_selector:
            return _message(
                f"No pods in {scope} match -l {self.label_selector}",
                "",
                "Esc clears the label selector; n picks another namespace, A shows all namespaces.",
            )
        if self.all_namespaces:
            return _message("No pods in any namespace", "", "c picks another context.")
        return _message(
            f"No pods in namespace {self.namespace}",
            "",
            "Press n to pick another namespace, or A to show all namespaces.",
        )

    def _update_placeholder(self) -> None:
        self._show_message(self._placeholder_text())

    # ------------------------------------------------------------------ inspector
    @on(PodTable.Highlighted)
    def _row_highlighted(self, event: PodTable.Highlighted) -> None:
        # Keys first (issue 15): the moved cursor is painted before the inspector renders the new
        # pod (a relayout of its pane), and a held j inspects the pod it stops on, not each one passed.
        pending = self._highlighted is not None
        self._highlighted = event.key
        if not pending:
            self.call_after_refresh(self._inspect_after_frame)

    def _inspect_after_frame(self) -> None:
        """The cursor's frame is painted: the inspector follows once it is written (a timer, so the
        loop waits and the output thread takes the GIL first: INSPECT_AFTER_FRAME_SECONDS)."""
        self.set_timer(INSPECT_AFTER_FRAME_SECONDS, self._inspect_highlighted)

    def _inspect_highlighted(self) -> None:
        key, self._highlighted = self._highlighted, None
        if key is not None and key in self.table.pods:  # not a row deleted since (its pod shows as gone)
            self.inspected = key

    @on(PodTable.Selected)
    def _row_selected(self, event: PodTable.Selected) -> None:
        self.action_focus_inspector()

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        """The inspector shows the pod of what has the focus: a session pane's pod while its
        terminal has it, the table's cursor again when the table has it."""
        widget = event.widget
        if widget is self.table:
            key = self.table.selected_key
        else:
            chain = widget.ancestors_with_self
            pane = next((pane for pane in self.sessions.panes if pane in chain), None)
            if pane is None:
                return
            key = (pane.target.namespace, pane.target.pod)
        if key is not None and key != self.inspected and key in self.table.pods:
            self.inspected = key

    def watch_inspected(self, key: PodKey | None) -> None:
        self.inspector.show(self.pod(key))
        if self._context_timer is not None:
            self._context_timer.stop()
        self._context_timer = self.set_timer(CONTEXT_SETTLE_SECONDS, self._context_settled)

    def _context_settled(self) -> None:
        """The cursor rested on the inspected pod: its events and workload are followed now. Not
        before, not even when a batch updates the pod (issue 15, `j` at 1k pods: in a storm every
        inspected pod is updated twice a second, and each update started the watches of the pod the
        cursor was passing, whose answers redrew the inspector several times, 10-25 ms each, between
        two keys)."""
        self._context_timer = None
        self._follow_context()

    def watch_inspector_hidden(self, hidden: bool) -> None:
        self.inspector.display = not hidden
        self._follow_context()

    def _follow_context(self) -> None:
        """The inspector's events and workload follow the pod it shows (tui/screens/pod_context.py):
        watched while it is shown and there, stopped otherwise."""
        inspector = self.inspector
        shown = inspector.pod if not self.inspector_hidden and not inspector.gone else None
        for feed in self.query(PodContextFeed):  # none while the app is closing
            feed.follow(self.connection, shown)

    def _refresh_ages(self) -> None:
        self.table.refresh_ages()
        if self.inspector.pod is not None:
            self.inspector.show(self.inspector.pod, gone=self.inspector.gone)

    def _reload_cluster_objects(self) -> None:
        connection = self.connection
        if connection is None:
            return
        run_in_background(self, lambda: fetch_cluster_objects(connection), ClusterObjectsLoaded,
                          group="cluster-objects")

    @on(ClusterObjectsLoaded)
    def _on_objects(self, message: ClusterObjectsLoaded) -> None:
        self.cluster_objects = message.objects

    def watch_cluster_objects(self, objects: ClusterObjects) -> None:
        self.inspector.set_cluster_objects(nodes=objects.nodes, namespaces=objects.namespaces, notes=objects.notes)

    # Textual's handler names for tui.screens.debug_followup's messages (not @on, which needs the class:
    # that module, the debug form and its planning are imported when d / P / C first opens them)
    def on_follow_progress(self, message: FollowProgress) -> None:
        from tui.screens.debug_followup import follow_progress  # loaded already: it sent the message

        follow_progress(self, message)

    def on_container_followed(self, message: ContainerFollowed) -> None:
        from tui.screens.debug_followup import container_followed  # loaded already: it sent the message

        container_followed(self, message)

    @on(BackgroundFailed)
    def _background_failed(self, message: BackgroundFailed) -> None:
        if message.group == "cluster-objects":
            message.stop()  # the watcher reports connectivity; the facts stay "unknown"

    def on_key(self, event: events.Key) -> None:
        """A key nothing here is bound to (nor a field or a pane took) says so, not silence."""
        self._unbound_key_hint(self, event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a focused terminal pane every key goes to the container: none of the browser's
        keys apply there, so none stay in the footer (the pane's own hint says Ctrl+] leaves)."""
        if is_terminal_view(self.focused):
            return False
        return True

    # ------------------------------------------------------------------ filter
    def action_start_filter(self) -> None:
        focused = self.focused
        if focused is not None and (
            is_terminal_view(focused) or focused.check_consume_key("slash", "/")
        ):
            # a `/` typed into the filter field or a terminal pane: not handled here, so the key
            # goes on to the focused widget (SkipAction rather than check_action, which would also
            # take "/ Filter" out of the footer)
            raise SkipAction()
        field = self.query_one("#filter", Input)
        field.display = True
        # At once, not `field.focus()` (deferred): keys typed right after `/` (fast typing, a paste,
        # `/-l app=x` sent in one burst) would otherwise reach the browser's bindings (a, s, d...).
        self.set_focus(field)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        parsed = parse_filter(event.value)
        if parsed.label_selector is not None:
            return  # applied on Enter: it restarts the watch
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DEBOUNCE_SECONDS, lambda: self._apply_text_filter(parsed))

    def _apply_text_filter(self, parsed: PodFilter) -> None:
        self._filter_timer = None
        self.pod_filter = parsed
        self.header.filter_text = parsed.describe if parsed.label_selector is None else self.header.filter_text
        self._update_count()
        self._update_placeholder()
        self._follow_cursor()

    def _follow_cursor(self) -> None:
        """The inspector shows the pod under the cursor again after a filter hid the inspected one
        (the cursor moved to another row without a key); a pod shown as gone stays until a key moves."""
        key = self.table.selected_key
        if key is not None and key != self.inspected and not self.inspector.gone:
            self.inspected = key

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.apply_filter(event.value)
        field = self.query_one("#filter", Input)
        field.display = False
        self.set_focus(self.table)  # at once: keys typed right after Enter are the browser's again

    def apply_filter(self, text: str) -> None:
        """Apply a filter as if typed after `/` and submitted (also used by the palette)."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        parsed = parse_filter(text)
        if parsed.error:
            self.notify(parsed.error, severity="warning")
        if parsed.label_selector is not None:
            self.pod_filter = PodFilter()
            self.header.filter_text = f"-l {parsed.label_selector}"
            if parsed.label_selector != self.label_selector:
                self.label_selector = parsed.label_selector
                self._start_watch()
        else:
            self._apply_text_filter(parsed)

    def clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        self.header.filter_text = ""
        if self.pod_filter.active:
            self.pod_filter = PodFilter()
            self._follow_cursor()
        if self.label_selector:
            self.label_selector = None
            self._start_watch()
        self._update_count()
        self._update_placeholder()
        self.set_focus(self.table)

    def watch_pod_filter(self, pod_filter: PodFilter) -> None:
        self.table.set_filter(pod_filter)

    def action_escape(self) -> None:
        focused = self.focused
        if focused is not None and (is_terminal_view(focused) or self.sessions in focused.ancestors):
            # a pane's program takes Esc, the tab bar leaves with it (its own priority binding)
            raise SkipAction()
        if isinstance(focused, Input):
            self.clear_filter()
        elif isinstance(focused, ContainerInspector):
            self.action_focus_table()
        elif self.pod_filter.active or self.label_selector:
            self.clear_filter()

    # ------------------------------------------------------------------ focus and layout
    def action_toggle_focus(self) -> None:
        if isinstance(self.focused, ContainerInspector):
            self.action_focus_table()
        else:
            self.action_focus_inspector()

    def action_focus_inspector(self) -> None:
        self.inspector_hidden = False
        self.add_class("-inspecting")
        self.set_focus(self.inspector)  # at once: j/k typed right after Enter/Tab scroll the inspector

    def action_focus_table(self) -> None:
        self.remove_class("-inspecting")
        self.set_focus(self.table)

    def action_toggle_inspector(self) -> None:
        self.inspector_hidden = bool(self.inspector.display)
        if self.inspector_hidden:
            self.action_focus_table()

    # ------------------------------------------------------------------ namespaces and contexts
    def action_pick_namespace(self) -> None:
        connection = self.connection
        if connection is None:
            self.notify("Not connected: no namespaces to list", severity="warning")
            return

        def load() -> tuple[list[str], str]:
            choices = namespace_choices(connection)
            return list(choices.names), choices.notice or ""

        current = ALL if self.all_namespaces else self.namespace
        self.app.push_screen(
            PickerModal("Namespace", load=load, current=current, extra_first=[ALL], allow_typed=True),
            self._namespace_picked,
        )

    def _namespace_picked(self, value: str | None) -> None:
        if value:
            self.switch_namespace(value)

    def switch_namespace(self, namespace: str) -> None:
        """Show one namespace, or every namespace for "all" (also `:ns NAME`)."""
        namespace = namespace.strip()
        if namespace != ALL and not NAMESPACE_NAME.fullmatch(namespace):
            self.notify(
                f"{namespace!r} is not a namespace name: lowercase letters, digits and '-', "
                "at most 63 characters, starting and ending with a letter or digit",
                severity="error",
            )
            return
        if namespace == ALL:
            self.all_namespaces = True
        else:
            self.all_namespaces = False
            self.namespace = namespace
        self._start_watch()

    def action_toggle_all_namespaces(self) -> None:
        self.all_namespaces = not self.all_namespaces
        self._start_watch()

    def action_pick_context(self) -> None:
        names = [info.name for info in self.kubeconfig.contexts]
        self.app.push_screen(PickerModal("Context", items=names, current=self.context_name), self._context_picked)

    def _context_picked(self, value: str | None) -> None:
        if value:
            self.switch_context(value)

    def switch_context(self, context: str) -> None:
        """Reconnect with another kubeconfig context (new connection, new watcher)."""
        self.context_name = context
        self.namespace = self.requested_namespace or ""
        self.table.apply_batch(PodBatch(upserts={}, reset=True))
        self.inspected = None
        self.cluster_objects = ClusterObjects()
        self._show_kubeconfig_context(context)  # the new context's namespace when none was asked for
        self.header.pod_count = ""
        self.has_listed = False
        self.watch_status = None
        self._show_message(Text(f"Connecting with context {context}…", style="dim"))
        self._connect(context)

    def action_retry(self) -> None:
        if self.connect_error is not None or self.connection is None:
            self._connect(self.context_name)
        elif self.watcher is not None:
            self.watcher.retry_now()

    # ------------------------------------------------------------------ session panes (tui/screens/session_panes.py)
    def action_attach(self) -> None:
        attach_selected(self)

    def action_shell(self) -> None:
        shell_selected(self)

    # ------------------------------------------------------------------ logs (tui/screens/logs_screen.py)
    # The views opened by a key (logs, YAML, node debug, file copy) are imported on their first use,
    # not at start-up: the first screen does not wait for them (issue 15; tests/unit/test_late_imports.py).
    def action_logs(self) -> None:
        from tui.screens.logs_screen import open_logs  # the log view, its reader and parser: on first use

        open_logs(self, previous=False)

    def action_previous_logs(self) -> None:
        from tui.screens.logs_screen import open_logs  # the log view, its reader and parser: on first use

        open_logs(self, previous=True)

    # ------------------------------------------------------------------ YAML (tui/screens/yaml_screen.py)
    def action_view_yaml(self) -> None:
        from tui.screens.yaml_screen import open_yaml  # rich.syntax and Pygments: on first use

        open_yaml(self)

    def action_focus_sessions(self) -> None:
        if not self.sessions.panes:
            self.notify("No session open: a attaches to an ephemeral container, s opens a shell")
            return
        self.sessions.action_focus_terminal()

    def action_sessions_full(self) -> None:
        self.sessions.action_toggle_full()

    # ------------------------------------------------------------------ debugging (tui/screens/debug_*.py)
    def select_pod(self, key: PodKey) -> None:
        """Select `key` now, or as soon as the watch delivers it (e.g. a copy just created)."""
        if not self.table.select_key(key, center=True):
            self._reselect = key

    def action_debug(self) -> None:
        from tui.screens.debug_followup import open_debug_form  # the debug form and its planning: on first use

        open_debug_form(self)

    def action_debug_node(self) -> None:
        from tui.screens.node_debug_modal import open_node_debug  # node debug planning: on first use

        open_node_debug(self)

    def action_policy_audit(self) -> None:
        from tui.screens.debug_followup import open_policy_audit  # the policy audit: on first use

        open_policy_audit(self)

    def action_cleanup(self) -> None:
        from tui.screens.debug_followup import open_cleanup  # the cleanup screen: on first use

        open_cleanup(self)

    # ------------------------------------------------------------------ pod actions (tui/screens/pod_actions.py)
    def action_sort_next_column(self) -> None:
        sort_table(self, reverse=False)

    def action_reverse_sort(self) -> None:
        sort_table(self, reverse=True)

    def action_copy_name(self) -> None:
        copy_pod_name(self, with_namespace=False)

    def action_copy_full_name(self) -> None:
        copy_pod_name(self, with_namespace=True)

    def action_delete_pod(self) -> None:
        open_delete_pod(self)

    def action_copy_files(self) -> None:
        from tui.screens.file_copy_modal import open_file_copy  # the file copy (tar over exec): on first use

        open_file_copy(self)

    # ------------------------------------------------------------------ screenshots (help: app.action_help)
    def action_screenshot(self) -> None:
        self.app.save_screenshot_notice()  # type: ignore[attr-defined]


class FilterInput(Input):
    """The `/` field. Keys typed right after Enter (already routed here, as the focus moves back
    to the table only when the submit is handled) go on to the table instead of into the hidden field."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.display:
            # submit here rather than through the Enter binding (which runs only after the keys
            # queued behind Enter were typed into the field)
            event.stop()
            event.prevent_default()
            self.display = False
            screen = self.screen
            if isinstance(screen, BrowserScreen):
                screen.set_focus(screen.table)
            self.post_message(self.Submitted(self, self.value))
            return
        if not self.display:
            event.stop()
            event.prevent_default()
            screen = self.screen
            target = screen.focused if screen.focused is not self else None
            if target is None and isinstance(screen, BrowserScreen):
                target = screen.table
                screen.set_focus(target)
            if target is not None:
                target.post_message(events.Key(event.key, event.character))
            return
        await super()._on_key(event)


def _message(title: str, detail: str, hint: str) -> Text:
    text = Text()
    text.append(title + "\n", style="bold")
    if detail:
        text.append(detail + "\n", style="red")
    if hint:
        text.append("\n" + hint, style="dim")
    return text


def _sentence(text: str) -> str:
    """`text` with a capital first letter and a final full stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _where(info: Any) -> str:
    """` to https://host:6443 (context prod)` for the first "Connecting…" message (`info`: the
    kubeconfig's context, None when unknown)."""
    if info is None:
        return ""
    server = getattr(info, "server", "") or ""
    name = getattr(info, "name", "") or ""
    return (f" to {server}" if server else "") + (f" (context {name})" if name else "")


def _write_timestamp(path: str) -> None:
    try:
        Path(path).write_text(repr(time.time()))
    except OSError:
        pass
