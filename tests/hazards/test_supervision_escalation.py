"""The escalation ladder for slow progress (函告 → 通报 → 约谈 → 曝光, §18, 四(六)): rule, records, pages, files."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.dates import local_today
from core.errors import WorkflowError
from core.files import check_upload
from hazards import supervision_services as services
from hazards.models import RUNG_ORDER, Escalation, HazardEvent, next_rung
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def overdue_hazard(world, **kw):
    fields = {
        "village": world.village_a,
        "sector": world.sector_a,
        "enterprise": world.enterprise_a,
        "level": "major",
        "status": "rectifying",
        "deadline": days(-20),
        "found_on": days(-60),
    }
    fields.update(kw)
    return HazardFactory(**fields)


def targets(world):
    return {
        "hazard": overdue_hazard(world),
        "enterprise": world.enterprise_a,
        "village": world.village_a,
        "unit": world.unit_b,
    }


def escalate(world, rung, kind, target, actor=None, **kw):
    fields = {
        "actor": actor or world.office,
        "township": world.township,
        "rung": rung,
        "target_kind": kind,
        kind: target,
        "taken_on": days(0),
        "document_number": f"刘安委办函〔2026〕{rung}号",
    }
    fields.update(kw)
    return services.escalation_create(**fields)


@pytest.mark.parametrize("kind", ["hazard", "enterprise", "village", "unit"])
def test_it_takes_every_rung_in_order_against_each_kind_of_target(world, kind):
    target = targets(world)[kind]
    for rung in RUNG_ORDER:
        escalation = escalate(world, rung, kind, target)
        assert escalation.target == target and escalation.rung == rung
    assert Escalation.objects.filter(target_kind=kind).count() == 4
    events = HazardEvent.objects.filter(action=HazardEvent.Action.ESCALATED)
    # Only a measure aimed at a hazard appears in that hazard's history.
    assert events.count() == (4 if kind == "hazard" else 0)


@pytest.mark.parametrize("kind", ["hazard", "enterprise", "village", "unit"])
def test_it_takes_a_lower_rung_after_a_higher_one(world, kind):
    # §18 as practised: the periodic 通报 names villages (and hazards, units) already 约谈'd.
    target = targets(world)[kind]
    escalate(world, "interview", kind, target)
    assert escalate(world, "circular", kind, target).rung == "circular"
    assert escalate(world, "letter", kind, target).rung == "letter"
    assert Escalation.objects.count() == 3
    # The highest rung reached still drives the proposal: after 约谈 comes 曝光, whatever followed.
    reached = services.highest_rung(kind, target, days(0).year)
    assert reached == "interview" and next_rung(reached) == "exposure"


def test_it_allows_repeating_the_rung_reached(world):
    hazard = overdue_hazard(world)
    escalate(world, "letter", "hazard", hazard)
    escalate(world, "letter", "hazard", hazard, document_number="第二次函告")
    assert hazard.escalations.count() == 2


def test_it_allows_skipping_a_rung_without_a_note(world):
    # A periodic 通报 may be the first measure a village gets: no reason is asked for.
    escalation = escalate(world, "circular", "village", world.village_a)
    assert escalation.rung == "circular" and escalation.note == ""
    assert escalate(world, "exposure", "hazard", overdue_hazard(world)).rung == "exposure"


def test_it_proposes_the_next_rung_per_target(world):
    escalate(world, "letter", "village", world.village_a)
    escalate(world, "letter", "village", world.village_b)
    escalate(world, "circular", "village", world.village_a)
    year = days(0).year
    assert next_rung(services.highest_rung("village", world.village_a, year)) == "interview"
    assert next_rung(services.highest_rung("village", world.village_b, year)) == "circular"


def test_it_starts_the_ladder_again_each_year_for_an_enterprise(world):
    escalate(
        world, "exposure", "enterprise", world.enterprise_a, taken_on=dt.date(2024, 11, 3), note="重大隐患久拖不改"
    )
    assert escalate(world, "letter", "enterprise", world.enterprise_a).rung == "letter"
    assert services.highest_rung("enterprise", world.enterprise_a, days(0).year) == "letter"


def test_it_keeps_one_ladder_for_the_life_of_a_hazard(world):
    hazard = overdue_hazard(world)
    escalate(world, "interview", "hazard", hazard, taken_on=dt.date(2024, 11, 3), note="直接约谈")
    escalate(world, "letter", "hazard", hazard)
    assert services.highest_rung("hazard", hazard, days(0).year) == "interview"


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "leader", "other_office", "ent_a"])
def test_it_lets_only_the_township_office_escalate(world, who):
    with pytest.raises(WorkflowError):
        escalate(world, "letter", "village", world.village_a, actor=getattr(world, who))


def test_it_refuses_a_target_of_another_township(world):
    with pytest.raises(WorkflowError, match="本镇"):
        escalate(world, "letter", "enterprise", world.enterprise_other)


def test_it_refuses_a_missing_or_second_target(world):
    with pytest.raises(WorkflowError):
        services.escalation_create(
            actor=world.office,
            township=world.township,
            rung="letter",
            target_kind="village",
            taken_on=days(0),
            document_number="x",
        )
    with pytest.raises(WorkflowError, match="一个对象"):
        escalate(world, "letter", "village", world.village_a, unit=world.unit_a)


def test_it_does_not_escalate_a_closed_hazard(world):
    with pytest.raises(WorkflowError):
        escalate(world, "letter", "hazard", overdue_hazard(world, status="closed"))


def test_it_needs_a_document_number_and_a_date_not_in_the_future(world):
    with pytest.raises(WorkflowError):
        escalate(world, "letter", "village", world.village_a, document_number=" ")
    with pytest.raises(WorkflowError, match="晚于"):
        escalate(world, "letter", "village", world.village_a, taken_on=days(1))


# -- attachments ---------------------------------------------------------------------------------------


def test_it_stores_the_attachment_under_a_name_of_its_own_and_serves_it_to_the_office_and_leadership(world, client_for):
    upload = SimpleUploadedFile("../../约谈记录.pdf", PDF, content_type="text/html")
    escalation = escalate(world, "letter", "unit", world.unit_b, attachment=check_upload(upload))
    assert escalation.attachment.name.endswith(f"{escalation.token}.pdf")
    assert "约谈记录" not in escalation.attachment.name and len(escalation.token) == 32
    url = reverse("hazards:escalation_attachment", args=[escalation.pk])
    for user in (world.office, world.leader):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["village_a_officer", "dept_a", "ent_a", "other_office"])
def test_it_hides_the_attachment_from_everyone_else(world, client_for, who):
    upload = SimpleUploadedFile("函.pdf", PDF)
    escalation = escalate(world, "letter", "village", world.village_a, attachment=check_upload(upload))
    response = client_for(getattr(world, who)).get(reverse("hazards:escalation_attachment", args=[escalation.pk]))
    assert response.status_code == 404


def test_it_answers_404_for_a_measure_without_attachment(world, client_for):
    escalation = escalate(world, "letter", "village", world.village_a)
    response = client_for(world.office).get(reverse("hazards:escalation_attachment", args=[escalation.pk]))
    assert response.status_code == 404


# -- pages ---------------------------------------------------------------------------------------------


def png() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


def test_it_records_a_measure_from_the_form_with_its_attachment(world, client_for):
    hazard = overdue_hazard(world)
    client = client_for(world.office)
    url = reverse("hazards:escalation_create") + f"?hazard={hazard.pk}"
    page = client.get(url).content.decode()
    assert 'value="letter" selected' in page  # the proposed rung is preselected
    data = {
        "rung": "letter",
        "target_kind": "hazard",
        "hazard": hazard.pk,
        "taken_on": days(0).isoformat(),
        "document_number": "刘安委办函〔2026〕3号",
        "note": "",
        "upload": png(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    escalation = hazard.escalations.get()
    assert escalation.extension == ".png" and escalation.attachment_name == "scan.png"


def test_it_records_a_lower_rung_from_the_form_and_keeps_proposing_from_the_highest(world, client_for):
    hazard = overdue_hazard(world)
    escalate(world, "interview", "hazard", hazard, note="直接约谈")
    client = client_for(world.office)
    url = reverse("hazards:escalation_create") + f"?hazard={hazard.pk}"
    assert 'value="exposure" selected' in client.get(url).content.decode()
    data = {"rung": "circular", "target_kind": "hazard", "hazard": hazard.pk, "taken_on": days(0).isoformat()}
    response = client.post(url, {**data, "document_number": "刘安委办〔2026〕通报1号"})
    assert response.status_code == 302
    assert hazard.escalations.count() == 2
    page = client.get(reverse("hazards:overdue")).content.decode()
    assert 'data-testid="proposed-rung" data-rung="exposure"' in page


def test_it_rejects_an_attachment_that_is_not_a_document(world, client_for):
    data = {
        "rung": "letter",
        "target_kind": "village",
        "village": world.village_a.pk,
        "taken_on": days(0).isoformat(),
        "document_number": "x",
        "upload": SimpleUploadedFile("a.pdf", b"<script>alert(1)</script>"),
    }
    response = client_for(world.office).post(reverse("hazards:escalation_create"), data)
    assert response.status_code == 200
    assert not Escalation.objects.exists()


def test_it_returns_to_a_safe_next_page_only(world, client_for):
    client = client_for(world.office)
    data = {
        "rung": "letter",
        "target_kind": "village",
        "village": world.village_a.pk,
        "taken_on": days(0).isoformat(),
        "document_number": "x",
    }
    response = client.post(reverse("hazards:escalation_create"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == reverse("hazards:escalations")
    data["village"] = world.village_b.pk
    response = client.post(reverse("hazards:escalation_create"), {**data, "next": "/hazards/overdue/?page=1"})
    assert response["Location"] == "/hazards/overdue/?page=1"


def test_it_lists_the_measures_of_the_township_with_filters(world, client_for):
    hazard = overdue_hazard(world, title="配电箱无防护")
    escalate(world, "letter", "hazard", hazard, document_number="函〔2026〕1号")
    escalate(world, "letter", "unit", world.unit_b, document_number="函〔2026〕2号")
    escalate(world, "circular", "unit", world.unit_b, document_number="通报〔2026〕3号")
    client = client_for(world.leader)
    page = client.get(reverse("hazards:escalations")).content.decode()
    assert all(doc in page for doc in ("函〔2026〕1号", "函〔2026〕2号", "通报〔2026〕3号"))
    assert "配电箱无防护" in page and world.unit_b.name in page
    page = client.get(reverse("hazards:escalations"), {"rung": "letter", "target_kind": "unit"}).content.decode()
    assert "函〔2026〕2号" in page and "函〔2026〕1号" not in page and "通报〔2026〕3号" not in page
    other = client_for(world.other_office).get(reverse("hazards:escalations")).content.decode()
    assert "函〔2026〕1号" not in other


@pytest.mark.parametrize("who", ["dept_a", "village_a_officer", "ent_a"])
def test_it_keeps_the_measures_list_for_the_office_and_leadership(world, client_for, who):
    assert client_for(getattr(world, who)).get(reverse("hazards:escalations")).status_code == 404
    assert client_for(getattr(world, who)).get(reverse("hazards:escalation_create")).status_code == 404


def test_it_shows_the_record_form_to_the_office_only(world, client_for):
    hazard = overdue_hazard(world)
    url = reverse("hazards:escalation_create") + f"?hazard={hazard.pk}"
    assert client_for(world.office).get(url).status_code == 200
    assert client_for(world.leader).get(url).status_code == 404
    assert client_for(world.leader).post(url, {"rung": "letter"}).status_code == 404
    assert client_for(world.village_b_officer).get(url).status_code == 404
