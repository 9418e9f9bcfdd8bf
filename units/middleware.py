"""Refuses, for every page at once, request values that no column can store (issue 10).

PostgreSQL text cannot hold a NUL character, and a lone surrogate (JSON's "\\ud800") cannot be encoded in UTF-8:
either one reaching a query or a write is a server error, wherever the value is read (a form, a filter, a search box,
the admin). Refusing them here, with a 400 page in Chinese, covers the pages written tomorrow as well. Bounds that
depend on the field (dates, integers, lengths) are the forms' job (units.forms.bound_field).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from .access import current_township_id

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    """True when the text holds a NUL character or a lone surrogate."""
    return bool(_UNSTORABLE.search(text))


def _strings(value: Any) -> Iterator[str]:
    """Every string in a decoded JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _json_is_unstorable(body: bytes) -> bool:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return False  # not JSON at all, or nested beyond reason: the view answers that itself
    return any(unstorable(s) for s in _strings(document))


def _request_is_unstorable(request: HttpRequest) -> bool:
    if unstorable(request.path_info):
        return True
    if any(unstorable(text) for key, values in request.GET.lists() for text in [key, *values]):
        return True
    if request.method != "POST":
        return False
    if request.content_type == "application/json":
        return _json_is_unstorable(request.body)
    if any(unstorable(text) for key, values in request.POST.lists() for text in [key, *values]):
        return True
    return any(unstorable(upload.name or "") for _key, uploads in request.FILES.lists() for upload in uploads)


def _bad_admin_selection(request: HttpRequest) -> bool:
    """The admin's bulk actions read `_selected_action` as primary keys; every model here has integer keys, and a
    non-integer one made Django's admin fail with a server error instead of refusing the request."""
    if request.method != "POST" or "_selected_action" not in request.POST:
        return False
    return not all(v.isascii() and v.isdecimal() and len(v) <= 18 for v in request.POST.getlist("_selected_action"))


def bad_request_response(request: HttpRequest) -> HttpResponse:
    """A Chinese 400 page; a script that sent JSON (the phone inspection form) gets the same message as JSON."""
    message = _("The request contains characters that cannot be stored (a NUL character or a broken one).")
    if request.content_type == "application/json" or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"ok": False, "error": message}, status=400)
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render({"message": message}, request))


class RefuseUnstorableInput:
    """A 400 page for a request whose path, query string, form fields, file names or JSON body hold NUL or lone
    surrogates (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _request_is_unstorable(request) or _bad_admin_selection(request):
            return bad_request_response(request)
        return self.get_response(request)


class CurrentTownshipMiddleware:
    """Settles, once per request and before anything computes a scope, the township the user acts in (the session's
    choice if it is still theirs): the scope, and so every page, list, export and figure, follows it
    (units.access.current_township_id)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current_township_id(request)
        return self.get_response(request)


class MustChangePasswordMiddleware:
    """A person given a temporary password by the office (User.must_change_password) reaches no page but the password
    change page (and logging out) until they have chosen their own."""

    ALLOWED = ("password_change", "password_change_done", "logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path_info not in allowed:
                return redirect("password_change")
        return self.get_response(request)
