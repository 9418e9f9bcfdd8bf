"""A tiny URL conf for test_walker.py: pages that misbehave on purpose."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import path

from units.models import Village


def crashes(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(int(request.GET.get("year", ""))))


def writes_then_refuses(request: HttpRequest) -> HttpResponse:
    Village.objects.filter(pk=request.GET.get("pk")).update(name="改过的名字")
    return HttpResponseBadRequest("no")


def writes_and_succeeds(request: HttpRequest) -> HttpResponse:
    Village.objects.filter(pk=request.GET.get("pk")).update(name="改过的名字")
    return HttpResponse("ok")


def form_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        '<form method="post" action="/writes/"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input name="title" required><input type="date" name="day" required value="">'
        '<select name="level" required><option value="">—</option><option value="major">重大</option></select>'
        '<input type="checkbox" name="flag" value="1"><textarea name="note">旧</textarea>'
        '<input type="file" name="photo"><button type="submit" name="go" value="yes">OK</button></form>'
        '<form method="get"><input name="q"></form><form method="post" action="https://elsewhere.example/x"></form>',
        content_type="text/html",
    )


urlpatterns = [
    path("crashes/", crashes, name="crashes"),
    path("refuses/", writes_then_refuses, name="refuses"),
    path("writes/", writes_and_succeeds, name="writes"),
    path("form/", form_page, name="form"),
]
