"""The filters say what they do (issue 14): every field has a visible label, an empty choice reads "all villages"
rather than "---------" or "unknown", and on a phone they fold behind a button."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def filter_form(html: str, testid: str) -> str:
    match = re.search(rf'<form[^>]*data-testid="{testid}".*?</form>', html, re.S)
    assert match, testid
    return match.group(0)


def first_options(form: str) -> dict[str, tuple[str, str]]:
    """Each select's name -> (value, text) of its first option."""
    return {
        name: (value, text.strip())
        for name, value, text in re.findall(
            r'<select name="(\w+)"[^>]*>\s*<option value="([^"]*)"[^>]*>([^<]*)</option>', form
        )
    }


def labelled_ids(form: str) -> set[str]:
    return set(re.findall(r'<label class="form-label[^"]*" for="(\w+)"', form))


def field_ids(form: str) -> set[str]:
    return set(re.findall(r'<(?:select|input)[^>]*\bid="(\w+)"', form))


def test_it_names_the_empty_choice_of_every_drop_down_of_the_ledger(client_for, world, settings):
    settings.LANGUAGE_CODE = "en"
    form = filter_form(client_for(world.office).get(reverse("hazards:list")).content.decode(), "hazard-filters")
    first = first_options(form)
    assert first["village"] == ("", "all villages")
    assert first["sector"] == ("", "all sectors")
    assert first["level"] == ("", "all levels")
    assert first["open"] == ("unknown", "all")
    assert first["lead_unit"] == ("", "all lead units")
    assert first["overdue"] == ("unknown", "all")
    assert not any(text in ("---------", "Unknown") for _, text in first.values())


def test_every_field_of_the_ledger_filters_has_a_visible_label(client_for, world):
    form = filter_form(client_for(world.office).get(reverse("hazards:list")).content.decode(), "hazard-filters")
    assert "visually-hidden" not in form
    assert field_ids(form) <= labelled_ids(form)
    assert {"id_q", "id_village", "id_sector", "id_level", "id_open"} <= labelled_ids(form)


def test_the_yes_no_filters_still_take_the_dashboards_links(client_for, world):
    response = client_for(world.office).get(reverse("hazards:list"), {"overdue": "true", "open": "unknown"})
    assert response.status_code == 200
    assert response.context["filter"].form.cleaned_data["overdue"] is True


@pytest.mark.parametrize("url_name", ["hazards:list", "hazards:overdue"])
def test_the_filters_fold_behind_a_button_on_a_phone(client_for, world, url_name):
    html = client_for(world.office).get(reverse(url_name)).content.decode()
    toggle = re.search(r'<button[^>]*data-testid="filter-toggle"[^>]*>', html)
    assert toggle and "d-md-none" in toggle.group(0) and 'data-bs-toggle="collapse"' in toggle.group(0)
    target = re.search(r'data-bs-target="#([\w-]+)"', toggle.group(0)).group(1)
    panel = re.search(rf'<div class="([^"]*)" id="{target}"', html)
    assert panel and {"collapse", "d-md-block"} <= set(panel.group(1).split())
