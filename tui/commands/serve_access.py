"""Who may use `ephemera serve`: a per-run secret, and the Host and Origin headers.

Binding loopback keeps other machines out, not other users of this machine (on a shared bastion
their processes reach 127.0.0.1 too) nor web pages in the user's browser (a page can open a
WebSocket to 127.0.0.1, or point its own DNS name at it). So every request must carry the run's
secret (`?token=` in the URL `ephemera serve` prints, then an HttpOnly SameSite=Strict cookie set
from it), its Host must be a name this server is reached by (DNS rebinding puts the attacker's
name there), and a WebSocket upgrade or a state-changing request must come from the served
origin (a cross-site page's WebSocket carries its own Origin). Refusals are 403 with a short
plain-text page saying what to do.

Cookies are not port-scoped: a cookie for 127.0.0.1 goes with every request to 127.0.0.1, whatever
the port, so any other local listener would receive the secret when the browser visits it. So the
pages live under a random per-run path (`prefix`, e.g. `/k3J9.../`; the printed URL redirects
there), and the cookie is scoped to that path: the browser sends it only to URLs under it, which
another listener would have to know to ask for.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import socket
import traceback
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import hdrs, web
from aiohttp.typedefs import Middleware

from tui.commands.hosts import is_loopback
from tui.display_text import visible

__all__ = ["TOKEN_PARAM", "AccessPolicy", "RedactSecret", "new_token", "redact_access_log", "redact_logs"]

log = logging.getLogger("textual-serve")

TOKEN_PARAM = "token"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

NEEDS_TOKEN = (
    "403 Forbidden: this is an `ephemera serve` session server, and it only answers its secret link.\n"
    "Open the URL that `ephemera serve` printed when it started (it ends in /?token=...), in this "
    "browser.\n"
)
WRONG_HOST = (
    "403 Forbidden: this `ephemera serve` does not answer to this host name.\n"
    "Open the URL that `ephemera serve` printed. To reach it under another name (a proxy, a DNS name), "
    "start it with --public-url URL.\n"
)
WRONG_ORIGIN = (
    "403 Forbidden: this request came from another site (its Origin is not this server), and only "
    "the page served here may open Ephemera sessions.\n"
    "Open the URL that `ephemera serve` printed. Through a proxy or a tunnel on another port, start it "
    "with --public-url URL (the address the browser uses).\n"
)


def new_token() -> str:
    """A fresh secret for one run of `ephemera serve` (32 random bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


class _RedactToken(logging.Filter):
    """aiohttp's access log writes each request line: `?token=...` there becomes `?token=<secret>`."""

    PATTERN = re.compile(rf"([?&]{TOKEN_PARAM}=)[^&\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.PATTERN.sub(r"\1<secret>", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact_access_log() -> None:
    """Keep the secret out of the request lines textual-serve's logging prints (or a log file keeps)."""
    access = logging.getLogger("aiohttp.access")
    if not any(isinstance(f, _RedactToken) for f in access.filters):
        access.addFilter(_RedactToken())


class RedactSecret(logging.Filter):
    """Every record a handler of the serve process prints, with the run's secret replaced by
    `<secret>`: in the message, and in the traceback of an exception (aiohttp's "Error handling
    request" quotes the raw request line a parser refused, `?token=` included). A traceback
    becomes plain text here (no locals: the request's bytes are one of them), redacted as well."""

    # the secret as a query parameter or the cookie, even cut short (an error quotes part of a line)
    PATTERN = re.compile(rf"(\b{TOKEN_PARAM}=|\bephemera-serve-\d+=)[A-Za-z0-9_\-%]+")
    RUN = re.compile(r"[A-Za-z0-9_\-]{8,}")

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def redact(self, text: str) -> str:
        text = text.replace(self.secret, "<secret>")
        text = self.PATTERN.sub(r"\1<secret>", text)
        # a piece of it (8+ characters) cut at a line's end or a length limit
        return self.RUN.sub(lambda match: "<secret>" if match.group(0) in self.secret else match.group(0), text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record whose args do not fit its format
            message = f"{record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.stack_info:
            message += "\n" + record.stack_info
        record.msg, record.args = self.redact(message), ()
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def redact_logs(secret: str) -> None:
    """Put `RedactSecret` on every handler the serve process logs through (the root logger's, which
    textual-serve's and aiohttp's loggers reach, and Python's last-resort handler)."""
    handlers = [*logging.getLogger().handlers, *([logging.lastResort] if logging.lastResort else [])]
    for handler in handlers:
        if not any(isinstance(f, RedactSecret) for f in handler.filters):
            handler.addFilter(RedactSecret(secret))


def _host_name(name: str) -> str:
    return name.strip().strip("[]").rstrip(".").lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL or an Origin header; None when it has no usable host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, _host_name(parts.hostname), port or DEFAULT_PORTS[scheme]


def _header_host(value: str) -> str | None:
    """The name in a Host header (`name`, `name:port`, `[v6]:port`); None when malformed."""
    try:
        parts = urlsplit("//" + value.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if not parts.hostname or parts.username is not None or parts.path or parts.query:
        return None
    return _host_name(parts.hostname)


class AccessPolicy:
    """The checks of one `ephemera serve` run: its secret, and the names and origins it serves."""

    def __init__(self, token: str, *, host: str, port: int, public_url: str) -> None:
        self.token = token
        self.port = port
        self.public_url = public_url.rstrip("/")
        self.cookie_name = f"ephemera-serve-{port}"  # cookies ignore ports: one name per server
        # the pages' path, and the cookie's: a cookie goes to every port of the host, but only to its path
        self.prefix = "/" + secrets.token_urlsafe(12)
        bind = _host_name(host)
        public = _origin(self.public_url)
        if public is None:
            raise ValueError(f"not an http(s) URL: {public_url!r}")
        self.cookie_path = urlsplit(self.public_url).path.rstrip("/") + self.prefix + "/"
        self.public_origin = public
        self.secure_cookie = public[0] == "https"
        names = {public[1]}
        self.any_ip = bind in WILDCARD_HOSTS  # every address of this machine reaches the server
        if self.any_ip:
            names |= LOOPBACK_NAMES | {_host_name(socket.gethostname()), _host_name(socket.getfqdn())}
        else:
            names.add(bind)
            if is_loopback(host):
                names |= LOOPBACK_NAMES
        self.names = frozenset(n for n in names if n)

    @property
    def url(self) -> str:
        """The URL to print: opening it once lets that browser in."""
        return f"{self.public_url}/?{TOKEN_PARAM}={self.token}"

    def host_allowed(self, host_header: str | None) -> bool:
        """The Host header names this server (any port: an SSH tunnel may use another local port).
        An address literal cannot be a rebound DNS name, so a wildcard bind takes any."""
        name = _header_host(host_header) if host_header else None
        if name is None:
            return False
        return name in self.names or (self.any_ip and _is_ip(name))

    def origin_allowed(self, origin_header: str | None) -> bool:
        """The Origin header is the served origin: --public-url's, or http://NAME:PORT for a served name."""
        origin = _origin(origin_header) if origin_header else None
        if origin is None:
            return False
        if origin == self.public_origin:
            return True
        scheme, name, port = origin
        return (scheme == "http" and port == self.port
                and (name in self.names or (self.any_ip and _is_ip(name))))

    def token_matches(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate.encode(), self.token.encode())

    def middleware(self) -> Middleware:
        """The aiohttp middleware that refuses every request failing a check, before any handler."""

        @web.middleware
        async def ephemera_access(request: web.Request, handler: Handler) -> web.StreamResponse:
            refusal = self.refusal(request)
            if refusal is not None:
                reason, text = refusal
                log.warning("ephemera serve: refused %s %s from %s: %s", request.method,
                            visible(request.path[:200]), request.remote or "?", reason)
                return _with_page_headers(web.Response(status=403, text=text, headers={
                    hdrs.CACHE_CONTROL: "no-store"}))
            from_query = self.token_matches(request.query.get(TOKEN_PARAM))
            page = self.prefix + "/"
            response: web.StreamResponse
            if request.method == "GET" and request.path in {"/", page} and not _is_upgrade(request) \
                    and (from_query or request.path == "/"):
                # The browser keeps a SameSite=Strict cookie set by a navigation it started itself:
                # drop the secret from the address bar. (After a link from another site, the
                # redirected load would go without the cookie, so then the secret stays in the URL.)
                own = request.headers.get("Sec-Fetch-Site") in {"none", "same-origin"}
                rest = [(k, v) for k, v in request.query.items() if k != TOKEN_PARAM or not own]
                if request.path == "/" or own:
                    where = "." + page if request.path == "/" else "./"
                    location = where + (f"?{request.rel_url.with_query(rest).query_string}" if rest else "")
                    response = web.Response(status=303, headers={hdrs.LOCATION: location})
                else:
                    response = await handler(request)
            else:
                response = await handler(request)
            if not response.prepared:  # a WebSocket's answer has gone out already
                if from_query:
                    response.set_cookie(self.cookie_name, self.token, path=self.cookie_path, httponly=True,
                                        samesite="Strict", secure=self.secure_cookie or None)
                _with_page_headers(response)
            return response

        return ephemera_access

    def refusal(self, request: web.Request) -> tuple[str, str] | None:
        """(why, page) when `request` must be refused, else None."""
        if not self.host_allowed(request.headers.get(hdrs.HOST)):
            return "Host header not served", WRONG_HOST
        origin = request.headers.get(hdrs.ORIGIN)
        needs_origin = _is_upgrade(request) or request.method not in SAFE_METHODS
        if (origin is not None or needs_origin) and not self.origin_allowed(origin):
            return ("no Origin" if origin is None else "foreign Origin"), WRONG_ORIGIN
        if not (self.token_matches(request.query.get(TOKEN_PARAM))
                or self.token_matches(request.cookies.get(self.cookie_name))):
            return "missing or wrong secret", NEEDS_TOKEN
        return None


def _is_upgrade(request: web.Request) -> bool:
    return request.path == "/ws" or request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"


def _with_page_headers(response: web.StreamResponse) -> web.StreamResponse:
    response.headers.setdefault("Referrer-Policy", "no-referrer")  # the secret never leaves in a Referer
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
    return response
