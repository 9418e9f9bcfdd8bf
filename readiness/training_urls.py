"""URLs of training sessions, coverage and certificates (included under /readiness/training/)."""

from django.urls import URLPattern, path

from . import training_views as views

urlpatterns: list[URLPattern] = [
    path("", views.session_list, name="training_list"),
    path("new/", views.session_create, name="training_create"),
    path("<int:pk>/", views.session_detail, name="training_detail"),
    path("<int:pk>/edit/", views.session_edit, name="training_edit"),
    path("<int:pk>/delete/", views.session_delete, name="training_delete"),
    path("<int:pk>/attendees/<int:attendee_pk>/remove/", views.attendee_remove, name="attendee_remove"),
    path("<int:pk>/attendees/import/", views.attendee_import, name="attendee_import"),
    path("<int:pk>/attendees/template/", views.attendee_import_template, name="attendee_import_template"),
    path("coverage/", views.coverage_page, name="training_coverage"),
    path("coverage/export/", views.coverage_download, name="training_coverage_export"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/new/", views.certificate_create, name="certificate_create"),
    path("certificates/<int:pk>/", views.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/review/", views.certificate_review, name="certificate_review"),
    path("certificates/<int:pk>/delete/", views.certificate_delete, name="certificate_delete"),
    path("certificates/import/", views.certificate_import, name="certificate_import"),
    path("certificates/template/", views.certificate_import_template, name="certificate_import_template"),
]
