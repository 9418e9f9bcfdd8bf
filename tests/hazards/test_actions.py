"""What a hazard's page offers is exactly what its services accept (hazards.access.hazard_actions).

Checked over a whole data set — the demo township, its generated hazards, and the listings, notices, extension
requests, refusals and typical-fire entries the office adds — for every hazard still in the workflow and every
user of the township: each action offered is accepted by its service, each one not offered is refused. Each
attempt runs in a savepoint that is rolled back, so every user meets the hazard as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import local_today
from core.errors import WorkflowError
from hazards import services
from hazards import supervision_services as supervision
from hazards.access import HazardActions, HazardFacts, HazardRights, hazard_actions, hazards_visible_to
from hazards.models import (
    DEADLINE_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Escalation,
    Hazard,
    HazardType,
    Level,
    Listing,
    Rung,
    Status,
)
from hazards.responsibility import NEXT_STEPS
from hazards.supervision_services import NoticeTerms, Service
from tests.factories import AssignmentFactory, UserFactory
from units.access import CURRENT_TOWNSHIP_KEY, act_in_township, get_scope
from units.models import Assignment, Enterprise, Role, Township, Unit, User, Village

from .conftest import checked, make_demo_world

pytestmark = pytest.mark.django_db

Attempt = tuple[str, Callable[[], Any]]


def refusal(call: Callable[[], Any]) -> str | None:
    """None when the service accepts, else the reason it gives; either way its work is rolled back."""
    savepoint = transaction.savepoint()
    try:
        call()
    except WorkflowError as exc:
        return exc.message
    finally:
        transaction.savepoint_rollback(savepoint)
        transaction.savepoint_commit(savepoint)  # released, so that thousands of attempts hold no locks
    return None


# -- the data set ------------------------------------------------------------------------------------------------


def _staff(township: Township, username: str, role: str, **target: Any) -> User:
    user: User = UserFactory.create(username=username, full_name=username)
    AssignmentFactory(user=user, role=role, township=township, **target)
    return user


def _add_people(township: Township) -> None:
    """Someone in every unit, contacts of enterprises with hazards, a second village officer, one person of two
    roles — so that every role of the transition table is held by someone somewhere."""
    staffed = set(Assignment.objects.filter(role=Role.DEPARTMENT, is_active=True).values_list("unit_id", flat=True))
    for unit in Unit.objects.filter(township=township, is_active=True).exclude(pk__in=staffed):
        _staff(township, f"staff-{unit.pk}", Role.DEPARTMENT, unit=unit)
    with_hazards = Enterprise.objects.filter(
        hazards__status__in=[Status.RECTIFYING, Status.PENDING_ACCEPTANCE, Status.CONFIRMED]
    ).distinct()
    for enterprise in with_hazards.order_by("pk")[:3]:
        _staff(township, f"contact-{enterprise.pk}", Role.ENTERPRISE, enterprise=enterprise)
    taken = Assignment.objects.filter(role=Role.VILLAGE).values_list("village_id", flat=True)
    village = Village.objects.filter(township=township).exclude(pk__in=taken).order_by("code").first()
    both = _staff(township, "two-roles", Role.VILLAGE, village=village)
    police = Unit.objects.get(name="派出所", township=township)
    AssignmentFactory(user=both, role=Role.DEPARTMENT, township=township, unit=police)


def _add_supervision(township: Township) -> None:
    """What the office adds to some hazards: requests for acceptance, extension requests, notices, listings,
    refusals and entries on last year's typical fire list."""
    office = User.objects.get(username="office")
    today = local_today()
    open_ = Hazard.objects.filter(township=township).order_by("pk")
    for hazard in open_.filter(status=Status.RECTIFYING, enterprise__isnull=False)[:3]:
        services.hazard_request_acceptance(hazard_id=hazard.pk, actor=office, photos=[checked()])
    for hazard in open_.filter(status__in=DEADLINE_STATUSES, deadline__isnull=False).filter(
        Q(level=Level.MAJOR) | Q(pk__in=open_.filter(level=Level.GENERAL).values("pk")[:3])
    )[:5]:
        services.extension_request(
            hazard_id=hazard.pk,
            actor=office,
            new_deadline=(hazard.deadline or today) + dt.timedelta(days=20),
            reason="汛期",
        )
    for hazard in open_.filter(status__in=DEADLINE_STATUSES, enterprise__isnull=False)[3:6]:
        supervision.notice_issue(
            hazard_id=hazard.pk,
            actor=office,
            issued_on=today,
            terms=NoticeTerms(deadline=today + dt.timedelta(days=20)),
        )
        supervision.refusal_record(hazard_id=hazard.pk, actor=office, recorded_on=today, description="拒不整改")
    for hazard in open_.filter(level=Level.MAJOR, status__in=OPEN_STATUSES)[:3]:
        _list(office, hazard)
    verified = open_.filter(level=Level.MAJOR, status=Status.VERIFIED).first()
    if verified is not None:  # a closed hazard still listed: the office delists it
        _list(office, verified)
        services.hazard_close(hazard_id=verified.pk, actor=office)
    for hazard in open_.filter(hazard_type=HazardType.FIRE, status__in=[*NEXT_STEPS])[:3]:
        supervision.typical_fire_add(hazard_id=hazard.pk, actor=office, year=today.year - 1)


def _list(office: User, hazard: Hazard, level: str = "township") -> None:
    today = local_today()
    supervision.listing_create(
        hazard_id=hazard.pk, actor=office, level=level, document_number=f"刘安委办〔{today.year}〕{hazard.pk}号",
        supervising_leader="赵文华", supervising_unit=None, listed_on=today, required_by=today + dt.timedelta(days=30),
    )  # fmt: skip


@pytest.fixture
def busy_demo(db: None) -> Township:
    township = make_demo_world(150)
    _add_people(township)
    _add_supervision(township)
    return township


def _hazards(township: Township) -> list[Hazard]:
    """Every hazard still in the workflow, and every one still listed (a closed one waits to be delisted)."""
    listed = Listing.objects.filter(delisted_on__isnull=True).values("hazard_id")
    qs = Hazard.objects.filter(Q(status__in=[*NEXT_STEPS]) | Q(pk__in=listed), township=township)
    return list(qs.select_related("township", "enterprise", "village", "sector", "lead_unit").order_by("pk"))


def _sample(hazards: list[Hazard]) -> list[Hazard]:
    """Every hazard carrying supervision records, and one of each status, level, fire or not, enterprise or not."""
    records = set(
        Hazard.objects.filter(
            Q(listings__isnull=False) | Q(notices__isnull=False) | Q(extensions__isnull=False)
            | Q(refusals__isnull=False) | Q(typical_fire_entries__isnull=False)
        ).values_list("pk", flat=True)
    )  # fmt: skip
    seen, sample = set(), []
    for hazard in hazards:
        kind = (hazard.status, hazard.level, hazard.hazard_type == HazardType.FIRE, hazard.enterprise_id is None)
        if hazard.pk in records or kind not in seen:
            sample.append(hazard)
            seen.add(kind)
    return sample


# -- the actions, offered and attempted ----------------------------------------------------------------------------


def offered(actions: HazardActions) -> set[str]:
    names = set(actions.steps)
    flags = {
        "edit": actions.may_edit,
        "add_evidence": actions.may_add_evidence,
        "request_extension": actions.may_request_extension,
        "decide_extension": actions.may_decide_extension,
        "list": actions.may_list,
        "add_typical_fire": actions.may_add_typical_fire,
        "remove_typical_fire": actions.may_remove_typical_fire,
        "escalate": actions.may_escalate,
        "issue_notice": actions.may_issue_notice,
        "record_refusal": actions.may_record_refusal,
        "update_refusal": actions.may_update_refusals,
    }
    names |= {name for name, on in flags.items() if on}
    names |= {f"delist:{pk}" for pk in actions.delistable}
    names |= {f"serve_notice:{pk}" for pk in actions.servable_notices}
    names |= {f"void_notice:{pk}" for pk in actions.voidable_notices}
    return names


def _step_attempts(hazard: Hazard, user: User) -> list[Attempt]:
    today = local_today()
    base = {"hazard_id": hazard.pk, "actor": user, "expected_status": hazard.status}
    five = {"deadline": today + dt.timedelta(days=30), "measures": "清理通道", "responsible_person": "刘明",
            "funds": Decimal("2000"), "contingency_plan": "专人值守"}  # fmt: skip
    calls: dict[str, Callable[[], Any]] = {
        "confirm": lambda: services.hazard_confirm(**base, note="现场核实"),
        "dismiss": lambda: services.hazard_dismiss(**base, note="不属于隐患"),
        "start_rectification": lambda: services.hazard_start_rectification(**base, **five),
        "request_acceptance": lambda: services.hazard_request_acceptance(**base, photos=[checked()]),
        "verify": lambda: services.hazard_verify(**base, note="整改到位"),
        "refuse_acceptance": lambda: services.hazard_refuse_acceptance(**base, note="仍有堵塞"),
        "close": lambda: services.hazard_close(**base),
    }
    assert set(calls) == set(TRANSITIONS)
    # A step from another state is refused by the table itself (test_workflow); the page must not offer it either.
    return [(name, call) for name, call in calls.items() if hazard.status in TRANSITIONS[name].source]


def _other_attempts(hazard: Hazard, user: User, facts: HazardFacts) -> list[Attempt]:
    today, now = local_today(), timezone.now()
    pk = hazard.pk
    attempts: list[Attempt] = [
        ("edit", lambda: services.hazard_update(hazard_id=pk, actor=user, changes={"location": "东侧仓库"})),
        ("add_evidence", lambda: services.hazard_add_evidence(hazard_id=pk, actor=user, kind="problem",
                                                              photos=[checked()])),
        ("list", lambda: _list(user, hazard, _form_level(user, hazard))),
        ("add_typical_fire", lambda: supervision.typical_fire_add(hazard_id=pk, actor=user, year=today.year)),
        ("escalate", lambda: supervision.escalation_create(
            actor=user, township=hazard.township, rung=Rung.LETTER, target_kind=Escalation.Target.HAZARD,
            hazard=hazard, taken_on=today, document_number="刘安委办函〔2026〕1号")),
        ("issue_notice", lambda: supervision.notice_issue(hazard_id=pk, actor=user, issued_on=today,
                                                          terms=NoticeTerms(deadline=today + dt.timedelta(days=30),
                                                                           replace_reason="整改要求变更"))),
        ("record_refusal", lambda: supervision.refusal_record(hazard_id=pk, actor=user, recorded_on=today,
                                                              description="拒不整改")),
    ]  # fmt: skip
    if hazard.deadline is not None:
        new = hazard.deadline + dt.timedelta(days=10)
        attempts.append(
            ("request_extension", lambda: services.extension_request(hazard_id=pk, actor=user, new_deadline=new,
                                                                     reason="材料未到")),
        )  # fmt: skip
    if (pending := facts.pending_extension) is not None:
        attempts.append(
            ("decide_extension", lambda: services.extension_decide(extension_id=pending.pk, actor=user, approve=True))
        )
    attempts += [
        (f"delist:{x.pk}", lambda pk=x.pk: supervision.listing_delist(listing_id=pk, actor=user, delisted_on=today))
        for x in facts.active_listings
    ]
    attempts += [
        (f"serve_notice:{x.pk}", lambda pk=x.pk: supervision.notice_record_service(
            notice_id=pk, actor=user, service=Service(served_to="刘明", served_at=now, place="企业办公室",
                                                      manner="direct", signed_by="刘明", servers="王五")))
        for x in facts.unserved_notices
    ]  # fmt: skip
    attempts += [
        (f"void_notice:{x.pk}", lambda pk=x.pk: supervision.notice_void(notice_id=pk, actor=user, reason="写错期限"))
        for x in facts.unserved_notices
    ]
    attempts += [
        (
            "remove_typical_fire",
            lambda pk=x.pk: supervision.typical_fire_remove(entry_id=pk, actor=user, reason="已整改"),
        )
        for x in hazard.typical_fire_entries.all()
    ]
    attempts += [
        ("update_refusal", lambda pk=x.pk: supervision.refusal_update(refusal_id=pk, actor=user, three_checks="已查明"))
        for x in hazard.refusals.all()
    ]
    return attempts


def _form_level(user: User, hazard: Hazard) -> str:
    """The level the listing form offers first (the county bureau's is the county level), else the township's."""
    levels = HazardRights(get_scope(user), hazard).listing_levels()
    return levels[0] if levels else "township"


def _compare(hazard: Hazard, user: User, facts: HazardFacts, attempts: list[Attempt]) -> tuple[list[Any], set[str]]:
    """The attempts whose outcome differs from what the page offers, and what it offers."""
    names = offered(hazard_actions(user, hazard, facts))
    mismatches = []
    for name, call in attempts:
        reason = refusal(call)
        if (reason is None) != (name in names):
            mismatches.append((hazard.pk, hazard.status, user.username, name, reason))
    return mismatches, names


# -- the tests -------------------------------------------------------------------------------------------------------


def test_it_offers_exactly_the_workflow_steps_the_services_accept_over_the_demo_data(busy_demo):
    hazards, users = _hazards(busy_demo), list(User.objects.filter(is_active=True).order_by("pk"))
    assert len(hazards) > 50 and len(users) > 20
    mismatches, moved = [], set()
    for hazard in hazards:
        facts = HazardFacts(hazard)
        for user in users:
            found, names = _compare(hazard, user, facts, _step_attempts(hazard, user))
            mismatches += found
            mismatches += [
                (hazard.pk, user.username, n)
                for n in names
                if n in TRANSITIONS and hazard.status not in TRANSITIONS[n].source
            ]
            if names & set(TRANSITIONS):
                moved.add(hazard.pk)
    assert mismatches == []
    # Nobody is stuck: every hazard still in the workflow is offered to someone.
    assert moved >= {h.pk for h in hazards if h.status in NEXT_STEPS}


def test_it_offers_exactly_the_other_actions_the_services_accept_over_the_demo_data(busy_demo):
    hazards, users = _sample(_hazards(busy_demo)), list(User.objects.filter(is_active=True).order_by("pk"))
    mismatches, seen = [], set()
    for hazard in hazards:
        facts = HazardFacts(hazard)
        for user in users:
            found, names = _compare(hazard, user, facts, _other_attempts(hazard, user, facts))
            mismatches += found
            seen |= {name.split(":")[0] for name in names}
    assert mismatches == []
    # Every kind of action was offered to someone somewhere (and so was accepted at least once).
    assert {"edit", "add_evidence", "request_extension", "decide_extension", "list", "delist", "add_typical_fire",
            "remove_typical_fire", "escalate", "issue_notice", "serve_notice", "void_notice", "record_refusal",
            "update_refusal"} <= seen  # fmt: skip


# What the detail page shows for each action: the data-testid of its button or form.
BUTTONS = {
    "edit": "edit-hazard",
    "add_evidence": "evidence-form",
    "request_extension": "extension-request-form",
    "decide_extension": "extension-decide-form",
    "list": "list-hazard",
    "delist": "delist-form",
    "add_typical_fire": "typical-fire-form",
    "escalate": "escalate",
    "issue_notice": "notice-issue",
    "serve_notice": "notice-service",
    "void_notice": "notice-void",
    "record_refusal": "record-refusal",
    "update_refusal": "refusal-update",
}


def _shown(html: str) -> set[str]:
    testids = set(re.findall(r'data-testid="([^"]+)"', html))
    shown = {name for name, testid in BUTTONS.items() if testid in testids}
    return shown | {testid.removeprefix("form-") for testid in testids if testid.startswith("form-")}


def _expected(actions: HazardActions, hazard: Hazard) -> set[str]:
    names = set(actions.steps)
    names |= {name.split(":")[0] for name in offered(actions) if name.split(":")[0] in BUTTONS}
    if not hazard.refusals.exists():
        names.discard("update_refusal")  # a link beside each refusal: none without one
    return names


def test_the_page_shows_exactly_the_offered_buttons(busy_demo, client):
    users = User.objects.filter(is_active=True).order_by("pk")
    checked_pages = 0
    for hazard in _sample(_hazards(busy_demo)):
        for user in users:
            # A person of several townships sees the hazard's page while working in its township.
            act_in_township(user, hazard.township_id)
            if not hazards_visible_to(user).filter(pk=hazard.pk).exists():
                continue
            client.force_login(user)
            session = client.session
            session[CURRENT_TOWNSHIP_KEY] = hazard.township_id
            session.save()
            html = client.get(hazard.get_absolute_url()).content.decode()
            actions = hazard_actions(user, hazard)
            assert _shown(html) == _expected(actions, hazard), (hazard.pk, hazard.status, user.username)
            checked_pages += 1
    assert checked_pages > 30
