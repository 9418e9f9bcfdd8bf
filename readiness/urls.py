"""Readiness pages (/readiness/): training and certificates, drills, enforcement, work plans, monthly reports."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "readiness"

urlpatterns: list[URLPattern | URLResolver] = [
    path("training/", include("readiness.training_urls")),
    path("drills/", include("readiness.drills.urls")),
    path("filing/", include("readiness.filing_urls")),
]
