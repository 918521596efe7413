"""The root CA publisher (kube-controller-manager's root-ca-cert-publisher): every namespace has a
ConfigMap `kube-root-ca.crt` holding the cluster CA (`ca.crt`, PEM), which pods' projected service
account volumes mount. A namespace created later gets one; a deleted or changed one is put back
(not in a namespace being deleted).

```python
publisher = RootCAPublisher(store, ca_pem)   # the manager calls on_change with every store event
publisher.sync_all()                         # at start: every namespace has its ConfigMap
```
"""

from __future__ import annotations

import uuid
from typing import Any

from tui.demo.api.defaults import now_iso
from tui.demo.api.store import Store, WatchEvent

ROOT_CA_CONFIG_MAP = "kube-root-ca.crt"
DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
               "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
               "distributions of Kubernetes clusters.")


def root_ca_config_map(namespace: str, ca_pem: str, uid: str | None = None, created: str | None = None
                       ) -> dict[str, Any]:
    """The `kube-root-ca.crt` ConfigMap of `namespace`, as the publisher writes it."""
    return {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": ROOT_CA_CONFIG_MAP, "namespace": namespace, "uid": uid or str(uuid.uuid4()),
                     "creationTimestamp": created or now_iso(),
                     "annotations": {"kubernetes.io/description": DESCRIPTION}},
        "data": {"ca.crt": ca_pem},
    }


class RootCAPublisher:
    def __init__(self, store: Store, ca_pem: str) -> None:
        self.store = store
        self.ca_pem = ca_pem

    def sync_all(self) -> None:
        for namespace in list(self.store.values("namespaces")):
            self.sync(namespace["metadata"]["name"])

    def on_change(self, event: WatchEvent) -> None:
        if event.resource == "namespaces" and event.type in ("ADDED", "MODIFIED"):
            self.sync(event.obj["metadata"]["name"])
        elif event.resource == "configmaps" and event.obj["metadata"].get("name") == ROOT_CA_CONFIG_MAP:
            self.sync(str(event.obj["metadata"].get("namespace", "")))

    def sync(self, namespace: str) -> None:
        """The namespace's ConfigMap created, or its data put back (nothing in a terminating one)."""
        ns = self.store.get("namespaces", "", namespace)
        if ns is None or ns["metadata"].get("deletionTimestamp"):
            return
        current = self.store.get("configmaps", namespace, ROOT_CA_CONFIG_MAP)
        if current is None:
            self.store.create("configmaps", root_ca_config_map(namespace, self.ca_pem))
            return
        if current.get("data") == {"ca.crt": self.ca_pem}:
            return

        def restore(obj: dict[str, Any]) -> None:
            obj["data"] = {"ca.crt": self.ca_pem}

        self.store.modify("configmaps", namespace, ROOT_CA_CONFIG_MAP, restore)
