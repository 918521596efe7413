"""The demo's authorization policy: everything allowed unless a rule denies it (thread-safe), and
its bearer-token authentication (`bearer_token_matches`)."""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass

from tui.demo.api.status import ApiError

DEMO_USER = "demo"


@dataclass(frozen=True)
class DenyRule:
    verb: str  # "*" matches every verb
    resource: str
    subresource: str = ""
    namespace: str | None = None  # None: every namespace

    def matches(self, verb: str, resource: str, subresource: str, namespace: str | None) -> bool:
        return (
            self.verb in ("*", verb)
            and self.resource in ("*", resource)
            and self.subresource == subresource
            and (self.namespace is None or self.namespace == namespace)
        )


class AccessPolicy:
    def __init__(self, user: str = DEMO_USER) -> None:
        self.user = user
        self._lock = threading.Lock()
        self._denied: tuple[DenyRule, ...] = ()

    def deny(self, verb: str, resource: str, subresource: str = "", namespace: str | None = None) -> None:
        with self._lock:
            self._denied = (*self._denied, DenyRule(verb, resource, subresource, namespace))

    def allow_all(self) -> None:
        with self._lock:
            self._denied = ()

    def allowed(self, verb: str, resource: str, subresource: str = "", namespace: str | None = None) -> bool:
        return not any(rule.matches(verb, resource, subresource, namespace) for rule in self._denied)

    def check(self, verb: str, resource: str, subresource: str = "", namespace: str | None = None,
              name: str = "", group: str = "") -> None:
        """Raise the API server's 403 when the policy denies the request."""
        if not self.allowed(verb, resource, subresource, namespace):
            raise forbidden(self.user, verb, resource, subresource, namespace, name, group)


def forbidden(user: str, verb: str, resource: str, subresource: str, namespace: str | None, name: str,
              group: str = "") -> ApiError:
    full = f"{resource}/{subresource}" if subresource else resource
    subject = f'{resource} "{name}"' if name else resource
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = (f'{subject} is forbidden: User "{user}" cannot {verb} resource "{full}" '
               f'in API group "{group}" {scope}')
    details: dict[str, str] = {"kind": resource}
    if name:
        details = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return ApiError(403, message, "Forbidden", details)


def bearer_token_matches(header: str, token: str) -> bool:
    """The API server's bearer-token authenticator (`Authorization: Bearer <token>`, the scheme in
    any case, the header trimmed; the token is the word after the scheme, as kube-apiserver's
    `strings.SplitN(auth, " ", 3)`). A malformed header, another scheme, an empty token or one with
    bytes that are not ASCII/UTF-8, is simply not the token: a 401 for the caller, never an error."""
    parts = header.strip().split(" ", 2)
    if len(parts) < 2 or parts[0].lower() != "bearer" or not parts[1]:
        return False
    try:  # aiohttp hands undecodable header bytes over as surrogates
        given = parts[1].encode("utf-8", "surrogateescape")
    except UnicodeError:
        return False
    return hmac.compare_digest(given, token.encode("utf-8"))
