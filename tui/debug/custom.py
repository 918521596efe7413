"""A partial container spec merged last, like kubectl debug's `--custom=FILE`.

- `parse_custom(text, source="custom spec") -> dict`: JSON first, then YAML (as kubectl tries);
  refuses what kubectl refuses: "name, command, image, lifecycle and volume devices are not
  modifiable via custom profile"; and, bounded input: more than `MAX_CUSTOM_BYTES` (1 MiB) of
  text, YAML aliases (`*name`: a few lines can expand to gigabytes) and nesting deeper than
  `MAX_DEPTH` (a container spec is a few levels deep) are refused before anything is built.
  Reading the file (`--custom FILE`) is the caller's: `tui.user_files.read_user_file`, bounded;
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
MAX_CUSTOM_BYTES = 1024 * 1024  # far above any container spec
MAX_DEPTH = 32


def _depth_problem(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when `value` nests deeper than `limit` (iterative: no recursion on hostile input)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _where(mark: Any) -> str:
    """`, line L, column C` of a YAML mark (1-based), or nothing."""
    if mark is None or getattr(mark, "line", None) is None:
        return ""
    return f" at line {mark.line + 1}, column {mark.column + 1}"


def _load(text: str, source: str) -> Any:
    """JSON, else YAML without aliases (no expansion bombs); RecursionError is a clear refusal."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    except RecursionError:
        raise PlanError(f"{source} nests too deeply (more than {MAX_DEPTH} levels)") from None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise PlanError(f"{source}: YAML aliases (*NAME{_where(event.start_mark)}) are not accepted; "
                                "write the values out")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # where, never what: the parser's message quotes the file (a credentials file passed by
        # mistake would be printed, its keys included)
        mark = getattr(exc, "problem_mark", None)
        raise PlanError(f"{source} does not contain a valid container spec: it is neither JSON nor YAML"
                        f"{_where(mark) or ''}") from None
    except RecursionError:
        raise PlanError(f"{source} nests too deeply (more than {MAX_DEPTH} levels)") from None


def parse_custom(text: str, source: str = "custom spec") -> dict[str, Any]:
    """The partial container spec in `text` (JSON or YAML)."""
    if len(text) > MAX_CUSTOM_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_CUSTOM_BYTES:
        raise PlanError(f"{source} is larger than {MAX_CUSTOM_BYTES // (1024 * 1024)} MiB: refused")
    data = _load(text, source)
    if _depth_problem(data):
        raise PlanError(f"{source} nests too deeply (more than {MAX_DEPTH} levels)")
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
