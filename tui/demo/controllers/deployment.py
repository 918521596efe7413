"""The Deployment controller (pkg/controller/deployment, v1.32): a Deployment owns ReplicaSets by
pod-template-hash; the one whose template equals the Deployment's (ignoring that label) is the new
one, created when missing as `<deployment>-<hash>` with the next revision. RollingUpdate scales it
up and the old ones down within maxSurge (rounded up) and maxUnavailable (rounded down), 25% each
by default; Recreate scales the old ones to 0 first. Events: ScalingReplicaSet "Scaled up/down
replica set X from N to M" (deployment-controller). Status: observedGeneration, replicas,
updatedReplicas, readyReplicas, availableReplicas, unavailableReplicas and the conditions
Available (MinimumReplicasAvailable / MinimumReplicasUnavailable) and Progressing
(NewReplicaSetCreated, ReplicaSetUpdated, NewReplicaSetAvailable): what `kubectl rollout status`
reads; and a ReplicaSet's ReplicaFailure (a refused pod create) copied as the Deployment's."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from tui.demo.api.defaults import now_iso
from tui.demo.api.events import DEPLOYMENT_CONTROLLER
from tui.demo.controllers.common import (
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    POD_TEMPLATE_HASH,
    REVISION,
    Context,
    int_or_percent,
    owned,
    owner_reference,
    replicas_of,
    set_annotations,
)

_SAFE_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand.SafeEncodeString


def template_hash(template: dict[str, Any], collision_count: int = 0) -> str:
    """controller.ComputeHash's shape: FNV-32a of the template (here its canonical JSON) and the
    collision count, written with SafeEncodeString's alphabet (no vowels: no words)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":"))
    if collision_count:
        data += str(collision_count)
    value = 2166136261
    for byte in data.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return "".join(_SAFE_CHARS[ord(ch) % len(_SAFE_CHARS)] for ch in str(value))


def _without_hash(template: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(template or {})
    labels = (result.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(POD_TEMPLATE_HASH, None)
        if not labels:
            result["metadata"].pop("labels")
    if result.get("metadata") == {}:
        result.pop("metadata")
    return result


def equal_ignore_hash(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return _without_hash(a) == _without_hash(b)


def _revision(rs: dict[str, Any]) -> int:
    try:
        return int((rs["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _created(rs: dict[str, Any]) -> tuple[str, str]:
    return (str(rs["metadata"].get("creationTimestamp", "")), rs["metadata"]["name"])


def surge_and_unavailable(deployment: dict[str, Any]) -> tuple[int, int]:
    """deploymentutil.ResolveFenceposts: maxSurge rounded up, maxUnavailable down, never both 0."""
    strategy = deployment["spec"].get("strategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return 0, 0
    rolling = strategy.get("rollingUpdate") or {}
    replicas = replicas_of(deployment)
    surge = int_or_percent(rolling.get("maxSurge", "25%"), replicas, True)
    unavailable = int_or_percent(rolling.get("maxUnavailable", "25%"), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


class DeploymentSync:
    """One sync of one Deployment."""

    def __init__(self, ctx: Context, deployment: dict[str, Any]) -> None:
        self.ctx = ctx
        self.d = deployment
        self.namespace = deployment["metadata"]["namespace"]
        self.name = deployment["metadata"]["name"]
        self.created_new: str | None = None

    def replica_sets(self) -> list[dict[str, Any]]:
        return sorted(owned(self.ctx.store.values("replicasets"), self.d), key=_created)

    def split(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        all_rs = self.replica_sets()
        template = self.d["spec"].get("template") or {}
        new = next((rs for rs in all_rs if equal_ignore_hash(rs["spec"].get("template") or {}, template)), None)
        return new, [rs for rs in all_rs if rs is not new]

    def run(self) -> None:
        if self.d["metadata"].get("deletionTimestamp"):
            return
        new, old = self.split()
        if new is not None and old and _revision(new) <= max(_revision(rs) for rs in old):
            new = self.bump_revision(new, max(_revision(rs) for rs in old) + 1)  # a rollback: next revision
        if not self.d["spec"].get("paused"):
            strategy = (self.d["spec"].get("strategy") or {}).get("type", "RollingUpdate")
            if strategy == "Recreate":
                self.recreate(new, old)
            else:
                self.rolling_update(new, old)
            self.cleanup()
        self.sync_status()

    def bump_revision(self, rs: dict[str, Any], revision: int) -> dict[str, Any]:
        def change(obj: dict[str, Any]) -> None:
            set_annotations(obj, {REVISION: str(revision)})

        return self.ctx.store.modify("replicasets", self.namespace, rs["metadata"]["name"], change) or rs

    # ---- scaling ------------------------------------------------------------------------
    def scale(self, rs: dict[str, Any], replicas: int) -> None:
        before = replicas_of(rs)
        surge, _ = surge_and_unavailable(self.d)
        desired = replicas_of(self.d)

        def change(obj: dict[str, Any]) -> bool | None:
            changed = set_annotations(obj, {DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(desired + surge)})
            if replicas_of(obj) != replicas:
                obj["spec"]["replicas"] = replicas
                obj["metadata"]["generation"] = int(obj["metadata"].get("generation") or 1) + 1  # as the API server
                changed = True
            return None if changed else False

        self.ctx.store.modify("replicasets", self.namespace, rs["metadata"]["name"], change)
        if before != replicas:
            direction = "up" if replicas > before else "down"
            self.ctx.event(self.d, "ScalingReplicaSet",
                           f"Scaled {direction} replica set {rs['metadata']['name']} from {before} to {replicas}",
                           DEPLOYMENT_CONTROLLER)

    def new_rs_replicas(self, new: dict[str, Any] | None, all_rs: list[dict[str, Any]]) -> int:
        """deploymentutil.NewRSNewReplicas for RollingUpdate."""
        desired = replicas_of(self.d)
        new_replicas = replicas_of(new) if new is not None else 0
        surge, _ = surge_and_unavailable(self.d)
        current = sum(replicas_of(rs) for rs in all_rs)
        max_total = desired + surge
        if current >= max_total:
            return new_replicas
        return min(new_replicas + max_total - current, desired)

    def create_new(self, old: list[dict[str, Any]], replicas: int) -> dict[str, Any]:
        template = copy.deepcopy(self.d["spec"].get("template") or {})
        collisions = int((self.d.get("status") or {}).get("collisionCount") or 0)
        while True:
            hash_ = template_hash(template, collisions)
            name = f"{self.name}-{hash_}"
            if self.ctx.store.get("replicasets", self.namespace, name) is None:
                break
            collisions += 1
        template.setdefault("metadata", {}).setdefault("labels", {})[POD_TEMPLATE_HASH] = hash_
        selector = copy.deepcopy(self.d["spec"].get("selector") or {})
        selector.setdefault("matchLabels", {})[POD_TEMPLATE_HASH] = hash_
        labels = dict(template["metadata"]["labels"])
        surge, _ = surge_and_unavailable(self.d)
        desired = replicas_of(self.d)
        revision = max([_revision(rs) for rs in old] + [0]) + 1
        rs = {
            "kind": "ReplicaSet",
            "apiVersion": "apps/v1",
            "metadata": {
                "name": name, "namespace": self.namespace, "uid": str(uuid.uuid4()), "generation": 1,
                "creationTimestamp": now_iso(), "labels": labels,
                "annotations": {DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(desired + surge),
                                REVISION: str(revision)},
                "ownerReferences": [owner_reference(self.d)],
            },
            "spec": {"replicas": replicas, "minReadySeconds": int(self.d["spec"].get("minReadySeconds") or 0),
                     "selector": selector, "template": template},
            "status": {"replicas": 0},
        }
        stored = self.ctx.store.create("replicasets", rs)
        self.created_new = name
        if replicas > 0:
            self.ctx.event(self.d, "ScalingReplicaSet", f"Scaled up replica set {name} from 0 to {replicas}",
                           DEPLOYMENT_CONTROLLER)
        if collisions != int((self.d.get("status") or {}).get("collisionCount") or 0):
            self.d = self._write_status({**(self.d.get("status") or {}), "collisionCount": collisions})
        return stored

    def rolling_update(self, new: dict[str, Any] | None, old: list[dict[str, Any]]) -> None:
        if new is None:
            new = self.create_new(old, self.new_rs_replicas(None, old))
        else:
            desired = replicas_of(self.d)
            current = replicas_of(new)
            if current > desired:
                self.scale(new, desired)
                return
            if current < desired:
                wanted = self.new_rs_replicas(new, [new, *old])
                if wanted != current:
                    self.scale(new, wanted)
                    return
        self.reconcile_old(new, old)

    def _fresh(self, rs: dict[str, Any]) -> dict[str, Any]:
        return self.ctx.store.get("replicasets", self.namespace, rs["metadata"]["name"]) or rs

    def reconcile_old(self, new: dict[str, Any], old: list[dict[str, Any]]) -> None:
        """reconcileOldReplicaSets: unhealthy old ones first, then old ones down to what keeps
        `replicas - maxUnavailable` pods available."""
        new = self._fresh(new)
        old = [self._fresh(rs) for rs in old]
        if sum(replicas_of(rs) for rs in old) == 0:
            return
        desired = replicas_of(self.d)
        _, unavailable = surge_and_unavailable(self.d)
        min_available = desired - unavailable
        all_pods = sum(replicas_of(rs) for rs in [new, *old])
        new_unavailable = replicas_of(new) - int((new.get("status") or {}).get("availableReplicas") or 0)
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return
        scaled = 0
        for rs in old:  # cleanupUnhealthyReplicas, oldest first
            if scaled >= max_scaled_down:
                break
            available = int((rs.get("status") or {}).get("availableReplicas") or 0)
            unhealthy = replicas_of(rs) - available
            if replicas_of(rs) == 0 or unhealthy <= 0:
                continue
            down = min(max_scaled_down - scaled, unhealthy)
            self.scale(rs, replicas_of(rs) - down)
            scaled += down
        old = [self._fresh(rs) for rs in old]
        available_all = sum(int((rs.get("status") or {}).get("availableReplicas") or 0) for rs in [new, *old])
        if available_all <= min_available:
            return
        total = available_all - min_available
        done = 0
        for rs in old:  # scaleDownOldReplicaSetsForRollingUpdate, oldest first
            if done >= total:
                break
            if replicas_of(rs) == 0:
                continue
            down = min(replicas_of(rs), total - done)
            self.scale(rs, replicas_of(rs) - down)
            done += down

    def recreate(self, new: dict[str, Any] | None, old: list[dict[str, Any]]) -> None:
        for rs in old:
            if replicas_of(rs) != 0:
                self.scale(rs, 0)
        running = any(int((self._fresh(rs).get("status") or {}).get("replicas") or 0) for rs in old)
        if running:
            return
        if new is None:
            self.create_new(old, replicas_of(self.d))
        elif replicas_of(new) != replicas_of(self.d):
            self.scale(new, replicas_of(self.d))

    def cleanup(self) -> None:
        """Old ReplicaSets scaled to 0 beyond revisionHistoryLimit are deleted, oldest first."""
        limit = self.d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        _new, old = self.split()
        idle = [rs for rs in old if replicas_of(rs) == 0
                and not int((rs.get("status") or {}).get("replicas") or 0)]
        for rs in idle[:max(len(idle) - int(limit), 0)]:
            self.ctx.store.delete("replicasets", self.namespace, rs["metadata"]["name"])

    # ---- status ---------------------------------------------------------------------------
    def _write_status(self, status: dict[str, Any]) -> dict[str, Any]:
        def write(obj: dict[str, Any]) -> bool | None:
            if obj.get("status") == status:
                return False
            obj["status"] = status
            return None

        return self.ctx.store.modify("deployments", self.namespace, self.name, write) or self.d

    def sync_status(self) -> None:
        d = self.ctx.store.get("deployments", self.namespace, self.name)
        if d is None:
            return
        self.d = d
        new, old = self.split()
        all_rs = [rs for rs in [new, *old] if rs is not None]

        def total(field: str, sets: list[dict[str, Any]]) -> int:
            return sum(int((rs.get("status") or {}).get(field) or 0) for rs in sets)

        desired = replicas_of(d)
        _, unavailable_allowed = surge_and_unavailable(d)
        available = total("availableReplicas", all_rs)
        old_status = copy.deepcopy(d.get("status") or {})
        status: dict[str, Any] = {
            "observedGeneration": int(d["metadata"].get("generation") or 1),
            "replicas": total("replicas", all_rs),
            "updatedReplicas": total("replicas", [new] if new is not None else []),
            "readyReplicas": total("readyReplicas", all_rs),
            "availableReplicas": available,
            "unavailableReplicas": max(desired - available, 0),
        }
        status = {key: value for key, value in status.items() if value}  # omitempty
        if old_status.get("collisionCount"):
            status["collisionCount"] = old_status["collisionCount"]
        conditions = copy.deepcopy(old_status.get("conditions") or [])
        when = now_iso()
        if available >= desired - unavailable_allowed:
            conditions = _set_condition(conditions, "Available", "True", "MinimumReplicasAvailable",
                                        "Deployment has minimum availability.", when)
        else:
            conditions = _set_condition(conditions, "Available", "False", "MinimumReplicasUnavailable",
                                        "Deployment does not have minimum availability.", when)
        if d["spec"].get("progressDeadlineSeconds") is not None and new is not None:
            new_name = new["metadata"]["name"]
            complete = (status.get("updatedReplicas", 0) == desired and status.get("replicas", 0) == desired
                        and available == desired)
            if complete:
                conditions = _set_condition(conditions, "Progressing", "True", "NewReplicaSetAvailable",
                                            f'ReplicaSet "{new_name}" has successfully progressed.', when)
            elif self.created_new == new_name:
                conditions = _set_condition(conditions, "Progressing", "True", "NewReplicaSetCreated",
                                            f'Created new replica set "{new_name}"', when)
            elif _progressing(old_status, status, old):
                conditions = _set_condition(conditions, "Progressing", "True", "ReplicaSetUpdated",
                                            f'ReplicaSet "{new_name}" is progressing.', when, touch=True)
        failure = _replica_failure(new, old)
        if failure is not None:  # syncRolloutStatus: a ReplicaSet's ReplicaFailure moved onto the Deployment
            conditions = _set_condition(conditions, "ReplicaFailure", str(failure.get("status", "True")),
                                        str(failure.get("reason", "")), str(failure.get("message", "")), when)
        else:
            conditions = [c for c in conditions if c.get("type") != "ReplicaFailure"]
        if conditions:
            status["conditions"] = conditions
        if new is not None:
            revision = (new["metadata"].get("annotations") or {}).get(REVISION)
            if revision and (d["metadata"].get("annotations") or {}).get(REVISION) != revision:
                def annotate(obj: dict[str, Any]) -> None:
                    set_annotations(obj, {REVISION: revision})

                self.d = self.ctx.store.modify("deployments", self.namespace, self.name, annotate) or self.d
        if status != (self.d.get("status") or {}):
            self._write_status(status)


def _replica_failure(new: dict[str, Any] | None, old: list[dict[str, Any]]) -> dict[str, Any] | None:
    """getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else an old one's."""
    for rs in ([new] if new is not None else []) + old:
        for condition in (rs.get("status") or {}).get("conditions") or []:
            if condition.get("type") == "ReplicaFailure":
                return dict(condition)
    return None


def _progressing(old: dict[str, Any], new: dict[str, Any], old_sets: list[dict[str, Any]]) -> bool:
    """deploymentutil.DeploymentProgressing: more updated, ready or available pods, or fewer old."""
    def value(status: dict[str, Any], field: str) -> int:
        return int(status.get(field) or 0)

    old_pods = value(old, "replicas") - value(old, "updatedReplicas")
    new_old_pods = value(new, "replicas") - value(new, "updatedReplicas")
    return (value(new, "updatedReplicas") > value(old, "updatedReplicas")
            or value(new, "readyReplicas") > value(old, "readyReplicas")
            or value(new, "availableReplicas") > value(old, "availableReplicas")
            or new_old_pods < old_pods)


def _set_condition(conditions: list[dict[str, Any]], kind: str, status: str, reason: str, message: str,
                   when: str, touch: bool = False) -> list[dict[str, Any]]:
    """deploymentutil.SetDeploymentCondition: unchanged when status and reason are the same (a
    ReplicaSetUpdated one gets a new lastUpdateTime); the transition time kept while the status
    stays; a changed condition goes to the end."""
    current = next((c for c in conditions if c.get("type") == kind), None)
    if current is not None and current.get("status") == status and current.get("reason") == reason:
        if touch and current.get("lastUpdateTime") != when:
            current["lastUpdateTime"] = when
        return conditions
    transition = current["lastTransitionTime"] if current is not None and current.get("status") == status else when
    condition = {"type": kind, "status": status, "lastUpdateTime": when, "lastTransitionTime": transition,
                 "reason": reason, "message": message}
    return [c for c in conditions if c.get("type") != kind] + [condition]
