"""The demo cluster in its own process for the browser benchmark, driven by commands on stdin.

    python benchmarks/bench_server.py --pods 10000 --kubeconfig-out /tmp/k

prints one JSON line {"url": ..., "kubeconfig": ...} once it serves, then answers commands:
    storm RATE SECONDS   run the update storm; prints {"changes": n, "elapsed": s} when it ends
    churn RATE SECONDS [NAMESPACE]
                         run the churn storm (RATE pods a second created next to existing ones, in
                         NAMESPACE or any, and deleted again); prints {"changes": n, "elapsed": s,
                         "pods_before": n, "pods_after": n} when it ends (its last pods gone)
    quit                 stop the server and exit
Running the server in its own process keeps its CPU time out of the measured processes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tui.demo.cluster import DemoCluster


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--kubeconfig-out", type=Path, required=True)
    args = parser.parse_args()

    cluster = DemoCluster(extra_pods=args.pods)
    cluster.start()
    try:
        cluster.write_kubeconfig(args.kubeconfig_out)
        print(json.dumps({"url": cluster.url, "kubeconfig": str(args.kubeconfig_out)}), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "quit":
                break
            if words[0] == "storm":
                rate, seconds = float(words[1]), float(words[2])
                started = time.perf_counter()
                first_rv = cluster.run(lambda: cluster.store.rv)
                cluster.faults.storm(changes_per_second=int(rate), seconds=seconds)  # runs in the background
                time.sleep(seconds + 0.2)
                # Every change bumps the resourceVersion once (the kubelet's own changes included).
                changes = cluster.run(lambda: cluster.store.rv) - first_rv
                elapsed = time.perf_counter() - started
                print(json.dumps({"changes": changes, "elapsed": elapsed}), flush=True)
            if words[0] == "churn":
                rate, seconds = float(words[1]), float(words[2])
                namespace = words[3] if len(words) > 3 else None
                started = time.perf_counter()
                first_rv, before = cluster.run(lambda: (cluster.store.rv, len(cluster.store.objects["pods"])))
                cluster.faults.churn(int(rate), seconds, namespace=namespace)  # runs in the background
                time.sleep(seconds + 0.2)
                # its last pods are deleted as it ends: the count is back to what it was
                while cluster.run(lambda: len(cluster.store.objects["pods"])) > before and \
                        time.perf_counter() - started < seconds + 60:
                    time.sleep(0.05)
                last_rv, after = cluster.run(lambda: (cluster.store.rv, len(cluster.store.objects["pods"])))
                changes = last_rv - first_rv
                elapsed = time.perf_counter() - started
                print(json.dumps({"changes": changes, "elapsed": elapsed, "pods_before": before, "pods_after": after}),
                      flush=True)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
