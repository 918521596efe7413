"""`j` under an update storm at 1,000 pods (issue 15: p95 <= 50 ms while 2,000 pods change a second).

At 1k pods such a storm changes every row twice a second; while keys come, the changes are held and
then go in parts (`APPLY_CHUNK`). The rows on screen go in the first part, so that one frame paints
what the batch changes on screen and the parts after it repaint nothing (each part repainted a few
rows scattered over the whole table height, and a key waited behind every such frame). And the
first list of the process is kept out of the garbage collector's full scans whatever its size (the
app's own objects made each full collection 80-125 ms at 1,000 pods). Checked on the rendered screen
and the collector's state, never by time.
"""

from __future__ import annotations

import gc
from typing import Any

from helpers.browser import make_app, screen_lines, settled, wait_for
from tui.demo.cluster import DemoCluster
from tui.pods.store import PodBatch
from tui.pods.stored import stored_pod


def _renamed(pod: dict[str, Any], namespace: str, name: str) -> dict[str, Any]:
    return dict(pod, metadata=dict(pod["metadata"], namespace=namespace, name=name, uid=f"uid-{name}"))


async def test_a_large_batch_paints_the_rows_on_screen_in_its_first_part(shared_cluster: DemoCluster) -> None:
    from tui.screens.browser_screen import APPLY_CHUNK

    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        table = browser.table
        await wait_for(pilot, lambda: browser.header.state == "live" and table.row_count > 5, what="live rows")
        template = table.pods[table.keys_on_screen()[0]]
        more = {("zz-storm", f"storm-{index:03d}"): stored_pod(_renamed(template, "zz-storm", f"storm-{index:03d}"))
                for index in range(APPLY_CHUNK * 2)}  # a namespace sorted after the one shown
        table.apply_batch(PodBatch(upserts=more))
        await settled(pilot)
        on_screen = table.keys_on_screen()
        assert len(on_screen) < APPLY_CHUNK < table.row_count  # a full screen, most rows below it
        # a storm's batch in the order its changes came (rows off screen first), every pod now Evicted
        evicted = {key: stored_pod(dict(table.pods[key], status={"phase": "Failed", "reason": "Evicted"}))
                   for key in table.visible_keys()}
        in_storm_order = {key: pod for key, pod in evicted.items() if key not in on_screen}
        in_storm_order.update((key, evicted[key]) for key in on_screen)
        browser._apply_pods(PodBatch(upserts=in_storm_order))
        browser._drop_deferred()  # the parts after the first are not applied here
        await settled(pilot)
        lines = screen_lines(app)
        shown = [next(line for line in lines if f" {name} " in line) for _, name in on_screen]
        assert all("Evicted" in line for line in shown), "\n".join(shown)


async def test_the_first_list_is_kept_out_of_full_collections_whatever_its_size(shared_cluster: DemoCluster) -> None:
    from tui.screens.browser_screen import GC_FREEZE_MIN_PODS

    gc.unfreeze()  # what an earlier test of this process froze: this is the process's first list
    try:
        app: Any = make_app(shared_cluster.kubeconfig_path)
        async with app.run_test(size=(120, 40)) as pilot:
            browser = app.browser
            await wait_for(pilot, lambda: browser.header.state == "live" and browser.table.row_count > 5,
                           what="live rows")
            assert len(browser.table.pods) < GC_FREEZE_MIN_PODS
            assert gc.get_freeze_count() > 0, "the app's objects and its pods are still scanned by every full collection"
    finally:
        gc.unfreeze()
