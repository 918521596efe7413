"""The demo API server's aiohttp application: middlewares (faults, auth, Status errors, legacy
mode) and the routes of `discovery` (with the OpenAPI documents), `objects`, `subresources`,
`pod_update`, and last the generic `resources` (every other resource of the registry)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from tui.demo.api.access import bearer_token_matches
from tui.demo.api.status import ApiError, status_response
from tui.demo.routes import discovery, legacy_api, objects, pod_update, resources, subresources
from tui.demo.routes.state import STATE, ServerState

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ANONYMOUS_PATHS = frozenset({"/healthz", "/readyz", "/livez"})


def build_app(state: ServerState) -> web.Application:
    # legacy_api: the 1.21 ephemeral containers API when a test switches it on (no-op otherwise)
    app = web.Application(middlewares=[injected_faults, authenticate, api_errors, legacy_api.middleware],
                          client_max_size=16 * 1024 * 1024)
    app[STATE] = state
    discovery.add_routes(app)
    objects.add_routes(app)
    subresources.add_routes(app)
    pod_update.add_routes(app)
    resources.add_routes(app)  # last: a specific route above wins
    return app


@web.middleware
async def injected_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Latency and failures set by `faults.set_latency` / `faults.fail_requests`."""
    faults = request.app[STATE].faults
    if faults.latency > 0:
        await asyncio.sleep(faults.latency)
    code = faults.take_failure(request.path_qs)
    if code is not None:
        return status_response(code, "Internal error occurred: injected fault" if code >= 500
                               else "injected fault")
    return await handler(request)


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The bearer token, else a client certificate signed by the cluster CA; 401 otherwise. Impersonate-*
    headers are recorded (`faults.received_impersonation`), not acted upon."""
    state = request.app[STATE]
    impersonation = [(name, value) for name, value in request.headers.items()
                     if name.lower().startswith("impersonate-")]
    if impersonation:
        state.impersonation.append((request.method, request.path, impersonation))
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
    """Every error as the API server's Status object."""
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


def _client_certificate_ok(request: web.Request, state: ServerState) -> bool:
    """x509 authentication: a client certificate the TLS handshake verified against the cluster CA
    (`DemoCluster.issue_client_certificate`), unless its serial was revoked by a test."""
    transport = request.transport
    peer = transport.get_extra_info("peercert") if transport is not None else None
    if not peer or "serialNumber" not in peer:
        return False
    with state.faults.lock:
        return int(peer["serialNumber"], 16) not in state.faults.revoked_serials
