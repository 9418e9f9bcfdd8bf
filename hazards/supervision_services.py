"""Writes of listing supervision, escalation, refusal to rectify and rectification notices (§7, §16–§18).

The same pattern as hazards.services: keyword-only arguments, one transaction, the hazard row locked while the rule
is checked, a WorkflowError with a message for the user when the step may not be taken, and a HazardEvent on the
hazard for every write that concerns it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import cast

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from core.files import CheckedFile, new_token, save_checked
from units.access import get_scope
from units.models import CountyDepartment, Enterprise, Township, Unit, User, Village
from units.offices import safety_office_name, township_short_name, township_unit_name

from . import listing_notice
from .access import REPORT_CHANNELS, HazardRights, may_escalate_in
from .models import (
    RUNG_ORDER,
    Escalation,
    Hazard,
    HazardEvent,
    Listing,
    ListingLevel,
    Notice,
    Refusal,
    Rung,
    ServiceManner,
    TypicalFireHazard,
)
from .models.supervision import Production
from .services import _locked, _record

Action = HazardEvent.Action
Target = Escalation.Target


# -- helpers ------------------------------------------------------------------------------------------


def _rights(actor: User, hazard: Hazard) -> HazardRights:
    """The rules of access.HazardRights for the actor and the (locked) hazard: the pages ask the same ones."""
    return HazardRights(get_scope(actor), hazard)


def _not_in_future(day: dt.date | None, what: str) -> None:
    if day is not None and day > local_today():
        raise WorkflowError(_("The %(what)s cannot lie in the future.") % {"what": what})


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(_("Please fill in the %(what)s.") % {"what": what})
    return value


# -- listing supervision (挂牌督办, §7, §17) -------------------------------------------------------------


@dataclass(frozen=True)
class ListingTerms:
    """What the 挂牌督办通知 says beyond the listing itself, as the form asks for it. A blank name takes the default
    of hazards.listing_notice (the authority where it can be derived, the hazard's village and its officer, the
    copy-to list); the rest is written as given."""

    authority_name: str = ""
    territorial_unit: str = ""
    territorial_person: str = ""
    territorial_phone: str = ""
    supervising_contact: str = ""
    supervising_phone: str = ""
    production: str = Production.STOPPED
    safeguards: str = ""
    copy_to: str = ""


def _listing_snapshot(listing: Listing, hazard: Hazard, terms: ListingTerms) -> None:
    """Fill the notice's snapshot: the names and the hazard as they stand today, so that a reprint after the hazard
    or the enterprise changed reads the same (issue 13)."""
    township = hazard.township
    by_county = township.county if listing.listed_by_county_id is not None else None
    authority = listing_notice.derived_authority(township, listing.level, by_county)
    if listing.level != ListingLevel.TOWNSHIP and by_county is None:
        # Recorded from another authority's document: the name it bears, else the county's 安委会 (derived).
        authority = terms.authority_name.strip() or authority
    if not authority:
        raise WorkflowError(
            _("Please fill in the listing authority named on the %(level)s listing document.")
            % {"level": listing.get_level_display()}
        )
    if terms.production not in Production.values:
        raise WorkflowError(_("Choose whether production stops during rectification."))
    safeguards = terms.safeguards.strip()
    if terms.production == Production.SAFEGUARDED and not safeguards:
        raise WorkflowError(_("Please describe the safeguards that apply while production continues."))
    territorial = listing_notice.default_territorial(hazard)
    enterprise = hazard.enterprise
    listing.authority_name = authority
    listing.office_name = safety_office_name(township)
    listing.enterprise_name = enterprise.name if enterprise else ""
    listing.principal_name = enterprise.principal_name if enterprise else ""
    listing.principal_phone = enterprise.principal_phone if enterprise else ""
    listing.territorial_unit = terms.territorial_unit.strip() or territorial.unit
    listing.territorial_person = terms.territorial_person.strip() or territorial.person
    listing.territorial_phone = terms.territorial_phone.strip() or territorial.phone
    if listing.supervising_unit is not None:
        listing.supervising_unit_name = township_unit_name(township, listing.supervising_unit.name)
    else:  # the county department or bureau named, else the township office supervises
        listing.supervising_unit_name = listing.supervising_authority or listing.office_name
    listing.supervising_contact = terms.supervising_contact.strip()
    listing.supervising_phone = terms.supervising_phone.strip()
    listing.production = terms.production
    listing.safeguards = safeguards if terms.production == Production.SAFEGUARDED else ""
    listing.copy_to = terms.copy_to.strip() or listing_notice.default_copy_to(hazard, listing.level, by_county)
    listing.hazard_number = hazard.number
    listing.hazard_title = hazard.title
    listing.hazard_location = listing_notice.hazard_location(hazard)
    listing.hazard_description = hazard.description
    listing.hazard_basis = listing_notice.hazard_basis(hazard)


@transaction.atomic
def listing_create(
    *,
    hazard_id: int,
    actor: User,
    level: str,
    document_number: str,
    supervising_leader: str,
    supervising_unit: Unit | None,
    listed_on: dt.date,
    required_by: dt.date,
    note: str = "",
    supervising_department: CountyDepartment | None = None,
    terms: ListingTerms | None = None,
) -> Listing:
    """挂牌督办 of a major hazard, by the township office or, at county level, by the county bureau.

    1. Lock the hazard; check who lists it at the level chosen (access.HazardRights.listing_levels: the office its
       township's, the city's and the province's listings, the county bureau the county's), only a major hazard
       that is neither closed nor dismissed, and never twice at once (the partial unique constraint backs this up
       under concurrency).
    2. A supervising unit belongs to the hazard's township; a supervising county department to the listing county,
       and is named only on the county's own listing.
    3. Take the notice's snapshot (_notice_snapshot): the listing authority — required when the system cannot name
       it (city, province) —, the enterprise and its principal, 属地, the supervising contact, production during
       rectification (safeguards named when it continues), the copy-to list and the hazard as it stands.
       A listing that stops production marks the hazard 停产停业整改 for the ledger.
    4. Create the listing — naming the county when its bureau made it, which makes it the county's to accept and
       delist — and record a LISTED event.
    """
    hazard = _locked(hazard_id)
    rights = _rights(actor, hazard)
    rights.check_list()
    rights.check_listing_level(level)
    county_id = hazard.township.county_id if level == ListingLevel.COUNTY and rights.lists_for_county else None
    if supervising_unit is not None and supervising_unit.township_id != hazard.township_id:
        raise WorkflowError(_("The supervising unit must belong to the hazard's township."))
    if supervising_department is not None and (county_id is None or supervising_department.county_id != county_id):
        raise WorkflowError(_("A county department supervises only a listing of its own county's bureau."))
    _not_in_future(listed_on, _("listing date"))
    if required_by < listed_on:
        raise WorkflowError(_("The required completion date cannot be before the listing date."))
    listing = Listing(
        hazard=hazard,
        level=level,
        document_number=_required(document_number, _("document number (文号)")),
        supervising_leader=_required(supervising_leader, _("supervising leader")),
        supervising_unit=supervising_unit,
        supervising_department=supervising_department,
        listed_by_county_id=county_id,
        listed_on=listed_on,
        required_by=required_by,
        note=note.strip(),
        listed_by=actor,
    )
    _listing_snapshot(listing, hazard, terms or ListingTerms())
    try:
        with transaction.atomic():
            listing.save()
    except IntegrityError as exc:
        raise WorkflowError(_("This hazard is already listed; delist it before listing it again.")) from exc
    if listing.production == Production.STOPPED and not hazard.production_stopped:
        # The listing orders production stopped: the hazard's ledger says so too (history keeps the change).
        hazard.production_stopped = True
        hazard.save(update_fields=["production_stopped", "updated_at"])
    note = f"{listing} · {listing.county_bureau}" if listing.is_the_countys else str(listing)
    _record(hazard, action=Action.LISTED, actor=actor, note=note)
    return listing


@dataclass(frozen=True)
class Acceptance:
    """The listing authority's acceptance of a county, city or province listing (§17): recorded by the county bureau
    on its own listing, by the township office on any other."""

    authority: str = ""
    document: str = ""
    date: dt.date | None = None
    attachment: CheckedFile | None = None


def _check_acceptance(listing: Listing, acceptance: Acceptance, delisted_on: dt.date) -> None:
    """From county level up a listing is delisted on the authority's recorded acceptance, never on a decision of the
    township alone (§17)."""
    if not listing.needs_acceptance:
        return
    _required(acceptance.authority, _("authority that accepted the rectification"))
    _required(acceptance.document, _("acceptance document number"))
    if acceptance.date is None:
        raise WorkflowError(_("Please fill in the %(what)s.") % {"what": _("date of acceptance")})
    if acceptance.attachment is None:
        raise WorkflowError(
            _("Attach the listing authority's acceptance document (a PDF or a photo) to delist a %(level)s listing.")
            % {"level": listing.get_level_display()}
        )
    _not_in_future(acceptance.date, _("date of acceptance"))
    if acceptance.date < listing.listed_on:
        raise WorkflowError(_("The acceptance cannot be dated before the listing."))
    if delisted_on < acceptance.date:
        raise WorkflowError(_("The delisting date cannot be before the acceptance."))


def _store_acceptance(listing: Listing, acceptance: Acceptance) -> None:
    checked = acceptance.attachment
    if checked is None:
        return
    listing.acceptance_token, listing.acceptance_extension = new_token(), checked.extension
    save_checked(listing.acceptance_file, checked, listing.acceptance_token)


@transaction.atomic
def listing_delist(
    *, listing_id: int, actor: User, delisted_on: dt.date, acceptance: Acceptance | None = None
) -> Listing:
    """摘牌: only after the hazard is closed (销号, §17).

    1. Lock the hazard, then the listing; check who delists it (access.HazardRights.check_delist): a listing the
       county bureau made is the county's — it records its own acceptance and delists, the township is refused;
       every other listing is the township office's. County-level listings the office recorded from the county's
       paper before the county acted in the system keep that path (the office records the county's acceptance and
       delists): they name no county, and the county cannot tell them from the paper it may never have filed.
    2. A township listing is the township's own decision. A county, city or province listing is delisted only with
       the listing authority's acceptance recorded: authority, document number, date and the signed document,
       checked and stored by core.files.
    3. Record a DELISTED event with the acceptance.
    """
    acceptance = acceptance or Acceptance()
    hazard_id = Listing.objects.values_list("hazard_id", flat=True).get(pk=listing_id)
    hazard = _locked(hazard_id)  # the hazard first, as every other step locks it first
    listing = Listing.objects.select_for_update().get(pk=listing_id)
    _rights(actor, hazard).check_delist(listing)
    _not_in_future(delisted_on, _("delisting date"))
    if delisted_on < listing.listed_on:
        raise WorkflowError(_("The delisting date cannot be before the listing date."))
    _check_acceptance(listing, acceptance, delisted_on)
    listing.delisted_on, listing.delisted_by = delisted_on, actor
    note = f"{listing.get_level_display()} {listing.document_number}"
    if listing.needs_acceptance:
        listing.acceptance_authority = acceptance.authority.strip()
        listing.acceptance_document = acceptance.document.strip()
        listing.acceptance_date = acceptance.date
        _store_acceptance(listing, acceptance)
        note += " · " + _("accepted by %(authority)s, %(document)s") % {
            "authority": listing.acceptance_authority,
            "document": listing.acceptance_document,
        }
    listing.save()
    _record(hazard, action=Action.DELISTED, actor=actor, note=note)
    return listing


# -- the yearly list of typical fire hazards (一批典型火灾隐患, §7) -------------------------------------------

FIRST_LIST_YEAR = 2000


def _check_year(year: int) -> None:
    if not FIRST_LIST_YEAR <= year <= local_today().year + 1:
        raise WorkflowError(_("Choose a year from %(first)d to next year.") % {"first": FIRST_LIST_YEAR})


@transaction.atomic
def typical_fire_add(*, hazard_id: int, actor: User, year: int, note: str = "") -> TypicalFireHazard:
    """Put a fire hazard, general or major, on the township's list of typical fire hazards of a year (§7).

    The office keeps the list. It is not a listing (挂牌督办 stays for major hazards), and a hazard is on a year's
    list once.
    """
    hazard = _locked(hazard_id)
    _rights(actor, hazard).check_add_typical_fire()
    _check_year(year)
    entry = TypicalFireHazard(hazard=hazard, year=year, note=note.strip(), added_by=actor)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise WorkflowError(
            _("This hazard is already on the typical fire hazards list of %(year)d.") % {"year": year}
        ) from exc
    _record(hazard, action=Action.TYPICAL_FIRE_ADDED, actor=actor, note=f"{year} {entry.note}".strip())
    return entry


@transaction.atomic
def typical_fire_remove(*, entry_id: int, actor: User, reason: str) -> None:
    """Take a hazard off a year's list, with the reason kept in the hazard's timeline."""
    hazard_id, year = TypicalFireHazard.objects.values_list("hazard_id", "year").get(pk=entry_id)
    hazard = _locked(hazard_id)
    _rights(actor, hazard).check_remove_typical_fire()
    reason = _required(reason, _("reason"))
    deleted, _rows = TypicalFireHazard.objects.filter(pk=entry_id).delete()
    if not deleted:
        raise WorkflowError(_("This entry was already taken off the list."))
    _record(hazard, action=Action.TYPICAL_FIRE_REMOVED, actor=actor, note=f"{year}: {reason}")


# -- escalation (函告 → 通报 → 约谈 → 曝光, §18, 四(六)) ------------------------------------------------------

TargetObject = Hazard | Enterprise | Village | Unit
TARGET_MODELS: dict[str, type[models.Model]] = {
    Target.HAZARD: Hazard,
    Target.ENTERPRISE: Enterprise,
    Target.VILLAGE: Village,
    Target.UNIT: Unit,
}


def rung_rank(rung: str) -> int:
    return RUNG_ORDER.index(Rung(rung))


def _lock_target(target_kind: str, targets: dict[str, TargetObject | None]) -> TargetObject:
    """The one target the kind names, locked, so that two escalations of one target are ordered one after the other."""
    if target_kind not in TARGET_MODELS:
        raise WorkflowError(_("Choose what the measure is aimed at."))
    chosen = targets[target_kind]
    if chosen is None:
        raise WorkflowError(_("Choose the %(kind)s the measure is aimed at.") % {"kind": Target(target_kind).label})
    if any(obj is not None for kind, obj in targets.items() if kind != target_kind):
        raise WorkflowError(_("A measure is aimed at one target only."))
    return cast(TargetObject, TARGET_MODELS[target_kind]._default_manager.select_for_update().get(pk=chosen.pk))


def highest_rung(target_kind: str, target: TargetObject, year: int) -> str | None:
    escalations = Escalation.objects.filter(target_kind=target_kind, **{target_kind: target})
    if target_kind != Target.HAZARD:
        # An enterprise, village or unit is assessed year by year (四(六) 考核): its ladder starts again each year.
        escalations = escalations.filter(taken_on__year=year)
    rungs = set(escalations.values_list("rung", flat=True))
    return max(rungs, key=rung_rank) if rungs else None


def _store_attachment(escalation: Escalation, attachment: CheckedFile | None) -> None:
    if attachment is None:
        return
    escalation.token, escalation.extension = new_token(), attachment.extension
    escalation.attachment_name = attachment.original_name
    save_checked(escalation.attachment, attachment, escalation.token)


@transaction.atomic
def escalation_create(
    *,
    actor: User,
    township: Township,
    rung: str,
    target_kind: str,
    hazard: Hazard | None = None,
    enterprise: Enterprise | None = None,
    village: Village | None = None,
    unit: Unit | None = None,
    taken_on: dt.date,
    document_number: str,
    note: str = "",
    attachment: CheckedFile | None = None,
) -> Escalation:
    """One rung of the ladder for slow progress, taken by the township office.

    1. Only the office of the township; the rung and the one target must be valid and in the township.
    2. Lock the target (two measures against one target are recorded one after the other). Any rung may follow
       any other (§18 as practised: a periodic 通报 names villages already 约谈'd); the highest rung reached only
       drives which measure is proposed next (models.next_rung).
    3. Store the record with its attachment; when aimed at a hazard, record an ESCALATED event on it.
    """
    if not may_escalate_in(get_scope(actor), township.pk):
        raise WorkflowError(_("Only the township safety office takes these measures."))
    if rung not in Rung.values:
        raise WorkflowError(_("Choose the measure (函告, 通报, 约谈 or 曝光)."))
    targets: dict[str, TargetObject | None] = {
        Target.HAZARD: hazard,
        Target.ENTERPRISE: enterprise,
        Target.VILLAGE: village,
        Target.UNIT: unit,
    }
    target = _lock_target(target_kind, targets)
    if target.township_id != township.pk:
        raise WorkflowError(_("The target of the measure is not in this township."))
    if isinstance(target, Hazard):
        _rights(actor, target).check_escalate()
    _not_in_future(taken_on, _("date of the measure"))
    document_number = _required(document_number, _("document number (文号)"))
    escalation = Escalation(
        township=township,
        rung=rung,
        target_kind=target_kind,
        taken_on=taken_on,
        document_number=document_number,
        note=note.strip(),
        created_by=actor,
        **{target_kind: target},
    )
    _store_attachment(escalation, attachment)
    escalation.save()
    if isinstance(target, Hazard):
        _record(target, action=Action.ESCALATED, actor=actor, note=f"{escalation.get_rung_display()} {document_number}")
    return escalation


# -- refusal to rectify (拒不整改, §16) ---------------------------------------------------------------------


def _check_referral(*, referred_to: str, referred_on: dt.date | None, referral_number: str, since: dt.date) -> None:
    if not (referred_to.strip() or referred_on or referral_number.strip()):
        return
    if not referred_to.strip() or referred_on is None:
        raise WorkflowError(_("A referral (移送) needs the organ it was referred to and the date."))
    _not_in_future(referred_on, _("referral date"))
    if referred_on < since:
        raise WorkflowError(_("The referral date cannot be before the refusal was recorded."))


@transaction.atomic
def refusal_record(
    *,
    hazard_id: int,
    actor: User,
    recorded_on: dt.date,
    description: str,
    referred_to: str = "",
    referred_on: dt.date | None = None,
    referral_number: str = "",
    three_checks: str = "",
) -> Refusal:
    """拒不整改, with its referral (移送) to the judicial organs and the 一案三查 record if already known."""
    hazard = _locked(hazard_id)
    _rights(actor, hazard).check_record_refusal()
    _not_in_future(recorded_on, _("date of the refusal"))
    _check_referral(
        referred_to=referred_to, referred_on=referred_on, referral_number=referral_number, since=recorded_on
    )
    refusal = Refusal.objects.create(
        hazard=hazard,
        recorded_on=recorded_on,
        description=_required(description, _("description of what was refused")),
        referred_to=referred_to.strip(),
        referred_on=referred_on,
        referral_number=referral_number.strip(),
        three_checks=three_checks.strip(),
        recorded_by=actor,
    )
    _record(hazard, action=Action.REFUSAL, actor=actor, note=_refusal_note(refusal))
    return refusal


def _refusal_note(refusal: Refusal) -> str:
    if refusal.referred_on:
        return _("Refusal to rectify of %(day)s; referred to %(organ)s on %(referred)s.") % {
            "day": refusal.recorded_on,
            "organ": refusal.referred_to,
            "referred": refusal.referred_on,
        }
    return _("Refusal to rectify of %(day)s.") % {"day": refusal.recorded_on}


@transaction.atomic
def refusal_update(
    *,
    refusal_id: int,
    actor: User,
    referred_to: str = "",
    referred_on: dt.date | None = None,
    referral_number: str = "",
    three_checks: str = "",
) -> Refusal:
    """Add the referral later, and the 一案三查 findings as the investigation concludes.

    A referral, once recorded, is a fact with a document number: it is not rewritten here.
    """
    hazard_id = Refusal.objects.values_list("hazard_id", flat=True).get(pk=refusal_id)
    hazard = _locked(hazard_id)
    refusal = Refusal.objects.select_for_update().get(pk=refusal_id)
    _rights(actor, hazard).check_update_refusal()
    changed = []
    referral = (referred_to.strip(), referred_on, referral_number.strip())
    if refusal.referred_on is None and any(referral):
        _check_referral(
            referred_to=referred_to, referred_on=referred_on, referral_number=referral_number, since=refusal.recorded_on
        )
        refusal.referred_to, refusal.referred_on, refusal.referral_number = referral
        changed += ["referred_to", "referred_on", "referral_number"]
    elif any(referral) and referral != (refusal.referred_to, refusal.referred_on, refusal.referral_number):
        raise WorkflowError(_("The referral is already recorded and cannot be changed."))
    if three_checks.strip() and three_checks.strip() != refusal.three_checks:
        refusal.three_checks = three_checks.strip()
        changed.append("three_checks")
    if not changed:
        raise WorkflowError(_("Nothing was changed."))
    refusal.save(update_fields=changed)
    _record(hazard, action=Action.REFUSAL, actor=actor, note=_refusal_note(refusal))
    return refusal


# -- rectification notice (隐患整改通知书) and its 送达回证 (§18) -----------------------------------------------


def notice_prefix(township: Township, year: int) -> str:
    """<short name>安隐改〔<year>〕第 — the township's name without 镇/乡/街道, the year, then the serial."""
    return f"{township_short_name(township.name)}安隐改〔{year}〕第"


def _next_notice_number(township: Township, year: int) -> str:
    """The township's next serial of the year. Counted over the township's own notices, not by the prefix alone:
    another township with the same short name numbers its notices from 1 too."""
    prefix = notice_prefix(township, year)
    numbers = Notice.objects.filter(township=township, number__startswith=prefix).values_list("number", flat=True)
    pattern = re.compile(re.escape(prefix) + r"(\d+)号")
    serials = [int(match.group(1)) for number in numbers if (match := pattern.fullmatch(number))]
    return f"{prefix}{max(serials, default=0) + 1:04d}号"


def notice_review_default() -> str:
    """The 复查 arrangement a notice proposes unless the issuer writes another."""
    return _("A review is organised within five working days after the rectification deadline.")


def notice_inspectors_default(hazard: Hazard) -> str:
    """Who inspected, as the notice names them: the finder, except a reported hazard's (§27: never on the paper)."""
    return "" if hazard.channel in REPORT_CHANNELS else hazard.found_by


def notice_current(hazard: Hazard) -> Notice | None:
    """The notice a new one replaces: the hazard's latest (each new notice replaces the one before, so the latest
    is never replaced already). Served or voided, as check_issue_notice refuses while one waits to be served."""
    return hazard.notices.order_by("-pk").first()


@dataclass(frozen=True)
class NoticeTerms:
    """What the issuer writes on a notice; None takes the hazard's value (the defaults the form shows)."""

    inspected_on: dt.date | None = None
    inspectors: str | None = None
    basis: str | None = None
    clause: str | None = None
    requirement: str | None = None
    deadline: dt.date | None = None
    review: str | None = None
    replace_reason: str = ""


def _pick(value: str | None, default: str) -> str:
    return default if value is None else value.strip()


@transaction.atomic
def notice_issue(*, hazard_id: int, actor: User, issued_on: dt.date, terms: NoticeTerms | None = None) -> Notice:
    """隐患整改通知书 to the enterprise's principal and actual controller (§18), kept as it was issued.

    1. Lock the hazard; the office or a handler issues it, for a registered hazard of an enterprise, while
       rectification is owed, and not while an earlier notice still waits to be served (a double click).
    2. Check the dates: inspection ≤ issue ≤ today, the deadline not before the issue; a notice that replaces an
       earlier one (served, or voided) says why.
    3. Lock the township row: it is the counter of the year's serial numbers, so two notices issued at the same
       moment get consecutive numbers instead of the same one.
    4. Store everything the notice prints (the snapshot), link the notice it replaces, record NOTICE_ISSUED.
    """
    terms = terms or NoticeTerms()
    hazard = _locked(hazard_id)
    _rights(actor, hazard).check_issue_notice()
    _not_in_future(issued_on, _("date of issue"))
    if issued_on < hazard.found_on:
        raise WorkflowError(_("A notice cannot be issued before the hazard was found."))
    inspected_on = terms.inspected_on or hazard.found_on
    if inspected_on > issued_on:
        raise WorkflowError(_("The inspection date cannot be after the date of issue."))
    deadline = terms.deadline if terms.deadline is not None else hazard.deadline
    if deadline is not None and deadline < issued_on:
        raise WorkflowError(_("The deadline cannot be before the date of issue."))
    previous = notice_current(hazard)
    reason = terms.replace_reason.strip()
    if previous is not None and not reason:
        raise WorkflowError(
            _("This notice replaces notice %(number)s: please give the reason.") % {"number": previous.number}
        )
    township = Township.objects.select_for_update().get(pk=hazard.township_id)
    # check_issue_notice refused a hazard without an enterprise.
    enterprise = Enterprise.objects.get(pk=cast(int, hazard.enterprise_id))
    notice = Notice(
        hazard=hazard,
        township=township,
        number=_next_notice_number(township, issued_on.year),
        issued_on=issued_on,
        issued_by=actor,
        principal_name=enterprise.principal_name,
        controller_name=enterprise.controller_name,
        township_name=township.name,
        issuer_name=safety_office_name(township),
        enterprise_name=enterprise.name,
        address=enterprise.address,
        location=hazard.location or enterprise.address,
        hazard_number=hazard.number,
        hazard_title=hazard.title,
        description=hazard.description,
        level=hazard.level,
        inspected_on=inspected_on,
        inspectors=_pick(terms.inspectors, notice_inspectors_default(hazard)),
        basis=_pick(terms.basis, hazard.basis),
        clause=_pick(terms.clause, hazard.clause),
        requirement=_pick(terms.requirement, hazard.measures),
        deadline=deadline,
        review=_pick(terms.review, notice_review_default()),
        replaces=previous,
        replace_reason=reason if previous is not None else "",
    )
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError as exc:  # a number taken outside this counter (e.g. by hand): never a duplicate
        raise WorkflowError(_("The notice number is already taken; please try again.")) from exc
    note = notice.number
    if previous is not None:
        note = _("%(number)s, replacing %(previous)s: %(reason)s") % {
            "number": notice.number,
            "previous": previous.number,
            "reason": reason,
        }
    _record(hazard, action=Action.NOTICE_ISSUED, actor=actor, note=note)
    return notice


@transaction.atomic
def notice_void(*, notice_id: int, actor: User, reason: str) -> Notice:
    """作废 an unserved notice (who, when, why), so that a corrected one can be issued; its number is not reused."""
    hazard_id = Notice.objects.values_list("hazard_id", flat=True).get(pk=notice_id)
    hazard = _locked(hazard_id)
    notice = Notice.objects.select_for_update().get(pk=notice_id)
    _rights(actor, hazard).check_void_notice(notice)
    notice.void_reason = _required(reason, _("reason for voiding"))
    notice.voided_at, notice.voided_by = timezone.now(), actor
    notice.save(update_fields=["void_reason", "voided_at", "voided_by"])
    note = _("%(number)s voided: %(reason)s") % {"number": notice.number, "reason": notice.void_reason}
    _record(hazard, action=Action.NOTICE_VOIDED, actor=actor, note=note)
    return notice


@dataclass(frozen=True)
class Service:
    """The 送达回证 as the server fills it in."""

    served_to: str
    served_at: dt.datetime
    place: str
    manner: str
    signed_by: str
    servers: str
    serving_unit: str = ""
    signer_relation: str = ""
    witness: str = ""
    remarks: str = ""


def _checked_service(service: Service, notice: Notice) -> dict[str, object]:
    """The fields of the receipt to store, or a WorkflowError saying what is missing or wrong."""
    if service.served_at > timezone.now():
        raise WorkflowError(_("The time of service cannot lie in the future."))
    if timezone.localdate(service.served_at) < notice.issued_on:
        raise WorkflowError(_("A notice cannot be served before it was issued."))
    if service.manner not in ServiceManner.values:
        raise WorkflowError(_("Please choose the manner of service."))
    served_to = _required(service.served_to, _("person served"))
    signed_by = _required(service.signed_by, _("signature"))
    relation = service.signer_relation.strip()
    witness = service.witness.strip()
    # 代收: someone else signed for the person served; the receipt says who they are to them.
    if signed_by != served_to and not relation:
        raise WorkflowError(_("Someone other than the person served signed: please give their relation (代收)."))
    if service.manner == ServiceManner.LEFT and not witness:
        raise WorkflowError(_("A notice left at the place (留置送达) needs a witness."))
    return {
        "serving_unit": service.serving_unit.strip() or notice.issuer_name,
        "served_to": served_to,
        # To the minute, as the form is filled in: seconds would only say when the button was pressed.
        "served_at": service.served_at.replace(second=0, microsecond=0),
        "served_place": _required(service.place, _("place of service")),
        "service_manner": service.manner,
        "signed_by": signed_by,
        "signer_relation": relation if signed_by != served_to else "",
        "witness": witness,
        "servers": _required(service.servers, _("server's signature")),
        "service_remarks": service.remarks.strip(),
    }


@transaction.atomic
def notice_record_service(*, notice_id: int, actor: User, service: Service) -> Notice:
    """送达回证: who was served, when, where, how, who signed; recorded once (the signed paper does not change)."""
    hazard_id = Notice.objects.values_list("hazard_id", flat=True).get(pk=notice_id)
    hazard = _locked(hazard_id)
    notice = Notice.objects.select_for_update().get(pk=notice_id)
    _rights(actor, hazard).check_record_notice_service(notice)
    fields = _checked_service(service, notice)
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.served_recorded_by = actor
    notice.save(update_fields=[*fields, "served_recorded_by"])
    note = _("%(number)s served to %(to)s, signed by %(by)s") % {
        "number": notice.number,
        "to": notice.served_to,
        "by": notice.signed_by,
    }
    _record(hazard, action=Action.NOTICE_SERVED, actor=actor, note=note)
    return notice
