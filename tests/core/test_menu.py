"""The site menu is what the apps registered (core.menu): each role sees its entries in the groups' order, and the
home page shows the same entries as cards."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core import menu
from core.registry import Registry

pytestmark = pytest.mark.django_db


def labels(groups) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(group["label"]) for group in groups]


def test_it_shows_the_office_every_group_in_order(world, settings):
    settings.LANGUAGE_CODE = "en"
    groups = menu.menu_for(world.office, "/")
    assert labels(groups) == [
        "Dashboard", "Hazards", "Inspections", "Three-year plan", "Public reports", "Statistics", "Readiness",
        "Organisation", "Administration",
    ]  # fmt: skip
    administration = [str(item["label"]) for item in groups[-1]["items"]]
    assert administration == ["Reminder rules", "Deliveries to check"]  # the Django admin is the administrator's


def test_it_sends_an_enterprise_contact_to_their_enterprise_first(world):
    groups = menu.menu_for(world.ent_a, "/")
    own = reverse("units:enterprise_detail", args=[world.enterprise_a.pk])
    assert groups[0]["items"] == [{"label": groups[0]["label"], "url": own, "active": False}]
    urls = [item["url"] for item in menu.flat_menu(groups)]
    assert reverse("hazards:list") in urls and reverse("inspections:self_inspections") in urls
    assert reverse("dashboard:index") not in urls and reverse("units:enterprise_list") not in urls


def test_it_marks_the_entry_of_the_current_page_active(world):
    groups = menu.menu_for(world.office, reverse("hazards:overdue"))
    hazards = next(g for g in groups if any(i["url"] == reverse("hazards:list") for i in g["items"]))
    assert hazards["active"]
    assert [i["url"] for i in hazards["items"] if i["active"]] == [reverse("hazards:overdue")]


def test_the_home_page_shows_the_menus_entries_as_cards(client, world):
    client.force_login(world.village_a_officer)
    response = client.get(reverse("home"))
    expected = [item["url"] for item in menu.flat_menu(menu.menu_for(world.village_a_officer, reverse("home")))]
    assert [item["url"] for item in response.context["nav_items"]] == expected
    assert reverse("units:enterprise_list") in expected and reverse("units:village_list") not in expected


def test_a_registry_refuses_a_key_registered_twice():
    groups: Registry[menu.MenuGroup] = Registry("menu group")
    groups.add(menu.MenuGroup("hazards", "Hazards", order=1))
    with pytest.raises(ImproperlyConfigured, match="'hazards' is registered twice"):
        groups.add(menu.MenuGroup("hazards", "Other", order=2))
    assert [g.label for g in groups] == ["Hazards"]


def test_an_entry_in_a_group_nobody_registered_stops_the_menu(world, monkeypatch):
    entries: Registry[menu.MenuEntry] = Registry("menu entry")
    entries.add(menu.MenuEntry("nowhere", "Lost", "hazards:list", lambda user: True, order=0))
    monkeypatch.setattr(menu, "entries", entries)
    with pytest.raises(ImproperlyConfigured, match="No menu group 'nowhere'"):
        menu.menu_for(world.office, "/")
