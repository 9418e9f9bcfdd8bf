"""The public's pages, without an account (/report/)."""

from django.urls import URLPattern, URLResolver, path

from . import public_views, reward_urls

app_name = "report"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.report_form, name="form"),
    path("track/", public_views.track, name="track"),
]

# Rewards and posters (reports.reward_urls).
urlpatterns += reward_urls.public_urlpatterns
