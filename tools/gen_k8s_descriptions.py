"""Regenerate `tui/demo/api/k8s_descriptions.json`, the field and type descriptions of the demo's
OpenAPI documents (what `kubectl explain` prints), from the official `kubernetes` Python client's
models (installed in the project's venv with the test extras):

    .venv/bin/python tools/gen_k8s_descriptions.py > tui/demo/api/k8s_descriptions.json

The demo cluster may not import the client at run time (import-linter), so the descriptions are
taken here, once, and committed as package data. For every protobuf message the OpenAPI generator
(`tui.demo.api.openapi`) turns into a definition, the client's model class of the same type
(`V1PodSpec` for `k8s.io.api.core.v1.PodSpec`, `CoreV1Event` for the core Event) gives:
- the type's description: the class docstring before its `Attributes:` block;
- each field's description: the pydantic field's `description`, by the field's JSON name, for the
  fields the message (or a struct inlined into it, such as EphemeralContainerCommon) has.
Fields the client gives no description (those typed by another model, e.g. `PodSpec.affinity`)
are left out. The output is `{"types": {message: description}, "fields": {message: {field:
description}}}`, sorted, so a re-run is byte-identical (tests/unit/test_demo_descriptions.py checks
the committed file against this script's output).
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any

import kubernetes.client.models as models

from tui.demo.api import openapi
from tui.demo.api.protobuf import INLINE_FIELDS, schema

_MESSAGE = 11
# the client's prefixes for a group whose type names clash with another group's
_GROUP_PREFIX = {"core": "CoreV1", "apps": "AppsV1", "events": "EventsV1", "authentication": "AuthenticationV1",
                 "authorization": "AuthorizationV1"}


def model_class(message: str) -> Any:
    """The client's model of a protobuf message, or None (k8s.io.api.core.v1.PodSpec -> V1PodSpec)."""
    parts = message.split(".")
    short, version = parts[-1], parts[-2]
    if version != "v1":
        return None
    group = parts[3] if message.startswith("k8s.io.api.") else ""
    for name in (_GROUP_PREFIX.get(group, "") + short, "V1" + short):
        cls = getattr(models, name, None)
        if inspect.isclass(cls) and hasattr(cls, "model_fields"):
            return cls
    return None


def type_description(cls: Any) -> str:
    text = inspect.cleandoc(cls.__doc__ or "").split("\n\nAttributes:", 1)[0].strip()
    return "" if text.startswith("NOTE: This class is auto generated") else text


def json_fields(message: str) -> list[str]:
    """The message's JSON field names, with those of the structs inlined into it."""
    names: list[str] = []
    for name, kind, _repeated, nested in schema()[message]["fields"].values():
        if (message, name) in INLINE_FIELDS and kind == _MESSAGE:
            names.extend(json_fields(nested))
        else:
            names.append(name)
    return names


def field_descriptions(cls: Any, wanted: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for attribute, info in cls.model_fields.items():
        json_name = info.serialization_alias or cls.attribute_map.get(attribute, attribute)
        if json_name in wanted and info.description:
            found[json_name] = info.description
    return dict(sorted(found.items()))


def messages() -> list[str]:
    """Every message the demo's OpenAPI documents define (v2 has them all)."""
    names = openapi.v2_document()["definitions"]
    return sorted("k8s.io." + name[len("io.k8s."):] for name in names if name.startswith("io.k8s."))


def generate() -> dict[str, Any]:
    types: dict[str, str] = {}
    fields: dict[str, dict[str, str]] = {}
    for message in messages():
        cls = model_class(message)
        if cls is None or message not in schema():
            continue
        description = type_description(cls)
        if description:
            types[message] = description
        found = field_descriptions(cls, json_fields(message))
        if found:
            fields[message] = found
    return {"types": types, "fields": fields}


def render() -> str:
    return json.dumps(generate(), indent=0, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
