"""/readiness/drills/… (drills, plans, penalties, 零处罚), included from readiness/urls.py without a namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import imports, views

urlpatterns: list[URLPattern] = [
    path("", views.drill_list, name="drill_list"),
    path("export/", views.drill_export, name="drill_export"),
    path("import/", imports.DrillImportView.as_view(), name="drill_import"),
    path("import/template/", imports.drill_import_template, name="drill_import_template"),
    path("enterprise/<int:pk>/", views.enterprise_drills, name="enterprise_drills"),
    path("enterprise/<int:pk>/record/", views.drill_create, name="drill_create"),
    path("enterprise/<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("enterprise/<int:pk>/half-yearly/", views.key_unit, name="drill_key_unit"),
    path("<int:pk>/", views.drill_detail, name="drill_detail"),
    path("<int:pk>/files/<str:token>/", views.drill_file, name="drill_file"),
    path("penalties/", views.penalty_list, name="penalty_list"),
    path("penalties/export/", views.penalty_export, name="penalty_export"),
    path("penalties/new/", views.penalty_create, name="penalty_create"),
    path("penalties/<int:pk>/", views.penalty_detail, name="penalty_detail"),
    path("penalties/<int:pk>/void/", views.penalty_void, name="penalty_void"),
    path("zero-penalty/", views.zero_penalty, name="zero_penalty"),
    path("zero-penalty/export/", views.zero_penalty_export, name="zero_penalty_export"),
]
