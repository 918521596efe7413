"""Kubernetes `Status` objects and JSON responses as the API server writes them."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

JSON_CONTENT_TYPE = "application/json"

_REASONS: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "AlreadyExists",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


def status_object(
    code: int,
    message: str,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A failure `Status` (kind/apiVersion/metadata/status/message/reason/details/code); an empty
    reason (StatusReasonUnknown) is left out, as Go's `omitempty` leaves it out."""
    status: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
    }
    reason = reason if reason is not None else _REASONS.get(code, "")
    if reason:
        status["reason"] = reason
    if details:
        status["details"] = details
    status["code"] = code
    return status


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def json_response(obj: Any, status: int = 200, content_type: str = JSON_CONTENT_TYPE) -> web.Response:
    return web.Response(body=dumps(obj), status=status, content_type=content_type)


def raw_json_response(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type=JSON_CONTENT_TYPE)


def status_response(
    code: int,
    message: str,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> web.Response:
    return json_response(status_object(code, message, reason, details), status=code)


class ApiError(Exception):
    """Raised inside handlers; the middleware turns it into a `Status` response."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.details = details

    def status(self) -> dict[str, Any]:
        return status_object(self.code, self.message, self.reason, self.details)

    def response(self) -> web.Response:
        return json_response(self.status(), status=self.code)


def not_found(resource: str, name: str, group: str = "") -> ApiError:
    """`pods "x" not found` with details {name, kind}."""
    details: dict[str, Any] = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return ApiError(404, f'{resource} "{name}" not found', "NotFound", details)


def already_exists(resource: str, name: str) -> ApiError:
    return ApiError(409, f'{resource} "{name}" already exists', "AlreadyExists", {"name": name, "kind": resource})
