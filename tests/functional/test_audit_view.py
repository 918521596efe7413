"""The audit log in the app: a change made through the debug form and one through the cleanup
view each add one entry; a demo session writes `audit-demo.jsonl`, never the user's log; `L`
shows the entries newest first with the request and the server's answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.browser import wait_for
from helpers.debug_ui import app_for, open_form, preview
from tui.app import DEMO_AUDIT_LOG_NAME, audit_log_path_for
from tui.audit_log import AuditLog
from tui.demo.cluster import DemoCluster
from tui.paths import audit_log_path
from tui.screens.audit_log_screen import AuditLogScreen
from tui.screens.cleanup_screen import CleanupScreen
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_modal import DebugFormModal
from tui.screenshots import choose_mode

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path


async def _choose_copy_mode(pilot, form: DebugFormModal) -> None:  # type: ignore[no-untyped-def]
    await choose_mode(pilot, form, 2)  # keyboard: the mode list, down to "Copy and share", Enter
    await wait_for(pilot, lambda: "--copy-to=" in preview(form), what="copy mode")


async def test_demo_session_logs_form_and_cleanup_changes_apart(demo_cluster: DemoCluster) -> None:
    assert audit_log_path_for(True) == audit_log_path().with_name(DEMO_AUDIT_LOG_NAME)
    app = app_for(demo_cluster, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await _choose_copy_mode(pilot, form)
        copy_name = preview(form).split("--copy-to=", 1)[1].split()[0]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="form closed")
        await wait_for(pilot, lambda: app.browser.table.selected_key == ("default", copy_name), timeout=30,
                       what="the copy selected")
        sessions = app.browser.sessions
        await wait_for(pilot, lambda: sessions.panes and app.focused is sessions.panes[0].terminal, timeout=30,
                       what="the debugger's pane (the follow-up attaches)")
        await pilot.press("ctrl+right_square_bracket", "escape")  # leave the pane, back to the browser
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen), what="cleanup view")
        cleanup = app.screen
        await wait_for(pilot, lambda: not cleanup.loading and cleanup.copies, what="copies listed")
        await pilot.press("space", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is cleanup and not cleanup.busy and not cleanup.copies, timeout=30,
                       what="deleted")
        await pilot.press("escape", "L")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditLogScreen) and app.screen.loaded, what="audit view")
        view = app.screen
        assert [(e.action, e.pod, e.ok) for e in view.entries] == [
            ("copy-deleted", copy_name, True), ("copy-created", copy_name, True)]  # newest first
        assert "2 entries, newest first" in view.status_text
        assert str(AuditLog(audit_log_path_for(True)).path) in str(view.query_one("#audit-log").border_subtitle)
        details = view.details_text
        assert "copy-deleted" in details and f"DELETE /api/v1/namespaces/default/pods/{copy_name}" in details
        assert "preconditions" in details  # the request body: only that uid is deleted
        await pilot.press("j")
        await wait_for(pilot, lambda: "copy-created" in view.details_text, what="details of the older entry")
        assert "POST /api/v1/namespaces/default/pods" in view.details_text
        assert '"shareProcessNamespace": true' in view.details_text
    assert not audit_log_path().exists()  # the user's real log is untouched by a demo session
    assert len(AuditLog(audit_log_path_for(True)).read()) == 2


async def test_audit_view_of_an_empty_log_says_what_adds_entries(shared_cluster: DemoCluster,
                                                                  private_files: Path) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.browser.table.row_count > 0, what="rows")
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditLogScreen) and app.screen.loaded, what="audit view")
        assert "No change recorded yet" in app.screen.status_text
        assert str(audit_log_path()) in app.screen.status_text
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is app.browser, what="closed")


async def test_a_refused_change_from_the_form_is_a_failed_entry_in_the_view(demo_cluster: DemoCluster) -> None:
    """vault-agent-0's namespace enforces `restricted`: the server refuses the debugger; the refusal
    is in the log with the server's answer, and the view marks it FAILED; Tab reaches its details."""
    from helpers.debug_ui import notifications

    app = app_for(demo_cluster, demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, ("secure", "vault-agent-0"))
        await pilot.press("ctrl+s")  # the failed pre-flight asks first: create anyway
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the pre-flight's question")
        await pilot.press("y")
        log = AuditLog(audit_log_path_for(True))
        await wait_for(pilot, lambda: log.path.exists() and log.read(), timeout=30, what="the refusal recorded")
        [entry] = log.read()
        assert (entry.action, entry.namespace, entry.pod, entry.ok) == ("ephemeral-container-added", "secure",
                                                                          "vault-agent-0", False)
        assert entry.context == "ephemera-demo" and entry.time and entry.request["method"] == "PATCH"
        assert "403" in str(entry.result) or "forbidden" in str(entry.result).lower(), entry.result
        assert app.screen is form or notifications(app)  # the refusal is said where the user is
        while app.screen is not app.browser:
            shown = app.screen
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is not shown, what=f"escape to close {shown}")
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditLogScreen) and app.screen.loaded, what="audit view")
        view = app.screen
        assert "1 entry, newest first, 1 failed" in view.status_text
        assert "✖ FAILED" in view.text and "result: FAILED" in view.details_text
        await pilot.press("tab")
        assert app.focused is view.query_one("#audit-details-pane")
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: view.query_one("#audit-details-pane").scroll_y > 0, what="the details scrolled")
