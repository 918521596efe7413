"""Mirror pods of static pods, as the kubelet keeps them: a static pod runs from a file on its node,
and the API server only shows its mirror (annotation `kubernetes.io/config.mirror`); a deleted
mirror comes back (same name, a new uid, its containers running again) after the kubelet's delay.
What Ctrl+D's dialog says for it ("the kubelet on node ... recreates it"). The demo's kubelet stops
the containers on the delete (a real one keeps the static pod running); the new mirror runs them
again. No events: the kubelet writes none for a mirror.

```python
mirrors = MirrorPods(kubelet)   # the manager calls on_change with every store event
```
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from tui.demo.api.defaults import now_iso
from tui.demo.api.store import WatchEvent
from tui.demo.node.kubelet import Kubelet, refresh_conditions, running_status

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def is_mirror(pod: dict[str, Any]) -> bool:
    return MIRROR_ANNOTATION in ((pod.get("metadata") or {}).get("annotations") or {})


class MirrorPods:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet

    def on_change(self, event: WatchEvent) -> None:
        if event.resource == "pods" and event.type == "DELETED" and is_mirror(event.obj):
            final = copy.deepcopy(event.obj)
            self.kubelet.later(self.kubelet.delay, lambda: self.recreate(final))

    def recreate(self, final: dict[str, Any]) -> None:
        """The mirror of `final` (the deleted one) created again, Running, its containers started."""
        meta = final["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        store = self.kubelet.store
        if store.get("pods", namespace, name) is not None:
            return
        pod = copy.deepcopy(final)
        new_meta = pod["metadata"]
        for field in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"):
            new_meta.pop(field, None)
        new_meta["uid"] = str(uuid.uuid4())
        started = now_iso()
        new_meta["creationTimestamp"] = started
        status = pod.setdefault("status", {})
        status["phase"] = "Running"
        status["containerStatuses"] = [running_status(c, new_meta["uid"], started)
                                       for c in pod["spec"].get("containers") or []]
        status.pop("ephemeralContainerStatuses", None)
        pod["spec"].pop("ephemeralContainers", None)
        refresh_conditions(pod, started)
        stored = store.create("pods", pod)
        for container in pod["spec"].get("containers") or []:
            self.kubelet.runtime.start_container(stored, container["name"])
