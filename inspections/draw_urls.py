"""Routes of the double-random draw pages (§28) and the inspector pool (§30), under the `inspections:` namespace."""

from django.urls import URLPattern, path

from . import draw_views, inspector_views

urlpatterns: list[URLPattern] = [
    path("draws/", draw_views.draw_list, name="draw_list"),
    path("draws/new/", draw_views.draw_create, name="draw_create"),
    path("draws/preview/", draw_views.draw_preview, name="draw_preview"),
    path("draws/target/", draw_views.share_target_edit, name="draw_share_target"),
    path("draws/<int:pk>/", draw_views.draw_detail, name="draw_detail"),
    path("inspectors/", inspector_views.inspector_list, name="inspector_list"),
    path("inspectors/new/", inspector_views.inspector_create, name="inspector_create"),
    path("inspectors/<int:pk>/", inspector_views.inspector_edit, name="inspector_edit"),
    path("inspectors/<int:pk>/active/", inspector_views.inspector_toggle, name="inspector_toggle"),
]
