"""The site's URLs plus pages that are not allowed or fail: the error pages' tests (test_error_pages.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from liuwei_safety.urls import urlpatterns as site


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("test-forbidden/", forbidden), path("test-broken/", broken), *site]
