"""The debug form by keys, as a user sees it (issue 12, items 1 and 4): the mode marked `(•)` is the
one created, keys in the mode list move it, Enter never creates, focus is a `▶` marker, the
pre-flight's verdict is at the top at 80x24, ctrl+s after a failed pre-flight asks, and states are
symbols (`[x]`/`[ ]`, `(•)`/`( )`) with NO_COLOR too. Against the real demo cluster."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from helpers.browser import screen_lines, wait_for
from helpers.debug_ui import SLIM, app_for, open_form, pod_of
from tui.demo.cluster import DemoCluster
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_modal import DebugFormModal

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

SECURE = ("secure", "vault-agent-0")  # namespace enforcing restricted: the general profile is refused
MODE_ROWS = {"shared": "Shared network", "target": "Targeted PID namespace", "copy": "Copy and share"}


def chosen_rows(app: Any) -> list[str]:
    """The mode rows drawn as chosen, `(•)`, by their title."""
    return [title for title in MODE_ROWS.values()
            if any(f"(•) {title}" in line for line in screen_lines(app))]


def _ephemeral(cluster: DemoCluster) -> list[dict[str, Any]]:
    pod = pod_of(cluster, *SLIM) or {}
    return list((pod.get("spec") or {}).get("ephemeralContainers") or [])


def _copies(cluster: DemoCluster) -> list[str]:
    names = cluster.run(lambda: [p["metadata"]["name"] for p in cluster.store.values("pods")
                                 if p["metadata"].get("namespace") == "default"])
    return [name for name in names if name.startswith(f"{SLIM[1]}-debug-")]


async def test_d_down_enter_creates_nothing_and_moves_the_mode_the_user_sees(demo_cluster: DemoCluster) -> None:
    """The reported accident: `d ↓ Enter` made a targeted debugger at once."""
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        # a running pod's form starts targeted, the focus on it (the screen is drawn after the state)
        await wait_for(pilot, lambda: chosen_rows(app) == ["Targeted PID namespace"] and any(
            line.lstrip("│ ").startswith("▶ (•) Targeted PID namespace") for line in screen_lines(app)),
            what="targeted, focused")
        await pilot.press("down")
        await wait_for(pilot, lambda: "--copy-to=" in form.query_one("#kubectl-preview").command, what="copy")
        await wait_for(pilot, lambda: chosen_rows(app) == ["Copy and share"], what="copy shown as chosen")
        await pilot.press("enter")  # the next field, not a creation
        await pilot.pause()
        assert isinstance(app.screen, DebugFormModal) and not form.creating
        assert app.focused is not None and app.focused.id != "mode"
        await wait_for(pilot, lambda: "Ctrl+S creates: Copy and share" in "\n".join(screen_lines(app)),
                       what="the create line")
        # Enter in a text field moves on too: only ctrl+s creates
        image = form.query_one("#image", Input)
        image.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is not image, what="the next field")
        assert isinstance(app.screen, DebugFormModal) and not form.creating
        assert _ephemeral(demo_cluster) == [] and _copies(demo_cluster) == []


@pytest.mark.parametrize(("keys", "mode"), [((), "target"), (("up",), "shared"), (("down",), "copy"),
                                            (("down", "down"), "shared")])
async def test_keys_from_a_fresh_form_create_the_mode_shown(demo_cluster: DemoCluster, keys: tuple[str, ...],
                                                          mode: str) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        for key in keys:
            await pilot.press(key)
        await wait_for(pilot, lambda: chosen_rows(app) == [MODE_ROWS[mode]], what=f"{mode} shown as chosen")
        await wait_for(pilot, lambda: f"Ctrl+S creates: {MODE_ROWS[mode]}" in "\n".join(screen_lines(app)),
                       what="the create line naming the mode")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="created")
        ephemeral, copies = _ephemeral(demo_cluster), _copies(demo_cluster)
        if mode == "copy":
            assert ephemeral == [] and len(copies) == 1
            copy = pod_of(demo_cluster, "default", copies[0]) or {}
            assert copy["spec"]["shareProcessNamespace"] is True
        else:
            assert copies == [] and len(ephemeral) == 1
            assert ephemeral[0].get("targetContainerName") == ("app" if mode == "target" else None)


async def test_focus_is_a_marker_on_the_focused_row_only(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)

        def marked() -> list[str]:
            return [line.split("│")[1].strip() for line in screen_lines(app) if "▶" in line]

        await wait_for(pilot, lambda: len(marked()) == 1 and marked()[0].startswith("▶ (•) Targeted PID namespace"),
                       what="the mode list")
        await pilot.press("tab")
        await wait_for(pilot, lambda: len(marked()) == 1 and marked()[0].startswith("▶ target"), what="target")
        await pilot.press("tab")
        await wait_for(pilot, lambda: len(marked()) == 1 and marked()[0].startswith("▶ image"), what="image")
        form.query_one("#privileged").focus()
        await wait_for(pilot, lambda: len(marked()) == 1 and marked()[0].startswith("▶ [ ] privileged"),
                       what="the checkbox")
        await pilot.press("shift+tab")  # back to a text field above it: the checkbox loses the marker
        await wait_for(pilot, lambda: len(marked()) == 1 and marked()[0].startswith("▶ custom"), what="custom")


async def test_80x24_a_failing_preflight_is_summed_up_at_the_top_and_ctrl_s_asks(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, SECURE)

        def top() -> str:
            return "\n".join(screen_lines(app)[:5])

        await wait_for(pilot, lambda: "✘ pre-flight: 3 failed: runAsNonRoot, Pod Security, server dry run ↓" in top(),
                       what=f"the summary at the top: {top()}")
        assert "Ctrl+S creates: Targeted PID namespace on" in top()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        question: Any = app.screen
        assert "pre-flight found 3 problems" in question.title_text
        assert [r.split(":", 2)[1].strip() for r in question.reasons] == ["runAsNonRoot", "Pod Security",
                                                                        "server dry run"]
        assert any("refused: 403" in r for r in question.reasons)
        assert app.focused is not None and app.focused.id == "confirm-no"  # a stray Enter cancels
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        await wait_for(pilot, lambda: "not created (cancelled)" in top(), what="the outcome at the top too")
        pod = pod_of(shared_cluster, *SECURE) or {}
        assert not (pod.get("spec") or {}).get("ephemeralContainers")


async def test_ctrl_s_right_after_a_change_waits_for_its_preflight_then_asks(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await wait_for(pilot, lambda: "✔ pre-flight: all clear" in "\n".join(screen_lines(app)), what="all clear")
        demo_cluster.faults.deny("patch", "pods", "ephemeralcontainers")
        form.query_one("#image", Input).value = "alpine"  # the all-clear shown was for busybox
        await wait_for(pilot, lambda: form.values() == form._planned_values, what="re-planned")
        await pilot.press("ctrl+s")  # before the debounced pre-flight of alpine
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=30, what="the question")
        assert any(r.startswith("pre-flight failed: RBAC:") for r in app.screen.reasons)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        assert _ephemeral(demo_cluster) == []


@pytest.mark.parametrize("no_color", [True, False], ids=["NO_COLOR", "colour"])
async def test_states_are_symbols_in_every_colour_mode(shared_cluster: DemoCluster, no_color: bool,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(shared_cluster)
    assert app.no_color is no_color
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await wait_for(pilot, lambda: "[ ] privileged" in "\n".join(screen_lines(app)), what="drawn")
        text = "\n".join(screen_lines(app))
        assert "( ) Shared network" in text and "(•) Targeted PID namespace" in text and "( ) Copy and share" in text
        assert "[ ] privileged" in text and "[ ] runAsNonRoot" in text
        assert "▐" not in text  # no state told by the shade of a glyph
        form.query_one("#run-as-non-root").focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: "[x] runAsNonRoot" in "\n".join(screen_lines(app)), what="checked")
        assert "[ ] privileged" in "\n".join(screen_lines(app))


async def test_copy_mode_says_why_not_turn_on_share_process_namespace(shared_cluster: DemoCluster) -> None:
    """The walkthrough's lesson where copy mode is chosen (issue 12 item 9): slim comes from a
    Deployment, whose template change would roll all its pods."""
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await pilot.press("down")
        await wait_for(pilot, lambda: "--copy-to=" in form.query_one("#kubectl-preview").command, what="copy")
        await wait_for(pilot, lambda: "Deployment slim is not rolled" in "".join(screen_lines(app)),
                       what="the lesson on screen")
        screen = " ".join(line.strip("│ ") for line in screen_lines(app))
        # "all its pods" until the inspector read the Deployment, then the number (test_inspector_context)
        count = form.rolled_pods
        rolled = "all its pods" if count is None else f"its {count} pod{'' if count == 1 else 's'}"
        assert f"shareProcessNamespace there would roll {rolled}" in " ".join(screen.split())
