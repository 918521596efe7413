"""Patch formats the API server accepts, applied to plain JSON objects.

- `apply_strategic_merge_patch`: `application/strategic-merge-patch+json` (what kubectl sends).
- `apply_json_patch`: `application/json-patch+json`, RFC 6902.
- `apply_merge_patch`: `application/merge-patch+json`, RFC 7386.

Inputs are never mutated; each function returns a new object. Errors raise `PatchError` whose
message is close to what the real server puts in its Status.

Strategic merge patch directives honoured:
- `null` deletes a key.
- lists whose field has a patch merge key (`name` for containers, `mountPath` for volumeMounts,
  `containerPort` for ports, ... see `MERGE_KEYS`) merge element by element; existing elements
  keep their order and new ones are appended in patch order. Other lists replace.
- `{"<key>": "x", "$patch": "delete"}` inside such a list removes the element with that key;
  a list element `{"$patch": "replace"}` replaces the whole list with the other elements.
- `{"$patch": "replace"}` in a map replaces the map, `{"$patch": "delete"}` deletes it.
- `$retainKeys` keeps only the listed keys of the merged map.
- `$deleteFromPrimitiveList/<field>` removes values from a merged primitive list.
- `$setElementOrder/<field>` is accepted and ignored (merged lists keep the server's order and
  append new elements, which is what kubectl's two-way patch asks for in practice).
"""

from __future__ import annotations

import copy
import json
from typing import Any

__all__ = [
    "MERGE_KEYS",
    "PRIMITIVE_MERGE_LISTS",
    "PatchError",
    "apply_json_patch",
    "apply_merge_patch",
    "apply_strategic_merge_patch",
]

# field name -> patch merge key, as declared (patchMergeKey) on the core/v1 types a pod uses.
MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "ports": "containerPort",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "resourceClaims": "name",
    "schedulingGates": "name",
    "ownerReferences": "uid",
    "conditions": "type",
    "podIPs": "ip",
    "hostIPs": "ip",
    "addresses": "type",
}

# Lists of scalars declared with patchStrategy "merge": the patch's values are added (a set union).
PRIMITIVE_MERGE_LISTS: frozenset[str] = frozenset({"finalizers"})

_DIRECTIVE = "$patch"
_RETAIN_KEYS = "$retainKeys"
_DELETE_PRIMITIVE_PREFIX = "$deleteFromPrimitiveList/"


class PatchError(ValueError):
    """A patch that cannot be applied; `message` is what goes into the 4xx Status."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- strategic merge


def apply_strategic_merge_patch(
    obj: dict[str, Any],
    patch: dict[str, Any],
    merge_keys: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Apply a strategic merge patch to `obj` and return the result (neither input is changed)."""
    if not isinstance(patch, dict):
        raise PatchError(f"couldn't get version/kind; json parse error: expected a JSON object, got {_json_type(patch)}")
    keys = dict(MERGE_KEYS)
    if merge_keys:
        keys.update(merge_keys)
    result = _merge_map(copy.deepcopy(obj) if isinstance(obj, dict) else {}, patch, keys)
    return result if result is not None else {}


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "object"


def _merge_map(original: dict[str, Any], patch: dict[str, Any], keys: dict[str, str]) -> dict[str, Any] | None:
    directive = patch.get(_DIRECTIVE)
    if directive == "delete":
        return None
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if not k.startswith("$")}
    if directive is not None and directive != "merge":
        raise PatchError(f"Unknown patch type: {directive} in map: {json.dumps(patch)}")

    result = original
    for key, value in patch.items():
        if key.startswith(_DELETE_PRIMITIVE_PREFIX):
            field = key[len(_DELETE_PRIMITIVE_PREFIX):]
            if isinstance(result.get(field), list) and isinstance(value, list):
                result[field] = [item for item in result[field] if item not in value]
            continue
        if key.startswith("$"):
            continue  # $setElementOrder/..., $retainKeys (below), unknown directives
        if value is None:
            result.pop(key, None)
            continue
        current = result.get(key)
        if isinstance(value, dict):
            if isinstance(current, dict):
                merged = _merge_map(current, value, keys)
            else:
                merged = _merge_map({}, value, keys)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(key, current if isinstance(current, list) else None, value, keys)
        else:
            result[key] = copy.deepcopy(value)

    retain = patch.get(_RETAIN_KEYS)
    if isinstance(retain, list):
        for key in list(result):
            if key not in retain:
                del result[key]
    return result


def _merge_list(field: str, current: list[Any] | None, patch: list[Any], keys: dict[str, str]) -> list[Any]:
    merge_key = keys.get(field)
    if merge_key is None:
        if field in PRIMITIVE_MERGE_LISTS and current is not None:
            merged: list[Any] = list(current)
            for item in patch:
                if item not in merged:
                    merged.append(copy.deepcopy(item))
            return merged
        return [copy.deepcopy(item) for item in patch]

    # `{"$patch": "replace"}` as an element: the rest of the patch list is the new list.
    if any(isinstance(item, dict) and item.get(_DIRECTIVE) == "replace" and len(item) == 1 for item in patch):
        return [copy.deepcopy(item) for item in patch if not (isinstance(item, dict) and _DIRECTIVE in item)]

    merged = [copy.deepcopy(item) for item in current] if current is not None else []
    for item in patch:
        if not isinstance(item, dict):
            raise PatchError(f"unable to find api field in struct for the merge key {merge_key!r}: {json.dumps(item)}")
        if merge_key not in item:
            raise PatchError(f"map: {_go_map(item)} does not contain declared merge key: {merge_key}")
        wanted = item[merge_key]
        index = next(
            (i for i, existing in enumerate(merged) if isinstance(existing, dict) and existing.get(merge_key) == wanted),
            None,
        )
        if item.get(_DIRECTIVE) == "delete":
            if index is not None:
                del merged[index]
            continue
        if index is None:
            added = _merge_map({}, item, keys)
            if added is not None:
                merged.append(added)
        else:
            updated = _merge_map(merged[index], item, keys)
            if updated is None:
                del merged[index]
            else:
                merged[index] = updated
    return merged


def _go_map(value: dict[str, Any]) -> str:
    return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(value.items())) + "]"


# --------------------------------------------------------------------------- RFC 7386


def apply_merge_patch(obj: Any, patch: Any) -> Any:
    """JSON merge patch (RFC 7386): maps merge, `null` deletes, everything else (lists too) replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(obj) if isinstance(obj, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


# --------------------------------------------------------------------------- RFC 6902


def _parse_pointer(pointer: Any) -> list[str]:
    if not isinstance(pointer, str):
        raise PatchError(f"JSON pointer must be a string, got {_json_type(pointer)}")
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f'JSON pointer must be empty or start with a "/": {pointer!r}')
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def _array_index(token: str, length: int, *, allow_end: bool) -> int:
    if token == "-" and allow_end:
        return length
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise PatchError(f"Unable to access invalid index: {token}: invalid index referenced")
    index = int(token)
    limit = length if allow_end else length - 1
    if index > limit:
        raise PatchError(f"Unable to access invalid index: {index}: invalid index referenced")
    return index


def _walk(doc: Any, tokens: list[str], missing: str) -> Any:
    """Follow `tokens` from `doc`; a step that does not exist raises PatchError(missing)."""
    node = doc
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            try:
                node = node[_array_index(token, len(node), allow_end=False)]
            except PatchError:
                raise PatchError(missing) from None
        else:
            raise PatchError(missing)
    return node


def _missing(op: str, path: str, what: str = "path") -> str:
    return f'{op} operation does not apply: doc is missing {what}: "{path}": missing value'


def _container(doc: Any, parts: list[str], op: str, path: str) -> tuple[Any, str]:
    """The parent container of the location `parts` names, and the last token."""
    node = _walk(doc, parts[:-1], _missing(op, path))
    if not isinstance(node, (dict, list)):
        raise PatchError(_missing(op, path))
    return node, parts[-1]


def _pointer(operation: dict[str, Any], key: str) -> str | None:
    """`path` / `from` of a JSON patch operation: None when absent; not a string is an error (as the
    API server fails to unmarshal it)."""
    value = operation.get(key)
    if value is not None and not isinstance(value, str):
        raise PatchError(f"json: cannot unmarshal {_json_type(value)} into Go value of type string")
    return value


def _get(doc: Any, path: str, op: str, what: str = "path") -> Any:
    return _walk(doc, _parse_pointer(path), _missing(op, path, what))


def _add(doc: Any, path: str, value: Any, op: str = "add") -> Any:
    parts = _parse_pointer(path)
    if not parts:
        return copy.deepcopy(value)
    parent, token = _container(doc, parts, op, path)
    if isinstance(parent, dict):
        parent[token] = copy.deepcopy(value)
    else:
        parent.insert(_array_index(token, len(parent), allow_end=True), copy.deepcopy(value))
    return doc


def _remove(doc: Any, path: str, op: str = "remove") -> tuple[Any, Any]:
    parts = _parse_pointer(path)
    if not parts:
        raise PatchError(f"{op} operation does not apply: cannot remove the whole document")
    parent, token = _container(doc, parts, op, path)
    if isinstance(parent, dict):
        if token not in parent:
            raise PatchError(_missing(op, path))
        return doc, parent.pop(token)
    return doc, parent.pop(_array_index(token, len(parent), allow_end=False))


def _replace(doc: Any, path: str, value: Any) -> Any:
    parts = _parse_pointer(path)
    if not parts:
        return copy.deepcopy(value)
    parent, token = _container(doc, parts, "replace", path)
    if isinstance(parent, dict):
        if token not in parent:
            raise PatchError(f"replace operation does not apply: doc is missing key: {path}: missing value")
        parent[token] = copy.deepcopy(value)
    else:
        parent[_array_index(token, len(parent), allow_end=False)] = copy.deepcopy(value)
    return doc


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON sees it: `true` is not `1`, `1` is `1.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def apply_json_patch(obj: Any, ops: Any) -> Any:
    """Apply a JSON patch (RFC 6902) and return the new document; raises PatchError."""
    if not isinstance(ops, list):
        raise PatchError(f"json: cannot unmarshal {_json_type(ops)} into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(obj)
    for operation in ops:
        if not isinstance(operation, dict):
            raise PatchError("json: cannot unmarshal into Go value of type jsonpatch.Operation")
        op = operation.get("op")
        path = _pointer(operation, "path")
        if path is None:
            if op in ("add", "remove", "replace", "move", "copy", "test"):
                raise PatchError(f"{op} operation does not apply: doc is missing path: \"\": missing value")
            path = ""  # only an unknown op gets here, and it is refused below
        if op in ("add", "replace", "test") and "value" not in operation:
            raise PatchError(f"{op} operation does not apply: missing value: missing value")
        if op == "add":
            doc = _add(doc, path, operation["value"])
        elif op == "remove":
            doc, _ = _remove(doc, path)
        elif op == "replace":
            doc = _replace(doc, path, operation["value"])
        elif op == "move":
            source = _pointer(operation, "from")
            if source is None:
                raise PatchError("move operation does not apply: from is missing: missing value")
            if path != source and (path + "/").startswith(source + "/"):
                raise PatchError(f"move operation does not apply: cannot move {source} into its own child {path}")
            _get(doc, source, "move", "from path")
            doc, value = _remove(doc, source, "move")
            doc = _add(doc, path, value, "move")
        elif op == "copy":
            source = _pointer(operation, "from")
            if source is None:
                raise PatchError("copy operation does not apply: from is missing: missing value")
            value = _get(doc, source, "copy", "from path")
            doc = _add(doc, path, value, "copy")
        elif op == "test":
            try:
                current = _get(doc, path, "test")
            except PatchError:
                raise PatchError(f"testing value {path} failed: test failed") from None
            if not _json_equal(current, operation["value"]):
                raise PatchError(f"testing value {path} failed: test failed")
        else:
            raise PatchError(f"Unexpected kind: {op}")
    return doc
