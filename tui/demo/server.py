"""The demo API server's aiohttp application: middlewares (faults, auth, Status errors) and routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from tui.demo import legacy_api, routes_discovery, routes_objects, routes_pod_update, routes_subresources
from tui.demo.access import bearer_token_matches
from tui.demo.apistatus import ApiError, status_response
from tui.demo.state import ServerState

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ANONYMOUS_PATHS = frozenset({"/healthz", "/readyz", "/livez"})


def _client_certificate_ok(request: web.Request, state: ServerState) -> bool:
    """x509 authentication: a client certificate the TLS handshake verified against the cluster CA
    (`DemoCluster.issue_client_certificate`), unless its serial was revoked by a test."""
    transport = request.transport
    peer = transport.get_extra_info("peercert") if transport is not None else None
    if not peer or "serialNumber" not in peer:
        return False
    with state.faults.lock:
        return int(peer["serialNumber"], 16) not in state.faults.revoked_serials


def build_app(state: ServerState) -> web.Application:
    @web.middleware
    async def faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        latency = state.faults.latency
        if latency > 0:
            await asyncio.sleep(latency)
        code = state.faults.take_failure(request.path_qs)
        if code is not None:
            return status_response(code, "Internal error occurred: injected fault" if code >= 500
                                   else "injected fault")
        return await handler(request)

    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in ANONYMOUS_PATHS:
            header = request.headers.get("Authorization", "")
            if header:  # a malformed one (non-ASCII, no token, another scheme) is a 401 too
                if not bearer_token_matches(header, state.token):
                    return status_response(401, "Unauthorized", "Unauthorized")
            elif not _client_certificate_ok(request, state):
                return status_response(401, "Unauthorized", "Unauthorized")
        return await handler(request)

    @web.middleware
    async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return error.response()
        except web.HTTPNotFound:
            return status_response(404, "the server could not find the requested resource", "NotFound",
                                   {"causes": [{"reason": "UnexpectedServerResponse",
                                                "message": "404 page not found"}]})
        except web.HTTPMethodNotAllowed as error:
            return status_response(405, f"the server does not allow this method on the requested resource "
                                        f"({error.method})", "MethodNotAllowed")

    # legacy_api: the 1.21 ephemeral containers API when a test switches it on (no-op otherwise)
    app = web.Application(middlewares=[faults, authenticate, api_errors, legacy_api.middleware(state)],
                          client_max_size=16 * 1024 * 1024)
    routes_discovery.add_routes(app, state)
    routes_objects.add_routes(app, state)
    routes_subresources.add_routes(app, state)
    routes_pod_update.add_routes(app, state)
    return app
