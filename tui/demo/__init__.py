"""The embedded demo cluster: a real HTTP + WebSocket server speaking the Kubernetes API.

Layers, each importing only those below it (no UI, no client code):

    cluster.py, faults.py   DemoCluster (the public entry) and the fault API for tests
    scenario.py             the seeded objects; kubeconfig.py, tls.py: what clients connect with
    routes/                 the aiohttp application: middlewares and handlers
    node/                   the simulated node: kubelet, container runtime, attach/exec, log options
    programs/               what a container runs: busybox sh, its applets, top, app processes
    container/              what a container is: processes, stdio, filesystem, /proc, images
    api/                    API machinery: store and watch, Status, patch, validation, selectors,
                            Table, protobuf, defaults, Pod Security admission, RBAC
"""
