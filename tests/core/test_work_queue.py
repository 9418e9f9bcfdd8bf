"""What waits for each user (core.work_queue): every entry any app registered agrees with the list it links to —
the list behind the link shows exactly as many rows as the entry counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import work_queue
from core.dates import quarter_of
from core.files import check_upload
from core.work_queue import Urgency
from hazards.access import extension_deciders_q, hazard_actions, hazards_visible_to, verifiable_q
from hazards.models import DeadlineExtension, Hazard, Listing
from inspections import plans
from inspections.models import SupervisionVisit, WorkProblem
from readiness.filing_services import filing_round_create, work_plan_file
from reminders.models import Delivery, Reminder
from reports import services as reports
from tests.factories import CertificateFactory, HazardFactory, SupervisionGroupFactory
from tests.plan.builders import build_plan_world
from tests.readiness.backdate import date_back_creation
from units.access import get_scope
from units.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world, planned):
    """Something waits in every entry: overdue, new and late reports, a rectification to accept and an accepted
    hazard to close, an extension asked for, listings due soon and past due, problems handed over (one overdue),
    this quarter's visit of the village officer's group, an enterprise that never inspected itself, an unread
    reminder and a delivery to check."""
    today = timezone.localdate()
    place = {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a}
    HazardFactory(**place, status="rectifying", deadline=today - dt.timedelta(days=3))
    HazardFactory(**place, status="reported")
    late = HazardFactory(**place, status="reported")
    Hazard.objects.filter(pk=late.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    HazardFactory(**place, status="pending_acceptance", deadline=today + dt.timedelta(days=5))
    HazardFactory(**place, status="verified", deadline=today - dt.timedelta(days=1))
    extended = HazardFactory(**place, status="rectifying", deadline=today + dt.timedelta(days=5))
    DeadlineExtension.objects.create(hazard=extended, old_deadline=extended.deadline, reason="材料未到",
                                     new_deadline=today + dt.timedelta(days=20),
                                     requested_by=world.village_a_officer)  # fmt: skip
    for days in (10, -2):
        listed = HazardFactory(**place, level="major", status="rectifying", deadline=today + dt.timedelta(days=days))
        Listing.objects.create(hazard=listed, level="township", supervising_leader="镇长", listed_by=world.office,
                               listed_on=today - dt.timedelta(days=30),
                               required_by=today + dt.timedelta(days=days))  # fmt: skip
    for deadline in (today - dt.timedelta(days=1), today + dt.timedelta(days=10)):
        WorkProblem.objects.create(township=world.township, inspection=planned, description="台账不全",
                                   village=world.village_a, deadline=deadline, created_by=world.office)  # fmt: skip
    group = SupervisionGroupFactory(township=world.township, leader=world.leader)
    group.members.add(world.village_a_officer)
    year, quarter = quarter_of(today)
    SupervisionVisit.objects.create(township=world.township, group=group, year=year, quarter=quarter,
                                    village=world.village_b)  # fmt: skip
    Enterprise.objects.filter(pk=world.enterprise_a.pk).update(created_at=timezone.now() - dt.timedelta(days=800))
    for user, state in ((world.office, Delivery.UNKNOWN), (world.village_a_officer, Delivery.NONE)):
        Reminder.objects.create(rule="rectification_deadline", object_key="hazard:1", period="d-7", user=user,
                                recipient_key=f"user:{user.pk}", township=world.township, title="整改期限将到",
                                sms_state=state)  # fmt: skip
    build_plan_world(world)  # plan tasks: a report to review, one returned, a quarter to report on and one missing
    # Special-operation certificates: one past its review, one due within 90 days, one far off.
    for issued in (today - dt.timedelta(days=1100), today - dt.timedelta(days=1060), today - dt.timedelta(days=30)):
        CertificateFactory(enterprise=world.enterprise_a, issued_on=issued, expires_on=issued + dt.timedelta(days=2190))
    # Work plans and monthly reports: a round for villages and units in which village_b filed (the office reviews
    # it); last month nobody reported (the villages and units existed then).
    date_back_creation()
    round_ = filing_round_create(township=world.township, actor=world.office, title="工作计划",
                                 deadline=today + dt.timedelta(days=10), for_villages=True, for_units=True)  # fmt: skip
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\ntrailer<<>>\n%%EOF\n")
    work_plan_file(round=round_, target=world.village_b, actor=world.village_b_officer, files=[check_upload(pdf)])
    # Public reports: one from the web just received; a 12345 work order being checked whose 办结时限 has passed.
    reports.submit_web_report(
        township=world.township, fields={"village": world.village_a, "place": "村东", "enterprise_name": "",
                                         "content": "仓库住人"}, identity=reports.Identity("", "", ""), photos=()
    )  # fmt: skip
    order, _code = reports.enter_report(
        actor=world.office, identity=reports.Identity("", "", ""),
        fields={"township": world.township, "received_via": "hotline_12345", "received_at": timezone.now(),
                "work_order_number": "GD1", "reply_due_on": today - dt.timedelta(days=1), "village": world.village_a,
                "place": "加油站旁", "enterprise_name": "", "content": "违规储存液化气"},
    )  # fmt: skip
    reports.start_check(actor=world.office, report_id=order.pk)


def listed(response: Any) -> int:
    """How many records the linked page lists: its paginator's count, the quarter board's visits, an enterprise's
    drills page (whether a drill is owed), or an enterprise contact's own enterprises whose self-inspection is not
    done."""
    context = response.context
    if "rounds" in context:  # work plans: the user's own to file, else the plans awaiting the office's review
        return int(context["to_file"]) or sum(r.submitted for r in context["rounds"])
    if "lines" in context and "month" in context:  # monthly reports: the user's own lines not reported
        return sum(1 for line in context["lines"] if line.target.key in context["own"] and line.report is None)
    if "boards" in context:
        return int(context["total"])
    if "page_obj" in context:
        return int(context["page_obj"].paginator.count)
    if "key_form" in context:  # an enterprise's own drills page (§24): 1 when a drill is due or overdue
        return int(context["status"].state in ("due", "overdue"))
    return sum(1 for _enterprise, status in context["own"] if status.state != plans.DONE)


def test_each_entry_counts_what_its_list_shows(client, world, waiting):
    seen = set()
    for user in world.users_by_role().values():
        client.force_login(user)
        for item in work_queue.work_queue_for(user):
            response = client.get(item.url)
            assert response.status_code == 200, item.key
            assert listed(response) == item.count, (user.username, item.key)
            seen.add(item.key)
    assert seen == {entry.key for entry in work_queue.entries}  # every registered entry was checked


def counts(user: Any) -> dict[str, int]:
    return {item.key: item.count for item in work_queue.work_queue_for(user)}


def test_it_counts_for_each_role_what_waits_for_them(world, waiting):
    assert counts(world.office) == {
        "hazards.overdue": 2,  # the overdue one and the listing past its date
        "hazards.confirmation_overdue": 1,
        "hazards.listings_past": 1,
        "hazards.listings_soon": 1,
        "hazards.to_register": 1,
        "hazards.to_verify": 1,
        "hazards.to_close": 1,
        "hazards.extensions": 1,
        "inspections.problems_overdue": 1,
        "inspections.problems_open": 2,
        "inspections.self_inspections_overdue": 1,
        "readiness.drills_overdue": 1,  # enterprise_a (建筑施工, §24's half-yearly unit) registered 800 days ago
        "reminders.to_check": 1,
        "reminders.unread": 1,
        "plan.late": 1,  # the village's plan task misses last quarter's report
        "plan.to_review": 1,
        "readiness.certificates_overdue": 1,
        "readiness.certificates_due": 1,
        "readiness.plans_to_review": 1,
        "reports.to_check": 1,
        "reports.reply_overdue": 1,
    }
    assert counts(world.village_a_officer) == {
        "hazards.overdue": 2,
        "hazards.listings_past": 1,
        "hazards.listings_soon": 1,
        "inspections.problems_overdue": 1,
        "inspections.problems_open": 2,
        "inspections.visits_to_do": 1,
        "inspections.self_inspections_overdue": 1,
        "readiness.drills_overdue": 1,
        "reminders.unread": 1,
        "plan.late": 1,
        "plan.to_report": 1,
        "readiness.plans_to_file": 1,
        "readiness.monthly_to_file": 1,
    }
    assert counts(world.ent_a) == {
        "hazards.overdue": 2,
        "hazards.to_rectify": 2,  # rectifying within their deadlines: the extended one and the one listed for 10 days
        "inspections.own_self_inspection_due": 1,
        "readiness.certificates_overdue": 1,
        "readiness.certificates_due": 1,
        "readiness.own_drills_due": 1,
    }
    # The lead unit accepts the general hazard and decides the extension it did not ask for; the other unit nothing.
    assert {"hazards.to_verify": 1, "hazards.extensions": 1}.items() <= counts(world.dept_a).items()
    assert {"plan.returned": 1, "plan.to_report": 1}.items() <= counts(world.dept_a).items()
    assert "hazards.to_verify" not in counts(world.dept_b) and "hazards.extensions" not in counts(world.dept_b)
    # Both units file a plan; only unit_a (supervision duties) reports monthly.
    assert {"readiness.plans_to_file": 1, "readiness.monthly_to_file": 1}.items() <= counts(world.dept_a).items()
    assert counts(world.dept_b).get("readiness.plans_to_file") == 1 and "readiness.monthly_to_file" not in counts(
        world.dept_b
    )


def test_what_it_counts_is_what_the_hazard_page_offers_to_accept_and_decide(world, waiting):
    """The queries of the queue and the rules of the hazard page (HazardRights) agree, hazard by hazard."""
    hazards = list(Hazard.objects.all())
    for user in (world.office, world.dept_a, world.dept_b, world.village_a_officer, world.ent_a, world.leader):
        scope = get_scope(user)
        visible = hazards_visible_to(user)
        to_verify = set(visible.filter(verifiable_q(scope)).values_list("pk", flat=True))
        to_decide = set(visible.filter(extension_deciders_q(scope)).values_list("pk", flat=True))
        actions = {h.pk: hazard_actions(user, h) for h in hazards}
        assert to_verify == {pk for pk, a in actions.items() if "verify" in a.steps}, user.username
        assert to_decide == {pk for pk, a in actions.items() if a.may_decide_extension}, user.username


def test_it_puts_the_most_urgent_first_and_leaves_out_what_does_not_concern_the_user(world, waiting):
    office = work_queue.work_queue_for(world.office)
    urgencies = [item.urgency for item in office]
    assert urgencies == sorted(urgencies, reverse=True) and urgencies[0] == Urgency.OVERDUE
    assert {"hazards.overdue", "reminders.to_check"} <= {item.key for item in office}
    enterprise = {item.key for item in work_queue.work_queue_for(world.ent_a)}
    assert "hazards.to_register" not in enterprise and "reminders.to_check" not in enterprise


def test_it_shows_nothing_when_nothing_waits(world):
    assert work_queue.work_queue_for(world.office) == []
