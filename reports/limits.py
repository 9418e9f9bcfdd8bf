"""How often one client may file a report or try a tracking code, without storing who the client is.

The client is the address core.client_ip gives (behind the proxy, the one the proxy saw), turned at once into a
keyed hash (HMAC with a pepper from SECRET_KEY) and kept only as a cache key that expires with its window: no
address reaches the database, the report or a log line. A cache that fails lets the request through (the pages
never break for want of Redis); the tracking codes are long enough (about 99 bits) that the limit is a second wall,
not the first.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.client_ip import client_ip_address

# (attempts, window in seconds)
SUBMIT_LIMIT = (5, 3600)
TRACK_LIMIT = (10, 600)


def _client_key(request: HttpRequest, purpose: str) -> str:
    pepper = hashlib.sha256(b"liuwei-report-client:" + settings.SECRET_KEY.encode()).digest()
    address = client_ip_address(request) or "unknown"
    return f"reports:{purpose}:" + hmac.new(pepper, address.encode(), hashlib.sha256).hexdigest()[:32]


def over_limit(request: HttpRequest, purpose: str, limit: tuple[int, int]) -> bool:
    """Count one more attempt of this client; True when it is over the limit of its window."""
    attempts, window = limit
    key = _client_key(request, purpose)
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except Exception:
        return False
    return count > attempts
