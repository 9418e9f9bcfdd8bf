"""The office's pages for public reports (/reports/)."""

from django.urls import URLPattern, URLResolver, path

from . import reward_urls, views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/verify/", views.report_verify, name="verify"),
    path("<int:pk>/merge/", views.report_merge, name="merge"),
    path("<int:pk>/identity/", views.report_identity, name="identity"),
    path("<int:pk>/step/<slug:step>/", views.report_step, name="step"),
    path("photos/<str:token>/", views.report_photo, name="photo"),
]

# Rewards and posters (reports.reward_urls).
urlpatterns += reward_urls.office_urlpatterns
