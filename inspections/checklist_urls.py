"""Routes of the checklist pages, included under the `inspections:` namespace."""

from django.urls import URLPattern, path

from . import checklist_views as views

urlpatterns: list[URLPattern] = [
    path("checklists/", views.checklist_list, name="checklist_list"),
    path("checklists/new/", views.checklist_create, name="checklist_create"),
    path("checklists/import-template.xlsx", views.checklist_import_template, name="checklist_import_template"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklists/<int:pk>/draft/", views.checklist_draft, name="checklist_draft"),
    path("checklists/<int:pk>/draft/items/", views.checklist_item_add, name="checklist_item_add"),
    path("checklists/<int:pk>/draft/publish/", views.checklist_publish, name="checklist_publish"),
    path("checklists/<int:pk>/draft/discard/", views.checklist_discard, name="checklist_discard"),
    path("checklists/<int:pk>/draft/import/", views.checklist_import, name="checklist_import"),
    path("checklists/<int:pk>/versions/<int:number>/", views.checklist_version, name="checklist_version"),
    path(
        "checklists/<int:pk>/versions/<int:number>/export.xlsx",
        views.checklist_version_export,
        name="checklist_version_export",
    ),
    path("checklists/items/<int:item_pk>/edit/", views.checklist_item_edit, name="checklist_item_edit"),
    path("checklists/items/<int:item_pk>/delete/", views.checklist_item_delete, name="checklist_item_delete"),
    path("checklists/items/<int:item_pk>/move/", views.checklist_item_move, name="checklist_item_move"),
]
