"""Penalty corrections: the office voids a penalty recorded in error after a confirmation step, with its reason;
the record stays (listed when asked), and it no longer counts on the 零处罚 list. The linked hazard and inspection
are chosen among the enterprise's own records in the user's scope; other ids are refused in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from core.dates import local_today
from core.errors import WorkflowError
from inspections.models import Inspection, Kind, Status
from readiness.drills.services import penalty_record, penalty_void
from readiness.drills.zero_penalty import enforcement_counts
from readiness.models import Penalty, PenaltyKind
from tests.factories import HazardFactory


@pytest.fixture
def penalty(world):  # type: ignore[no-untyped-def]
    world.office_unit.has_enforcement_power = True
    world.office_unit.save()
    return penalty_record(
        actor=world.office,
        township_id=world.township.pk,
        fields={
            "enterprise": world.enterprise_b,
            "kind": PenaltyKind.FINE,
            "unit": world.office_unit,
            "document_number": "罚〔2025〕9号",
            "decided_on": local_today(),
            "amount": Decimal("1000"),
        },
    )


def inspection(world, enterprise, day: dt.date) -> Inspection:  # type: ignore[no-untyped-def]
    return Inspection.objects.create(
        township=enterprise.township, kind=Kind.RANDOM, channel="enforcement", status=Status.SUBMITTED, done_on=day,
        enterprise=enterprise, village=enterprise.village, inspecting_unit=world.office_unit, is_law_enforcement=True,
        created_by=world.office,
    )  # fmt: skip


def test_the_office_voids_after_confirming_and_the_record_stays(world, client_for, penalty) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.office)
    detail = client.get(penalty.get_absolute_url()).content.decode()
    assert 'data-testid="void-penalty"' in detail
    url = reverse("readiness:penalty_void", args=[penalty.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'data-testid="void-confirm"' in confirm.content.decode()
    penalty.refresh_from_db()
    assert penalty.voided_at is None  # the confirmation page changes nothing

    assert client.post(url, {"reason": "   "}).status_code == 200  # no reason: refused
    assert client.post(url, {"reason": "x" * 501}).status_code == 200
    penalty.refresh_from_db()
    assert penalty.voided_at is None

    response = client.post(url, {"reason": "文号录错，重复录入"})
    assert response.status_code == 302
    penalty.refresh_from_db()
    assert (penalty.voided_by, penalty.void_reason) == (world.office, "文号录错，重复录入")
    assert penalty.voided_at is not None
    assert 'data-testid="penalty-voided"' in client.get(penalty.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 404  # once only
    with pytest.raises(WorkflowError):
        penalty_void(penalty=penalty, actor=world.office, reason="again")

    listing = reverse("readiness:penalty_list")
    assert f'data-penalty="{penalty.pk}"' not in client.get(listing).content.decode()
    asked = client.get(listing, {"voided": "on"}).content.decode()
    assert f'data-penalty="{penalty.pk}"' in asked and 'data-testid="voided-badge"' in asked


@pytest.mark.parametrize("who", ["ent_b", "ent_a", "dept_b", "village_b_officer", "leader", "county", "other_office"])
def test_nobody_but_the_office_voids(world, client_for, penalty, who: str) -> None:  # type: ignore[no-untyped-def]
    user = getattr(world, who)
    client = client_for(user)
    url = reverse("readiness:penalty_void", args=[penalty.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "试图作废"}).status_code == 404
    with pytest.raises(WorkflowError):
        penalty_void(penalty=penalty, actor=user, reason="试图作废")
    penalty.refresh_from_db()
    assert penalty.voided_at is None
    if who != "ent_b":
        assert 'data-testid="void-penalty"' not in client.get(penalty.get_absolute_url()).content.decode()


def test_a_voided_penalty_no_longer_counts_on_the_zero_penalty_list(world, penalty) -> None:  # type: ignore[no-untyped-def]
    inspection(world, world.enterprise_b, local_today())
    today = local_today()

    def zero() -> bool:
        rows = enforcement_counts(frozenset({world.township.pk}), today, today)
        return next(r for r in rows if r.unit == world.office_unit).zero_penalty

    assert not zero()
    penalty_void(penalty=penalty, actor=world.office, reason="录入错误")
    assert zero()


def test_the_linked_records_are_the_enterprises_own_in_scope(world, client_for, penalty) -> None:  # type: ignore[no-untyped-def]
    own_hazard = HazardFactory(enterprise=world.enterprise_b, village=world.village_b, sector=world.sector_b)
    other_hazard = HazardFactory(enterprise=world.enterprise_a, village=world.village_a, sector=world.sector_a)
    own_inspection = inspection(world, world.enterprise_b, local_today())
    other_inspection = inspection(world, world.enterprise_a, local_today())
    client = client_for(world.office)
    url = reverse("readiness:penalty_create")

    listed = client.get(url, {"enterprise": world.enterprise_b.pk}).content.decode()
    assert f'value="{own_hazard.pk}"' in listed and f'value="{other_hazard.pk}"' not in listed
    assert f'value="{own_inspection.pk}"' in listed and f'value="{other_inspection.pk}"' not in listed
    assert client.get(url, {"enterprise": "abc", "hazard": "x" * 5000}).status_code == 200

    data: dict[str, Any] = {"enterprise": world.enterprise_b.pk, "kind": PenaltyKind.SUSPEND,
                            "unit": world.office_unit.pk, "document_number": "罚〔2025〕10号",
                            "decided_on": local_today().isoformat()}  # fmt: skip
    for bad in (
        {"hazard": other_hazard.pk},
        {"inspection": other_inspection.pk},
        {"hazard": "99999999"},
        {"hazard": "abc"},
    ):
        response = client.post(url, {**data, **bad})
        assert response.status_code == 200
        assert "enterprise" in response.content.decode() or "企业" in response.content.decode()
    assert Penalty.objects.count() == 1
    response = client.post(url, {**data, "hazard": own_hazard.pk, "inspection": own_inspection.pk})
    assert response.status_code == 302
    created = Penalty.objects.get(document_number="罚〔2025〕10号")
    assert (created.hazard, created.inspection) == (own_hazard, own_inspection)
