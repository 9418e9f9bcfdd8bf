"""Headers every response carries."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.log import log_response
from django.views import defaults

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


class FriendlyErrorPagesMiddleware:
    """With DEBUG (the quick start, `make run`), a page that is not found, not allowed or fails shows the project's
    Chinese page (templates/404.html, 403.html, 500.html), as in production, instead of Django's English debug page:
    the people trying the system are township clerks, not developers.

    A real exception (500) still writes its traceback to the console through the `django.request` logger, so a
    developer loses nothing; a developer who wants the debug page itself can remove this middleware locally.
    Without DEBUG it does nothing: Django's own handlers render the same templates.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            # An unknown URL never reaches a view (nor process_exception): answer it here. CommonMiddleware, outside
            # this one, still turns a 404 for a path missing its slash into the redirect.
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return defaults.page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        response = defaults.server_error(request)
        log_response(
            "%s: %s", "Internal Server Error", request.path, response=response, request=request, exception=exception
        )
        return response
