"""Ephemera's additions to the debug container beyond kubectl's flags (plain dicts, in place).

- `apply_security_overrides(container, overrides)`: sets privileged / runAsUser / runAsGroup /
  runAsNonRoot and merges capabilities add/drop into the container's securityContext, after the
  profile has run (so an override wins over the profile);
- `apply_mounts(container, mounts, pod, ephemeral=...)`: mounts existing pod volumes, checking
  that each volume exists, that mount paths are not used twice, and (ephemeral containers) that
  no `subPath` is asked for: the API server forbids it there.

Both raise `PlanError` with a message meant for the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.debug.errors import PlanError
from tui.debug.request import SecurityOverrides, VolumeMount

__all__ = ["PlanError", "apply_mounts", "apply_security_overrides", "mount_dict"]


def _append_unique(values: list[str], extra: Iterable[str]) -> None:
    for value in extra:
        if value not in values:
            values.append(value)


def apply_security_overrides(container: dict[str, Any], overrides: SecurityOverrides) -> None:
    """Set the overridden securityContext fields on `container`."""
    if overrides.is_empty:
        return
    context = container.get("securityContext")
    if context is None:
        context = container["securityContext"] = {}
    if overrides.privileged is not None:
        context["privileged"] = overrides.privileged
        if overrides.privileged:
            # privileged with allowPrivilegeEscalation false is refused by the API server
            context.pop("allowPrivilegeEscalation", None)
    if overrides.run_as_user is not None:
        context["runAsUser"] = overrides.run_as_user
    if overrides.run_as_group is not None:
        context["runAsGroup"] = overrides.run_as_group
    if overrides.run_as_non_root is not None:
        context["runAsNonRoot"] = overrides.run_as_non_root
    if overrides.run_as_non_root and overrides.run_as_user == 0:
        raise PlanError("runAsNonRoot cannot be combined with runAsUser 0: choose a non-zero user")
    if overrides.capabilities_add or overrides.capabilities_drop:
        capabilities = context.setdefault("capabilities", {})
        if overrides.capabilities_add:
            _append_unique(capabilities.setdefault("add", []), overrides.capabilities_add)
        if overrides.capabilities_drop:
            _append_unique(capabilities.setdefault("drop", []), overrides.capabilities_drop)


def pod_volume_names(pod: dict[str, Any]) -> list[str]:
    return [v["name"] for v in (pod.get("spec") or {}).get("volumes") or () if v.get("name")]


def mount_dict(mount: VolumeMount) -> dict[str, Any]:
    """A VolumeMount as the API spells it (readOnly only when true, as Go's omitempty does)."""
    result: dict[str, Any] = {"name": mount.name, "mountPath": mount.mount_path}
    if mount.read_only:
        result["readOnly"] = True
    if mount.sub_path:
        result["subPath"] = mount.sub_path
    return result


def apply_mounts(
    container: dict[str, Any],
    mounts: Iterable[VolumeMount],
    pod: dict[str, Any],
    *,
    ephemeral: bool,
) -> None:
    """Append volumeMounts for `mounts` to `container`, validating them against `pod`."""
    mounts = list(mounts)
    if not mounts:
        return
    volumes = pod_volume_names(pod)
    existing = container.setdefault("volumeMounts", [])
    used_paths = {m.get("mountPath") for m in existing}
    for mount in mounts:
        if mount.name not in volumes:
            known = ", ".join(volumes) if volumes else "none"
            raise PlanError(
                f"volume {mount.name!r} does not exist in pod "
                f"{(pod.get('metadata') or {}).get('name', '')!r} (its volumes: {known})"
            )
        if not mount.mount_path.startswith("/"):
            raise PlanError(f"mount path {mount.mount_path!r} must be absolute")
        if ephemeral and mount.sub_path:
            raise PlanError(
                f"subPath is not allowed for ephemeral containers (mount of {mount.name!r}): "
                "mount the whole volume, or use copy mode"
            )
        if mount.mount_path in used_paths:
            raise PlanError(f"mount path {mount.mount_path!r} is used twice")
        used_paths.add(mount.mount_path)
        existing.append(mount_dict(mount))
