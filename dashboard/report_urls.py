"""Routes of the accident register, the report forms and the month-end trend (namespace `dashboard:`)."""

from django.urls import path

from . import accident_views, monthly_views, report_views

urlpatterns = [
    path("accidents/", accident_views.accident_list, name="accidents"),
    path("accidents/new/", accident_views.accident_create_view, name="accident_create"),
    path("accidents/export/", accident_views.accident_export, name="accident_export"),
    path("accidents/<int:pk>/", accident_views.accident_detail, name="accident_detail"),
    path("accidents/<int:pk>/edit/", accident_views.accident_edit_view, name="accident_edit"),
    path("reports/monthly/", monthly_views.monthly_report, name="monthly_report"),
    path("reports/monthly/excel/", monthly_views.monthly_report_excel, name="monthly_report_excel"),
    path("reports/monthly/file/", monthly_views.monthly_report_file, name="monthly_report_file"),
    path("reports/monthly/correct/", monthly_views.monthly_report_correct, name="monthly_report_correct"),
    path("reports/county-monthly/", monthly_views.county_monthly_report, name="county_monthly_report"),
    path(
        "reports/county-monthly/excel/", monthly_views.county_monthly_report_excel, name="county_monthly_report_excel"
    ),
    path("reports/statistics/", report_views.statistics, name="statistics"),
    path("reports/statistics/excel/", report_views.statistics_excel, name="statistics_excel"),
    path("reports/trend/", report_views.trend, name="trend"),
]
