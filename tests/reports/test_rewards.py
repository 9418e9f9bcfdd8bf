"""Rewards for public reports (§27): tiers and bounds, the first valid report only, four eyes, the reporter's claim with
the code, scope; the village poster's QR code."""

from __future__ import annotations

import re

import pytest
import segno
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.dates import local_today
from core.errors import WorkflowError
from reports import posters, rewards, services
from reports.models import Report, ReportEvent, Reward, RewardStatus, RewardTier
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def tiers(world):  # type: ignore[no-untyped-def]
    rewards.ensure_default_tiers(world.township)
    rewards.ensure_default_tiers(world.other_township)
    return {t.level: t for t in RewardTier.objects.filter(township=world.township)}


def filed(world, name: str = "哨兵张三", phone: str = "13900001234", **extra):  # type: ignore[no-untyped-def]
    fields = {"village": world.village_a, "place": "村东", "enterprise_name": "", "content": "仓库住人", **extra}
    return services.submit_web_report(
        township=world.township, fields=fields, identity=services.Identity(name, phone, "")
    )


def merged(world, hazard):  # type: ignore[no-untyped-def]
    report, code = filed(world)
    services.merge(actor=world.office, report_id=report.pk, hazard_id=hazard.pk)
    report.refresh_from_db()
    return report, code


def verified(world):  # type: ignore[no-untyped-def]
    report, code = filed(world)
    fields = {
        "title": "仓库住人",
        "description": "仓库内住人",
        "location": "村东",
        "village": world.village_a,
        "enterprise": None,
        "sector": world.sector_a,
        "hazard_type": "fire",
        "level": "general",
        "found_on": local_today(),
    }
    services.verify(actor=world.office, report_id=report.pk, hazard_fields=fields)
    report.refresh_from_db()
    return report, code


def hazard_of(world, level: str = "general"):  # type: ignore[no-untyped-def]
    return HazardFactory(village=world.village_a, sector=world.sector_a, level=level)


def test_the_amount_defaults_from_the_tier_and_stays_within_its_bounds(world, tiers):
    report, _code = merged(world, hazard_of(world))
    general = tiers["general"]
    with pytest.raises(WorkflowError, match="200"):
        rewards.propose(actor=world.custodian, report_id=report.pk, tier=general, amount=general.amount - 1)
    with pytest.raises(WorkflowError):
        rewards.propose(actor=world.custodian, report_id=report.pk, tier=general, amount=general.max_amount + 1)
    with pytest.raises(WorkflowError):  # a major hazard's tier for a general hazard
        rewards.propose(actor=world.custodian, report_id=report.pk, tier=tiers["major"])
    reward = rewards.propose(actor=world.custodian, report_id=report.pk, tier=general)
    assert reward.amount == general.amount == 200 and reward.status == RewardStatus.PROPOSED
    with pytest.raises(WorkflowError):
        rewards.approve(actor=world.office, report_id=report.pk, amount=general.max_amount + 1)
    assert rewards.approve(actor=world.office, report_id=report.pk, amount=500).amount == 500


def test_tiers_are_set_by_the_office_with_their_changes_recorded(world, tiers, client_for):
    tier = tiers["major"]
    assert tier.amount == 3000
    tier.max_amount = 100
    with pytest.raises(WorkflowError):
        rewards.save_tier(actor=world.office, tier=tier)
    tier.refresh_from_db()
    tier.max_amount = 50000
    with pytest.raises(WorkflowError):
        rewards.save_tier(actor=world.other_office, tier=tier)
    rewards.save_tier(actor=world.office, tier=tier, reason="县里调整标准")
    change = RewardTier.history.filter(id=tier.pk).first()
    assert change is not None and change.history_user == world.office and change.max_amount == 50000
    client = client_for(world.office)
    response = client.post(
        reverse("reports:reward_tier_new"),
        {"name": "较大隐患", "level": "", "amount": "900", "max_amount": "800", "order": "5", "is_active": "on"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not RewardTier.objects.filter(name="较大隐患").exists()
    page = client.get(reverse("reports:reward_tiers"))
    assert "县里调整标准" in page.content.decode()
    assert client_for(world.other_office).get(reverse("reports:reward_tier_edit", args=[tier.pk])).status_code == 404
    assert client_for(world.leader).get(reverse("reports:reward_tiers")).status_code == 404


def test_only_the_first_valid_report_of_a_hazard_is_rewarded(world, tiers):
    first, _code = verified(world)
    second, _code2 = merged(world, first.hazard)  # the same hazard, reported again
    third, _code3 = merged(world, first.hazard)
    with pytest.raises(WorkflowError, match=r"first valid report|首个有效举报"):
        rewards.propose(actor=world.office, report_id=second.pk, tier=tiers["general"])
    assert rewards.allowed_steps(rewards.get_scope(world.office), second, None) == []
    rewards.propose(actor=world.office, report_id=first.pk, tier=tiers["general"])
    with pytest.raises(WorkflowError):
        rewards.propose(actor=world.office, report_id=third.pk, tier=tiers["general"])
    # The database holds it too: one live reward per hazard.
    with pytest.raises(IntegrityError), transaction.atomic():
        Reward.objects.create(
            report=second,
            township=world.township,
            hazard=first.hazard,
            tier=tiers["general"],
            amount=200,
            proposed_by=world.office,
        )
    # A dismissed report is not valid, and has nothing to reward.
    dismissed, _c = filed(world)
    services.dismiss(actor=world.office, report_id=dismissed.pk, reason="未查实")
    dismissed.refresh_from_db()
    assert rewards.blocker(dismissed)


def test_two_merged_reports_of_a_known_hazard_reward_the_earlier_one(world, tiers):
    hazard = hazard_of(world)
    earlier, _c = merged(world, hazard)
    later, _c2 = merged(world, hazard)
    assert rewards.blocker(later) and rewards.blocker(earlier) is None


def test_four_eyes_the_proposer_does_not_approve_and_the_custodian_records_payment(world, tiers, client_for):
    report, _code = merged(world, hazard_of(world))
    rewards.propose(actor=world.office_custodian, report_id=report.pk, tier=tiers["general"])
    with pytest.raises(WorkflowError, match=r"another member|其他人员"):
        rewards.approve(actor=world.office_custodian, report_id=report.pk)
    scope = rewards.get_scope(world.office_custodian)
    assert "approve" not in {s.name for s in rewards.allowed_steps(scope, report, report.reward)}
    for outsider in (world.custodian, world.leader, world.other_office, world.ent_a):
        with pytest.raises(WorkflowError):
            rewards.approve(actor=outsider, report_id=report.pk)
    rewards.approve(actor=world.office, report_id=report.pk)
    with pytest.raises(WorkflowError):  # the office does not record the payment: it does not know whom to pay
        rewards.pay(actor=world.office, report_id=report.pk, paid_on=local_today(), method="cash")
    with pytest.raises(WorkflowError):  # not in the future
        rewards.pay(actor=world.custodian, report_id=report.pk, paid_on=local_today().replace(year=2099), method="cash")
    reward = rewards.pay(actor=world.custodian, report_id=report.pk, paid_on=local_today(), method="bank")
    assert reward.status == RewardStatus.PAID and reward.paid_recorded_by == world.custodian
    actions = list(report.events.values_list("action", flat=True))
    assert actions[-3:] == ["reward_proposed", "reward_approved", "reward_paid"]
    with pytest.raises(WorkflowError):
        rewards.refuse(actor=world.office, report_id=report.pk, reason="x")
    # Through the pages: the same rule.
    other, _c = verified(world)
    client = client_for(world.office)
    client.post(reverse("reports:reward_step", args=[other.pk, "propose"]), {"tier": tiers["general"].pk})
    page = client.get(reverse("reports:detail", args=[other.pk]))
    assert 'data-testid="reward-four-eyes"' in page.content.decode()
    assert 'data-testid="reward-approve"' not in page.content.decode()
    response = client.post(reverse("reports:reward_step", args=[other.pk, "approve"]), {"amount": ""})
    assert response.status_code == 302
    assert Reward.objects.get(report=other).status == RewardStatus.PROPOSED


def test_a_refused_reward_tells_the_reporter_and_a_bad_amount_is_a_message(world, tiers, client_for, client):
    report, code = merged(world, hazard_of(world))
    office = client_for(world.office)
    response = office.post(
        reverse("reports:reward_step", args=[report.pk, "propose"]), {"tier": tiers["general"].pk, "amount": "x"}
    )
    assert response.status_code == 302 and not Reward.objects.exists()
    rewards.propose(actor=world.custodian, report_id=report.pk, tier=tiers["general"])
    office.post(
        reverse("reports:reward_step", args=[report.pk, "refuse"]), {"reason": "举报人系该单位安全员，属职责范围"}
    )
    assert Reward.objects.get().status == RewardStatus.REFUSED
    page = client.post(reverse("report:track"), {"code": code})
    assert "职责范围" in page.content.decode()


def test_the_reporter_claims_with_the_code_and_sees_the_payment(world, tiers, client):
    report, code = merged(world, hazard_of(world))
    rewards.propose(actor=world.custodian, report_id=report.pk, tier=tiers["general"])
    page = client.post(reverse("report:track"), {"code": code})
    assert 'data-testid="track-reward-claim"' not in page.content.decode()  # not approved yet
    rewards.approve(actor=world.office, report_id=report.pk)
    page = client.post(reverse("report:track"), {"code": code})
    assert 'data-testid="track-reward-claim"' in page.content.decode()
    claimed = client.post(reverse("report:claim"), {"code": code})
    assert claimed["Cache-Control"] == "no-store" and claimed["Referrer-Policy"] == "no-referrer"
    assert 'data-testid="track-reward-claimed"' in claimed.content.decode()
    reward = Reward.objects.get()
    assert reward.claimed_at is not None
    event = report.events.get(action=ReportEvent.Action.REWARD_CLAIMED)
    assert event.actor is None and event.note == ""
    rewards.pay(actor=world.custodian, report_id=report.pk, paid_on=local_today(), method="cash")
    page = client.post(reverse("report:track"), {"code": code})
    assert 'data-testid="track-reward-status"' in page.content.decode()
    assert page.context["report"].reward.status == RewardStatus.PAID


def test_a_wrong_code_claims_nothing_answers_as_unknown_and_is_throttled(world, tiers, client):
    report, code = merged(world, hazard_of(world))
    rewards.propose(actor=world.custodian, report_id=report.pk, tier=tiers["general"])
    rewards.approve(actor=world.office, report_id=report.pk)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    answer = client.post(reverse("report:claim"), {"code": wrong})
    unknown = client.post(reverse("report:claim"), {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert answer.context["not_found"] and unknown.context["not_found"]

    def bare(response, typed: str) -> str:  # type: ignore[no-untyped-def]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(typed, ""))

    assert bare(answer, wrong) == bare(unknown, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    for _ in range(10):
        client.post(reverse("report:track"), {"code": "ZZZZ"})
    blocked = client.post(reverse("report:claim"), {"code": code})  # one budget with the tracking page
    assert blocked.context["report"] is None and blocked.context["form"].non_field_errors()
    assert Reward.objects.get().claimed_at is None
    assert client.get(reverse("report:claim")).status_code == 405


def test_who_sees_rewards_and_posters(world, tiers, client_for):
    report, _code = merged(world, hazard_of(world))
    rewards.propose(actor=world.custodian, report_id=report.pk, tier=tiers["general"])
    for user in (world.office, world.leader, world.county, world.custodian):
        page = client_for(user).get(reverse("reports:rewards"))
        assert page.status_code == 200 and page.context["page_obj"].paginator.count == 1, user
    other = client_for(world.other_office)
    assert other.get(reverse("reports:rewards")).context["page_obj"].paginator.count == 0
    response = other.post(reverse("reports:reward_step", args=[report.pk, "approve"]))
    assert response.status_code == 404
    assert other.get(reverse("reports:poster", args=[world.village_a.pk])).status_code == 404
    for user in (world.ent_a, world.dept_a, world.village_a_officer):
        client = client_for(user)
        assert client.get(reverse("reports:rewards")).status_code == 404
        assert client.get(reverse("reports:reward_export")).status_code == 404
        assert client.get(reverse("reports:posters")).status_code == 404
        assert client.post(reverse("reports:reward_step", args=[report.pk, "approve"])).status_code == 404
    assert client_for(world.leader).get(reverse("reports:poster", args=[world.village_a.pk])).status_code == 404


def test_the_rewards_list_filters_totals_and_keeps_its_query_count(
    world, tiers, client_for, django_assert_max_num_queries
):
    client = client_for(world.office)
    for n in range(3):
        report, _c = merged(world, hazard_of(world))
        rewards.propose(actor=world.custodian, report_id=report.pk, tier=tiers["general"], amount=200 + n * 100)
        if n:
            rewards.approve(actor=world.office, report_id=report.pk)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reports:rewards"))
    assert page.context["totals"] == {"n": 3, "proposed": 200, "approved": 700, "paid": 0}
    page = client.get(reverse("reports:rewards"), {"status": "approved", "year": str(local_today().year)})
    assert page.context["page_obj"].paginator.count == 2
    page = client.get(reverse("reports:rewards"), {"year": "99999"})
    assert page.status_code == 200 and page.context["filter_form"].errors
    export = client.get(reverse("reports:reward_export"), {"status": "approved"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def _svg_matrix(svg: str) -> list[list[int]]:
    """The dark modules of segno's inline SVG path (M x y, then h n runs and relative m moves), as rows of 0/1."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))  # type: ignore[union-attr]
    grid = [[0] * size for _ in range(size)]
    path = re.search(r'<path[^>]*stroke="#000"[^>]*d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for dx in range(int(float(a))):
                grid[int(y)][int(x) + dx] = 1
            x += float(a)
    return grid


def test_the_poster_qr_code_decodes_to_the_village_report_form(world, tiers, client_for, settings):
    settings.PUBLIC_BASE_URL = "https://aq.example.gov.cn/"
    settings.PUBLIC_REPORT_LINES = ["12345"]
    page = client_for(world.office).get(reverse("reports:poster", args=[world.village_a.pk]))
    html = page.content.decode()
    url = f"https://aq.example.gov.cn/report/?village={world.village_a.pk}"
    assert page.context["url"] == url and url in html
    svg = re.search(r"<svg viewBox[^>]*poster-qr.*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
    expected = segno.make(url, error=posters.QR_ERROR, micro=False)
    border = 2
    matrix = [row[border:-border] for row in _svg_matrix(svg)[border:-border]]
    assert matrix == [[int(bool(v)) for v in row] for row in expected.matrix]
    assert "12350" not in html and "12345" in html
    assert ("3000" in html and "保密" in html) or 'data-testid="poster-confidential"' in html
    # Without the setting: the address the browser used; and the form starts in that village.
    settings.PUBLIC_BASE_URL = ""
    page = client_for(world.office).get(reverse("reports:poster", args=[world.village_a.pk]))
    assert page.context["url"] == f"http://testserver/report/?village={world.village_a.pk}"
    form = client_for(world.office).get(f"/report/?village={world.village_a.pk}")
    assert form.context["form"].initial["village"] == world.village_a
    listing = client_for(world.office).get(reverse("reports:posters"))
    assert reverse("reports:poster", args=[world.village_a.pk]) in listing.content.decode()
    assert reverse("reports:poster", args=[world.other_village.pk]) not in listing.content.decode()


def test_the_demo_tiers_and_reward_load_idempotently(world):
    assert rewards.ensure_default_tiers(world.township) == 2
    assert rewards.ensure_default_tiers(world.township) == 0
    assert Report.objects.count() == 0
