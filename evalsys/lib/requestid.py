"""A request id on every log line: the trusted proxy's X-Request-ID, else a new one per request.

`RequestIdMiddleware` (first in MIDDLEWARE) sets it for the duration of the request and returns
it in the response's X-Request-ID header; `RequestIdFilter` (on the log handlers) writes it into
each record as `request_id`, "-" outside a request.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
NONE = "-"
# what a proxy's id looks like (nginx $request_id, a uuid); anything else could forge log lines
LOOKS_LIKE_AN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current: ContextVar[str] = ContextVar("request_id", default=NONE)


def current_request_id() -> str:
    return _current.get()


def request_id_for(request: HttpRequest) -> str:
    """The proxy's id when a trusted proxy is in front and sent a sane one, else a fresh uuid4."""
    given = request.headers.get(HEADER, "") if getattr(settings, "TRUSTED_PROXY", 0) else ""
    return given if LOOKS_LIKE_AN_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)  # type: ignore[attr-defined]
        token = _current.set(request.request_id)  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id  # type: ignore[attr-defined]
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the current request's, or that of the request the record
    names (Django logs 4xx responses after the middleware has returned)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request: Any = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or _current.get()
        return True
