"""A refused submit (issue 10) shows the page again with everything entered kept — conclusion, the signer's name,
the drawn signatures — and names the items still unanswered, each a link to its card."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Inspection
from tests.factories import SupervisionGroupFactory
from tests.hazards.conftest import image_bytes

pytestmark = pytest.mark.django_db

SIGNATURE = "data:image/png;base64," + base64.b64encode(image_bytes("PNG", (60, 20), "white")).decode()


def answer(inspection, actor, numbers):
    items = list(inspection.checklist.items.order_by("order"))
    for n in numbers:
        services.answer_save(inspection_id=inspection.pk, actor=actor, item_id=items[n - 1].pk, result="pass")
    return items


def hidden_value(body, name):
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', body)
    return match.group(1) if match else None


def test_it_keeps_what_was_entered_and_names_the_missing_items(world, client_for, planned):
    items = answer(planned, world.village_a_officer, [1])
    client = client_for(world.village_a_officer)
    data = {"conclusion": "消防通道基本畅通", "signer_name": "张三", "signature": SIGNATURE}
    response = client.post(reverse("inspections:submit", args=[planned.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "消防通道基本畅通</textarea>" in body
    assert 'name="signer_name" value="张三"' in body
    assert hidden_value(body, "signature") == SIGNATURE
    missing = re.findall(r'<a href="#item-(\d+)" data-testid="missing-item">(.*?)</a>', body)
    assert missing == [(str(items[1].pk), "2. 灭火器过期"), (str(items[2].pk), "3. 疏散通道堵塞")]
    for item in items:  # every link leads to a card on the page
        assert f'id="item-{item.pk}"' in body
    assert Inspection.objects.get(pk=planned.pk).status == "in_progress"


def test_it_keeps_both_signatures_when_the_group_leader_has_not_signed(world, client_for, checklist):
    group = SupervisionGroupFactory(township=world.township, leader=world.leader)
    group.members.add(world.dept_a)
    visit = services.inspection_plan(
        actor=world.office, township=world.township, kind="supervision", village=world.village_a, group=group,
        checklist=checklist, planned_on=timezone.localdate(),
    )  # fmt: skip
    answer(visit, world.dept_a, [1, 2, 3])
    client = client_for(world.dept_a)
    data = {"conclusion": "已督导", "signer_name": "村主任王五", "signature": SIGNATURE, "leader_signature": ""}
    response = client.post(reverse("inspections:submit", args=[visit.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="submit-refused"' in body and 'data-testid="missing-item"' not in body
    assert hidden_value(body, "signature") == SIGNATURE and 'name="signer_name" value="村主任王五"' in body
    data["leader_signature"] = SIGNATURE
    done = client.post(reverse("inspections:submit", args=[visit.pk]), data)
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "submitted" and visit.signature and visit.leader_signature


def test_it_keeps_the_values_when_a_signature_cannot_be_read(world, client_for, planned):
    answer(planned, world.village_a_officer, [1, 2, 3])
    client = client_for(world.village_a_officer)
    data = {"conclusion": "合格", "signer_name": "张三", "signature": "data:image/png;base64,AAAA"}
    response = client.post(reverse("inspections:submit", args=[planned.pk]), data)
    assert response.status_code == 400
    assert 'name="signer_name" value="张三"' in response.content.decode()
    assert Inspection.objects.get(pk=planned.pk).status == "in_progress"


def test_it_refuses_an_outsider_with_404_and_a_submitted_inspection_with_a_redirect(world, client_for, planned):
    assert client_for(world.village_b_officer).post(reverse("inspections:submit", args=[planned.pk])).status_code == 404
    answer(planned, world.office, [1, 2, 3])
    services.inspection_submit(inspection_id=planned.pk, actor=world.office, conclusion="", signer_name="张三")
    again = client_for(world.village_a_officer).post(reverse("inspections:submit", args=[planned.pk]), {})
    assert again.status_code == 302 and again.url == planned.get_absolute_url()
