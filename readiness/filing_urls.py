"""URLs of work plans and monthly reports, included from readiness/urls.py under /readiness/filing/."""

from django.urls import path

from . import filing_views as views

urlpatterns = [
    path("plans/", views.round_list, name="filing_rounds"),
    path("plans/new/", views.round_create, name="filing_round_create"),
    path("plans/rounds/<int:pk>/", views.round_detail, name="filing_round"),
    path("plans/rounds/<int:pk>/file/", views.plan_file, name="work_plan_file"),
    path("plans/<int:pk>/", views.plan_detail, name="work_plan"),
    path("plans/<int:pk>/approve/", views.plan_step, {"step": "approve"}, name="work_plan_approve"),
    path("plans/<int:pk>/return/", views.plan_step, {"step": "return"}, name="work_plan_return"),
    path("plans/<int:pk>/refile/", views.plan_step, {"step": "refile"}, name="work_plan_refile"),
    path("plans/documents/<int:pk>/", views.plan_document, name="work_plan_document"),
    path("monthly/", views.monthly, name="monthly_reports"),
    path("monthly/report/", views.monthly_report, name="monthly_report_new"),
    path("monthly/zero/", views.monthly_zero, name="monthly_report_zero"),
    path("monthly/<int:pk>/correct/", views.monthly_correct, name="monthly_report_correct"),
    path("monthly/misses/", views.monthly_misses, name="monthly_misses"),
    path("monthly/settings/", views.filing_settings, name="monthly_settings"),
]
