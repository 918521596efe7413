"""User-remappable keys: the binding ids the `[keys]` table of config.toml may rebind.

```toml
[keys]
debug = "ctrl+d"          # action (binding id) = Textual key string(s), comma separated
quit = "q,ctrl+q"
```

Every `Binding(..., id=ACTION)` of the browser and the app is listed in `REMAPPABLE`; the app
checks the `[keys]` table against them (`keymap_from_settings`, after `load_settings` checked the
key strings) and hands the good entries to `App.set_keymap`. Unknown
actions and keys given to two actions are reported (with the file's line) as warnings; a key
that clashes with another binding of the same view at run time is reported once
(`describe_clash`). No Textual import here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.settings import Settings, SettingsProblem, check_keymap

__all__ = ["REMAPPABLE", "describe_clash", "keymap_from_settings"]

REMAPPABLE: dict[str, str] = {
    # the pod browser (tui/screens/browser_screen.py)
    "filter": "filter pods (/)",
    "command_palette": "command palette (:)",
    "namespace": "pick a namespace (n)",
    "context": "pick a kubeconfig context (c)",
    "all_namespaces": "toggle all namespaces (A)",
    "inspector": "hide/show the container inspector (i)",
    "retry": "retry the connection now (r)",
    "screenshot": "save an SVG screenshot (ctrl+s)",
    "debug": "debug the selected pod (d)",
    "policy_audit": "policy audit of the selected pod (P)",
    "cleanup": "clean up Ephemera's copies (C)",
    "attach": "attach to the pod's debug container (a)",
    "shell": "a shell in one of the pod's containers (s)",
    "panes": "into the session panes (t)",
    "full_screen": "session panes full-screen (z)",
    "help": "the keys of the focused view (?)",
    "quit": "quit (q)",
    # the app (tui/app.py), everywhere
    "audit_log": "the audit log view (L)",
    "theme": "pick a theme (ctrl+t)",
}


def keymap_from_settings(settings: Settings, actions: Iterable[str] | None = None) -> tuple[dict[str, str],
                                                                                              list[SettingsProblem]]:
    """The `[keys]` entries to give `App.set_keymap`, and a warning per unknown action or key
    given to two actions (naming `keys.ACTION` and its line)."""
    known = list(REMAPPABLE) if actions is None else list(actions)
    return check_keymap(settings, known)


def describe_clash(bindings: Iterable[Any], view: str) -> str:
    """One line for a run-time clash of remapped keys: `keys: 'x' is bound to both debug and shell
    in the pod browser; the first one wins`."""
    by_key: dict[str, list[str]] = {}
    for binding in bindings:
        by_key.setdefault(str(binding.key), []).append(str(binding.id or binding.action))
    parts = [f"{key!r} is bound to {' and '.join(sorted(set(names)))}" for key, names in sorted(by_key.items())]
    return f"keys: {'; '.join(parts) or 'a key is bound twice'} in {view}; check [keys] in the config file"
