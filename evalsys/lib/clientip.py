"""The client's address: REMOTE_ADDR, or X-Forwarded-For's when TRUSTED_PROXY proxies are in front.

Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted
proxies the client is the N-th entry from the right; entries further left are whatever the client
sent and are never believed. Used by django-axes (AXES_CLIENT_IP_CALLABLE) for login throttling.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY", 0)
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote
