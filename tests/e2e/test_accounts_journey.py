"""The office creates a village officer (1280 px); the new officer logs in on a phone with the temporary password and
must choose their own before anything else (390 px)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login
from units.models import Assignment, Role, User

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_the_office_create_a_village_officer_who_must_change_the_password(page: Page, phone_page: Page, world):
    login(page, "office")
    page.goto("/")
    # From the menu: the group that holds the people page, then the page.
    nav = page.get_by_test_id("nav")
    nav.locator('li.dropdown:has(a[href="/units/people/"]) > a.dropdown-toggle').click()
    nav.locator('a[href="/units/people/"]').click()
    expect(page.get_by_test_id("people")).to_be_visible()
    page.get_by_test_id("person-new").click()
    page.fill("#id_username", "xincun_ganbu")
    page.fill("#id_full_name", "新村干部")
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_role", Role.VILLAGE.value)
    page.select_option("#id_village", label=world.village_a.name)
    page.get_by_test_id("person-form").locator("button[type=submit]").click()
    password = page.get_by_test_id("temporary-password").inner_text().strip()
    assert len(password) == 12
    page.get_by_test_id("to-person").click()
    expect(page.get_by_test_id("roles").locator('[data-role="village"]')).to_contain_text(world.village_a.name)
    assert Assignment.objects.get(user__username="xincun_ganbu").village == world.village_a

    # The new officer, on a phone: the temporary password opens only the password change page.
    login(phone_page, "xincun_ganbu", password)
    expect(phone_page).to_have_url(re.compile(r"/accounts/password/$"))
    phone_page.goto("/hazards/")
    expect(phone_page).to_have_url(re.compile(r"/accounts/password/$"))
    phone_page.fill("#id_old_password", password)
    phone_page.fill("#id_new_password1", "Xincun-Mima-2026")
    phone_page.fill("#id_new_password2", "Xincun-Mima-2026")
    phone_page.locator("form:has(#id_old_password) button[type=submit]").click()
    expect(phone_page).to_have_url(re.compile(r"/accounts/password/done/$"))
    assert not User.objects.get(username="xincun_ganbu").must_change_password
    phone_page.goto("/")
    expect(phone_page).to_have_url(re.compile(r"/$"))
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
