"""SVG snapshots of the debug form (with its pre-flight) and the policy audit.

Deterministic as the browser snapshots are (scenario seeded at a fixed "now", the app's clock at
that instant, no periodic refresh, a fixed server address in the header) plus a fixed seed for the generated
`debugger-xxxxx` name. Update after looking at them:
`.venv/bin/pytest tests/functional/test_debug_form_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from helpers.browser import wait_for
from helpers.snapshots import served_at, settle, snapshot_app
from tui.demo.cluster import DemoCluster
from tui.screens.debug_followup import open_debug_form, open_policy_audit
from tui.screens.policy_audit_screen import PolicyAuditScreen

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

FORM_SEED = 7


async def _form(pilot: Pilot) -> None:
    await settle(pilot)
    app: Any = pilot.app
    form = open_debug_form(app.browser, seed=FORM_SEED)
    assert form is not None
    await wait_for(pilot, lambda: form.is_attached and form.preflight_done == form.preflight_generation > 0,
                   timeout=30, what="pre-flight")


async def _audit(pilot: Pilot) -> None:
    await settle(pilot)
    app: Any = pilot.app
    open_policy_audit(app.browser)
    await wait_for(pilot, lambda: isinstance(app.screen, PolicyAuditScreen) and app.screen.rows, timeout=30,
                   what="audit rows")


def test_debug_form_120x40(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(120, 40),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47331", _form))


def test_debug_form_80x24(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(80, 24),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47332", _form))


def test_debug_form_no_color_80x24(snapshot_cluster: DemoCluster, snap_compare,  # type: ignore[no-untyped-def]
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: greys only; the states are `( )`/`(•)` and `[ ]`/`[x]`, the focus a `▶`."""
    monkeypatch.setenv("NO_COLOR", "1")  # read (and removed) by the app's constructor
    app = snapshot_app(snapshot_cluster.kubeconfig_path)  # type: ignore[attr-defined]
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=served_at("https://127.0.0.1:47334", _form))


def test_policy_audit_120x40(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(120, 40),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47333", _audit))
