"""The demo's control plane loops (kube-controller-manager's, v1.32): the Deployment controller and
the ReplicaSet controller. `ControllerManager` watches the store and runs them on the server loop."""
