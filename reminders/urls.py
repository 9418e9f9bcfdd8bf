from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.reminder_open, name="open"),
    path("read/", views.mark_read, name="mark_read"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:key>/", views.rule_toggle, name="rule_toggle"),
    path("settings/", views.settings_view, name="settings"),
    path("check/", views.check, name="check"),
    path("check/<int:pk>/", views.check_resolve, name="check_resolve"),
]
