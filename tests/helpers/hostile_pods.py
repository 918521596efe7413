"""Hostile pods: every free-text field a pod author (or a process in a container, through its
termination message) controls holds terminal escapes and markup, in names a real API server allows.
And the check that nothing of it reaches the user's terminal: `unsafe_output(app)` renders the
whole screen as Textual would write it to the terminal and returns what should not be there."""

from __future__ import annotations

import re
from typing import Any

from textual.app import App

from tui.demo.cluster import DemoCluster

OSC52 = "\x1b]52;c;aGFja2VkIGNsaXBib2FyZA==\x07"  # rewrites the clipboard
OSC_TITLE = "\x1b]0;pwned window\x07"  # renames the window
CLEAR = "\x1b[2J"  # clears the screen
CSI8 = "\x9b2J"  # 8-bit CSI
LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
BIDI = "\u202eevil\u2066x\u2069"
MARKUP = "[/][link=https://evil.example/]click[/link][/bold][b]"
CLICK = "[@click=app.quit]x[/]"  # a click action, if parsed as markup
DCS = "\x1bP$qm\x1b\\"  # device control string (DECRQSS: the terminal answers as if typed)
APC = "\x1b_Gf=100;AAAA\x1b\\"  # application program command (kitty graphics)
RESET = "\x1bc"  # RIS: resets the terminal
INVISIBLE = "\u200b\u00ad\U000e0041\u2061"  # zero-width space, soft hyphen, a TAG character, function application
BARE_CSI = "\x1b[8m\x1b[H"  # CSI alone, no OSC: conceal, cursor home (the same shapes as the app's own drawing)


def hostile(label: str) -> str:
    """`label` wrapped in every escape kind and markup (and CR, BS)."""
    return f"{label}{OSC52}{OSC_TITLE}{CLEAR}{CSI8}\x7f{BIDI}{LINK}{MARKUP}{CLICK}{DCS}{APC}{RESET}\r\b{INVISIBLE}{BARE_CSI}"


HOSTILE_POD = "aaa-hostile"
NAMESPACE = "default"


def hostile_pod_manifest(name: str = HOSTILE_POD, namespace: str = NAMESPACE) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app": "hostile"},
            "annotations": {
                "note": hostile("annotation"),
                "debug.ephemera.dev/source": hostile("source"),
            },
            "ownerReferences": [{
                "apiVersion": "example.com/v1", "kind": hostile("Thing"), "name": hostile("owner"),
                "uid": "00000000-0000-0000-0000-000000000001", "controller": True,
            }],
        },
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "busybox",
                    "command": ["sh", "-c", hostile("sleep 3600")],
                    "env": [{"name": "X", "value": hostile("env")}],
                    "securityContext": {"capabilities": {"add": [hostile("NET_ADMIN")]}},
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                },
                {"name": "pull", "image": hostile("busybox")},
                {"name": "done", "image": "busybox"},
            ],
            "initContainers": [{"name": "init", "image": hostile("busybox")}],
            "ephemeralContainers": [{"name": "debugger", "image": hostile("busybox"), "targetContainerName": "app"}],
            "volumes": [{"name": "data", "hostPath": {"path": hostile("/data/x")}}],
        },
    }


def hostile_status() -> dict[str, Any]:
    """What a kubelet and the pod's processes can say: the pod's status message and reason, a
    waiting reason and message, a last termination message (written by the container itself)."""
    started = "2026-01-01T00:00:00Z"
    return {
        "phase": "Running",
        "message": hostile("status message"),
        "reason": hostile("NodeLost"),
        "hostIP": "10.0.0.11",
        "podIP": "10.244.0.99",
        "startTime": started,
        "conditions": [{"type": "Ready", "status": "False", "reason": hostile("ContainersNotReady"),
                        "message": hostile("condition message"), "lastTransitionTime": started}],
        "containerStatuses": [
            {"name": "app", "image": hostile("busybox"), "imageID": "", "ready": False, "restartCount": 3,
             "started": False,
             "state": {"waiting": {"reason": hostile("CrashLoopBackOff"), "message": hostile("waiting message")}},
             "lastState": {"terminated": {"exitCode": 3, "reason": hostile("Error"),
                                          "message": hostile("termination"), "startedAt": started,
                                          "finishedAt": started}}},
            {"name": "pull", "image": hostile("busybox"), "imageID": "", "ready": False, "restartCount": 0,
             "state": {"waiting": {"reason": hostile("ErrImagePull"), "message": hostile("pull message")}}},
            {"name": "done", "image": "busybox", "imageID": "", "ready": False, "restartCount": 0,
             "state": {"terminated": {"exitCode": 1, "reason": hostile("Completed"),
                                      "message": hostile("current termination"), "startedAt": started,
                                      "finishedAt": started}}},
        ],
        "initContainerStatuses": [
            {"name": "init", "image": hostile("busybox"), "imageID": "", "ready": True, "restartCount": 0,
             "state": {"terminated": {"exitCode": 0, "reason": hostile("InitDone"),
                                      "message": hostile("init message"), "startedAt": started,
                                      "finishedAt": started}}},
        ],
        "ephemeralContainerStatuses": [
            {"name": "debugger", "image": hostile("busybox"), "imageID": "", "ready": False, "restartCount": 0,
             "state": {"waiting": {"reason": hostile("ImagePullBackOff"), "message": hostile("debugger message")}}},
        ],
    }


def add_hostile_pod(cluster: DemoCluster, name: str = HOSTILE_POD, namespace: str = NAMESPACE) -> None:
    """The hostile pod with its hostile status, on a node whose kubelet never rewrites it."""
    manifest = hostile_pod_manifest(name, namespace)
    manifest["spec"]["nodeName"] = "demo-node-1"
    manifest["status"] = hostile_status()
    cluster.faults.add_pod(manifest, kubelet=False)


# C0 but tab/newline, DEL, C1, bidi and invisible format characters (written out here, not taken
# from tui.visible_text, so a character the sanitiser forgets is still caught)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                     "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")


def screen_output(app: App[Any]) -> str:
    """The whole screen as Textual writes it to the terminal (a full repaint)."""
    return app.screen._compositor.render_full_update().render_segments(app.console)


def unsafe_output(app: App[Any]) -> list[str]:
    """What the app would write to its terminal as text that is not text: every ESC, C0/C1 control,
    DEL and bidi/invisible format character inside the text of the screen's segments (Textual's
    own control sequences are separate segments), with some context; and every hyperlink (a
    `[link=...]` rendered: OSC 8). Empty when safe."""
    found = []
    for line in app.screen._compositor.render_full_update().strips:
        for strip in line:
            for segment in strip:
                if segment.control:
                    continue
                match = _UNSAFE.search(segment.text)
                if match:
                    found.append(repr(segment.text[max(0, match.start() - 20):match.end() + 20]))
                if segment.style is not None and segment.style.link:
                    found.append(f"hyperlink {segment.style.link!r} on {segment.text!r}")
    return found


def markup_rendered(app: App[Any]) -> bool:
    """True when a `[link=...]` in cluster text became a real hyperlink (OSC 8 in the output)."""
    return "\x1b]8;" in screen_output(app)
