from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from units import account_views
from units import views as unit_views
from units.forms import LoginForm

urlpatterns = [
    path("", unit_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChange.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("units/", include("units.urls")),
    path("hazards/", include("hazards.urls")),
    path("inspections/", include("inspections.urls")),
    path("report/", include("reports.public_urls")),
    path("reports/", include("reports.urls")),
    path("readiness/", include("readiness.urls")),
    path("plan/", include("plan.urls")),
    path("reminders/", include("reminders.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
]
