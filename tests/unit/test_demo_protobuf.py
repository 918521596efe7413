"""The demo's protobuf decoder: Go structs embedded inline (`json:",inline"`) are flattened into
their parent as the API server's JSON has them (probes, volumes, config-map / secret references,
ephemeral containers), on bodies encoded with the schema's own field numbers."""

from __future__ import annotations

from typing import Any

import pytest

from tui.demo.api.protobuf import INLINE_FIELDS, MAGIC, UNKNOWN, decode_object, schema
from tui.demo.api.status import ApiError

CORE = "k8s.io.api.core.v1."


def _varint(value: int) -> bytes:
    out = b""
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def encode(message: str, value: dict[str, Any]) -> bytes:
    """Protobuf bytes of `value` (strings, bools, ints, nested messages, repeated) by field name."""
    fields = {spec[0]: (int(number), spec) for number, spec in schema()[message]["fields"].items()}
    out = b""
    for name, item in value.items():
        number, (_, kind, repeated, nested) = fields[name]
        for one in item if repeated else [item]:
            if kind == 11:
                data = encode(nested, one)
                out += _varint(number << 3 | 2) + _varint(len(data)) + data
            elif isinstance(one, (str, bytes)):
                data = one.encode() if isinstance(one, str) else one
                out += _varint(number << 3 | 2) + _varint(len(data)) + data
            else:
                out += _varint(number << 3) + _varint(int(one))
    return out


def body(kind: str, message: str, value: dict[str, Any]) -> bytes:
    return MAGIC + encode(UNKNOWN, {"typeMeta": {"apiVersion": "v1", "kind": kind},
                                    "raw": encode(message, value)})


def ref(name: str) -> dict[str, Any]:
    return {"localObjectReference": {"name": name}}


POD = {
    "metadata": {"name": "web-copy", "namespace": "default"},
    "spec": {
        "containers": [{
            "name": "app", "image": "nginx",
            "livenessProbe": {"handler": {"httpGet": {"path": "/healthz", "port": {"type": 0, "intVal": 80}}},
                              "periodSeconds": 10},
            "readinessProbe": {"handler": {"exec": {"command": ["cat", "/ready"]}}},
            "env": [{"name": "MODE", "valueFrom": {"configMapKeyRef": {**ref("web"), "key": "mode"}}},
                    {"name": "TOKEN", "valueFrom": {"secretKeyRef": {**ref("web"), "key": "token"}}}],
            "envFrom": [{"configMapRef": ref("web")}, {"secretRef": ref("creds")}],
        }],
        "volumes": [
            {"name": "conf", "volumeSource": {"configMap": {**ref("web"), "defaultMode": 420}}},
            {"name": "all", "volumeSource": {"projected": {"sources": [{"configMap": ref("web")},
                                                                       {"secret": ref("creds")}]}}},
            {"name": "scratch", "volumeSource": {"emptyDir": {}}},
        ],
        "ephemeralContainers": [{"ephemeralContainerCommon": {"name": "debugger", "image": "busybox",
                                                              "stdin": True, "tty": True},
                                 "targetContainerName": "app"}],
    },
}


def test_inline_structs_are_flattened_into_their_parent() -> None:
    pod = decode_object(body("Pod", CORE + "Pod", POD))
    assert pod["kind"] == "Pod" and pod["apiVersion"] == "v1" and "typeMeta" not in pod
    (container,) = pod["spec"]["containers"]
    assert container["livenessProbe"] == {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 10}
    assert container["readinessProbe"] == {"exec": {"command": ["cat", "/ready"]}}
    assert container["env"] == [
        {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "web", "key": "mode"}}},
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "web", "key": "token"}}},
    ]
    assert container["envFrom"] == [{"configMapRef": {"name": "web"}}, {"secretRef": {"name": "creds"}}]
    assert pod["spec"]["volumes"] == [
        {"name": "conf", "configMap": {"name": "web", "defaultMode": 420}},
        {"name": "all", "projected": {"sources": [{"configMap": {"name": "web"}}, {"secret": {"name": "creds"}}]}},
        {"name": "scratch", "emptyDir": {}},
    ]
    assert pod["spec"]["ephemeralContainers"] == [
        {"name": "debugger", "image": "busybox", "stdin": True, "tty": True, "targetContainerName": "app"}]


def test_every_inline_field_names_a_message_field_of_the_schema() -> None:
    for message, name in INLINE_FIELDS:
        assert name in [spec[0] for spec in schema()[message]["fields"].values()], (message, name)


def test_an_unsupported_kind_is_refused_with_its_name() -> None:
    with pytest.raises(ApiError) as caught:
        decode_object(MAGIC + encode(UNKNOWN, {"typeMeta": {"apiVersion": "v1", "kind": "PersistentVolume"}}))
    assert "PersistentVolume in protobuf is not supported" in str(caught.value.args or caught.value)
