"""How the pods are kept between the watch and the screen: compact, decoded when asked for.

A decoded pod is some 12 KB of dicts, lists and strings (10,000 demo pods: 118 MB, 26 MB as
JSON text, 4.3 MB as that text compressed against a typical pod). The table needs a few facts per
pod for the rows not on screen; the whole pod is needed only for the one the user looks at. So
each pod is kept as its compressed JSON text plus its `RowFacts` (`StoredPod`), and `PodView`
decodes a pod when something asks for it (the inspector, an action), keeping the last few decoded.

`list_items` splits a list answer (or a watch event) into its items' decoded objects and their own
JSON text, in one pass of the standard decoder (no re-encoding).

Pure: no I/O, no Textual.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping

from tui.pods.rows import RowFacts, row_facts
from tui.pods.status import NO_EPHEMERAL

PodKey = tuple[str, str]

# Annotations that can be as large as the pod itself and that the UI never shows.
BULKY_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def _slimmed(pod: dict) -> bool:
    """Drop what the UI never shows but that can dominate a pod (``metadata.managedFields``, the
    last-applied-configuration annotation); True when something was dropped."""
    meta = pod.get("metadata")
    if not isinstance(meta, dict):
        return False
    dropped = meta.pop("managedFields", None) is not None
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        for name in BULKY_ANNOTATIONS:
            dropped = annotations.pop(name, None) is not None or dropped
    return dropped


# The text of a typical pod as the API server writes it (compact JSON, the fields of a Deployment's
# pod, no names): the dictionary each pod's text is compressed against. A pod repeats most of it
# ("terminationMessagePath":"/dev/termination-log", the service account volume, the tolerations,
# the conditions...), so a pod's 2.6 KB of JSON keep some 430 bytes (zlib, level 1).
_TYPICAL_POD = {
    "kind": "Pod", "apiVersion": "v1",
    "metadata": {"name": "", "generateName": "", "namespace": "default", "uid": "", "resourceVersion": "",
                 "creationTimestamp": "2026-01-01T00:00:00Z",
                 "labels": {"app": "", "app.kubernetes.io/name": "", "pod-template-hash": ""}, "annotations": {},
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "", "uid": "",
                                      "controller": True, "blockOwnerDeletion": True}]},
    "spec": {
        "volumes": [{"name": "kube-api-access-", "projected": {"sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                          "fieldPath": "metadata.namespace"}}]}}],
            "defaultMode": 420}}],
        "containers": [{"name": "", "image": "", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "env": [{"name": "", "value": ""}],
                        "resources": {"limits": {"cpu": "", "memory": ""}, "requests": {"cpu": "", "memory": ""}},
                        "volumeMounts": [{"name": "kube-api-access-", "readOnly": True,
                                          "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
                        "livenessProbe": {}, "readinessProbe": {},
                        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                        "imagePullPolicy": "IfNotPresent", "securityContext": {}}],
        "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
        "nodeSelector": {}, "serviceAccountName": "default", "serviceAccount": "default", "nodeName": "",
        "securityContext": {}, "schedulerName": "default-scheduler",
        "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                         "tolerationSeconds": 300},
                        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                         "tolerationSeconds": 300}],
        "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority"},
    "status": {
        "phase": "Running",
        "conditions": [{"type": kind, "status": "True", "lastProbeTime": None,
                        "lastTransitionTime": "2026-01-01T00:00:00Z"}
                       for kind in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                                    "PodScheduled")],
        "hostIP": "10.0.0.1", "hostIPs": [{"ip": "10.0.0.1"}], "podIP": "10.0.0.1", "podIPs": [{"ip": "10.0.0.1"}],
        "startTime": "2026-01-01T00:00:00Z",
        "containerStatuses": [{"name": "", "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}},
                               "lastState": {}, "ready": True, "restartCount": 0, "image": "docker.io/library/",
                               "imageID": "docker.io/library/@sha256:", "containerID": "containerd://",
                               "started": True}],
        "qosClass": "BestEffort"},
}
_DICTIONARY = json.dumps(_TYPICAL_POD, separators=(",", ":")).encode()
# Primed once; each pod's compression starts from a copy (priming costs as much as a pod).
_PACKER = zlib.compressobj(1, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY)
_UNPACKER = zlib.decompressobj(15, _DICTIONARY)


def pack(text: str) -> bytes:
    """A pod's JSON text, compressed against the typical pod."""
    packer = _PACKER.copy()
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack(packed: bytes) -> bytes:
    """The JSON text `pack` was given (UTF-8)."""
    unpacker = _UNPACKER.copy()
    return unpacker.decompress(packed) + unpacker.flush()


class StoredPod:
    """One pod as kept: its JSON text, compressed (`packed`; `raw` is the text), and its row's
    facts (`facts`)."""

    __slots__ = ("facts", "packed")

    def __init__(self, packed: bytes, facts: RowFacts) -> None:
        self.packed = packed
        self.facts = facts

    @property
    def key(self) -> PodKey:
        """(namespace, name)."""
        return (self.facts.namespace, self.facts.name)

    @property
    def raw(self) -> str:
        """The pod's JSON text."""
        return unpack(self.packed).decode("utf-8")

    def decode(self) -> dict:
        """The pod as a new dict."""
        pod = json.loads(unpack(self.packed))
        return pod if isinstance(pod, dict) else {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoredPod) and other.packed == self.packed

    def __hash__(self) -> int:
        return hash(self.packed)

    def __repr__(self) -> str:
        return f"StoredPod({self.facts.namespace!r}, {self.facts.name!r})"


def stored_pod(pod: dict, raw: str | None = None) -> StoredPod:
    """`pod` as kept. `raw`: its JSON text as received, when known (spares encoding it again;
    re-encoded anyway when bulky fields were dropped). `pod` may be changed (slimmed)."""
    if _slimmed(pod) or raw is None:
        raw = json.dumps(pod, separators=(",", ":"), ensure_ascii=False)
    try:
        facts = row_facts(pod)
    except (AttributeError, TypeError, ValueError):  # a field of another JSON type than the API's
        namespace, name = pod_key(pod)
        facts = RowFacts(str(namespace), str(name), "0/0", "Unknown", 0, None, None, "", NO_EPHEMERAL)
    return StoredPod(pack(raw), facts)


def pod_key(pod: dict) -> PodKey:
    meta = pod.get("metadata")
    if not isinstance(meta, dict):
        return ("", "")
    return (meta.get("namespace") or "", meta.get("name") or "")


class PodView(Mapping[PodKey, dict]):
    """The pods of a `dict[PodKey, StoredPod]` as decoded dicts: each decoded when asked for, the
    last `CACHED` kept (the inspected pod is asked for again and again). Callers never change
    what they get (it may be handed to the next caller)."""

    CACHED = 16

    def __init__(self, stored: dict[PodKey, StoredPod]) -> None:
        self.stored = stored
        self._decoded: OrderedDict[PodKey, tuple[StoredPod, dict]] = OrderedDict()

    def __getitem__(self, key: PodKey) -> dict:
        stored = self.stored[key]
        hit = self._decoded.get(key)
        if hit is not None and hit[0] is stored:
            self._decoded.move_to_end(key)
            return hit[1]
        pod = stored.decode()
        self._decoded[key] = (stored, pod)
        if len(self._decoded) > self.CACHED:
            self._decoded.popitem(last=False)
        return pod

    def __contains__(self, key: object) -> bool:
        return key in self.stored

    def __iter__(self) -> Iterator[PodKey]:
        return iter(self.stored)

    def __len__(self) -> int:
        return len(self.stored)

    def __bool__(self) -> bool:
        return bool(self.stored)


def _skip_space(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def _after_value(text: str, index: int, closing: str) -> tuple[int, bool]:
    """Past a value at `index`: after its ',' (True: another value follows), or at `closing`."""
    index = _skip_space(text, index)
    if text[index : index + 1] == ",":
        return _skip_space(text, index + 1), True
    if text[index : index + 1] != closing:
        raise ValueError(f"',' or '{closing}' expected")
    return index, False


def list_items(text: str, member: str = "items") -> tuple[dict, list[tuple[dict, str]]]:
    """A JSON object's members, with the array `member` given apart as (decoded item, the item's
    own JSON text) pairs: (the object without `member`, the pairs). When `member` is an object (a
    watch event's ``"object"``), the pairs are that one object. Raises ValueError (as `json.loads`)
    on text that is not such an object."""
    head: dict = {}
    pairs: list[tuple[dict, str]] = []
    decode = _DECODER.raw_decode
    index = _skip_space(text, 0)
    if text[index : index + 1] != "{":
        raise ValueError("not a JSON object")
    index = _skip_space(text, index + 1)
    if text[index : index + 1] == "}":
        return head, pairs
    while True:
        key, index = decode(text, index)
        if not isinstance(key, str):
            raise ValueError("a member's name is not a string")
        index = _skip_space(text, index)
        if text[index : index + 1] != ":":
            raise ValueError("':' expected")
        index = _skip_space(text, index + 1)
        if key == member and text[index : index + 1] == "[":
            index = _skip_space(text, index + 1)
            pairs = []
            if text[index : index + 1] == "]":
                index += 1
            else:
                more = True
                while more:
                    item, end = decode(text, index)
                    if isinstance(item, dict):
                        pairs.append((item, text[index:end]))
                    index, more = _after_value(text, end, "]")
                index += 1
        elif key == member and text[index : index + 1] == "{":  # a watch event's object
            item, end = decode(text, index)
            pairs = [(item, text[index:end])]
            index = end
        else:
            head[key], index = decode(text, index)
        index, more = _after_value(text, index, "}")
        if not more:
            break
    if _skip_space(text, index + 1) != len(text):
        raise ValueError("extra data after the object")
    return head, pairs
