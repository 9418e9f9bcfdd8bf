"""A published checklist and planned inspections in the shared world."""

from __future__ import annotations

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion


@pytest.fixture
def checklist(world):
    """A published fire checklist for sector A, with a fire item that belongs to sector B."""
    template = ChecklistTemplate.objects.create(township=world.township, name="消防检查表", sector=world.sector_a)
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    items = [
        ("安全出口锁闭", True, None, "fire"),
        ("灭火器过期", False, None, "fire"),
        ("疏散通道堵塞", True, world.sector_b, "fire"),
    ]
    for order, (text, major, sector, kind) in enumerate(items, start=1):
        ChecklistItem.objects.create(
            version=version, order=order, text=text, standard="GB 35181-2017", clause=f"第{order}条",
            is_major=major, sector=sector, hazard_type=kind,
        )  # fmt: skip
    return template


@pytest.fixture
def planned(world, checklist):
    """A planned special inspection of enterprise A (village A) with the checklist."""
    return services.inspection_plan(
        actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_a,
        checklist=checklist, planned_on=timezone.localdate(),
    )  # fmt: skip
