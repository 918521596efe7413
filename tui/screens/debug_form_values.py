"""The debug form's fields as plain values, turned into a `DebugRequest` (pure, no Textual).

Text fields use the spellings of `ephemera debug`: env `K=V` words, mounts `VOL:PATH[:ro]` words,
capabilities separated by spaces or commas, set-image `CONTAINER=IMAGE` words, the command as a
shell would split it, the custom spec as `--custom` takes it (JSON or YAML, e.g. the flow style
`{securityContext: {runAsUser: 0}}` on one line). `request_from_values` raises `ValueError` with a message for the user.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from tui.debug.custom import parse_custom
from tui.debug.errors import PlanError
from tui.debug.request import CopyOptions, DebugRequest, KeepFlags, Mode, Profile, SecurityOverrides, VolumeMount

MODE_LESSONS: dict[Mode, tuple[str, str]] = {
    Mode.SHARED_NETWORK: (
        "Shared network",
        "ps: only the debugger's own processes; the app's ports on localhost; no app files",
    ),
    Mode.TARGET: (
        "Targeted PID namespace",
        "ps: the target's processes (the app is PID 1); its files at /proc/1/root",
    ),
    Mode.COPY: (
        "Copy and share",
        "a copy sharing one PID namespace: every container and /pause; original untouched",
    ),
}


@dataclass(frozen=True)
class FormValues:
    """Everything the form holds, as typed."""

    mode: Mode = Mode.SHARED_NETWORK
    target: str | None = None
    image: str = ""
    profile: Profile = Profile.GENERAL
    name: str = ""
    command: str = ""
    env: str = ""
    mounts: str = ""
    privileged: bool = False
    run_as_user: str = ""
    run_as_group: str = ""
    run_as_non_root: bool = False
    cap_add: str = ""
    cap_drop: str = ""
    copy_name: str = ""
    same_node: bool = False
    set_image: str = ""
    keep_labels: bool = False
    keep_annotations: bool = False
    keep_liveness: bool = False
    keep_readiness: bool = False
    keep_startup: bool = False
    replace: bool = False
    target_fs: bool = False
    durable: bool = False  # keep-alive main process, shells by exec (not kubectl's attach)
    pull_policy: str | None = None  # None: the cluster's default (kubectl's --image-pull-policy unset)
    custom: str = ""  # a partial container spec, JSON or YAML (flow style on one line), merged last


def _words(text: str, what: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


def _pairs(text: str, what: str, example: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for word in _words(text, what):
        key, sep, value = word.partition("=")
        if not sep or not key:
            raise ValueError(f"{what}: {word!r} is not {example}")
        pairs.append((key, value))
    return tuple(pairs)


def _id(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{what} must be a number (a user or group id), not {text!r}")
    return int(text)


def _capabilities(text: str) -> tuple[str, ...]:
    return tuple(word.upper() for word in re.split(r"[\s,]+", text.strip()) if word)


def request_from_values(namespace: str, pod: str, values: FormValues) -> DebugRequest:
    """The request the form describes (ValueError: a field cannot be read)."""
    mode = Mode(values.mode)
    mounts = tuple(VolumeMount.parse(word) for word in _words(values.mounts, "mounts"))
    overrides = SecurityOverrides(
        privileged=True if values.privileged else None,
        run_as_user=_id(values.run_as_user, "runAsUser"),
        run_as_group=_id(values.run_as_group, "runAsGroup"),
        run_as_non_root=True if values.run_as_non_root else None,
        capabilities_add=_capabilities(values.cap_add),
        capabilities_drop=_capabilities(values.cap_drop),
    )
    copy = CopyOptions()
    if mode is Mode.COPY:
        copy = CopyOptions(
            name=values.copy_name.strip() or None,
            same_node=values.same_node,
            set_images=dict(_pairs(values.set_image, "set image", "CONTAINER=IMAGE")),
            keep=KeepFlags(labels=values.keep_labels, annotations=values.keep_annotations,
                           liveness=values.keep_liveness, readiness=values.keep_readiness,
                           startup=values.keep_startup),
            replace=values.replace,
        )
    extra: dict[str, Any] = {}
    if values.custom.strip():
        try:
            extra["custom"] = parse_custom(values.custom, source="custom")
        except PlanError as exc:
            raise ValueError(str(exc)) from None
    if mode is Mode.TARGET:
        extra["target"] = values.target
    elif mode is Mode.COPY and values.target_fs:
        extra["target_fs_container"] = values.target
    return DebugRequest(
        namespace=namespace,
        pod=pod,
        mode=mode,
        image=values.image.strip() or None,
        container_name=values.name.strip() or None,
        profile=Profile(values.profile),
        command=tuple(_words(values.command, "command")),
        env=_pairs(values.env, "env", "KEY=VALUE"),
        image_pull_policy=values.pull_policy or None,
        copy=copy,
        overrides=overrides,
        mounts=mounts,
        target_fs=values.target_fs and mode is not Mode.SHARED_NETWORK,
        durable=values.durable,
        **extra,
    )
