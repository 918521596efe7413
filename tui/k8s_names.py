"""Kubernetes object names as the API server validates them (pure; no I/O, no Textual).

`name_problem(kind, text) -> str | None`: why `text` cannot be the name of a `kind` ("namespace",
"pod", "container"), None when it can. Namespaces and container names are RFC 1123 labels, pod
names RFC 1123 subdomains (apimachinery's IsDNS1123Label / IsDNS1123Subdomain). Checked before a
name goes into a request path or body, so `..`, `a/b` or a name with control characters never
reaches a cluster. The value in the message is made visible (`tui.display_text.visible_line`).
"""

from __future__ import annotations

import re

from tui.visible_text import visible_line

DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
LABEL_MAX = 63
SUBDOMAIN_MAX = 253

_LABEL_RULE = (f"a lowercase RFC 1123 label: at most {LABEL_MAX} characters a-z, 0-9 and '-', starting and "
               "ending with a letter or digit")
_SUBDOMAIN_RULE = (f"a lowercase RFC 1123 subdomain: at most {SUBDOMAIN_MAX} characters a-z, 0-9, '-' and '.', "
                   "each part starting and ending with a letter or digit")
NAME_RULES: dict[str, tuple[re.Pattern[str], int, str]] = {
    "namespace": (DNS1123_LABEL, LABEL_MAX, _LABEL_RULE),
    "pod": (DNS1123_SUBDOMAIN, SUBDOMAIN_MAX, _SUBDOMAIN_RULE),
    "container": (DNS1123_LABEL, LABEL_MAX, _LABEL_RULE),
}


def shown(text: str, limit: int = 80) -> str:
    """A value from the user for a message: control characters visible, quoted, cut when long."""
    value = visible_line(text)
    if len(value) > limit:
        value = value[:limit] + f"… ({len(text)} characters)"
    return f"'{value}'"


def name_problem(kind: str, text: str) -> str | None:
    """Why `text` cannot be a Kubernetes `kind` name; None when it can."""
    pattern, limit, rule = NAME_RULES[kind]
    if len(text) <= limit and pattern.fullmatch(text):
        return None
    return f"{shown(text)} is not a valid {kind} name: {rule}"
