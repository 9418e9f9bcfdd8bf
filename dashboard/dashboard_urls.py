"""Routes of the dashboard pages (included under the dashboard: namespace)."""

from django.urls import URLPattern, path

from . import dashboard_views as views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("county/", views.county, name="county"),
]
