"""A world with one of (nearly) everything, so every page of the URL conf has a real object to show.

Built on the shared `world` (tests/conftest.py) through the services, as the pages would have made it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import dates
from core.dates import local_today
from core.files import check_upload
from dashboard.accidents import accident_create
from dashboard.snapshots import month_just_ended, snapshot_month
from hazards import services as hazard_services
from hazards import supervision_services as supervision
from hazards.models import ExportJob
from inspections import checklists, draws, plans
from inspections import services as inspection_services
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspector
from reminders.models import Reminder
from tests.factories import HazardFactory, SupervisionGroupFactory
from tests.hazards.conftest import image_bytes
from tests.plan.builders import build_plan_world

STATUSES = ("reported", "confirmed", "rectifying", "pending_acceptance", "verified", "closed", "dismissed")


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def photo(name: str = "photo.jpg") -> Any:
    return check_upload(SimpleUploadedFile(name, image_bytes(), content_type="image/jpeg"))


def _hazards(world: Any) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for status in STATUSES:
        deadline = days(-5) if status in ("confirmed", "rectifying", "pending_acceptance") else None
        made[status] = HazardFactory(
            village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, level="major",
            status=status, deadline=deadline, found_on=days(-40), title=f"隐患-{status}",
            reported_by=world.village_a_officer, measures="整改", responsible_person="张三", funds=Decimal("100"),
            contingency_plan="预案",
        )  # fmt: skip
    made["general"] = HazardFactory(
        village=world.village_b, sector=world.sector_b, enterprise=world.enterprise_b, reported_by=world.ent_b
    )
    made["fire"] = HazardFactory(
        village=world.village_a, sector=world.sector_a, hazard_type="fire", level="general", status="rectifying",
        deadline=days(10), found_on=days(-3),
    )  # fmt: skip
    hazard_services.hazard_add_evidence(
        hazard_id=made["rectifying"].pk, actor=world.office, kind="problem", photos=[photo()], note="现场"
    )
    hazard_services.extension_request(
        hazard_id=made["fire"].pk, actor=world.office, new_deadline=days(40), reason="设备到货延迟"
    )
    return made


def _supervision(world: Any, hazard: Any) -> dict[str, Any]:
    listing = supervision.listing_create(
        hazard_id=hazard.pk, actor=world.county, level="county", document_number="县安委办〔2026〕5号",
        supervising_leader="县领导", supervising_unit=None, supervising_department=world.county_department,
        listed_on=days(-3), required_by=days(20),
    )  # fmt: skip
    notice = supervision.notice_issue(
        hazard_id=hazard.pk, actor=world.office, issued_on=days(-2), terms=supervision.NoticeTerms(deadline=days(20))
    )
    escalation = supervision.escalation_create(
        actor=world.office, township=world.township, rung="letter", target_kind="hazard", hazard=hazard,
        taken_on=days(-1), document_number="刘安委办函〔2026〕4号",
        attachment=check_upload(SimpleUploadedFile("函.pdf", b"%PDF-1.4\n%%EOF\n")),
    )  # fmt: skip
    refusal = supervision.refusal_record(
        hazard_id=hazard.pk, actor=world.office, recorded_on=days(-1), description="拒绝停用问题储罐"
    )
    fire = supervision.typical_fire_add(hazard_id=hazard.pk, actor=world.office, year=local_today().year, note="典型")
    return {"listing": listing, "notice": notice, "escalation": escalation, "refusal": refusal, "fire": fire}


def _checklist(world: Any) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(township=world.township, name="消防检查表", sector=world.sector_a)
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    for order, (text, major) in enumerate([("安全出口锁闭", True), ("灭火器过期", False)], start=1):
        ChecklistItem.objects.create(
            version=version, order=order, text=text, standard="GB 35181-2017", clause=f"第{order}条", is_major=major,
            hazard_type="fire",
        )  # fmt: skip
    draft = checklists.draft_for(template=template, actor=world.office)
    checklists.item_add(version=draft, actor=world.office, fields={"text": "新增项目", "hazard_type": "fire"})
    return template


def _inspections(world: Any, template: ChecklistTemplate) -> dict[str, Any]:
    def plan(**kwargs: Any) -> Any:
        return inspection_services.inspection_plan(
            actor=world.office, township=world.township, checklist=template, planned_on=local_today(), **kwargs
        )

    planned = plan(kind="special", enterprise=world.enterprise_a)
    answered = plan(kind="special", enterprise=world.enterprise_a)
    items = list(template.versions.get(number=1).items.order_by("order"))
    for item, result in zip(items, ("fail", "pass"), strict=True):
        inspection_services.answer_save(inspection_id=answered.pk, actor=world.office, item_id=item.pk, result=result)
    inspection_services.photo_add(inspection_id=answered.pk, actor=world.office, photo=photo(), item_id=items[0].pk)
    submitted = plan(kind="special", enterprise=world.enterprise_b)
    for item in items:
        inspection_services.answer_save(inspection_id=submitted.pk, actor=world.office, item_id=item.pk, result="pass")
    inspection_services.inspection_submit(
        inspection_id=submitted.pk, actor=world.office, conclusion="合格", signer_name="张三", no_findings=True
    )
    return {"planned": planned, "answered": answered, "submitted": submitted}


def _plans(world: Any) -> dict[str, Any]:
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.members.add(world.dept_a)
    group.villages.add(world.village_a, world.village_b)
    group.units.add(world.unit_a)
    year, quarter = dates.quarter_of(local_today())
    plans.quarter_plan_create(township=world.township, year=year, quarter=quarter)
    visit = group.visits.get(village=world.village_a).inspection
    problem = plans.problem_create(
        inspection=visit, actor=world.office, description="例会未召开", village=world.village_a, deadline=days(10)
    )
    replied = plans.problem_create(
        inspection=visit, actor=world.office, description="台账不全", village=world.village_a, deadline=days(10)
    )
    plans.problem_reply(problem_id=replied.pk, actor=world.village_a_officer, reply="已补齐")
    referral = plans.referral_create(
        inspection=visit, actor=world.office, cadre_name="王某", cadre_position="村干部", facts="不作为",
        referred_on=days(-1),
    )  # fmt: skip
    place = plans.place_create(
        actor=world.office, fields={"village": world.village_a, "kind": "idle_factory", "name": "原砖瓦厂"}
    )
    patrol = plans.place_patrol_start(place_id=place.pk, actor=world.village_a_officer)
    own = plans.self_inspection_start(enterprise=world.enterprise_a, actor=world.ent_a)
    return {
        "group": group, "visit": visit, "problem": problem, "replied": replied, "referral": referral,
        "place": place, "patrol": patrol, "self_inspection": own,
    }  # fmt: skip


def _draw(world: Any) -> dict[str, Any]:
    inspectors = [
        Inspector.objects.create(
            township=world.township,
            name=f"执法员{i}",
            pool="staff",
            credential_number=f"皖执{i:04d}",
            credential_expires_on=days(365),
        )
        for i in range(1, 4)
    ]
    inspectors.append(Inspector.objects.create(township=world.township, name="社会监督员", pool="social"))
    world.office_unit.has_enforcement_power = True
    world.office_unit.save()
    draw = draws.draw_create(
        actor=world.office, township=world.township, name="双随机一", year=local_today().year, seed="seed-1",
        inspector_ids=[i.pk for i in inspectors], n=1, k=2, planned_on=days(3),
    )  # fmt: skip
    return {"inspectors": inspectors, "draw": draw}


def _dashboard(world: Any) -> dict[str, Any]:
    accident = accident_create(
        actor=world.office, township=world.township,
        fields={"occurred_on": days(-3), "place": "刘圩村道", "village": world.village_a, "kind": "road",
                "deaths": 0, "injuries": 1, "direct_loss": Decimal("0.5")},
    )  # fmt: skip
    snapshot_month(world.township, month_just_ended())
    return {"accident": accident}


def _reminders_and_jobs(world: Any, hazard: Any) -> dict[str, Any]:
    reminders = [
        Reminder.objects.create(
            rule="rectification_deadline",
            object_key=f"hazard:{hazard.pk}",
            object_id=hazard.pk,
            period="d-7",
            recipient_key=f"user:{user.pk}",
            user=user,
            township=world.township,
            title="整改期限将到",
            url=hazard.get_absolute_url(),
        )
        for user in world.users_by_role().values()
    ]
    job = ExportJob.objects.create(user=world.office, township=world.township, query="level=major")
    return {"reminders": reminders, "job": job}


def _filing(world: Any) -> dict[str, Any]:
    """A work-plan round with one plan filed (and its document), and one monthly report."""
    from readiness.filing_services import filing_round_create, monthly_report_submit, work_plan_file
    from tests.readiness.backdate import date_back_creation

    date_back_creation()  # the villages existed last month (who reports on a month: who existed by its end)

    round_ = filing_round_create(
        township=world.township, actor=world.office, title="工作计划", deadline=days(10),
        for_villages=True, for_units=True,
    )  # fmt: skip
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\ntrailer<<>>\n%%EOF\n")
    plan = work_plan_file(
        round=round_, target=world.village_a, actor=world.village_a_officer, files=[check_upload(pdf)]
    )
    last_month = dates.month_bounds(local_today())[0] - dt.timedelta(days=1)
    report = monthly_report_submit(
        target=world.village_a, month=last_month, actor=world.village_a_officer, hazards_found=0
    )
    return {"filing_round": round_, "work_plan": plan, "monthly_report": report}


def build(world: Any) -> dict[str, Any]:
    """Everything the pages show, keyed by a short name (the walker takes ids from the database itself)."""
    hazards = _hazards(world)
    made: dict[str, Any] = {"hazards": hazards}
    made.update(_supervision(world, hazards["rectifying"]))
    template = _checklist(world)
    made["checklist"] = template
    made.update(_inspections(world, template))
    made.update(_plans(world))
    made.update(_draw(world))
    made.update(_filing(world))
    made.update(_dashboard(world))
    made.update(_reminders_and_jobs(world, hazards["rectifying"]))
    made["plan"] = build_plan_world(world)
    made.update(_training(world))
    made.update(_readiness_drills(world))
    return made


def _training(world: Any) -> dict[str, Any]:
    from tests.factories import AttendeeFactory, CertificateFactory, TrainingSessionFactory

    session = TrainingSessionFactory(township=world.township, organiser=world.unit_a, sector=world.sector_a)
    attendee = AttendeeFactory(session=session, enterprise=world.enterprise_a)
    certificate = CertificateFactory(enterprise=world.enterprise_a, created_by=world.office)
    return {"training": session, "attendee": attendee, "certificate": certificate}


def _readiness_drills(world: Any) -> dict[str, Any]:
    """§24 plans and drills, a §28 penalty (readiness.drills)."""
    from readiness.drills.services import drill_record, penalty_record, plan_add
    from readiness.models import PenaltyKind, PlanKind

    plan = plan_add(
        enterprise=world.enterprise_a, actor=world.ent_a,
        fields={"kind": PlanKind.ONSITE, "title": "基坑坍塌现场处置方案", "approved_on": days(-40), "revised_on": None},
    )  # fmt: skip
    drill = drill_record(
        enterprise=world.enterprise_a, actor=world.ent_a,
        fields={"plan": plan, "kind": PlanKind.ONSITE, "held_on": days(-2), "scenario": "基坑坍塌", "participants": 8,
                "evaluation": "处置及时", "improvements": ""},
    )  # fmt: skip
    world.office_unit.has_enforcement_power = True
    world.office_unit.save()
    penalty = penalty_record(
        actor=world.office, township_id=world.township.pk,
        fields={"enterprise": world.enterprise_a, "kind": PenaltyKind.FINE, "unit": world.office_unit,
                "document_number": "刘应急罚〔2025〕1号", "decided_on": days(-1), "amount": Decimal("5000")},
    )  # fmt: skip
    return {"drill": drill, "penalty": penalty}
