"""The client's address as the login lockout (django-axes) sees it.

Behind the README's reverse proxy every request arrives from the proxy's address; without this, five wrong
passwords from anyone locked the account for everyone. Each trusted proxy appends the address it received the
request from to X-Forwarded-For, so with N proxies the client is the N-th entry from the right; everything left of
it was written by the client and proves nothing.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count: int = getattr(settings, "PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # The request did not pass through every proxy (or a proxy does not add the header): trust only the peer.
        return remote
    return _valid(forwarded[-count]) or remote
