"""The URLs of rewards and posters, added to the office's (/reports/) and the public's (/report/) URL confs."""

from django.urls import URLPattern, path

from . import reward_views

office_urlpatterns: list[URLPattern] = [
    path("<int:pk>/reward/<slug:step>/", reward_views.reward_step, name="reward_step"),
    path("rewards/", reward_views.reward_list, name="rewards"),
    path("rewards/export/", reward_views.reward_export, name="reward_export"),
    path("rewards/tiers/", reward_views.tier_list, name="reward_tiers"),
    path("rewards/tiers/new/", reward_views.tier_edit, name="reward_tier_new"),
    path("rewards/tiers/<int:pk>/", reward_views.tier_edit, name="reward_tier_edit"),
    path("posters/", reward_views.poster_list, name="posters"),
    path("posters/<int:pk>/", reward_views.poster, name="poster"),
]

public_urlpatterns: list[URLPattern] = [
    path("track/claim/", reward_views.claim, name="claim"),
]
