"""The simulated node: the kubelet (container states, restarts), the container runtime, the
attach/exec streaming server and the kubelet's log options."""
