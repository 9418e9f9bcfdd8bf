from django.urls import path

from . import excel_urls, supervision_urls, views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("report/", views.hazard_report, name="report"),
    path("fixed-on-the-spot/", views.hazard_fix_on_the_spot, name="fix_on_the_spot"),
    path("waiting-for-nobody/", views.stuck, name="stuck"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/edit/", views.hazard_edit, name="edit"),
    path("<int:pk>/step/<str:step>/", views.hazard_step, name="step"),
    path("<int:pk>/evidence/", views.hazard_add_evidence, name="add_evidence"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("extension/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("evidence/<str:token>/", views.evidence_file, name="evidence"),
    *supervision_urls.urlpatterns,
    *excel_urls.urlpatterns,
]
