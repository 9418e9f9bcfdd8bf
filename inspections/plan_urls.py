"""Routes of the plan pages (included under the inspections: namespace)."""

from django.urls import URLPattern, path

from . import plan_views as views

urlpatterns: list[URLPattern] = [
    path("plans/", views.quarter_board, name="quarter_board"),
    path("plans/create/", views.quarter_plan_create, name="quarter_plan_create"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/reply/", views.problem_reply, name="problem_reply"),
    path("problems/<int:pk>/accept/", views.problem_accept, name="problem_accept"),
    path("problems/<int:pk>/return/", views.problem_return, name="problem_return"),
    path("<int:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("referrals/", views.referral_list, name="referrals"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("self/", views.self_inspections, name="self_inspections"),
    path("self/<int:pk>/file/", views.self_inspection_file, name="self_inspection_file"),
    path("places/", views.place_list, name="places"),
    path("places/new/", views.place_create, name="place_create"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("places/<int:pk>/edit/", views.place_edit, name="place_edit"),
    path("places/<int:pk>/toggle/", views.place_toggle, name="place_toggle"),
    path("places/<int:pk>/patrol/", views.place_patrol, name="place_patrol"),
    path("history/village/<int:pk>/", views.village_history, name="village_history"),
    path("history/unit/<int:pk>/", views.unit_history, name="unit_history"),
    path("history/enterprise/<int:pk>/", views.enterprise_history, name="enterprise_history"),
    path("groups/<int:pk>/", views.group_record, name="group_record"),
]
