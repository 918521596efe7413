"""Helpers for the debug form / policy audit / cleanup UI tests (real demo cluster, real app)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from helpers.browser import make_app, row_names, wait_for
from tui.app import EphemeraApp
from tui.audit_log import AuditLog
from tui.screens.debug_form_modal import DebugFormModal

SLIM = ("default", "slim-79487d6484-h4rss")


def audit_entries() -> list[Any]:
    return AuditLog().read()


def app_for(cluster: Any, **kwargs: Any) -> EphemeraApp:
    return make_app(cluster.kubeconfig_path, **kwargs)


async def select(pilot: Pilot, key: tuple[str, str]) -> None:
    app: Any = pilot.app
    browser = app.browser
    if not browser.all_namespaces and browser.namespace != key[0]:
        await wait_for(pilot, lambda: browser.connection is not None, what="connected")
        browser.switch_namespace(key[0])
    await wait_for(pilot, lambda: key[1] in row_names(app), what=f"row {key}")
    browser.table.select_key(key)
    await wait_for(pilot, lambda: browser.table.selected_key == key, what="selection")


async def open_form(pilot: Pilot, key: tuple[str, str] = SLIM) -> DebugFormModal:
    """Select `key` in the browser and press d; returns the form once its pre-flight is shown."""
    await select(pilot, key)
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DebugFormModal), what="debug form")
    form = pilot.app.screen
    assert isinstance(form, DebugFormModal)
    await wait_for(pilot, lambda: form.preflight_done == form.preflight_generation > 0, timeout=30,
                   what="pre-flight")
    return form


async def settle_preflight(pilot: Pilot, form: DebugFormModal) -> None:
    """Wait for the (debounced) pre-flight of the form's current values."""
    generation = form.preflight_generation
    # (limits, not delays: generous for a loaded machine; the pre-flight makes several requests)
    await wait_for(pilot, lambda: form.preflight_generation > generation, timeout=30, what="pre-flight start")
    await wait_for(pilot, lambda: form.preflight_done == form.preflight_generation, timeout=30,
                   what="pre-flight result")


def preview(form: DebugFormModal) -> str:
    from widgets.kubectl_preview import KubectlPreview

    return form.query_one(KubectlPreview).command


def preflight_text(form: DebugFormModal) -> str:
    from widgets.preflight_list import PreflightList

    return form.query_one(PreflightList).text


def notifications(app: Any) -> list[str]:
    return [str(n.message) for n in app.notice_log]


def pod_of(cluster: Any, namespace: str, name: str) -> dict[str, Any] | None:
    return cluster.run(lambda: cluster.store.get("pods", namespace, name))
