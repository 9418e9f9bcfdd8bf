"""Pages of lower apps show what higher apps registered for them (core.panels), without naming those apps: the
enterprise page its hazards and inspections, a hazard found in an inspection the link to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import InspectionHazard
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


def test_the_enterprise_page_shows_the_panels_of_hazards_and_inspections(client, world):
    client.force_login(world.village_a_officer)
    body = client.get(reverse("units:enterprise_detail", args=[world.enterprise_a.pk])).content.decode()
    hazards = body.index(reverse("hazards:enterprise_list", args=[world.enterprise_a.pk]))
    history = body.index(reverse("inspections:enterprise_history", args=[world.enterprise_a.pk]))
    assert hazards < history  # in the order they registered
    assert 'data-testid="enterprise-hazard-list"' in body and 'data-testid="self-inspection-status"' in body


def test_a_hazard_found_in_an_inspection_links_to_it(client, world, planned):
    item = planned.checklist.items.order_by("order").first()
    answer = services.answer_save(inspection_id=planned.pk, actor=world.office, item_id=item.pk, result="fail")
    fields = services.finding_prefill(answer)
    found = services.finding_to_hazard(answer_id=answer.pk, actor=world.office, fields=fields)
    reported = HazardFactory(village=world.village_a, sector=world.sector_a)
    assert InspectionHazard.objects.get(hazard=found).inspection == planned

    client.force_login(world.office)
    body = client.get(reverse("hazards:detail", args=[found.pk])).content.decode()
    assert f'href="{reverse("inspections:detail", args=[planned.pk])}" data-testid="hazard-inspection"' in body
    other = client.get(reverse("hazards:detail", args=[reported.pk])).content.decode()
    assert 'data-testid="hazard-inspection"' not in other
