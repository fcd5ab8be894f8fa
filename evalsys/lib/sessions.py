"""Sessions that end after a working day idle, not a working day after the login.

A session lives SESSION_COOKIE_AGE from its last save. Saving on every request
(SESSION_SAVE_EVERY_REQUEST) would add a write to every page; instead a signed-in session is saved
again when its last renewal is older than a tenth of that age (five minutes at most), so a user at
work keeps theirs and one who left is signed out a working day later.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

RENEWED = "_evalsys_renewed"  # when the session was last saved for being used (epoch seconds)
MAX_INTERVAL = 300


def renewal_interval() -> int:
    return max(1, min(MAX_INTERVAL, settings.SESSION_COOKIE_AGE // 10))


def _last_renewal(request: HttpRequest) -> float:
    """The session's last renewal; a session without one was created at the login (last_login)."""
    renewed = request.session.get(RENEWED)
    if isinstance(renewed, int | float):
        return float(renewed)
    last_login = getattr(request.user, "last_login", None)
    return last_login.timestamp() if last_login else 0.0


class IdleSessionMiddleware:
    """After AuthenticationMiddleware: renews a signed-in session in use (SessionMiddleware saves it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # a request that never read the session (a static file, a public page) did not use it
        if session is None or not session.accessed or SESSION_KEY not in session:
            return response
        now = time.time()
        if session.modified or now - _last_renewal(request) >= renewal_interval():
            session[RENEWED] = int(now)
        return response
