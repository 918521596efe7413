"""ControllerManager: runs the Deployment and ReplicaSet controllers on the server loop, as
kube-controller-manager's informers and work queues do: a store change (a watch event to its
listener) queues the objects it concerns (the Deployment, the ReplicaSet, a pod's owning
ReplicaSet and that one's Deployment); the queue is worked off soon after, one sync per key.

```python
controllers = ControllerManager(store, kubelet)   # after seeding
controllers.start()                               # listens, and syncs every Deployment/ReplicaSet once
```
Pod names come from a seeded RNG, so a run of the same steps names pods the same.

A ReplicaSet sync whose pod create was refused is retried as the work queue's AddRateLimited does
(workqueue.DefaultControllerRateLimiter's per-item exponential part): 5 ms, doubling per failure up
to 1000 s, on the kubelet's simulated clock (`faults.advance_clock` moves it); a successful sync
forgets the failures (Forget). What the failed sync wrote itself (its status) does not queue it
again at once: no hot loop while the cause stays.

The root CA publisher (`tui.demo.controllers.root_ca`) runs here too: given the cluster CA
(`root_ca`), every namespace keeps its `kube-root-ca.crt` ConfigMap; and the kubelet's part that
puts a deleted static pod's mirror back (`tui.demo.controllers.mirror_pods`)."""

from __future__ import annotations

import asyncio
import random

from tui.demo.api.store import Store, WatchEvent
from tui.demo.controllers.common import Context, controller_ref
from tui.demo.controllers.deployment import DeploymentSync
from tui.demo.controllers.mirror_pods import MirrorPods
from tui.demo.controllers.replicaset import sync_replica_set
from tui.demo.controllers.root_ca import RootCAPublisher
from tui.demo.node.clock import Timer
from tui.demo.node.kubelet import Kubelet

QueueKey = tuple[str, str, str]  # (resource, namespace, name)
PASS_LIMIT = 2000  # syncs in one go before the loop gets a turn
RETRY_BASE = 0.005  # workqueue.DefaultItemBasedRateLimiter: 5 ms doubling per failure ...
RETRY_MAX = 1000.0  # ... up to 1000 s


class ControllerManager:
    def __init__(self, store: Store, kubelet: Kubelet, rng: random.Random | None = None,
                 root_ca: str | None = None) -> None:
        self.ctx = Context(store, kubelet, kubelet.events)
        self.root_ca = RootCAPublisher(store, root_ca) if root_ca is not None else None
        self.mirrors = MirrorPods(kubelet)
        self.rng = rng or random.Random(20250603)
        self._queue: dict[QueueKey, None] = {}
        self._scheduled = False
        self._running = False
        self._failures: dict[QueueKey, int] = {}
        self._retries: dict[QueueKey, Timer] = {}

    @property
    def store(self) -> Store:
        return self.ctx.store

    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self.store.listeners.append(self._on_change)
        if self.root_ca is not None:
            self.root_ca.sync_all()
        self.resync()

    def stop(self) -> None:
        self._running = False
        if self._on_change in self.store.listeners:
            self.store.listeners.remove(self._on_change)
        self._queue.clear()
        for timer in self._retries.values():
            timer.cancel()
        self._retries.clear()
        self._failures.clear()

    def resync(self) -> None:
        """Queue every Deployment and ReplicaSet (the informers' initial list)."""
        for resource in ("replicasets", "deployments"):
            for obj in list(self.store.values(resource)):
                meta = obj["metadata"]
                self.enqueue((resource, meta.get("namespace", ""), meta["name"]))

    # ---- events -----------------------------------------------------------------------------
    def _on_change(self, event: WatchEvent) -> None:
        if self._running:
            self.mirrors.on_change(event)
            if self.root_ca is not None:
                self.root_ca.on_change(event)
        resource = event.resource
        if resource not in ("pods", "replicasets", "deployments"):
            return
        for obj in (event.obj, event.prev):
            if obj is None:
                continue
            namespace = obj["metadata"].get("namespace", "")
            if resource == "deployments":
                self.enqueue(("deployments", namespace, obj["metadata"]["name"]))
                continue
            if resource == "replicasets":
                self.enqueue(("replicasets", namespace, obj["metadata"]["name"]))
            ref = controller_ref(obj)
            if ref is None:
                continue
            if resource == "pods" and ref.get("kind") == "ReplicaSet":
                rs = self.store.get("replicasets", namespace, str(ref.get("name")))
                if rs is not None and rs["metadata"].get("uid") == ref.get("uid"):
                    self.enqueue(("replicasets", namespace, str(ref["name"])))
            elif resource == "replicasets" and ref.get("kind") == "Deployment":
                self.enqueue(("deployments", namespace, str(ref.get("name"))))

    def enqueue(self, key: QueueKey) -> None:
        self._queue[key] = None
        if self._scheduled or not self._running:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.drain()
            return
        self._scheduled = True
        loop.call_soon(self._work)

    def _work(self) -> None:
        self._scheduled = False
        self.drain(PASS_LIMIT)
        if self._queue and self._running:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._work)

    def drain(self, limit: int = PASS_LIMIT) -> int:
        """Work off the queue now (at most `limit` syncs); returns how many ran."""
        done = 0
        while self._queue and done < limit and self._running:
            key = next(iter(self._queue))
            del self._queue[key]
            self.sync(key)
            done += 1
        return done

    def sync(self, key: QueueKey) -> None:
        resource, namespace, name = key
        if resource == "replicasets":
            error = sync_replica_set(self.ctx, namespace, name, self.rng)
            if error is None:
                self._forget(key)
            else:
                self._queue.pop(key, None)  # queued by its own writes: the back-off decides when
                self._retry_later(key)
            rs = self.store.get("replicasets", namespace, name)
            ref = controller_ref(rs) if rs is not None else None
            if ref is not None and ref.get("kind") == "Deployment":
                self._queue.setdefault(("deployments", namespace, str(ref["name"])), None)
        elif resource == "deployments":
            deployment = self.store.get("deployments", namespace, name)
            if deployment is not None:
                DeploymentSync(self.ctx, deployment).run()

    def _retry_later(self, key: QueueKey) -> None:
        """AddRateLimited: queue `key` again after its back-off (5 ms x 2^failures, 1000 s at most)."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        delay = min(RETRY_BASE * 2 ** min(failures, 40), RETRY_MAX)
        previous = self._retries.pop(key, None)
        if previous is not None:
            previous.cancel()

        def retry() -> None:
            self._retries.pop(key, None)
            if self._running:
                self.enqueue(key)

        self._retries[key] = self.ctx.kubelet.clock.call_later(delay, retry)

    def _forget(self, key: QueueKey) -> None:
        self._failures.pop(key, None)
        timer = self._retries.pop(key, None)
        if timer is not None:
            timer.cancel()
