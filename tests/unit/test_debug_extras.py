"""Beyond kubectl: security overrides, mounts, the custom spec, the target filesystem helper."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from helpers.debug_pods import slim_pod
from tui.debug import CopyOptions, DebugRequest, Mode, PlanError, Profile, SecurityOverrides, VolumeMount, plan
from tui.debug.custom import merge_custom, parse_custom


def _ephemeral(**kwargs: object) -> DebugRequest:
    return DebugRequest(namespace="default", pod="slim-x", container_name="dbg", **kwargs)


# --- security overrides ---------------------------------------------------------------------

def test_overrides_land_after_the_profile() -> None:
    overrides = SecurityOverrides(run_as_user=1000, run_as_group=3000, run_as_non_root=True,
                                  capabilities_add=("NET_ADMIN",), capabilities_drop=("MKNOD",))
    result = plan(_ephemeral(overrides=overrides), slim_pod())
    assert result.container["securityContext"] == {
        "capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"], "drop": ["MKNOD"]},
        "runAsUser": 1000,
        "runAsGroup": 3000,
        "runAsNonRoot": True,
    }
    assert not result.requires_confirmation


def test_privileged_override_requires_confirmation_and_beats_restricted() -> None:
    overrides = SecurityOverrides(privileged=True)
    assert overrides.requires_confirmation
    result = plan(_ephemeral(profile=Profile.RESTRICTED, overrides=overrides), slim_pod())
    context = result.container["securityContext"]
    assert context["privileged"] is True and "allowPrivilegeEscalation" not in context
    assert result.requires_confirmation
    assert any("privileged" in reason for reason in result.confirmation_reasons)


def test_run_as_non_root_with_user_zero_is_refused() -> None:
    with pytest.raises(PlanError, match="runAsNonRoot"):
        plan(_ephemeral(overrides=SecurityOverrides(run_as_non_root=True, run_as_user=0)), slim_pod())


def test_overrides_go_to_kubectl_through_custom() -> None:
    overrides = SecurityOverrides(run_as_user=0, capabilities_add=("NET_ADMIN",))
    result = plan(_ephemeral(overrides=overrides), slim_pod())
    assert "--custom=ephemera-custom.json" in result.kubectl_command
    assert json.loads(result.kubectl_custom_json) == {
        "securityContext": {"capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"]}, "runAsUser": 0}
    }
    assert any("no flag for security overrides" in note for note in result.kubectl_notes)
    assert not any("differs" in note for note in result.kubectl_notes)


def test_a_custom_file_that_cannot_remove_a_key_is_flagged() -> None:
    # restricted sets allowPrivilegeEscalation; privileged removes it; --custom cannot remove keys
    result = plan(_ephemeral(profile=Profile.RESTRICTED, overrides=SecurityOverrides(privileged=True)),
                  slim_pod())
    assert any("differs" in note for note in result.kubectl_notes)


# --- mounts ---------------------------------------------------------------------------------

def test_mounts_of_existing_volumes() -> None:
    mounts = (VolumeMount("data", "/mnt/data"), VolumeMount("config", "/mnt/config", read_only=True))
    result = plan(_ephemeral(mounts=mounts), slim_pod())
    assert result.container["volumeMounts"] == [
        {"name": "data", "mountPath": "/mnt/data"},
        {"name": "config", "mountPath": "/mnt/config", "readOnly": True},
    ]
    assert json.loads(result.kubectl_custom_json) == {"volumeMounts": result.container["volumeMounts"]}
    assert not any("differs" in note for note in result.kubectl_notes)


def test_mount_of_a_missing_volume_is_refused_with_the_pods_volumes() -> None:
    with pytest.raises(PlanError, match=r"volume 'nope' does not exist.*data, config"):
        plan(_ephemeral(mounts=(VolumeMount("nope", "/x"),)), slim_pod())


def test_sub_path_is_refused_for_ephemeral_containers_only() -> None:
    mount = VolumeMount("data", "/x", sub_path="sub")
    with pytest.raises(PlanError, match="subPath is not allowed"):
        plan(_ephemeral(mounts=(mount,)), slim_pod())
    copied = plan(_ephemeral(mode=Mode.COPY, copy=CopyOptions(name="c"), mounts=(mount,)), slim_pod())
    assert copied.container["volumeMounts"] == [{"name": "data", "mountPath": "/x", "subPath": "sub"}]


def test_same_mount_path_twice_and_relative_paths_are_refused() -> None:
    with pytest.raises(PlanError, match="used twice"):
        plan(_ephemeral(mounts=(VolumeMount("data", "/x"), VolumeMount("config", "/x"))), slim_pod())
    with pytest.raises(PlanError, match="absolute"):
        plan(_ephemeral(mounts=(VolumeMount("data", "x"),)), slim_pod())


def test_mount_flag_syntax() -> None:
    assert VolumeMount.parse("data:/data:ro") == VolumeMount("data", "/data", read_only=True)
    assert VolumeMount.parse("data:/data") == VolumeMount("data", "/data")
    with pytest.raises(ValueError):
        VolumeMount.parse("data")


# --- custom spec ----------------------------------------------------------------------------

CUSTOM_JSON = """{"env": [{"name": "A", "value": "2"}, {"name": "C", "value": "3"}],
 "securityContext": {"runAsUser": 0, "capabilities": {"add": ["NET_RAW"]}},
 "workingDir": "/tmp", "resources": {}}"""
CUSTOM_YAML = """
env:
- name: A
  value: "2"
- name: C
  value: "3"
securityContext:
  runAsUser: 0
  capabilities:
    add: [NET_RAW]
workingDir: /tmp
"""


@pytest.mark.parametrize("text", [CUSTOM_JSON, CUSTOM_YAML], ids=["json", "yaml"])
def test_custom_spec_is_merged_last_strategically(text: str) -> None:
    custom = parse_custom(text)
    result = plan(_ephemeral(env=(("A", "1"), ("B", "1")), custom=custom,
                             overrides=SecurityOverrides(run_as_user=1000)), slim_pod())
    container = result.container
    # env merges by name; capabilities.add is a plain list: replaced; runAsUser: custom wins
    assert container["env"] == [{"name": "A", "value": "2"}, {"name": "B", "value": "1"},
                                {"name": "C", "value": "3"}]
    assert container["securityContext"] == {"capabilities": {"add": ["NET_RAW"]}, "runAsUser": 0}
    assert container["workingDir"] == "/tmp" and container["resources"] == {}
    assert container["name"] == "dbg"


def test_custom_spec_refuses_what_kubectl_refuses() -> None:
    for text in ('{"image": "x"}', "command: [sh]", '{"name": "x"}', "lifecycle: {}",
                 '{"volumeDevices": [{"name": "d", "devicePath": "/dev/x"}]}'):
        with pytest.raises(PlanError, match=r"^name, command, image, lifecycle and volume devices "
                                            r"are not modifiable via custom profile$"):
            parse_custom(text)
    with pytest.raises(PlanError, match="does not contain a valid container spec"):
        parse_custom("- just\n- a list\n")


def test_custom_nulls_are_ignored_like_kubectls_go_decoding() -> None:
    assert merge_custom({"name": "d", "securityContext": {"privileged": True}},
                        {"securityContext": None, "workingDir": "/w"}) == {
        "name": "d", "securityContext": {"privileged": True}, "workingDir": "/w"}


def test_custom_volume_mounts_merge_by_mount_path() -> None:
    merged = merge_custom({"volumeMounts": [{"name": "a", "mountPath": "/a"}]},
                          {"volumeMounts": [{"name": "a", "mountPath": "/a", "readOnly": True},
                                            {"name": "b", "mountPath": "/b"}]})
    assert merged["volumeMounts"] == [{"name": "a", "mountPath": "/a", "readOnly": True},
                                      {"name": "b", "mountPath": "/b"}]


# --- target filesystem helper ---------------------------------------------------------------

def test_target_fs_in_target_mode_starts_the_shell_in_proc_1_root() -> None:
    result = plan(_ephemeral(mode=Mode.TARGET, target="app", target_fs=True), slim_pod())
    command = result.container["command"]
    assert command[:2] == ["sh", "-c"]
    assert "cd /proc/1/root" in command[2] and command[2].endswith("exec sh")
    assert result.target_fs.root == "/proc/1/root"
    assert result.target_fs.interactive_line.startswith("cd /proc/1/root")
    assert result.kubectl_command[-4:] == ["--", "sh", "-c", command[2]]
    assert result.warnings == []  # general profile: SYS_PTRACE


def test_target_fs_without_ptrace_is_warned() -> None:
    result = plan(_ephemeral(mode=Mode.TARGET, target="app", target_fs=True,
                             profile=Profile.BASELINE), slim_pod())
    assert any("SYS_PTRACE" in w for w in result.warnings)


def test_target_fs_in_copy_mode_marks_the_chosen_container() -> None:
    result = plan(_ephemeral(mode=Mode.COPY, copy=CopyOptions(name="c"), target_fs=True,
                             target_fs_container="sidecar"), slim_pod())
    containers = {c["name"]: c for c in result.pod_copy["spec"]["containers"]}
    assert containers["sidecar"]["env"] == [{"name": "EPHEMERA_CONTAINER", "value": "sidecar"}]
    assert "env" not in containers["app"]
    assert "EPHEMERA_CONTAINER=sidecar" in containers["dbg"]["command"][2]
    assert any("EPHEMERA_CONTAINER" in note for note in result.kubectl_notes)


def test_target_fs_needs_a_shared_pid_namespace_and_no_command() -> None:
    with pytest.raises(PlanError, match="shared PID namespace"):
        plan(_ephemeral(target_fs=True), slim_pod())
    with pytest.raises(PlanError, match="leave the command empty"):
        plan(_ephemeral(mode=Mode.TARGET, target="app", target_fs=True, command=("sh",)), slim_pod())


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh to check the syntax")
@pytest.mark.parametrize("mode", [Mode.TARGET, Mode.COPY])
def test_target_fs_scripts_are_valid_shell(mode: Mode) -> None:
    request = _ephemeral(mode=mode, target="app" if mode is Mode.TARGET else None,
                         copy=CopyOptions(name="c"), target_fs=True)
    helper = plan(request, slim_pod()).target_fs
    for script in (helper.script, helper.interactive_line):
        checked = subprocess.run(["sh", "-n", "-c", script], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(not os.path.isdir("/proc/self") or shutil.which("sh") is None,
                    reason="needs Linux /proc and sh")
def test_copy_mode_script_finds_the_marked_process_and_enters_its_root() -> None:
    """Run the real script: a marked process stands in for the chosen container."""
    helper = plan(_ephemeral(mode=Mode.COPY, copy=CopyOptions(name="c"), target_fs=True),
                  slim_pod()).target_fs
    env = {k: v for k, v in os.environ.items() if k != "EPHEMERA_CONTAINER"}
    marked = subprocess.Popen(["sleep", "30"], env={**env, "EPHEMERA_CONTAINER": "app"})
    try:
        shell = subprocess.run(helper.command, input='pwd; echo "root=$EPHEMERA_TARGET_ROOT"\n',
                               capture_output=True, text=True, env=env, timeout=30)
    finally:
        marked.kill()
        marked.wait()
    assert shell.stdout.split() == [f"/proc/{marked.pid}/root", f"root=/proc/{marked.pid}/root"]


@pytest.mark.parametrize("text", [
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCY\n",
    'password: "AKIAIOSFODNN7EXAMPLE\n',  # an unterminated string
    "a: b: AKIAIOSFODNN7EXAMPLE\n",
    "key: !AKIAIOSFODNN7EXAMPLE value\n",  # an unknown tag
    "token: *AKIAIOSFODNN7EXAMPLE\n",  # an alias
])
def test_a_custom_parse_error_never_quotes_the_file(text: str) -> None:
    """`--custom ~/.aws/credentials` by mistake: the error says where, never what."""
    with pytest.raises(PlanError) as refused:
        parse_custom(text, "--custom file /home/u/.aws/credentials")
    message = str(refused.value)
    assert "AKIA" not in message and "wJal" not in message and "EXAMPLE" not in message
    assert message.startswith("--custom file /home/u/.aws/credentials")
    assert " at line " in message and ", column " in message


# --- fields that are no container field ---------------------------------------------------------

def test_the_container_fields_are_the_clients_v1_container() -> None:
    from kubernetes.client import V1Container

    from tui.debug.custom import CONTAINER_FIELDS
    assert set(V1Container.attribute_map.values()) == CONTAINER_FIELDS


def test_unknown_custom_keys_are_dropped_and_named_like_kubectls_decoding() -> None:
    custom = parse_custom('{"auths": {"r": {"auth": "c2VjcmV0"}}, "credsStore": "desktop", "workingDir": "/w",'
                          ' "SecurityContext": {"runAsUser": 0}}')
    result = plan(_ephemeral(custom=custom), slim_pod())
    assert result.container["workingDir"] == "/w"
    assert result.container["securityContext"]["runAsUser"] == 0  # Go's decoding: any letter case
    assert "auths" not in result.container and "credsStore" not in result.container
    body = json.dumps([r.body for r in result.requests]) + (result.kubectl_custom_json or "")
    assert "c2VjcmV0" not in body and "desktop" not in body
    assert result.warnings[0] == ("custom spec: ignored 'auths', 'credsStore': not a field of a container "
                                  "(kubectl drops them too); nothing of them is sent")
    # the copy plan too
    copied = plan(_ephemeral(custom=custom, mode=Mode.COPY, copy=CopyOptions(name="c")), slim_pod())
    assert copied.warnings[0].startswith("custom spec: ignored 'auths', 'credsStore'")
    # no warning for a clean spec
    assert not any("ignored" in w for w in plan(_ephemeral(custom=parse_custom('{"tty": true}')), slim_pod()).warnings)


def test_a_differently_spelled_refused_field_is_refused_and_the_exact_name_wins() -> None:
    with pytest.raises(PlanError, match="not modifiable via custom profile"):
        parse_custom('{"Image": "x"}')
    assert merge_custom({"name": "d"}, {"workingDir": "/a", "WorkingDir": "/b"}) == {"name": "d", "workingDir": "/a"}
