"""Which failed log-ins count together (django-axes' AXES_LOCKOUT_PARAMETERS as a callable).

Five failures for one account from one address lock that account for that address (AXES_FAILURE_LIMIT), so a
colleague who mistypes does not lock anyone else out. That alone let one address try four passwords on every
account each cool-off period; so once an address has failed LOGIN_FAILURES_PER_ADDRESS times across all accounts
within the cool-off, the address itself counts too and is locked for every account.

The address is added only when it is over its limit, not always: axes' reset-on-success deletes the attempts of
every parameter listed, and a permanent "ip_address" entry would let an attacker wipe the address's count by
logging in to an account of their own.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

ACCOUNT_FROM_ADDRESS = ["username", "ip_address"]


def address_failures(request: Any) -> int:
    """Failed log-ins from the request's address within the cool-off, whatever account they named."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


def lockout_parameters(request_or_attempt: Any, credentials: dict[str, Any] | None = None) -> list[Any]:
    if isinstance(request_or_attempt, AccessAttempt) or not hasattr(request_or_attempt, "axes_attempt_time"):
        return [ACCOUNT_FROM_ADDRESS]
    if address_failures(request_or_attempt) >= settings.LOGIN_FAILURES_PER_ADDRESS:
        return [ACCOUNT_FROM_ADDRESS, "ip_address"]
    return [ACCOUNT_FROM_ADDRESS]
