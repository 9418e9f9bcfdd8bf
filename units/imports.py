"""Enterprise import from Excel (views)."""

from django.http import HttpRequest, HttpResponse


def enterprise_import(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
