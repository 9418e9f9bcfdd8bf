"""Headers every response carries."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The site itself may use the camera (inspection photos taken in the browser); nothing else needs a device.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
PRIVATE = "private, no-store"


class PrivacyHeadersMiddleware:
    """Pages and files behind the login are never stored by the browser or a shared proxy cache: the next person
    at a shared office computer must not find them in its history or cache (a view that already says no-store,
    e.g. Django's never_cache, keeps its own stricter header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = PRIVATE
        return response
