"""The one way a reward for a public report changes (§27 落实奖励资金; 安全生产领域举报奖励办法).

Who does what (four eyes):
* propose — the township's office or its confidential-report officer (who knows whether the reporter left a way to
  be paid), for a verified or merged report that is the first valid report of its hazard;
* approve or refuse — the township's office, never the one who proposed (a refusal names the reason);
* claim — the reporter, with the tracking code (nothing else is asked);
* record the payment (date, how) — the confidential-report officer, the one who knows whom to pay.

Every step is in STEPS (from which statuses, who); `allowed_steps` is what the report page asks to show buttons, and
every service asks the same `_check` on the locked row. Each step records a ReportEvent (who, when, the amount or the
reason) that never names the reporter. Only the first valid report of a hazard is rewarded: `blocker` says why not,
and the database keeps one live reward per hazard (reward_one_live_per_hazard).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import local_today
from core.errors import WorkflowError
from units.access import Scope, get_scope
from units.models import Township, User

from . import codes
from .models import VALID_STATUSES, Report, ReportEvent
from .reward_models import MAX_REWARD_YUAN, PaymentMethod, Reward, RewardStatus, RewardTier

Action = ReportEvent.Action
NONE = ""  # no reward yet
OFFICE = "office"
PROPOSER = "proposer"  # the office or the confidential-report officer
CUSTODIAN = "custodian"


@dataclass(frozen=True)
class Step:
    name: str
    source: tuple[str, ...]
    target: str | None
    who: str
    label: str | Promise


STEPS: dict[str, Step] = {
    s.name: s
    for s in (
        Step("propose", (NONE,), RewardStatus.PROPOSED, PROPOSER, gettext_lazy("Propose a reward")),
        Step("approve", (RewardStatus.PROPOSED,), RewardStatus.APPROVED, OFFICE, gettext_lazy("Approve the reward")),
        Step(
            "refuse",
            (RewardStatus.PROPOSED, RewardStatus.APPROVED),
            RewardStatus.REFUSED,
            OFFICE,
            gettext_lazy("Refuse the reward"),
        ),
        Step("pay", (RewardStatus.APPROVED,), RewardStatus.PAID, CUSTODIAN, gettext_lazy("Record the payment")),
    )
}


def reward_of(report: Report) -> Reward | None:
    try:
        return report.reward
    except Reward.DoesNotExist:
        return None


def _status(reward: Reward | None) -> str:
    return reward.status if reward is not None else NONE


def _may(scope: Scope, step: Step, report: Report, reward: Reward | None) -> bool:
    township_id = report.township_id
    if step.who == CUSTODIAN:
        return scope.is_custodian_for(township_id)
    if step.who == PROPOSER:
        return scope.is_office_for(township_id) or scope.is_custodian_for(township_id)
    if not scope.is_office_for(township_id):
        return False
    # Four eyes: who proposed a reward does not approve it.
    return not (step.name == "approve" and reward is not None and reward.proposed_by_id == scope.user_id)


def blocker(report: Report) -> str | None:
    """Why the report cannot be rewarded (a sentence for the office), or None when it can."""
    if report.status not in VALID_STATUSES or report.hazard_id is None:
        return _("Only a verified report, or one merged into a hazard, is rewarded.")
    first = (
        Report.objects.filter(hazard_id=report.hazard_id, status__in=VALID_STATUSES)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if first != report.pk:
        return _(
            "Only the first valid report of a hazard is rewarded: this hazard was reported earlier by another report."
        )
    if (
        Reward.objects.filter(hazard_id=report.hazard_id)
        .exclude(status=RewardStatus.REFUSED)
        .exclude(report=report)
        .exists()
    ):
        return _("This hazard already has a reward.")
    return None


def allowed_steps(scope: Scope, report: Report, reward: Reward | None) -> list[Step]:
    """The reward steps this user may take now (the report page shows these)."""
    status = _status(reward)
    steps = [s for s in STEPS.values() if status in s.source and _may(scope, s, report, reward)]
    if status == NONE and steps and blocker(report) is not None:
        return []
    return steps


def _check(actor: User, report: Report, reward: Reward | None, name: str) -> Step:
    step = STEPS[name]
    if not _may(get_scope(actor), step, report, reward):
        if name == "approve" and reward is not None and reward.proposed_by_id == actor.pk:
            raise WorkflowError(_("You proposed this reward: another member of the office approves it."))
        raise WorkflowError(_("You may not take this step on this reward."))
    status = _status(reward)
    if status not in step.source:
        if reward is None:
            raise WorkflowError(_("This report has no reward yet."))
        raise WorkflowError(
            _("The reward is now “%(status)s”; this step is no longer possible.")
            % {"status": reward.get_status_display()}
        )
    return step


def _existing(reward: Reward | None, _step: Step) -> Reward:
    """The reward a checked step acts on (_check refused a step on no reward already)."""
    if reward is None:
        raise WorkflowError(_("This report has no reward yet."))
    return reward


def _locked(report_id: int) -> tuple[Report, Reward | None]:
    try:
        report = Report.objects.select_for_update().get(pk=report_id)
    except Report.DoesNotExist as exc:
        raise WorkflowError(_("This report does not exist.")) from exc
    reward = Reward.objects.select_for_update().filter(report=report).first()
    return report, reward


def _event(report: Report, action: str, actor: User | None, note: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, actor=actor, note=note)


def check_amount(tier: RewardTier, amount: int) -> None:
    if not tier.amount <= amount <= tier.max_amount:
        raise WorkflowError(
            _("The amount must be between %(low)d and %(high)d yuan for the tier “%(tier)s”.")
            % {"low": tier.amount, "high": tier.max_amount, "tier": tier.name}
        )


def tiers_for(report: Report) -> Any:
    """The active tiers a reward of this report may take: the township's, for the hazard's level or any."""
    tiers = RewardTier.objects.filter(township_id=report.township_id, is_active=True)
    if report.hazard is not None:
        tiers = tiers.filter(level__in=("", report.hazard.level))
    return tiers


@transaction.atomic
def propose(*, actor: User, report_id: int, tier: RewardTier, amount: int | None = None) -> Reward:
    report, reward = _locked(report_id)
    _check(actor, report, reward, "propose")
    reason = blocker(report)
    if reason:
        raise WorkflowError(reason)
    if tier.township_id != report.township_id or not tier.is_active:
        raise WorkflowError(_("Choose a tier of the township that is in use."))
    hazard = report.hazard
    if hazard is None:  # blocker() said so already
        raise WorkflowError(_("Only a verified report, or one merged into a hazard, is rewarded."))
    if tier.level and tier.level != hazard.level:
        raise WorkflowError(
            _("The tier “%(tier)s” is for a %(level)s; the hazard is a %(hazard_level)s.")
            % {"tier": tier.name, "level": tier.get_level_display(), "hazard_level": hazard.get_level_display()}
        )
    amount = tier.amount if amount is None else amount
    check_amount(tier, amount)
    try:
        with transaction.atomic():
            reward = Reward.objects.create(
                report=report,
                township_id=report.township_id,
                hazard=hazard,
                tier=tier,
                amount=amount,
                proposed_by=actor,
            )
    except IntegrityError as exc:  # another report of the hazard got its reward proposed at the same moment
        raise WorkflowError(_("This hazard already has a reward.")) from exc
    _event(report, Action.REWARD_PROPOSED, actor, f"{tier.name} · {amount} 元")
    return reward


@transaction.atomic
def approve(*, actor: User, report_id: int, amount: int | None = None) -> Reward:
    report, reward = _locked(report_id)
    reward = _existing(reward, _check(actor, report, reward, "approve"))
    if amount is not None:
        check_amount(reward.tier, amount)
        reward.amount = amount
    reward.status = RewardStatus.APPROVED
    reward.decided_by = actor
    reward.decided_at = timezone.now()
    reward.save(update_fields=["amount", "status", "decided_by", "decided_at"])
    _event(report, Action.REWARD_APPROVED, actor, f"{reward.amount} 元")
    return reward


@transaction.atomic
def refuse(*, actor: User, report_id: int, reason: str) -> Reward:
    report, reward = _locked(report_id)
    reward = _existing(reward, _check(actor, report, reward, "refuse"))
    if not reason.strip():
        raise WorkflowError(_("Give the reason for refusing the reward."))
    reward.status = RewardStatus.REFUSED
    reward.decided_by = actor
    reward.decided_at = timezone.now()
    reward.refusal_reason = reason.strip()[:500]
    reward.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    _event(report, Action.REWARD_REFUSED, actor, reward.refusal_reason)
    return reward


@transaction.atomic
def pay(*, actor: User, report_id: int, paid_on: dt.date, method: str) -> Reward:
    """The confidential-report officer records that the reporter was paid: when and how (never to whom)."""
    report, reward = _locked(report_id)
    reward = _existing(reward, _check(actor, report, reward, "pay"))
    if method not in PaymentMethod.values:
        raise WorkflowError(_("Choose how the reward was paid."))
    approved_on = timezone.localdate(reward.decided_at) if reward.decided_at else None
    if paid_on > local_today() or (approved_on is not None and paid_on < approved_on):
        raise WorkflowError(_("The payment date lies between the approval and today."))
    reward.status = RewardStatus.PAID
    reward.paid_on = paid_on
    reward.payment_method = method
    reward.paid_recorded_by = actor
    reward.save(update_fields=["status", "paid_on", "payment_method", "paid_recorded_by"])
    _event(report, Action.REWARD_PAID, actor, f"{paid_on:%Y-%m-%d} · {reward.get_payment_method_display()}")
    return reward


def report_for_code(raw_code: str) -> Report | None:
    return Report.objects.filter(tracking_code_hash=codes.code_hash(raw_code)).first()


@transaction.atomic
def claim(*, raw_code: str) -> Reward | None:
    """The reporter claims an approved reward with the tracking code; None when the code finds no approved reward
    (a wrong code, an unknown one, a report without one: the same answer). Claiming twice changes nothing."""
    report = report_for_code(raw_code)
    if report is None:
        return None
    reward = Reward.objects.select_for_update().filter(report=report).first()
    if reward is None or reward.status not in (RewardStatus.APPROVED, RewardStatus.PAID):
        return None
    if reward.status == RewardStatus.APPROVED and reward.claimed_at is None:
        reward.claimed_at = timezone.now()
        reward.save(update_fields=["claimed_at"])
        _event(report, Action.REWARD_CLAIMED, None)
    return reward


# -- the tiers ---------------------------------------------------------------------------------------------------------


def may_set_tiers(scope: Scope, township_id: int | None) -> bool:
    return scope.is_office_for(township_id)


@transaction.atomic
def save_tier(*, actor: User, tier: RewardTier, reason: str = "") -> RewardTier:
    """A new or changed tier of the office's township; the change is kept in the tier's history (who, when)."""
    if not may_set_tiers(get_scope(actor), tier.township_id):
        raise WorkflowError(_("Only the township's office sets the reward tiers."))
    if not 1 <= tier.amount <= tier.max_amount <= MAX_REWARD_YUAN:
        raise WorkflowError(_("The highest amount is at least the standard amount."))
    tier._history_user = actor  # type: ignore[attr-defined]
    tier._change_reason = reason[:100]  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            tier.save()
    except IntegrityError as exc:
        raise WorkflowError(_("The township already has a tier of this name.")) from exc
    return tier


# Sensible defaults a township starts with (安全生产领域举报奖励办法: 3000 元起 for a major hazard);
# the office edits them.
DEFAULT_TIERS: tuple[dict[str, Any], ...] = (
    {
        "name": "一般事故隐患",
        "level": "general",
        "description": "举报一般事故隐患，经核查属实的",
        "amount": 200,
        "max_amount": 1000,
        "order": 10,
    },
    {
        "name": "重大事故隐患",
        "level": "major",
        "description": "举报重大事故隐患，经核查属实的，按 3000 元起奖励",
        "amount": 3000,
        "max_amount": 30000,
        "order": 20,
    },
)


def ensure_default_tiers(township: Township) -> int:
    """The default tiers for a township without any (idempotent). Returns how many were created."""
    if RewardTier.objects.filter(township=township).exists():
        return 0
    for fields in DEFAULT_TIERS:
        RewardTier.objects.create(township=township, **fields)
    return len(DEFAULT_TIERS)
