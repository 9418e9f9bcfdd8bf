from django.urls import path

from . import checklist_urls, create_views, draw_urls, plan_urls, views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", create_views.inspection_create, name="create"),
    path("new/enterprises/", create_views.enterprise_search, name="enterprise_search"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/fill/", views.inspection_fill, name="fill"),
    path("<int:pk>/answer/", views.answer_save, name="answer"),
    path("<int:pk>/photo/", views.photo_upload, name="photo"),
    path("<int:pk>/submit/", views.inspection_submit, name="submit"),
    path("<int:pk>/cancel/", views.inspection_cancel, name="cancel"),
    path("<int:pk>/finding/<int:answer_pk>/", views.finding_to_hazard, name="finding"),
    path("photo/<str:token>/", views.photo_file, name="photo_file"),
    path("<int:pk>/signature/", views.signature_file, name="signature"),
    path("<int:pk>/signature/leader/", views.signature_file, {"whose": "leader"}, name="leader_signature"),
    path("export/", views.inspection_export, name="export"),
    *checklist_urls.urlpatterns,
    *plan_urls.urlpatterns,
    *draw_urls.urlpatterns,
]
