"""Pure functions on pods as plain JSON dicts (the API server's own JSON, never client models).

No I/O and no Textual (Rich `Text` for table cells is allowed): the UI, the CLI, the debug
planner and the demo cluster all use them.

- `status`: kubectl's STATUS / READY / RESTARTS / AGE columns (`pod_columns`, `pod_status_reason`, ...)
- `security`: Pod Security Admission checks (`namespace_policy`, `check_pod`, `evaluate`, ...)
- `facts`: what the inspector shows (owner, node OS, PSA level, volumes, containers and their state)
- `filter`: the browser's `/` filter (substring, regex, `-l` label selector)
- `rows`: a pod's `RowFacts` (what its table row needs), the row's text and its Rich `Text` cells, the order
- `stored`: a pod as kept (`StoredPod`: compressed JSON text plus `RowFacts`), `PodView` (decoded on
  demand), `list_items` (a list answer's items with their own JSON text)
- `store`: `PodBatch` (watch -> UI), the buffer collapsing changes, `PodStore`
- `sessions`: which containers `a` (attach) and `s` (shell) offer
"""
