"""The debug form's text fields read into a DebugRequest (pure)."""

from __future__ import annotations

import pytest

from tui.debug.request import Mode, Profile, VolumeMount
from tui.screens.debug_form_values import FormValues, request_from_values


def test_fields_become_the_request() -> None:
    request = request_from_values("default", "slim", FormValues(
        mode=Mode.TARGET, target="app", image=" busybox:1.36 ", profile=Profile.NETADMIN, name="dbg",
        command="sh -c 'ps; sleep 1'", env='A=1 B="two words" C=', mounts="cache:/cache:ro data:/data",
        privileged=True, run_as_user="1000", run_as_group="", run_as_non_root=True, cap_add="net_admin, sys_time",
        cap_drop="ALL", target_fs=True,
    ))
    assert request.mode is Mode.TARGET and request.target == "app"
    assert request.image == "busybox:1.36" and request.container_name == "dbg"
    assert request.profile is Profile.NETADMIN
    assert request.command == ("sh", "-c", "ps; sleep 1")
    assert request.env == (("A", "1"), ("B", "two words"), ("C", ""))
    assert request.mounts == (VolumeMount("cache", "/cache", True), VolumeMount("data", "/data", False))
    overrides = request.overrides
    assert overrides.privileged is True and overrides.run_as_user == 1000 and overrides.run_as_group is None
    assert overrides.run_as_non_root is True
    assert overrides.capabilities_add == ("NET_ADMIN", "SYS_TIME") and overrides.capabilities_drop == ("ALL",)
    assert request.target_fs is True


def test_shared_network_ignores_target_and_copy_options_only_in_copy_mode() -> None:
    shared = request_from_values("ns", "p", FormValues(target="app", image="busybox", copy_name="x", replace=True,
                                                       target_fs=True))
    assert shared.target is None and shared.copy.name is None and not shared.copy.replace and not shared.target_fs
    copy = request_from_values("ns", "p", FormValues(mode=Mode.COPY, target="app", image="", copy_name="p-dbg",
                                                     same_node=True, set_image="app=busybox *=alpine",
                                                     keep_labels=True, keep_startup=True, replace=True,
                                                     target_fs=True))
    assert copy.image is None and copy.target is None and copy.target_fs_container == "app"
    assert copy.copy.name == "p-dbg" and copy.copy.same_node and copy.copy.replace
    assert copy.copy.set_images == {"app": "busybox", "*": "alpine"}
    assert copy.copy.keep.labels and copy.copy.keep.startup and not copy.copy.keep.annotations


@pytest.mark.parametrize(("values", "message"), [
    (FormValues(image="busybox", env="NOEQUALS"), "env: 'NOEQUALS' is not KEY=VALUE"),
    (FormValues(image="busybox", run_as_user="root"), "runAsUser must be a number"),
    (FormValues(image="busybox", mounts="vol"), "invalid mount 'vol'"),
    (FormValues(image="busybox", command="sh -c 'unclosed"), "command: No closing quotation"),
    (FormValues(mode=Mode.COPY, image="busybox", set_image="=img"), "set image: '=img' is not CONTAINER=IMAGE"),
])
def test_unreadable_fields_say_why(values: FormValues, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("*", r"\*").replace("(", r"\(")):
        request_from_values("ns", "p", values)


def test_pull_policy_and_custom_spec_like_kubectls_flags() -> None:
    from tui.screens.debug_form_values import FormValues, request_from_values

    values = FormValues(image="busybox", pull_policy="IfNotPresent",
                        custom="{securityContext: {runAsUser: 0}, workingDir: /tmp}")
    request = request_from_values("default", "p", values)
    assert request.image_pull_policy == "IfNotPresent"
    assert request.custom == {"securityContext": {"runAsUser": 0}, "workingDir": "/tmp"}
    with pytest.raises(ValueError, match="not modifiable via custom profile"):
        request_from_values("default", "p", FormValues(image="busybox", custom='{"image": "x"}'))
    with pytest.raises(ValueError, match="custom does not contain a valid container spec"):
        request_from_values("default", "p", FormValues(image="busybox", custom="[1, 2]"))
