"""Server-side apply and `metadata.managedFields`, as far as a kubectl session sees them.

Field sets are the API server's `FieldsV1`: `f:<field>` for a map key, `k:{"<merge key>":...}`
for an element of a list with a merge key (its own `.` marks the element), a list without one is
atomic (a leaf). `apply` merges the applied configuration into the live object (maps by key,
keyed lists element by element, other lists replaced), removes what this manager applied before
and no longer applies (unless another manager owns it), and answers 409 with the API server's
message when it would change a field another manager owns (`force=true` takes it over). Every
other write (`record_update`) gives its manager (operation `Update`) the fields it changed and takes
them from the others, as the API server's field manager does.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from tui.demo.api.defaults import now_iso
from tui.demo.api.patch import MERGE_KEYS
from tui.demo.api.status import ApiError

Path = tuple[str, ...]
_UNOWNED_METADATA = frozenset({"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                               "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
                               "generateName"})
_MISSING = object()


def _keys(extra: dict[str, str] | None) -> dict[str, str]:
    keys = dict(MERGE_KEYS)
    keys.update(extra or {})
    return keys


def _item_key(item: dict[str, Any], key: str) -> str:
    return "k:" + json.dumps({key: item.get(key)}, separators=(",", ":"))


def field_set(obj: dict[str, Any], merge_keys: dict[str, str] | None = None, status: bool = False) -> set[Path]:
    """The leaf paths `obj` sets: of its status (`status=True`) or of everything else."""
    keys = _keys(merge_keys)
    paths: set[Path] = set()

    def walk(value: Any, path: Path, field: str) -> None:
        if isinstance(value, dict) and value:
            for name, child in value.items():
                walk(child, (*path, f"f:{name}"), name)
        elif isinstance(value, list) and field in keys and value and all(isinstance(i, dict) for i in value):
            for item in value:
                item_path = (*path, _item_key(item, keys[field]))
                paths.add((*item_path, "."))
                for name, child in item.items():
                    walk(child, (*item_path, f"f:{name}"), name)
        else:
            paths.add(path)

    for name, value in obj.items():
        if name in ("apiVersion", "kind") or (name == "status") != status:
            continue
        if name == "metadata" and isinstance(value, dict):
            for field, child in value.items():
                if field not in _UNOWNED_METADATA:
                    walk(child, ("f:metadata", f"f:{field}"), field)
            continue
        walk(value, (f"f:{name}",), name)
    return paths


def to_fields_v1(paths: set[Path]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(paths):
        node = tree
        for part in path:
            node = node.setdefault(part, {})
    return tree


def from_fields_v1(tree: dict[str, Any], prefix: Path = ()) -> set[Path]:
    paths: set[Path] = set()
    for part, child in tree.items():
        path = (*prefix, part)
        if isinstance(child, dict) and child:
            paths |= from_fields_v1(child, path)
        else:
            paths.add(path)
    return paths


def value_at(obj: Any, path: Path) -> Any:
    node = obj
    for part in path:
        if part == ".":
            return node
        if part.startswith("f:"):
            if not isinstance(node, dict) or part[2:] not in node:
                return _MISSING
            node = node[part[2:]]
        elif part.startswith("k:"):
            wanted = json.loads(part[2:])
            node = next((i for i in node or [] if isinstance(i, dict)
                         and all(i.get(k) == v for k, v in wanted.items())), _MISSING) \
                if isinstance(node, list) else _MISSING
            if node is _MISSING:
                return _MISSING
    return node


def _remove(obj: Any, path: Path) -> None:
    if path and path[-1] == ".":
        path = path[:-1]
    parent = value_at(obj, path[:-1]) if len(path) > 1 else obj
    last = path[-1]
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif last.startswith("k:") and isinstance(parent, list):
        item = value_at(obj, path)
        if item is not _MISSING:
            parent.remove(item)


def merge(live: Any, applied: Any, keys: dict[str, str], field: str = "") -> Any:
    """`applied` merged into `live` (a new value)."""
    if isinstance(live, dict) and isinstance(applied, dict):
        result = copy.deepcopy(live)
        for name, value in applied.items():
            result[name] = merge(live.get(name, _MISSING), value, keys, name) if name in live else copy.deepcopy(value)
        return result
    key = keys.get(field)
    if (key and isinstance(live, list) and isinstance(applied, list)
            and all(isinstance(i, dict) for i in live + applied)):
        merged = copy.deepcopy(live)
        for item in applied:
            index = next((n for n, old in enumerate(merged) if old.get(key) == item.get(key)), None)
            if index is None:
                merged.append(copy.deepcopy(item))
            else:
                merged[index] = merge(merged[index], item, keys)
        return merged
    return copy.deepcopy(applied)


def _entries(obj: dict[str, Any] | None) -> list[dict[str, Any]]:
    return copy.deepcopy(((obj or {}).get("metadata") or {}).get("managedFields") or [])


def _entry(manager: str, operation: str, api_version: str, paths: set[Path], subresource: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"manager": manager, "operation": operation, "apiVersion": api_version,
                             "time": now_iso(), "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(paths)}
    if subresource:
        entry["subresource"] = subresource
    return entry


def _same(entry: dict[str, Any], manager: str, operation: str, subresource: str) -> bool:
    return (entry.get("manager") == manager and entry.get("operation") == operation
            and entry.get("subresource", "") == subresource)


def _store(obj: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    kept = [e for e in entries if e.get("fieldsV1")]
    if kept:
        obj.setdefault("metadata", {})["managedFields"] = kept
    else:
        obj.get("metadata", {}).pop("managedFields", None)


def apply(live: dict[str, Any] | None, applied: dict[str, Any], manager: str, force: bool, api_version: str,
          merge_keys: dict[str, str] | None = None) -> dict[str, Any]:
    """The object after `manager` applies `applied` to `live` (None: it is created)."""
    keys = _keys(merge_keys)
    applied = {k: v for k, v in applied.items() if k != "status"}
    new_paths = field_set(applied, merge_keys)
    entries = _entries(live)
    mine = next((e for e in entries if _same(e, manager, "Apply", "")), None)
    previous = from_fields_v1(mine["fieldsV1"]) if mine else set()
    others = [e for e in entries if e is not mine]
    conflicts: list[tuple[dict[str, Any], Path]] = []
    if live is not None:
        for entry in others:
            if entry.get("subresource") == "status":
                continue
            for path in sorted(new_paths & from_fields_v1(entry.get("fieldsV1") or {})):
                if path[-1] != "." and value_at(live, path) != value_at(applied, path):
                    conflicts.append((entry, path))
    if conflicts and not force:
        raise _conflict_error(conflicts)
    result = merge(live or {}, applied, keys)
    owned_by_others: set[Path] = set()
    for entry in others:
        paths = from_fields_v1(entry.get("fieldsV1") or {})
        if force:
            paths -= {p for e, p in conflicts if e is entry}
        entry["fieldsV1"] = to_fields_v1(paths)
        owned_by_others |= paths
    for path in sorted(previous - new_paths - owned_by_others, key=len, reverse=True):
        _remove(result, path)
    metadata = result.setdefault("metadata", {})
    metadata.pop("managedFields", None)
    _store(result, [*others, _entry(manager, "Apply", api_version, new_paths, "")])
    return result


def _conflict_error(conflicts: list[tuple[dict[str, Any], Path]]) -> ApiError:
    lines = []
    causes = []
    for entry, path in conflicts:
        field = "".join("." + p[2:] if p.startswith("f:") else f"[{p[2:]}]" for p in path)
        subresource = f' with subresource "{entry["subresource"]}"' if entry.get("subresource") else ""
        who = f'conflict with "{entry.get("manager")}"{subresource} using {entry.get("apiVersion")}'
        lines.append(f"{who}: {field}")
        causes.append({"reason": "FieldManagerConflict", "message": who, "field": field})
    count = len(lines)
    message = (f"Apply failed with {count} conflict{'s' if count != 1 else ''}: " + "\n".join(lines))
    return ApiError(409, message, "Conflict", {"causes": causes})


def record_update(old: dict[str, Any] | None, new: dict[str, Any], manager: str, api_version: str,
                  subresource: str = "", merge_keys: dict[str, str] | None = None) -> None:
    """Give `manager` (operation Update) the fields this write changed in `new` (mutated)."""
    status = subresource == "status"
    paths = field_set(new, merge_keys, status=status)
    changed = {p for p in paths if old is None or value_at(old, p) != value_at(new, p)}
    every = field_set(new, merge_keys) | field_set(new, merge_keys, status=True)
    entries = _entries(old if old is not None else new)
    mine = next((e for e in entries if _same(e, manager, "Update", subresource)), None)
    kept: list[dict[str, Any]] = []
    for entry in entries:
        if entry is mine:
            continue
        owned = (from_fields_v1(entry.get("fieldsV1") or {}) - changed) & every
        entry["fieldsV1"] = to_fields_v1(owned)
        kept.append(entry)
    owned_by_me = ((from_fields_v1(mine["fieldsV1"]) if mine else set()) | changed) & every
    if owned_by_me:
        kept.append(_entry(manager, "Update", api_version, owned_by_me, subresource))
    _store(new, kept)
