"""The plan's pages (/plan/): measures, tasks, quarterly reports, targets, the county's export."""

from django.urls import path

from . import scoreboard_views, views

app_name = "plan"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export, name="export"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("measures/<int:pk>/tasks/per-village/", views.tasks_per_village, name="tasks_per_village"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/report/", views.report_file, name="report_file"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/resubmit/", views.report_resubmit, name="report_resubmit"),
    path("files/<str:token>/", views.attachment_file, name="attachment"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("scoreboard/", scoreboard_views.board, name="scoreboard"),
    path("scoreboard/export/", scoreboard_views.export, name="scoreboard_export"),
    path("scoreboard/weights/", scoreboard_views.weights, name="scoreboard_weights"),
]
