"""A partial container spec merged last, like kubectl debug's `--custom=FILE`.

- `parse_custom(text, source="custom spec") -> dict`: JSON first, then YAML (as kubectl tries);
  refuses what kubectl refuses: "name, command, image, lifecycle and volume devices are not
  modifiable via custom profile";
- `merge_custom(container, custom) -> dict`: a strategic merge of `custom` onto the container,
  with the merge keys of `v1.Container` (env by `name`, volumeMounts by `mountPath`, ports by
  `containerPort`, volumeDevices by `devicePath`, resources.claims by `name`); maps merge
  recursively, other lists (command, args, envFrom, capabilities add/drop...) are replaced.
  `null` values are dropped first, because kubectl decodes the file into a Go struct where a
  null is the same as absent.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

from tui.debug.errors import PlanError

# Paths (dotted, from the container) of lists merged by a key, as v1.Container declares them.
MERGE_KEYS: dict[str, str] = {
    "env": "name",
    "volumeMounts": "mountPath",
    "ports": "containerPort",
    "volumeDevices": "devicePath",
    "resources.claims": "name",
}

NOT_MODIFIABLE = "name, command, image, lifecycle and volume devices are not modifiable via custom profile"


def parse_custom(text: str, source: str = "custom spec") -> dict[str, Any]:
    """The partial container spec in `text` (JSON or YAML)."""
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise PlanError(f"{source} does not contain a valid container spec: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PlanError(f"{source} does not contain a valid container spec: expected an object")
    data = drop_nulls(data)
    validate_custom(data)
    return data


def validate_custom(custom: dict[str, Any]) -> None:
    """kubectl's check on --custom: these fields come from the flags, never from the file."""
    if (
        custom.get("name")
        or custom.get("command")
        or custom.get("image")
        or "lifecycle" in custom
        or custom.get("volumeDevices")
    ):
        raise PlanError(NOT_MODIFIABLE)


def drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value if v is not None]
    return value


def _merge(base: Any, patch: Any, path: str) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        result = dict(base)
        for key, value in patch.items():
            child = f"{path}.{key}" if path else key
            result[key] = _merge(base[key], value, child) if key in base else copy.deepcopy(value)
        return result
    if isinstance(base, list) and isinstance(patch, list) and path in MERGE_KEYS:
        return _merge_list(base, patch, MERGE_KEYS[path], path)
    return copy.deepcopy(patch)


def _merge_list(base: list[Any], patch: list[Any], key: str, path: str) -> list[Any]:
    result = [copy.deepcopy(item) for item in base]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            raise PlanError(f"custom spec: every entry of {path} needs {key!r}")
        for index, existing in enumerate(result):
            if isinstance(existing, dict) and existing.get(key) == item[key]:
                result[index] = _merge(existing, item, path + "[]")
                break
        else:
            result.append(copy.deepcopy(item))
    return result


def merge_custom(container: dict[str, Any], custom: dict[str, Any]) -> dict[str, Any]:
    """`container` with `custom` strategically merged onto it (a new dict)."""
    validate_custom(custom)
    return _merge(container, drop_nulls(custom), "")
