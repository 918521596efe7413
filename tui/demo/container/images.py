"""The demo cluster's image catalogue: which images have a shell, which user they run as, and a
small plausible filesystem for each (enough for `ls`, `cat` and `/proc/<pid>/root/...`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

DIR: Final = None
"""Value in `ImageInfo.files` marking an (empty) directory; parents of any path are implied."""

FileTree = dict[str, "str | None"]

BUSYBOX_APPLETS: Final[tuple[str, ...]] = (
    "ash", "awk", "base64", "basename", "cat", "chmod", "chown", "chroot", "clear", "cp", "cut", "date",
    "df", "dirname", "dmesg", "du", "echo", "env", "false", "find", "free", "grep", "gzip",
    "head", "hostname", "id", "ifconfig", "ip", "kill", "less", "ln", "ls", "mkdir", "more",
    "mount", "mv", "netstat", "nc", "nslookup", "pgrep", "pidof", "ping", "pkill", "ps", "pwd",
    "rm", "rmdir", "sed", "seq", "sh", "sha256sum", "sleep", "sort", "stat", "stty", "tail", "tar", "tee", "test", "[",
    "top", "touch", "tr", "true", "uname", "uniq", "uptime", "vi", "wc", "wget", "which",
    "whoami", "xargs",
)

NONROOT_UID: Final = 65532


@dataclass(frozen=True)
class ImageInfo:
    """What the simulated runtime needs to know about an image."""

    reference: str
    """Normalised reference, e.g. `docker.io/library/busybox:latest`."""
    flavour: str
    """busybox, alpine, debian, netshoot, nginx, python, node, distroless-python, ..."""
    user: int
    has_shell: bool
    entrypoint: list[str]
    cmd: list[str]
    files: FileTree
    env: dict[str, str] = field(default_factory=dict)
    working_dir: str = "/"
    os: str = "linux"
    """The platform of its manifest: `linux`, or `windows` (a node of another OS cannot pull it)."""


def image_os(reference: str) -> str:
    """`windows` for Microsoft's Windows base images and tags naming one (nanoserver,
    windowsservercore, ltsc2019...), else `linux` (every other image in the catalogue is Linux-only)."""
    lowered = reference.lower()
    repo = _repo(lowered)
    tag = lowered.split("@", 1)[0].rsplit("/", 1)[-1].partition(":")[2]
    if repo.startswith("mcr.microsoft.com/windows"):
        return "windows"
    return "windows" if re.search(r"(nanoserver|windowsservercore|servercore|ltsc20\d\d)", tag) else "linux"


def normalise(image: str) -> str:
    """`busybox` -> `docker.io/library/busybox:latest` as the kubelet reports `status.image`."""
    name = image.strip()
    digest = ""
    if "@" in name:
        name, digest = name.split("@", 1)
        digest = "@" + digest
    first, _, rest = name.partition("/")
    if not rest:
        name = f"docker.io/library/{name}"
    elif "." not in first and ":" not in first and first != "localhost":
        name = f"docker.io/{name}"
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and not digest:
        name += ":latest"
    return name + digest


def _repo(reference: str) -> str:
    """`docker.io/library/busybox:1.36` -> `busybox`; `gcr.io/distroless/python3-debian11` -> path."""
    without_digest = reference.split("@", 1)[0]
    head, _, last = without_digest.rpartition("/")
    last = last.split(":", 1)[0]
    path = f"{head}/{last}" if head else last
    for prefix in ("docker.io/library/", "docker.io/"):
        if path.startswith(prefix):
            return path[len(prefix):]
    return path


_PASSWD_ROOT: Final = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
    "bin:x:2:2:bin:/bin:/bin/false\n"
    "sys:x:3:3:sys:/dev:/bin/false\n"
    "sync:x:4:100:sync:/bin:/bin/sync\n"
    "mail:x:8:8:mail:/var/spool/mail:/bin/false\n"
    "www-data:x:33:33:www-data:/var/www:/bin/false\n"
    "operator:x:37:37:Operator:/var:/bin/false\n"
    "nobody:x:65534:65534:nobody:/home:/bin/false\n"
)
_PASSWD_DISTROLESS: Final = (
    "root:x:0:0:root:/root:/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
    "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
)
_GROUP: Final = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\nnogroup:x:65534:\n"
_OS_RELEASE: Final = {
    "busybox": "",
    "alpine": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n',
    "debian": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
    'VERSION="12 (bookworm)"\nID=debian\n',
    "ubuntu": 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\n',
    "distroless": 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="11"\n'
    'HOME_URL="https://github.com/GoogleContainerTools/distroless"\n',
}
_APPLET_STUB: Final = "\x7fELF busybox applet (simulated)\n"
_BINARY_STUB: Final = "\x7fELF simulated binary\n"
_PATH: Final = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _base_tree(passwd: str = _PASSWD_ROOT, os_release: str = "") -> FileTree:
    tree: FileTree = {
        "/etc/passwd": passwd,
        "/etc/group": _GROUP,
        "/etc/hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
        "/etc/resolv.conf": "search default.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\noptions ndots:5\n",
        "/dev": DIR,
        "/home": DIR,
        "/root": DIR,
        "/tmp": DIR,
        "/var/run/secrets/kubernetes.io/serviceaccount/namespace": "default",
        "/var/run/secrets/kubernetes.io/serviceaccount/token": "eyJhbGciOiJSUzI1NiJ9.simulated.token\n",
        "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt": "-----BEGIN CERTIFICATE-----\n"
        "(simulated)\n-----END CERTIFICATE-----\n",
        "/sys": DIR,
        "/proc": DIR,
    }
    if os_release:
        tree["/etc/os-release"] = os_release
    return tree


def _busybox_tree(os_release: str = "") -> FileTree:
    tree = _base_tree(os_release=os_release)
    for applet in BUSYBOX_APPLETS:
        tree[f"/bin/{applet}"] = _APPLET_STUB
    tree["/bin/busybox"] = _APPLET_STUB
    tree["/usr/sbin"] = DIR
    tree["/usr/bin/env"] = _APPLET_STUB
    tree["/var/spool/mail"] = DIR
    tree["/var/www"] = DIR
    tree["/etc/shadow"] = "root:*:19000:0:99999:7:::\n"
    return tree


def _with(tree: FileTree, extra: FileTree) -> FileTree:
    merged = dict(tree)
    merged.update(extra)
    return merged


def _distroless_base(user: int) -> FileTree:
    tree = _base_tree(passwd=_PASSWD_DISTROLESS, os_release=_OS_RELEASE["distroless"])
    tree.update({
        "/etc/ssl/certs/ca-certificates.crt": "(simulated CA bundle)\n",
        "/etc/nsswitch.conf": "hosts: files dns\n",
        "/usr/share/zoneinfo/UTC": "TZif2 (simulated)\n",
        "/home/nonroot": DIR,
        "/var/lib/dpkg/status.d/base": "Package: base-files\n",
    })
    if user != 0:
        tree["/home/nonroot/.keep"] = ""
    return tree


def _distroless_python(user: int) -> FileTree:
    tree = _distroless_base(user)
    for name in ("c_rehash", "catchsegv", "getconf", "getent", "iconv", "ldd", "locale",
                 "localedef", "openssl", "pldd", "tzselect", "zdump"):
        tree[f"/usr/bin/{name}"] = _BINARY_STUB
    for name in ("python", "python3", "python3.9"):
        tree[f"/usr/bin/{name}"] = _BINARY_STUB
    for module in ("os.py", "socket.py", "json/__init__.py", "http/__init__.py", "http/server.py",
                   "http/client.py", "asyncio/__init__.py", "site-packages/README.txt"):
        tree[f"/usr/lib/python3.9/{module}"] = f"# {module} (simulated)\n"
    tree["/usr/lib/x86_64-linux-gnu/libpython3.9.so.1.0"] = _BINARY_STUB
    return tree


def _distroless_node(user: int) -> FileTree:
    tree = _distroless_base(user)
    tree.update({
        "/nodejs/CHANGELOG.md": "# Node.js ChangeLog\n",
        "/nodejs/LICENSE": "Node.js is licensed for use as follows: MIT\n",
        "/nodejs/README.md": "# Node.js\n\nNode.js is an open-source, cross-platform JavaScript runtime.\n",
        "/nodejs/bin/node": _BINARY_STUB,
        "/nodejs/include/node/node.h": "/* simulated */\n",
        "/nodejs/share/doc/node/gdbinit": "# simulated\n",
    })
    return tree


def _full_tree(flavour: str, os_release: str, extra: FileTree | None = None) -> FileTree:
    tree = _busybox_tree(os_release)
    for applet in ("bash", "dash"):
        tree[f"/bin/{applet}"] = _BINARY_STUB
    tree["/usr/bin/apt-get" if flavour != "alpine" else "/sbin/apk"] = _BINARY_STUB
    if extra:
        tree.update(extra)
    return tree


def _nginx_extra() -> FileTree:
    return {
        "/usr/sbin/nginx": _BINARY_STUB,
        "/etc/nginx/nginx.conf": "user  nginx;\nworker_processes  auto;\nevents { worker_connections 1024; }\n"
        "http { include /etc/nginx/conf.d/*.conf; }\n",
        "/etc/nginx/conf.d/default.conf": "server {\n    listen 80;\n    location / { root /usr/share/nginx/html; }\n}\n",
        "/usr/share/nginx/html/index.html": "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n"
        "</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n",
        "/var/log/nginx": DIR,
    }


def _python_extra() -> FileTree:
    return {
        "/usr/local/bin/python": _BINARY_STUB,
        "/usr/local/bin/python3": _BINARY_STUB,
        "/usr/local/bin/pip": _BINARY_STUB,
        "/usr/local/lib/python3.12/os.py": "# os.py (simulated)\n",
    }


def _node_extra() -> FileTree:
    return {
        "/usr/local/bin/node": _BINARY_STUB,
        "/usr/local/bin/npm": _BINARY_STUB,
        "/usr/local/lib/node_modules/npm/package.json": '{"name": "npm"}\n',
    }


def _netshoot_extra() -> FileTree:
    tools = ("curl", "dig", "tcpdump", "nmap", "iperf3", "ss", "strace", "tshark", "jq", "bash", "vim")
    return {f"/usr/bin/{tool}": _BINARY_STUB for tool in tools}


def resolve(image: str) -> ImageInfo | None:
    """The simulated image for a reference, or None when it does not exist (pull error)."""
    if not image or "doesnotexist" in image.lower():
        return None
    reference = normalise(image)
    repo = _repo(reference).lower()
    nonroot = "nonroot" in reference.lower()
    user = NONROOT_UID if nonroot else 0
    env = {"PATH": _PATH}
    if repo.startswith(("gcr.io/distroless/", "cgr.dev/chainguard/static")):
        kind = repo.removeprefix("gcr.io/distroless/")
        if kind.startswith("python"):
            return ImageInfo(reference, "distroless-python", user, False, ["/usr/bin/python3.9"], [],
                             _distroless_python(user), env)
        if kind.startswith("nodejs"):
            return ImageInfo(reference, "distroless-node", user, False, ["/nodejs/bin/node"], [],
                             _distroless_node(user), env)
        if kind.startswith("java"):
            return ImageInfo(reference, "distroless-java", user, False, ["/usr/bin/java", "-jar"], [],
                             _with(_distroless_base(user), {"/usr/bin/java": _BINARY_STUB}), env)
        return ImageInfo(reference, "distroless-static", user, False, [], [], _distroless_base(user), env)
    name = repo.rsplit("/", 1)[-1]
    if name == "pause":
        return ImageInfo(reference, "pause", 65535, False, ["/pause"], [], {"/pause": _BINARY_STUB}, env)
    if name == "nginx" or name.startswith("nginx-"):
        return ImageInfo(reference, "nginx", user, True, ["/docker-entrypoint.sh"],
                         ["nginx", "-g", "daemon off;"],
                         _full_tree("debian", _OS_RELEASE["debian"],
                                    {**_nginx_extra(), "/docker-entrypoint.sh": "#!/bin/sh\n"}), env)
    if name == "python":
        return ImageInfo(reference, "python", user, True, [], ["python3"],
                         _full_tree("debian", _OS_RELEASE["debian"], _python_extra()), env)
    if name == "node":
        return ImageInfo(reference, "node", user, True, ["docker-entrypoint.sh"], ["node"],
                         _full_tree("debian", _OS_RELEASE["debian"],
                                    {**_node_extra(), "/usr/local/bin/docker-entrypoint.sh": "#!/bin/sh\n"}),
                         env)
    if name in ("ubuntu", "debian"):
        return ImageInfo(reference, name, user, True, [], ["bash"],
                         _full_tree(name, _OS_RELEASE[name]), env)
    if name == "alpine":
        return ImageInfo(reference, "alpine", user, True, [], ["/bin/sh"],
                         _full_tree("alpine", _OS_RELEASE["alpine"]), env)
    if name == "netshoot":
        return ImageInfo(reference, "netshoot", user, True, [], ["zsh"],
                         _full_tree("alpine", _OS_RELEASE["alpine"],
                                    {**_netshoot_extra(), "/bin/zsh": _BINARY_STUB}), env)
    if image_os(reference) == "windows":  # its files are not simulated: the generic userland
        binary = f"/usr/local/bin/{re.sub(r'[^A-Za-z0-9._-]', '-', name) or 'app'}"
        return ImageInfo(reference, "windows", user, True, [binary], [],
                         _with(_busybox_tree(), {binary: _BINARY_STUB}), env, os="windows")
    # busybox and every unknown image: a busybox-like Linux userland.
    if name == "busybox":
        return ImageInfo(reference, "busybox", user, True, [], ["sh"], _busybox_tree(), env)
    binary = f"/usr/local/bin/{re.sub(r'[^A-Za-z0-9._-]', '-', name) or 'app'}"
    return ImageInfo(reference, "generic", user, True, [binary], [],
                     _with(_busybox_tree(), {binary: _BINARY_STUB}), env)
