"""Routes of listing supervision, escalation, refusal, notices and the enterprise's list (included as hazards:)."""

from django.urls import URLPattern, path

from . import supervision_views as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/list/", views.list_hazard, name="list_hazard"),
    path("listings/", views.listings, name="listings"),
    path("listings/county/", views.county_listings, name="county_listings"),
    path("listings/<int:pk>/print/", views.listing_print, name="listing_print"),
    path("listings/<int:pk>/delist/", views.delist, name="delist"),
    path("listings/<int:pk>/acceptance/", views.listing_acceptance, name="listing_acceptance"),
    path("typical-fire/", views.typical_fire_index, name="typical_fire_index"),
    path("typical-fire/<int:year>/", views.typical_fire, name="typical_fire"),
    path("<int:pk>/typical-fire/", views.typical_fire_add, name="typical_fire_add"),
    path("typical-fire/entries/<int:pk>/remove/", views.typical_fire_remove, name="typical_fire_remove"),
    path("overdue/", views.overdue, name="overdue"),
    path("escalations/", views.escalations, name="escalations"),
    path("escalations/new/", views.escalation_create, name="escalation_create"),
    path("escalations/<int:pk>/attachment/", views.escalation_attachment, name="escalation_attachment"),
    path("<int:pk>/refusal/", views.refusal_create, name="refusal_create"),
    path("refusals/<int:pk>/edit/", views.refusal_update, name="refusal_update"),
    path("<int:pk>/notice/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/print/", views.notice_print, name="notice_print"),
    path("notices/<int:pk>/service/", views.notice_service, name="notice_service"),
    path("notices/<int:pk>/void/", views.notice_void, name="notice_void"),
    path("enterprise/<int:pk>/", views.enterprise_list, name="enterprise_list"),
]
