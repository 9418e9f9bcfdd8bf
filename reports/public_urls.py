"""The public's pages, without an account (/report/)."""

from django.urls import URLPattern, URLResolver, path

from . import public_views

app_name = "report"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.report_form, name="form"),
    path("track/", public_views.track, name="track"),
]
