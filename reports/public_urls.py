"""The public's pages, without an account (/report/)."""

from django.urls import URLPattern, URLResolver

app_name = "report"

urlpatterns: list[URLPattern | URLResolver] = []
