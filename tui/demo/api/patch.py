"""Patch formats the API server accepts, applied to plain JSON objects.

- `apply_strategic_merge_patch`: `application/strategic-merge-patch+json` (what kubectl sends).
- `apply_json_patch`: `application/json-patch+json`, RFC 6902.
- `apply_merge_patch`: `application/merge-patch+json`, RFC 7386.

Inputs are never mutated; each function returns a new object. Errors raise `PatchError`, which
carries the Status the real server answers with (code, message, reason, details).

The strategic merge patch is a port of apimachinery's `pkg/util/strategicpatch` apply side
(`StrategicMergeMapPatchUsingLookupPatchMeta`: `mergeMap`, `mergeSlice`, `mergePatchIntoOriginal`,
`normalizeElementOrder` ...), checked by its own test cases (tests/unit/test_patch_upstream.py):
- `null` deletes a key; a map merges key by key, a list replaces unless its field's patch strategy
  is `merge`: lists of maps then merge by the field's merge key (all entries with a merge key
  `{"$patch": "delete"}` names are deleted, duplicates included), lists of scalars are a union;
  items the patch names come in the patch's order, the others keep the server's relative order
  (a new item the server's order cannot place goes before the server's items, as upstream puts it).
- `$patch: replace` / `$patch: delete` in a map (a deleted map is left empty, as upstream does);
  `{"$patch": "replace"}` as a list element replaces the list.
- `$setElementOrder/<list>` orders the merged list (its "doesn't match" errors included),
  `$deleteFromPrimitiveList/<list>`, `$retainKeys`.

Which fields merge, and by which key, comes from a `PatchSchema`, one per kind
(`schema_for_resource`): the struct tags (`patchStrategy`, `patchMergeKey`) of the core/v1 and apps/v1
types the demo serves. A Deployment's or ReplicaSet's pod template (spec.template) has the pod's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.demo.api.validation import find_type_mismatch, unstructured_type

__all__ = [
    "MERGE_KEYS",
    "PRIMITIVE_MERGE_LISTS",
    "PatchError",
    "PatchMeta",
    "PatchSchema",
    "apply_json_patch",
    "apply_merge_patch",
    "apply_strategic_merge_patch",
    "schema_for_resource",
    "strategic_merge_map_patch",
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
    "resourceClaimStatuses": "name",
}

# Lists of scalars declared with patchStrategy "merge": the patch's values are added (a set union).
PRIMITIVE_MERGE_LISTS: frozenset[str] = frozenset({"finalizers"})

# Fields whose patchStrategy also has retainKeys (core/v1 PodSpec.Volumes, ResourceClaims,
# PodStatus.ResourceClaimStatuses; apps/v1 DeploymentSpec.Strategy).
_RETAIN_KEYS_FIELDS = ("volumes", "resourceClaims", "resourceClaimStatuses")

_DIRECTIVE = "$patch"
_DELETE = "delete"
_REPLACE = "replace"
_MERGE = "merge"
_RETAIN_KEYS_STRATEGY = "retainKeys"
_RETAIN_KEYS = "$retainKeys"
_DELETE_PRIMITIVE_PREFIX = "$deleteFromPrimitiveList"
_SET_ORDER_PREFIX = "$setElementOrder"

# mergepatch's errors.
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = "invalid patch format of setElementOrder list"


class PatchError(ValueError):
    """A patch that cannot be applied: the Status the API server answers with (`code`, `message`,
    `reason`, `details`)."""

    def __init__(self, message: str, code: int = 422, reason: str = "Invalid", details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason
        self.details = details


# interpretStrategicMergePatchError (apiserver's patch handler): these are 400 BadRequest; the
# strategic merge's other errors are not API errors and reach the client as a 500 with no reason.
_BAD_REQUEST_ERRORS = frozenset({
    ERR_BAD_JSON_DOC,
    ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST,
    ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS,
    ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST,
})


def _as_served(error: PatchError) -> PatchError:
    if error.message in _BAD_REQUEST_ERRORS:
        return PatchError(error.message, 400, "BadRequest")
    if error.message == ERR_NO_LIST_OF_LISTS:
        return PatchError(error.message, 422, "Invalid")
    return PatchError(error.message, 500, "")


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class PatchMeta:
    """A field's `patchStrategy` (split at commas) and `patchMergeKey`."""

    strategies: tuple[str, ...] = ()
    merge_key: str = ""


_NO_META = PatchMeta()


class PatchSchema:
    """The patch metadata of one kind: `fields` maps a JSON field name to its PatchMeta wherever it
    occurs (the API types give a name one meaning throughout a kind), `nested` gives a field its
    own schema where it differs. Fields not listed have no strategy (maps merge, lists replace)."""

    def __init__(
        self, name: str, fields: Mapping[str, PatchMeta], nested: Mapping[str, PatchSchema] | None = None
    ) -> None:
        self.name = name
        self.fields = dict(fields)
        self.nested = dict(nested or {})

    def lookup(self, key: str) -> tuple[PatchSchema, PatchMeta]:
        """(the schema below `key`, its PatchMeta): LookupPatchMetadataForStruct / ...ForSlice."""
        return self.nested.get(key, self), self.fields.get(key, _NO_META)

    def with_fields(self, name: str, fields: Mapping[str, PatchMeta]) -> PatchSchema:
        return PatchSchema(name, {**self.fields, **fields}, self.nested)


def _merge(key: str = "", retain: bool = False) -> PatchMeta:
    return PatchMeta((_MERGE, _RETAIN_KEYS_STRATEGY) if retain else (_MERGE,), key)


_BASE_FIELDS: dict[str, PatchMeta] = {
    **{field: _merge(key, field in _RETAIN_KEYS_FIELDS) for field, key in MERGE_KEYS.items()},
    **{field: _merge() for field in PRIMITIVE_MERGE_LISTS},
}
POD_SCHEMA = PatchSchema("Pod", _BASE_FIELDS)
_WORKLOAD_SCHEMA = POD_SCHEMA.with_fields("Deployment", {"strategy": PatchMeta((_RETAIN_KEYS_STRATEGY,))})
_SERVICE_SCHEMA = POD_SCHEMA.with_fields("Service", {"ports": _merge("port")})

_SCHEMAS: dict[str, PatchSchema] = {
    "pods": POD_SCHEMA,
    "deployments": _WORKLOAD_SCHEMA,
    "replicasets": POD_SCHEMA.with_fields("ReplicaSet", {}),
    "services": _SERVICE_SCHEMA,
}


def schema_for_resource(resource: str) -> PatchSchema:
    """The strategic-merge schema of a resource ("pods", "deployments", "services", ...); kinds
    without list merge keys of their own (namespaces, configmaps, secrets, events, nodes) share
    the pod's (metadata's finalizers / ownerReferences, node addresses and conditions)."""
    return _SCHEMAS.get(resource, POD_SCHEMA)


# --------------------------------------------------------------------------- Go values


def _go_kind(value: Any) -> str:
    """reflect.TypeOf of a value decoded by apimachinery's json (ints stay int64)."""
    return "<nil>" if value is None else unstructured_type(value)


def _go_equal(left: Any, right: Any) -> bool:
    """Go's == on two interface{} values holding JSON scalars."""
    return _go_kind(left) == _go_kind(right) and left == right


def _go_format(value: Any) -> str:
    """fmt's %v of a decoded JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, list):
        return "[" + " ".join(_go_format(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{_go_format(value[key])}" for key in sorted(value)) + "]"
    return str(value)


def _bad_arg_type(expected: str, actual: Any) -> PatchError:
    return PatchError(f"expected a {expected}, but received a {_go_kind(actual)}")


def _no_merge_key(item: dict[str, Any], merge_key: str) -> PatchError:
    return PatchError(f"map: {_go_format(item)} does not contain declared merge key: {merge_key}")


def _bad_patch_type(directive: Any, item: dict[str, Any]) -> PatchError:
    return PatchError(f"unknown patch type: {_go_format(directive)} in map: {_go_format(item)}")


_MAP = "map[string]interface {}"
_SLICE = "[]interface {}"


# --------------------------------------------------------------------------- strategic merge


def apply_strategic_merge_patch(
    obj: dict[str, Any],
    patch: dict[str, Any],
    merge_keys: dict[str, str] | None = None,
    schema: PatchSchema | None = None,
) -> dict[str, Any]:
    """Apply a strategic merge patch to `obj` as the API server does and return the result
    (neither input is changed). `schema` is the kind's (`schema_for_resource`; a pod's by
    default), `merge_keys` adds merge-strategy lists to it. Directive keys the merge leaves in
    the object (`$setElementOrder/...` in a map the patch adds) are dropped, as decoding the
    result into the API type drops them."""
    if not isinstance(patch, dict):
        raise PatchError(f"couldn't get version/kind; json parse error: expected a JSON object, got {_json_type(patch)}")
    lookup = schema or POD_SCHEMA
    if merge_keys:
        lookup = lookup.with_fields(lookup.name, {field: _merge(key) for field, key in merge_keys.items()})
    applied = copy.deepcopy(patch)  # mergeMap changes the patch; the 422 below prints it so
    try:
        result = _merge_map(copy.deepcopy(obj) if isinstance(obj, dict) else {}, applied, lookup)
    except PatchError as error:
        raise _as_served(error) from None
    mismatch = find_type_mismatch(result)
    if mismatch is not None:
        # applyPatchToObject: converting the merged map into the API type failed
        body = f"Invalid value: {json.dumps(_go_format(applied), ensure_ascii=False)}: {mismatch.converter_error()}"
        raise PatchError(f' "" is invalid: patch: {body}', 422, "Invalid",
                         {"causes": [{"reason": "FieldValueInvalid", "message": body, "field": "patch"}]})
    return _drop_directive_keys(result)


def strategic_merge_map_patch(original: dict[str, Any], patch: dict[str, Any], schema: PatchSchema) -> dict[str, Any]:
    """apimachinery's StrategicMergeMapPatchUsingLookupPatchMeta on copies of its inputs: the
    merged object exactly as upstream returns it (directive keys it keeps included)."""
    return _merge_map(copy.deepcopy(original), copy.deepcopy(patch), schema)


def _drop_directive_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_directive_keys(item) for key, item in value.items() if not key.startswith("$")}
    if isinstance(value, list):
        return [_drop_directive_keys(item) for item in value]
    return value


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


def _extract_key(key: str, prefix: str) -> str:
    parts = key.split("/", 1)
    if len(parts) <= 1 or parts[0] != prefix:
        if prefix == _DELETE_PRIMITIVE_PREFIX:
            raise PatchError(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST)
        raise PatchError(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
    return parts[1]


def _retain_keys_strategy(strategies: tuple[str, ...]) -> str:
    """extractRetainKeysPatchStrategy: the strategy besides retainKeys."""
    if not strategies:
        return ""
    if len(strategies) == 1:
        return "" if strategies[0] == _RETAIN_KEYS_STRATEGY else strategies[0]
    if len(strategies) == 2 and _RETAIN_KEYS_STRATEGY in strategies:
        return strategies[1] if strategies[0] == _RETAIN_KEYS_STRATEGY else strategies[0]
    raise PatchError(f"unexpected patch strategy: [{' '.join(strategies)}]")


def _merge_map(original: dict[str, Any] | None, patch: dict[str, Any], schema: PatchSchema) -> dict[str, Any]:
    """mergeMap with MergeParallelList and IgnoreUnmatchedNulls (what applying a patch uses)."""
    if _DIRECTIVE in patch:
        return _directive_in_map(patch[_DIRECTIVE], patch)
    if original is None:
        original = {}
    _apply_retain_keys(original, patch)
    _merge_set_element_order(original, patch, schema)

    for key, patch_value in list(patch.items()):
        is_delete_list = False
        if key.startswith(_DELETE_PRIMITIVE_PREFIX):
            key = _extract_key(key, _DELETE_PRIMITIVE_PREFIX)
            is_delete_list = True
        if patch_value is None:
            original.pop(key, None)
            continue
        if key not in original or _go_kind(original[key]) != _go_kind(patch_value):
            if not is_delete_list:
                _discard_nulls(patch_value)
                value, keep = _remove_directives(patch_value)
                if keep:
                    original[key] = value
                else:
                    original.pop(key, None)
            continue
        kind = _go_kind(original[key])
        if kind == _MAP:
            subschema, meta = schema.lookup(key)
            strategy = _retain_keys_strategy(meta.strategies)
            original[key] = patch_value if strategy == _REPLACE else _merge_map(original[key], patch_value, subschema)
        elif kind == _SLICE:
            subschema, meta = schema.lookup(key)
            strategy = _retain_keys_strategy(meta.strategies)
            original[key] = _merge_slice_handler(
                original[key], patch_value, subschema, strategy, meta.merge_key, is_delete_list
            )[0]
        else:
            value, keep = _remove_directives(patch_value)
            if keep:
                original[key] = value
            else:
                original.pop(key, None)
    return original


def _directive_in_map(directive: Any, patch: dict[str, Any]) -> dict[str, Any]:
    if _go_equal(directive, _REPLACE):
        del patch[_DIRECTIVE]
        return patch
    if _go_equal(directive, _DELETE):
        return {}
    raise _bad_patch_type(directive, patch)


def _apply_retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    """applyRetainKeysDirective: clear the keys of `original` the `$retainKeys` list lacks."""
    if _RETAIN_KEYS not in patch:
        return
    retain = patch.pop(_RETAIN_KEYS)
    if not isinstance(retain, list):
        raise PatchError(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    for key, value in patch.items():
        if value is None or key.startswith((_DELETE_PRIMITIVE_PREFIX, _SET_ORDER_PREFIX)):
            continue
        if not any(_go_equal(key, item) for item in retain):
            raise PatchError(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    for key in list(original):
        if not any(_go_equal(key, item) for item in retain):
            del original[key]


def _merge_set_element_order(original: dict[str, Any], patch: dict[str, Any], schema: PatchSchema) -> None:
    """mergePatchIntoOriginal: merge each `$setElementOrder/<list>` with its list and order it."""
    for key in [k for k in patch if k.startswith(_SET_ORDER_PREFIX)]:
        order = patch.pop(key)
        if not isinstance(order, list):
            raise _bad_arg_type(_SLICE, order)
        field = _extract_key(key, _SET_ORDER_PREFIX)
        found_original, found_patch = field in original, field in patch
        original_list: list[Any] = []
        patch_list: list[Any] = []
        if found_original:
            if not isinstance(original[field], list):
                raise _bad_arg_type(_SLICE, original[field])
            original_list = original[field]
        if found_patch:
            if not isinstance(patch[field], list):
                raise _bad_arg_type(_SLICE, patch[field])
            patch_list = patch[field]
        subschema, meta = schema.lookup(field)
        strategy = _retain_keys_strategy(meta.strategies)
        merge_key = meta.merge_key
        _validate_set_order(patch_list, order, merge_key)

        if found_original and not found_patch:
            merged = original_list
        elif found_patch and not found_original:
            value, keep = _remove_directives(patch_list)
            if not keep:
                continue
            merged = value
        elif found_original and found_patch:
            merged, original_list = _merge_slice_handler(original_list, patch_list, subschema, strategy, merge_key, False)
        else:
            continue

        if not merge_key:
            patch_items, server_only = _partition_primitives(merged, order)
        else:
            patch_items, server_only = _partition_maps(merged, order, merge_key)
        kind = _slice_element_kind(original_list, patch_list)
        original[field] = _normalize_element_order(patch_items, server_only, order, original_list, merge_key, kind)
        patch.pop(field, None)


def _validate_set_order(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
    """validatePatchWithSetOrderList: the patch list's items come in the order's relative order."""
    if not order or not patch_list:
        return
    non_delete = _split_deletes(patch_list)[0] if merge_key else patch_list
    patch_index = order_index = 0
    while patch_index < len(non_delete) and order_index < len(order):
        item = non_delete[patch_index]
        if isinstance(item, dict) and _DIRECTIVE in item:
            patch_index += 1
            continue
        if _merge_key_value_equal(item, order[order_index], merge_key):
            patch_index += 1
        order_index += 1
    if patch_index < len(non_delete) and order_index >= len(order):
        raise PatchError(
            f"The order in patch list:\n{_go_format(patch_list)}\n doesn't match {_SET_ORDER_PREFIX} list:\n"
            f"{_go_format(order)}\n"
        )


def _merge_key_value_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _go_equal(left, right)
    if not isinstance(left, dict):
        raise _bad_arg_type(_MAP, left)
    if not isinstance(right, dict):
        raise _bad_arg_type(_MAP, right)
    if merge_key not in left:
        raise _no_merge_key(left, merge_key)
    if merge_key not in right:
        raise _no_merge_key(right, merge_key)
    return _go_equal(left[merge_key], right[merge_key])


def _split_deletes(items: list[Any]) -> tuple[list[Any], list[Any]]:
    """extractToDeleteItems: (items kept, items with `$patch: delete`)."""
    keep: list[Any] = []
    delete: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            raise _bad_arg_type(_MAP, item)
        if _DIRECTIVE in item and _go_equal(item[_DIRECTIVE], _DELETE):
            delete.append(item)
        else:
            keep.append(item)
    return keep, delete


def _partition_primitives(items: list[Any], by: list[Any]) -> tuple[list[Any], list[Any]]:
    inside = [item for item in items if any(_go_equal(item, other) for other in by)]
    outside = [item for item in items if not any(_go_equal(item, other) for other in by)]
    return inside, outside


def _partition_maps(items: list[Any], by: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    inside: list[Any] = []
    outside: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            raise _bad_arg_type(_MAP, item)
        if merge_key not in item:
            raise _no_merge_key(item, merge_key)
        if _find_by_key(by, merge_key, item[merge_key]) is None:
            outside.append(item)
        else:
            inside.append(item)
    return inside, outside


def _find_by_key(items: list[Any], merge_key: str, value: Any) -> int | None:
    """findMapInSliceBasedOnKeyValue: the index of the first map whose merge key equals `value`."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise PatchError(f"value for key {index} is not a map")
        if merge_key in item and _go_equal(item[merge_key], value):
            return index
    return None


def _remove_directives(value: Any) -> tuple[Any, bool]:
    """removeDirectives: drop maps carrying `$patch` (and list items that are such maps)."""
    if isinstance(value, dict):
        if _DIRECTIVE in value:
            return None, False
        for key in list(value):
            item, keep = _remove_directives(value[key])
            if keep:
                value[key] = item
            else:
                del value[key]
        return value, True
    if isinstance(value, list):
        kept: list[Any] = []
        for item in value:
            new, keep = _remove_directives(item)
            if keep:
                kept.append(new)
        return kept, True
    return value, True


def _discard_nulls(value: Any) -> None:
    if isinstance(value, dict):
        for key in list(value):
            if value[key] is None:
                del value[key]
            else:
                _discard_nulls(value[key])
    elif isinstance(value, list):
        for item in value:
            _discard_nulls(item)


def _merge_slice_handler(
    original: Any, patch: Any, schema: PatchSchema, strategy: str, merge_key: str, is_delete_list: bool
) -> tuple[list[Any], list[Any]]:
    """mergeSliceHandler: (the merged list, what the caller's `original` slice holds afterwards)."""
    if not isinstance(original, list):
        raise _bad_arg_type(_SLICE, original)
    if not isinstance(patch, list):
        raise _bad_arg_type(_SLICE, patch)
    if strategy == _MERGE or is_delete_list:
        return _merge_slice(original, patch, schema, merge_key, is_delete_list)
    return patch, original


def _slice_element_kind(*lists: list[Any]) -> str:
    """sliceElementType: the one type of all the items (an error for mixed types or lists)."""
    kind: str | None = None
    for items in lists:
        for item in items:
            current = _go_kind(item)
            if kind is None:
                kind = current
                if kind == _SLICE:
                    raise PatchError(ERR_NO_LIST_OF_LISTS)
            elif kind != current:
                raise PatchError(f"list element types are not identical: {_go_format(list(lists))}")
    if kind is None:
        raise PatchError("no elements in any of the given slices")
    return kind


def _go_cap(length: int) -> int:
    """The capacity encoding/json gives a decoded array of `length` items (append's doubling)."""
    capacity = 0
    while capacity < length:
        capacity = max(1, capacity * 2)
    return capacity


class _GoSlice:
    """A Go slice over the caller's list: mergeSlice changes the caller's backing array in place
    (deleting an entry shifts the rest left, appending within the capacity writes into it), and
    mergePatchIntoOriginal then orders the server-only items by that changed array, so upstream's
    results depend on it. `original` is that array, `array` the one the working slice uses now."""

    def __init__(self, items: list[Any]) -> None:
        self.original = list(items)
        self.array = self.original
        self.outer_length = len(items)
        self.length = len(items)
        self.capacity = _go_cap(len(items))

    @property
    def shared(self) -> bool:
        return self.array is self.original

    def view(self) -> list[Any]:
        return self.array[: self.length]

    def outer(self) -> list[Any]:
        """What the caller's slice holds now."""
        return self.original[: self.outer_length]

    def delete(self, index: int) -> None:
        """original = append(original[:index], original[index+1:]...)"""
        self.array[index: self.length - 1] = self.array[index + 1: self.length]
        self.length -= 1

    def extend(self, items: list[Any]) -> None:
        """append(s, items...): in place within the capacity, else into a new array."""
        if not (self.shared and self.length + len(items) <= self.capacity):
            self.array = self.array[: self.length]
            self.capacity = 0
        for offset, item in enumerate(items):
            if self.length + offset < len(self.array):
                self.array[self.length + offset] = item
            else:
                self.array.append(item)
        self.length += len(items)


def _merge_slice(
    original: list[Any], patch: list[Any], schema: PatchSchema, merge_key: str, is_delete_list: bool
) -> tuple[list[Any], list[Any]]:
    """mergeSlice: (the merged list, what the caller's `original` slice holds afterwards)."""
    if not original and not patch:
        return original, original
    kind = _slice_element_kind(original, patch)
    slice_ = _GoSlice(original)
    if kind != _MAP:
        if is_delete_list:
            return [item for item in original if not any(_go_equal(item, other) for other in patch)], original
        slice_.extend(patch)  # both := append(original, patch...)
        merged = _deduplicate_scalars(slice_)
        server_order = slice_.outer()
    else:
        if not merge_key:
            raise PatchError(f"cannot merge lists without merge key for {schema.name}")
        replaced, patch = _merge_special_elements(slice_, patch, merge_key)
        if replaced is not None:
            server_order = merged = replaced
        else:
            kept = slice_.length
            merged = _merge_plain_elements(slice_, patch, merge_key, schema)
            server_order = slice_.original[:kept]
    if not merge_key:
        patch_items, server_only = _partition_primitives(merged, patch)
    else:
        patch_items, server_only = _partition_maps(merged, patch, merge_key)
    return _normalize_element_order(patch_items, server_only, patch, server_order, merge_key, kind), slice_.outer()


def _merge_special_elements(
    original: _GoSlice, patch: list[Any], merge_key: str
) -> tuple[list[Any] | None, list[Any]]:
    """mergeSliceWithSpecialElements: apply the `$patch` items (delete: every entry with that key)
    to `original` in place; (the patch's other items as the new list if one was `replace`, else None;
    the patch's other items)."""
    plain: list[Any] = []
    replace = False
    for item in patch:
        if _DIRECTIVE not in item:
            plain.append(item)
            continue
        directive = item[_DIRECTIVE]
        if _go_equal(directive, _DELETE):
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
            while (index := _find_by_key(original.view(), merge_key, item[merge_key])) is not None:
                original.delete(index)
        elif _go_equal(directive, _REPLACE):
            replace = True
        elif _go_equal(directive, _MERGE):
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise _bad_patch_type(directive, item)
    if replace:
        return plain, []
    return None, plain


def _merge_plain_elements(original: _GoSlice, patch: list[Any], merge_key: str, schema: PatchSchema) -> list[Any]:
    """mergeSliceWithoutSpecialElements: merge into the first entry with the key, else append."""
    for item in patch:
        if merge_key not in item:
            raise _no_merge_key(item, merge_key)
        index = _find_by_key(original.view(), merge_key, item[merge_key])
        if index is None:
            original.extend([item])
        else:
            original.array[index] = _merge_map(original.array[index], item, schema)
    return original.view()


def _deduplicate_scalars(items: _GoSlice) -> list[Any]:
    """deduplicateScalars, in place on the slice's array (its swaps, and so its order, included)."""
    values = items.array
    length = items.length - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if _go_equal(values[i], values[j]):
                values[j] = values[length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return values[: length + 1]


def _item_index(items: list[Any], value: Any, merge_key: str, kind: str) -> int:
    """index(): where `value` (its merge key for maps) is in `items`, or -1."""

    def key_of(item: Any) -> Any:
        if kind != _MAP:
            return item
        return item.get(merge_key) if isinstance(item, dict) else None

    wanted = key_of(value)
    for position, item in enumerate(items):
        if _go_equal(wanted, key_of(item)):
            return position
    return -1


def _normalize_slice_order(items: list[Any], order: list[Any], merge_key: str, kind: str) -> list[Any]:
    """normalizeSliceOrder: sort.SliceStable by the position in `order`; deletions go last."""
    to_delete: list[Any] = []
    if kind == _MAP:
        for listed in (items, order):
            for item in listed:
                if not isinstance(item, dict):
                    raise _bad_arg_type(_MAP, item)
                if merge_key not in item:
                    raise _no_merge_key(item, merge_key)
        items, to_delete = _split_deletes(items)
    items = list(items)

    def less(i: int, j: int) -> bool:
        left = _item_index(order, items[i], merge_key, kind)
        if left >= 0:
            right = _item_index(order, items[j], merge_key, kind)
            if right >= 0:
                return left < right
        return True

    _go_stable_sort(items, less)
    return items + to_delete


def _normalize_element_order(
    patch: list[Any], server_only: list[Any], patch_order: list[Any], server_order: list[Any], merge_key: str, kind: str
) -> list[Any]:
    patch = _normalize_slice_order(patch, patch_order, merge_key, kind)
    server_only = _normalize_slice_order(server_only, server_order, merge_key, kind)
    return _merge_sorted(server_only, patch, server_order, merge_key, kind)


def _merge_sorted(left: list[Any], right: list[Any], server_order: list[Any], merge_key: str, kind: str) -> list[Any]:
    """mergeSortedSlice: interleave the server-only items into the patch items by the server's order."""
    result: list[Any] = []
    i = j = 0
    for _ in range(len(left) + len(right)):
        if i >= len(left) and j < len(right):
            result.append(right[j])
            j += 1
        elif j >= len(right) and i < len(left):
            result.append(left[i])
            i += 1
        else:
            li = _item_index(server_order, left[i], merge_key, kind)
            ri = _item_index(server_order, right[j], merge_key, kind)
            if li >= 0 and ri >= 0 and li < ri:
                result.append(left[i])
                i += 1
            else:
                result.append(right[j])
                j += 1
    return result


# Go's sort.SliceStable (insertion sort in blocks of 20, then SymMerge), step for step: the
# order it gives with normalizeSliceOrder's non-strict `less` is part of upstream's behaviour.


def _go_stable_sort(data: list[Any], less: Callable[[int, int], bool]) -> None:
    def swap(i: int, j: int) -> None:
        data[i], data[j] = data[j], data[i]

    def insertion_sort(a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and less(j, j - 1):
                swap(j, j - 1)
                j -= 1

    def swap_range(a: int, b: int, n: int) -> None:
        for i in range(n):
            swap(a + i, b + i)

    def rotate(a: int, m: int, b: int) -> None:
        i, j = m - a, b - m
        while i != j:
            if i > j:
                swap_range(m - i, m, j)
                i -= j
            else:
                swap_range(m - i, m + j - i, i)
                j -= i
        swap_range(m - i, m, i)

    def sym_merge(a: int, m: int, b: int) -> None:
        if m - a == 1:
            i, j = m, b
            while i < j:
                h = (i + j) // 2
                if less(h, a):
                    i = h + 1
                else:
                    j = h
            for k in range(a, i - 1):
                swap(k, k + 1)
            return
        if b - m == 1:
            i, j = a, m
            while i < j:
                h = (i + j) // 2
                if not less(m, h):
                    i = h + 1
                else:
                    j = h
            for k in range(m, i, -1):
                swap(k, k - 1)
            return
        mid = (a + b) // 2
        n = mid + m
        if m > mid:
            start, r = n - b, mid
        else:
            start, r = a, m
        p = n - 1
        while start < r:
            c = (start + r) // 2
            if not less(p - c, c):
                start = c + 1
            else:
                r = c
        end = n - start
        if start < m < end:
            rotate(start, m, end)
        if a < start < mid:
            sym_merge(a, start, mid)
        if mid < end < b:
            sym_merge(mid, end, b)

    n = len(data)
    block = 20
    a, b = 0, block
    while b <= n:
        insertion_sort(a, b)
        a, b = b, b + block
    insertion_sort(a, n)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            sym_merge(a, a + block, b)
            a, b = b, b + 2 * block
        if a + block < n:
            sym_merge(a, a + block, n)
        block *= 2


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
