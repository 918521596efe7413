"""The debug form (`d`) against the real demo cluster: preview, pre-flight, creation, follow-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, RadioSet, Select

from helpers.browser import screen_text, wait_for
from helpers.debug_ui import (
    SLIM,
    app_for,
    audit_entries,
    notifications,
    open_form,
    pod_of,
    preflight_text,
    preview,
    settle_preflight,
)
from tui.demo.cluster import DemoCluster
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_modal import DebugFormModal
from tui.screenshots import choose_mode
from tui.settings import load_settings

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path


def _ephemeral(cluster: DemoCluster, key: tuple[str, str] = SLIM) -> list[dict[str, Any]]:
    pod = pod_of(cluster, *key) or {}
    return list((pod.get("spec") or {}).get("ephemeralContainers") or [])


async def _choose_mode(pilot: Any, form: DebugFormModal, index: int) -> None:
    """Keyboard only: focus the mode list, move to the `index`-th mode, Enter."""
    await choose_mode(pilot, form, index, settle=False)
    radio = form.query_one(RadioSet)
    await wait_for(pilot, lambda: radio.pressed_index == index, what=f"mode {index}")


async def test_preview_shows_kubectl_command_and_follows_mode_and_target(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        command = preview(form)
        # With no mode in the settings, a pod with a running container starts in targeted mode
        # on its first running container: the debugger sees the app's processes.
        assert command.startswith("kubectl debug slim-79487d6484-h4rss -n default -it --image=busybox")
        assert "--target=app" in command and "--copy-to" not in command
        name = command.rsplit("-c ", 1)[1]
        assert name.startswith("debugger-")

        await _choose_mode(pilot, form, 0)
        await wait_for(pilot, lambda: "--target" not in preview(form), what="shared network in the preview")
        await _choose_mode(pilot, form, 1)
        await wait_for(pilot, lambda: "--target=app" in preview(form), what="target mode in the preview")
        form.query_one("#target", Select).value = "sidecar"
        await wait_for(pilot, lambda: "--target=sidecar" in preview(form), what="target follows the select")
        assert preview(form).endswith(f"-c {name}")  # the generated name stays put while editing

        await _choose_mode(pilot, form, 2)
        await wait_for(pilot, lambda: "--copy-to=" in preview(form), what="copy mode in the preview")
        assert "--share-processes" in preview(form)

        image = form.query_one("#image", Input)
        image.focus()
        image.value = "alpine:3.20"
        await wait_for(pilot, lambda: "--image=alpine:3.20" in preview(form), what="image in the preview")
        form.query_one("#env", Input).value = "MODE=debug"
        await wait_for(pilot, lambda: "--env=MODE=debug" in preview(form), what="env in the preview")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), what="form closed")


async def test_preflight_all_clear_on_the_slim_pod_and_bad_fields_are_explained(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        text = preflight_text(form)
        assert "ok server dry run: admitted" in text
        assert "fail" not in text.split()
        form.query_one("#run-as-user", Input).value = "root"
        await wait_for(pilot, lambda: "runAsUser must be a number" in str(form.query_one("#kubectl-preview").render()),
                       what="field problem in the preview")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Cannot create: runAsUser must be a number" in form.error_text, what="error")
        assert isinstance(app.screen, DebugFormModal)


async def test_preflight_pod_security_failure_in_namespace_secure(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, ("secure", "vault-agent-0"))
        text = preflight_text(form)
        assert "fail Pod Security:" in text and "restricted" in text
        assert "fail server dry run: refused: 403" in text and "violates PodSecurity" in text
        assert "-> use profile restricted" in text and "--profile" not in text
        form.query_one("#profile", Select).value = "restricted"
        await settle_preflight(pilot, form)
        assert "ok server dry run: admitted" in preflight_text(form)


async def test_preflight_static_pod_in_kube_system(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await wait_for(pilot, lambda: browser.connection is not None)
        browser.switch_namespace("kube-system")
        await wait_for(pilot, lambda: any(n.startswith("kube-apiserver-") for _, n in browser.table.visible_keys()))
        key = next(k for k in browser.table.visible_keys() if k[1].startswith("kube-apiserver-"))
        form = await open_form(pilot, key)
        text = preflight_text(form)
        assert "static" in text
        assert any(line.startswith("fail") and "static" in line for line in text.splitlines())
        # the form says what to do in its own words: the mode to pick, not a command-line flag
        assert "debug a copy of it (the Copy and share mode), or its node (kubectl debug node/demo-node-1" in text
        assert "--copy-to" not in text


async def test_preflight_rbac_denial_and_server_refusal_shown_in_the_form(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("patch", "pods", "ephemeralcontainers")
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        text = preflight_text(form)
        assert "fail RBAC:" in text and "patch pods/ephemeralcontainers" in text
        await pilot.press("ctrl+s")  # the failed pre-flight asks first, naming the failed check
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the pre-flight's question")
        assert any(r.startswith("pre-flight failed: RBAC:") for r in app.screen.reasons)
        await pilot.press("y")
        await wait_for(pilot, lambda: "Refused: 403" in form.error_text, timeout=30, what="403 in the form")
        assert "ephemeralcontainers" in form.error_text
        assert isinstance(app.screen, DebugFormModal)  # the form stays open to fix things
        assert _ephemeral(demo_cluster) == []
        entries = audit_entries()
        assert [(e.action, e.ok) for e in entries] == [("ephemeral-container-added", False)]


async def test_create_targeted_debugger_inspector_shows_waiting_then_running(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await _choose_mode(pilot, form, 1)
        await wait_for(pilot, lambda: "--target=app" in preview(form))
        name = preview(form).rsplit("-c ", 1)[1]
        form.query_one("#image", Input).focus()
        demo_cluster.faults.pause_kubelet()  # a slow node: the debugger stays Waiting until resumed
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="form closed")
        browser = app.browser
        assert browser.table.selected_key == SLIM
        await wait_for(pilot, lambda: name in browser.inspector.text and "Waiting" in browser.inspector.text,
                       timeout=30, what="Waiting in the inspector")
        demo_cluster.faults.resume_kubelet()
        await wait_for(pilot, lambda: "Running" in browser.inspector.text.split(name, 1)[1], timeout=30,
                       what="Running in the inspector")
        assert "→ target app" in browser.inspector.text
        (container,) = _ephemeral(demo_cluster)
        assert container["name"] == name and container["targetContainerName"] == "app"
        if callable(getattr(app, "open_session", None)):
            await wait_for(pilot, lambda: _session_open(app, name), timeout=30, what="attach pane")
        else:
            await wait_for(pilot, lambda: any(f"container {name} is running" in n for n in notifications(app)))
        entries = audit_entries()
        assert [(e.action, e.pod, e.ok) for e in entries] == [("ephemeral-container-added", SLIM[1], True)]
        assert entries[0].result["created"] == [name]
        settings, _ = load_settings()
        assert settings.recent_images[0] == "busybox"


def _session_open(app: Any, container: str) -> bool:
    try:
        from tui.screens.session_tabs import SessionTabs

        return app.browser.query_one(SessionTabs).find(SLIM[0], SLIM[1], container) is not None
    except Exception:  # noqa: BLE001 - no pane widget yet
        return False


async def test_missing_image_shows_image_pull_backoff_with_message(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#image", Input).value = "doesnotexist:1.0"
        await wait_for(pilot, lambda: "--image=doesnotexist:1.0" in preview(form))
        # the node holds the pull until the follow-up watches the container (its first state in the
        # header): the kubelet's brief ErrImagePull, which names the missing image, is then not missed
        demo_cluster.faults.pause_kubelet()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="form closed")
        header = app.browser.header
        await wait_for(pilot, lambda: "to start: ContainerCreating" in header.render().plain, timeout=30,
                       what=f"the follow-up watching ({header.render().plain!r})")
        demo_cluster.faults.resume_kubelet()
        inspector = app.browser.inspector
        await wait_for(pilot, lambda: "ImagePullBackOff" in inspector.text, timeout=30, what="ImagePullBackOff")
        assert "doesnotexist" in inspector.text.split("ImagePullBackOff", 1)[1]  # the kubelet's message
        # the follow-up stops waiting and says why (the kubelet's pull error names the missing image)
        await wait_for(pilot, lambda: any("image cannot be pulled" in n and "doesnotexist:1.0: not found" in n
                                          and "can never be removed" in n
                                          for n in notifications(app)), timeout=30, what="stuck notice")
        assert "doesnotexist:1.0" not in load_settings()[0].recent_images  # never suggested again


async def test_privileged_asks_for_confirmation(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#privileged", Checkbox).value = True
        await wait_for(pilot, lambda: form.plan is not None and form.plan.requires_confirmation)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal) and app.screen.focused is not None,
                       what="confirmation, its focus set")
        await pilot.press("enter")  # the focus starts on Cancel: a stray Enter never confirms
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        assert "cancelled" in str(form.query_one("#form-status").render())
        assert _ephemeral(demo_cluster) == []
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation again")
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, (DebugFormModal, ConfirmModal)), timeout=30)
        (container,) = _ephemeral(demo_cluster)
        assert container["securityContext"]["privileged"] is True


async def test_copy_mode_creates_the_copy_and_selects_it(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await _choose_mode(pilot, form, 2)
        await wait_for(pilot, lambda: "--copy-to=" in preview(form))
        copy_name = preview(form).split("--copy-to=", 1)[1].split()[0]
        assert copy_name.startswith(f"{SLIM[1]}-debug-")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="form closed")
        browser = app.browser
        await wait_for(pilot, lambda: browser.table.selected_key == ("default", copy_name), timeout=30,
                       what="the copy selected")
        copy = pod_of(demo_cluster, "default", copy_name)
        assert copy is not None
        assert copy["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "ephemera"
        assert copy["spec"]["shareProcessNamespace"] is True
        assert pod_of(demo_cluster, *SLIM) is not None  # the original is untouched
        assert [(e.action, e.pod) for e in audit_entries()] == [("copy-created", copy_name)]


async def test_reuse_offer_attaches_to_the_running_debugger(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        first = preview(form).rsplit("-c ", 1)[1]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30)
        browser = app.browser
        await wait_for(pilot, lambda: "Running" in browser.inspector.text.split(first, 1)[-1], timeout=30)
        if callable(getattr(app, "open_session", None)):
            await wait_for(pilot, lambda: _session_open(app, first), timeout=30, what="attach pane")
            pane = browser.sessions.panes[-1]
            # the pane takes the focus once attached: only then back to the table (else d goes to the shell)
            await wait_for(pilot, lambda: app.focused is pane.terminal, timeout=30, what="the pane focused")
        browser.table.focus()
        form = await open_form(pilot)
        offer = str(form.query_one("#reuse-offer").render())
        assert f"Ctrl+R attaches to {first} instead" in offer
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), what="form closed")
        assert len(_ephemeral(demo_cluster)) == 1  # nothing new piled up
        assert len(audit_entries()) == 1


async def test_terminated_debugger_shows_exit_code_and_logs(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#command", Input).value = "sh -c 'echo checked the network; exit 3'"
        await wait_for(pilot, lambda: "-- sh -c" in preview(form), what="command in the preview")
        name = preview(form).split(" -c ", 1)[1].split()[0]
        await pilot.press("ctrl+s")
        from tui.screens.session_tabs import SessionTabs  # the attach pane follows it to the end

        tabs = app.browser.query_one(SessionTabs)
        await wait_for(pilot, lambda: (pane := tabs.find(SLIM[0], SLIM[1], name)) is not None
                       and pane.exit_code == 3 and "checked the network" in pane.screen_text(), timeout=30,
                       what="exit code and logs in the pane")
        await wait_for(pilot, lambda: "exit code 3" in app.browser.inspector.text, what="inspector")


async def test_ctrl_y_copies_the_kubectl_command(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await pilot.press("ctrl+y")
        assert app.clipboard == preview(form)
        assert any("kubectl command copied" in n for n in notifications(app))


async def test_ctrl_y_copies_the_custom_file_with_the_command_when_kubectl_needs_one(
        shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#cap-add", Input).value = "NET_ADMIN"
        await wait_for(pilot, lambda: "--custom=" in preview(form), what="--custom in the command")
        await pilot.press("ctrl+y")
        lines = app.clipboard.splitlines()
        assert lines[0] == "cat > ephemera-custom.json <<'EOF'"
        end = lines.index("EOF")
        assert json.loads("\n".join(lines[1:end])) == json.loads(form.plan.kubectl_custom_json)
        assert "NET_ADMIN" in json.dumps(json.loads(form.plan.kubectl_custom_json))
        assert lines[end + 1:] == [preview(form)]
        assert any("with its --custom file" in n for n in notifications(app))


async def test_pull_policy_from_the_settings_and_a_custom_spec_reach_the_container(
        demo_cluster: DemoCluster, private_files: Path) -> None:
    (private_files / "config.toml").write_text('[debug]\npull_policy = "IfNotPresent"\n')
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        assert form.query_one("#pull-policy", Select).value == "IfNotPresent"
        form.query_one("#custom", Input).value = "{workingDir: /tmp, env: [{name: A, value: b}]}"
        await wait_for(pilot, lambda: "--image-pull-policy=IfNotPresent" in preview(form)
                       and "--custom=" in preview(form), what="preview with both")
        form.query_one("#custom", Input).value = '{"image": "other"}'
        await wait_for(pilot, lambda: "not modifiable via custom profile" in form.problem, what="refused custom")
        form.query_one("#custom", Input).value = "{workingDir: /tmp, env: [{name: A, value: b}]}"
        await wait_for(pilot, lambda: "--custom=" in preview(form), what="custom again")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="form closed")
        (container,) = _ephemeral(demo_cluster)
        assert container["imagePullPolicy"] == "IfNotPresent"
        assert container["workingDir"] == "/tmp" and container["env"] == [{"name": "A", "value": "b"}]


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_the_durable_box_reads_whole(shared_cluster: DemoCluster, size: tuple[int, int]) -> None:
    """The durable checkbox's label is not cut off by the form's column (it was at 80 and 140)."""
    app = app_for(shared_cluster)
    async with app.run_test(size=size) as pilot:
        form = await open_form(pilot)
        durable = form.query_one("#durable", Checkbox)
        label = str(durable.label)
        durable.scroll_visible(animate=False)
        await wait_for(pilot, lambda: durable.region.height > 0 and durable.region in app.screen.region,
                       what="the durable box in view")
        await wait_for(pilot, lambda: label in screen_text(app), what=f"{label!r} whole on screen")
        assert durable.content_region.width >= len(label) + 4
