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
- `container_fields(custom) -> (known, ignored)`: kubectl decodes the file into a `v1.Container`,
  which keeps the fields it has (Go's JSON decoding: an exact name first, else the same name in
  other letter case) and drops the rest silently; here the rest (`auths` of a Docker config.json
  passed by mistake) is dropped too, never sent, and named: the planner warns
  (`ignored_fields_warning`). `merge_custom` merges the known fields only.
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

# The fields of v1.Container (Kubernetes 1.34; tests/unit compares them with the client's model).
CONTAINER_FIELDS: frozenset[str] = frozenset({
    "args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "name",
    "ports", "readinessProbe", "resizePolicy", "resources", "restartPolicy", "restartPolicyRules",
    "securityContext", "startupProbe", "stdin", "stdinOnce", "terminationMessagePath",
    "terminationMessagePolicy", "tty", "volumeDevices", "volumeMounts", "workingDir",
})
_FIELDS_BY_FOLDED_NAME = {name.casefold(): name for name in CONTAINER_FIELDS}

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
    validate_custom(container_fields(data)[0])
    return data


def container_fields(custom: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`custom`'s top-level fields that a v1.Container has, under their own names (`Image` is
    `image`, as Go's JSON decoding reads it; the exact name wins over another spelling), and the
    keys dropped, in order."""
    known: dict[str, Any] = {}
    ignored: list[str] = []
    exact = [key for key in custom if key in CONTAINER_FIELDS]
    for key, value in custom.items():
        name = key if key in CONTAINER_FIELDS else _FIELDS_BY_FOLDED_NAME.get(str(key).casefold())
        if name is None or (name != key and name in exact):
            ignored.append(str(key))
            continue
        known[name] = value
    return known, ignored


def ignored_fields_warning(custom: dict[str, Any] | None) -> str:
    """The warning naming `custom`'s keys that are no container field ("" when there is none)."""
    if not custom:
        return ""
    _, ignored = container_fields(custom)
    if not ignored:
        return ""
    shown = ", ".join(repr(key if len(key) <= 40 else key[:40] + "…") for key in ignored[:8]) + (f" and {len(ignored) - 8} more" if len(ignored) > 8 else "")
    return (f"custom spec: ignored {shown}: not a field of a container (kubectl drops "
            f"{'it' if len(ignored) == 1 else 'them'} too); nothing of {'it' if len(ignored) == 1 else 'them'} is sent")


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
    known, _ = container_fields(custom)
    validate_custom(known)
    return _merge(container, drop_nulls(known), "")
