"""A simulated node's own filesystem and daemons: what a node debug pod (`kubectl debug
node/NAME`, hostPath `/` at `/host`, hostPID) looks at. A kubeadm-style Debian node running
containerd and the kubelet; `/var/log/pods` and `/var/log/containers` name the pods on it."""

from __future__ import annotations

from tui.demo.container.images import BUSYBOX_APPLETS, DIR, FileTree

KUBELET_CONFIG = """apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
staticPodPath: /etc/kubernetes/manifests
"""

CONTAINERD_CONFIG = """version = 2

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
"""

_STUB = "\x7fELF simulated binary\n"


def node_tree(node: str, ip: str) -> FileTree:
    """The files of node `node` (a fresh copy: a debug pod may change them)."""
    tree: FileTree = {
        "/etc/hostname": f"{node}\n",
        "/etc/hosts": f"127.0.0.1\tlocalhost\n{ip}\t{node}\n",
        "/etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                           'VERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
        "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                       "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
        "/etc/resolv.conf": "nameserver 10.0.0.2\n",
        "/etc/containerd/config.toml": CONTAINERD_CONFIG,
        "/etc/crictl.yaml": "runtime-endpoint: unix:///run/containerd/containerd.sock\n",
        "/etc/kubernetes/kubelet.conf": "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
                                        "    certificate-authority: /etc/kubernetes/pki/ca.crt\n"
                                        "    server: https://10.0.0.10:6443\n  name: demo\n",
        "/etc/kubernetes/pki/ca.crt": "-----BEGIN CERTIFICATE-----\n(simulated)\n-----END CERTIFICATE-----\n",
        "/etc/kubernetes/manifests": DIR,
        "/var/lib/kubelet/config.yaml": KUBELET_CONFIG,
        "/var/lib/kubelet/pods": DIR,
        "/var/lib/containerd": DIR,
        "/var/log/syslog": f"Dec  1 00:00:00 {node} kubelet[171]: I1201 Started kubelet\n",
        "/var/log/pods": DIR,
        "/var/log/containers": DIR,
        "/run/containerd/containerd.sock": "",
        "/usr/bin/kubelet": _STUB,
        "/usr/bin/containerd": _STUB,
        "/usr/bin/containerd-shim-runc-v2": _STUB,
        "/usr/bin/crictl": _STUB,
        "/usr/sbin/runc": _STUB,
        "/bin/bash": _STUB,
        "/bin/sh": _STUB,
        "/sbin/init": _STUB,
        "/home": DIR,
        "/root": DIR,
        "/tmp": DIR,
        "/proc": DIR,
        "/sys": DIR,
        "/dev": DIR,
    }
    for tool in BUSYBOX_APPLETS:  # coreutils, procps, iproute2...: what `chroot /host` finds on PATH
        tree.setdefault(f"/usr/bin/{tool}", _STUB)
    return tree


def daemons(node: str, ip: str) -> list[tuple[int, list[str]]]:
    """(uid, argv) of the node's own processes, in start order (PID 1 first)."""
    return [
        (0, ["/sbin/init"]),
        (0, ["/lib/systemd/systemd-journald"]),
        (0, ["/usr/bin/containerd"]),
        (0, ["/usr/bin/kubelet", "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
             "--kubeconfig=/etc/kubernetes/kubelet.conf", "--config=/var/lib/kubelet/config.yaml",
             f"--node-ip={ip}", f"--hostname-override={node}"]),
    ]
