"""Label and field selectors as the API server parses and applies them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.demo.api.status import ApiError


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        if self.op == "exists":
            return self.key in labels
        if self.op == "!":
            return self.key not in labels
        if self.op == "=":
            return labels.get(self.key) == self.values[0]
        if self.op == "!=":
            return labels.get(self.key) != self.values[0]
        if self.op == "in":
            return self.key in labels and labels[self.key] in self.values
        if self.op == "notin":
            return labels.get(self.key) not in self.values
        return False


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def parse_label_selector(text: str | None) -> tuple[Requirement, ...]:
    """Parse `app=slim,tier!=db,env in (a,b),!legacy,release`; 400 on syntax errors."""
    if not text:
        return ()
    requirements: list[Requirement] = []
    for part in _split_top_level(text):
        requirements.append(_parse_requirement(part, text))
    return tuple(requirements)


def _parse_requirement(part: str, whole: str) -> Requirement:
    lowered = part
    for word in (" notin ", " in "):
        index = lowered.find(word)
        if index > 0:
            key = part[:index].strip()
            rest = part[index + len(word):].strip()
            if not (rest.startswith("(") and rest.endswith(")")):
                raise _bad_selector(whole, f"found '{rest}', expected: '('")
            values = tuple(v.strip() for v in rest[1:-1].split(",") if v.strip())
            return Requirement(key, word.strip(), values)
    if part.startswith("!"):
        return Requirement(part[1:].strip(), "!")
    for op, norm in (("!=", "!="), ("==", "="), ("=", "=")):
        if op in part:
            key, _, value = part.partition(op)
            key, value = key.strip(), value.strip()
            if not key:
                raise _bad_selector(whole, "found '=', expected: identifier")
            return Requirement(key, norm, (value,))
    if any(c in part for c in " ()<>"):
        raise _bad_selector(whole, f"found '{part}', expected: identifier")
    return Requirement(part, "exists")


def _bad_selector(whole: str, why: str) -> ApiError:
    return ApiError(400, f"unable to parse requirement: {why}", "BadRequest")


def labels_match(requirements: tuple[Requirement, ...], labels: dict[str, str] | None) -> bool:
    if not requirements:
        return True
    labels = labels or {}
    return all(req.matches(labels) for req in requirements)


FieldGetter = Callable[[dict[str, Any]], str]


def _nested(*path: str) -> FieldGetter:
    def get(obj: dict[str, Any]) -> str:
        value: Any = obj
        for part in path:
            if not isinstance(value, dict):
                return ""
            value = value.get(part)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return get


POD_FIELDS: dict[str, FieldGetter] = {
    "metadata.name": _nested("metadata", "name"),
    "metadata.namespace": _nested("metadata", "namespace"),
    "spec.nodeName": _nested("spec", "nodeName"),
    "spec.restartPolicy": _nested("spec", "restartPolicy"),
    "spec.schedulerName": _nested("spec", "schedulerName"),
    "spec.serviceAccountName": _nested("spec", "serviceAccountName"),
    "spec.hostNetwork": lambda obj: "true" if obj.get("spec", {}).get("hostNetwork") else "false",
    "status.phase": _nested("status", "phase"),
    "status.podIP": _nested("status", "podIP"),
    "status.nominatedNodeName": _nested("status", "nominatedNodeName"),
}

GENERIC_FIELDS: dict[str, FieldGetter] = {
    "metadata.name": _nested("metadata", "name"),
    "metadata.namespace": _nested("metadata", "namespace"),
}

EVENT_FIELDS: dict[str, FieldGetter] = {
    **GENERIC_FIELDS,
    "involvedObject.name": _nested("involvedObject", "name"),
    "involvedObject.namespace": _nested("involvedObject", "namespace"),
    "involvedObject.kind": _nested("involvedObject", "kind"),
    "involvedObject.uid": _nested("involvedObject", "uid"),
    "involvedObject.fieldPath": _nested("involvedObject", "fieldPath"),
    "involvedObject.resourceVersion": _nested("involvedObject", "resourceVersion"),
    "involvedObject.apiVersion": _nested("involvedObject", "apiVersion"),
    "reason": _nested("reason"),
    "type": _nested("type"),
    "source": _nested("source", "component"),
}


@dataclass(frozen=True)
class FieldRequirement:
    getter: FieldGetter
    equal: bool
    value: str

    def matches(self, obj: dict[str, Any]) -> bool:
        return (self.getter(obj) == self.value) == self.equal


def parse_field_selector(text: str | None, fields: dict[str, FieldGetter]) -> tuple[FieldRequirement, ...]:
    """Parse `metadata.name=x,status.phase!=Running`; 400 `field label not supported: f`."""
    if not text:
        return ()
    result: list[FieldRequirement] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "!=" in part:
            key, _, value = part.partition("!=")
            equal = False
        elif "==" in part:
            key, _, value = part.partition("==")
            equal = True
        elif "=" in part:
            key, _, value = part.partition("=")
            equal = True
        else:
            raise ApiError(400, f"invalid selector: '{text}'; can't understand '{part}'", "BadRequest")
        key = key.strip()
        getter = fields.get(key)
        if getter is None:
            raise ApiError(400, f'field label not supported: {key}', "BadRequest")
        result.append(FieldRequirement(getter, equal, value.strip()))
    return tuple(result)


def fields_match(requirements: tuple[FieldRequirement, ...], obj: dict[str, Any]) -> bool:
    return all(req.matches(obj) for req in requirements)


@dataclass(frozen=True)
class Filter:
    """What a list or watch asks for: namespace (None: all), labels, fields."""

    namespace: str | None = None
    labels: tuple[Requirement, ...] = ()
    fields: tuple[FieldRequirement, ...] = ()

    def matches(self, obj: dict[str, Any] | None) -> bool:
        if obj is None:
            return False
        metadata = obj.get("metadata", {})
        if self.namespace is not None and metadata.get("namespace") != self.namespace:
            return False
        if self.labels and not labels_match(self.labels, metadata.get("labels")):
            return False
        if self.fields and not fields_match(self.fields, obj):
            return False
        return True
