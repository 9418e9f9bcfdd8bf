from django.urls import path

from . import account_views, imports, views

app_name = "units"


def _crud(prefix: str, plural: str, views_: dict) -> list:
    return [
        path(f"{plural}/", views_["list"], name=f"{prefix}_list"),
        path(f"{plural}/new/", views_["create"], name=f"{prefix}_create"),
        path(f"{plural}/<int:pk>/edit/", views_["edit"], name=f"{prefix}_edit"),
        path(f"{plural}/<int:pk>/active/", views_["toggle"], name=f"{prefix}_toggle"),
    ]


urlpatterns = [
    *_crud("village", "villages", views.village_views),
    *_crud("unit", "units", views.unit_views),
    *_crud("sector", "sectors", views.sector_views),
    *_crud("group", "groups", views.group_views),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("township/", views.switch_township, name="switch_township"),
    path("settings/", views.township_settings, name="township_settings"),
    path("townships/<int:pk>/settings/", views.township_settings_save, name="township_settings_save"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/import/", imports.enterprise_import, name="enterprise_import"),
    path("enterprises/import/template.xlsx", imports.enterprise_import_template, name="enterprise_import_template"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/active/", views.enterprise_toggle, name="enterprise_toggle"),
    path("people/", account_views.people, name="people"),
    path("people/new/", account_views.person_new, name="person_new"),
    path("people/<int:pk>/", account_views.person_detail, name="person_detail"),
    path("people/<int:pk>/roles/", account_views.person_roles, name="person_roles"),
    path("people/<int:pk>/roles/<int:assignment_pk>/end/", account_views.person_role_end, name="person_role_end"),
    path("people/<int:pk>/deactivate/", account_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", account_views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/password/", account_views.person_reset_password, name="person_reset_password"),
]
