"""What the user asks for: `DebugRequest` and its parts (plain dataclasses, no I/O).

A `DebugRequest` holds every choice of the debug form / `ephemera debug` command line:

- `mode`: `Mode.SHARED_NETWORK` (a plain ephemeral container), `Mode.TARGET`
  (`targetContainerName` set to `target`) or `Mode.COPY` (a copy of the pod, see `CopyOptions`);
- the container: `image`, `container_name` (None: kubectl's `debugger-xxxxx`), `command`
  (with `args_only` like kubectl's `--arguments-only`), `env`, `image_pull_policy`, `stdin`, `tty`;
- `profile` (kubectl's `--profile`, default `general`) and, for copies, the keep flags;
- beyond kubectl: `overrides` (`SecurityOverrides`), `mounts` (`VolumeMount` of existing pod
  volumes), `custom` (a partial container spec merged last, like `--custom`), `target_fs`
  (start the shell in the target's root filesystem, see `tui.debug.target_fs`) and `durable`
  (a keep-alive main process, shells by exec: see `tui.debug.durable`).

`tui.debug.planner.plan(request, pod)` turns it into the exact HTTP requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Mode(StrEnum):
    """How the debugger joins the pod."""

    SHARED_NETWORK = "shared-network"  # plain ephemeral container: network namespace only
    TARGET = "target"  # ephemeral container in the PID namespace of `target`
    COPY = "copy"  # a copy of the pod with shareProcessNamespace and the debugger added


class Profile(StrEnum):
    """kubectl debug's `--profile` values."""

    LEGACY = "legacy"
    GENERAL = "general"
    BASELINE = "baseline"
    RESTRICTED = "restricted"
    NETADMIN = "netadmin"
    SYSADMIN = "sysadmin"


DEFAULT_PROFILE = Profile.GENERAL
DEFAULT_IMAGE = "busybox"
PULL_POLICIES = ("Always", "IfNotPresent", "Never")


@dataclass(frozen=True)
class KeepFlags:
    """kubectl's `--keep-*` flags: what a profile must not drop from a copied pod."""

    labels: bool = False
    annotations: bool = False
    liveness: bool = False
    readiness: bool = False
    startup: bool = False
    init_containers: bool = True  # kubectl's --keep-init-containers defaults to true


@dataclass(frozen=True)
class CopyOptions:
    """Options of copy-and-share mode (kubectl's `--copy-to` family)."""

    name: str | None = None  # None: `<pod>-debug-xxxxx`
    same_node: bool = False
    set_images: dict[str, str] = field(default_factory=dict)  # container name (or "*") -> image
    keep: KeepFlags = KeepFlags()
    replace: bool = False  # delete the original afterwards (the UI asks for confirmation)


@dataclass(frozen=True)
class SecurityOverrides:
    """Security context fields set on the debug container after the profile (not a kubectl flag)."""

    privileged: bool | None = None
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    capabilities_add: tuple[str, ...] = ()
    capabilities_drop: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == SecurityOverrides()

    @property
    def requires_confirmation(self) -> bool:
        """A privileged container can do anything on the node: the UI must ask first."""
        return self.privileged is True


@dataclass(frozen=True)
class VolumeMount:
    """A mount of one of the pod's existing volumes into the debug container."""

    name: str
    mount_path: str
    read_only: bool = False
    sub_path: str | None = None  # refused for ephemeral containers (the API forbids it)

    @classmethod
    def parse(cls, text: str) -> VolumeMount:
        """`VOL:PATH[:ro|:rw]` as `ephemera debug --mount` takes it."""
        parts = text.split(":")
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ValueError(f"invalid mount {text!r}: expected VOLUME:PATH[:ro]")
        read_only = False
        if len(parts) == 3:
            if parts[2] not in ("ro", "rw"):
                raise ValueError(f"invalid mount {text!r}: the third part must be ro or rw")
            read_only = parts[2] == "ro"
        return cls(name=parts[0], mount_path=parts[1], read_only=read_only)


@dataclass(frozen=True)
class DebugRequest:
    """One debug session to plan. `namespace`/`pod` name the pod being debugged."""

    namespace: str
    pod: str
    mode: Mode = Mode.SHARED_NETWORK
    image: str | None = DEFAULT_IMAGE  # None only for a copy that just changes images
    container_name: str | None = None  # kubectl's -c; None: debugger-xxxxx
    profile: Profile = DEFAULT_PROFILE
    command: tuple[str, ...] = ()  # after `--`
    args_only: bool = False  # kubectl's --arguments-only: `command` goes to args
    env: tuple[tuple[str, str], ...] = ()
    image_pull_policy: str | None = None
    target: str | None = None  # Mode.TARGET: the container whose processes to see
    stdin: bool = True  # -i
    tty: bool = True  # -t
    copy: CopyOptions = CopyOptions()
    overrides: SecurityOverrides = SecurityOverrides()
    mounts: tuple[VolumeMount, ...] = ()
    custom: dict[str, Any] | None = None  # partial container spec (see tui.debug.custom)
    target_fs: bool = False  # start the shell in the target's root filesystem
    target_fs_container: str | None = None  # COPY mode: whose root (default: first container)
    durable: bool = False  # keep-alive main process, shells by exec (not kubectl's attach)
