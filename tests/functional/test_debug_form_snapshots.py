"""SVG snapshots of the debug form (with its pre-flight) and the policy audit.

Deterministic as the browser snapshots are (fixed port, scenario seeded at a fixed "now", the
app's clock at that instant, no periodic refresh) plus a fixed seed for the generated
`debugger-xxxxx` name. Update after looking at them:
`.venv/bin/pytest tests/functional/test_debug_form_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import wait_for
from debug_ui_helpers import private_files  # noqa: F401 - autouse: no user config.toml in the picture
from test_browser_snapshots import SLIM, _app, _settle, fixed_cluster  # noqa: F401 - the fixture
from textual.pilot import Pilot

from tui.demo.cluster import DemoCluster
from tui.screens.debug_followup import open_debug_form, open_policy_audit
from tui.screens.policy_audit_screen import PolicyAuditScreen

FORM_SEED = 7


async def _form(pilot: Pilot) -> None:
    await _settle(pilot)
    app: Any = pilot.app
    form = open_debug_form(app.browser, seed=FORM_SEED)
    assert form is not None
    await wait_for(pilot, lambda: form.is_attached and form.preflight_done == form.preflight_generation > 0,
                   timeout=10, what="pre-flight")
    await pilot.pause(0.1)


async def _audit(pilot: Pilot) -> None:
    await _settle(pilot)
    app: Any = pilot.app
    open_policy_audit(app.browser)
    await wait_for(pilot, lambda: isinstance(app.screen, PolicyAuditScreen) and app.screen.rows, timeout=10,
                   what="audit rows")
    await pilot.pause(0.1)


@pytest.mark.parametrize("fixed_cluster", [47331], indirect=True)
def test_debug_form_120x40(fixed_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_cluster), terminal_size=(120, 40), run_before=_form)


@pytest.mark.parametrize("fixed_cluster", [47332], indirect=True)
def test_debug_form_80x24(fixed_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_cluster), terminal_size=(80, 24), run_before=_form)


@pytest.mark.parametrize("fixed_cluster", [47333], indirect=True)
def test_policy_audit_120x40(fixed_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_cluster), terminal_size=(120, 40), run_before=_audit)
