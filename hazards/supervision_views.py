"""Pages of listing supervision, escalation, refusal to rectify, rectification notices and the enterprise's list.

Thin views: fetch through the scoping rule (404 for "missing" and "not yours" alike), a form, one service call,
a message and a redirect. A user without the right role for the object gets 404 on the write pages too, so
leadership (read-only) and people outside the scope never learn more than the read pages show them.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import local_today
from core.downloads import download_name
from core.errors import WorkflowError
from units.access import (
    current_township_id,
    get_enterprise_for_user,
    get_or_404,
    get_scope,
    office_township,
    townships_visible_to,
)
from units.models import Township, User

from . import supervision_services as services
from .access import (
    HazardRights,
    allowed,
    escalations_visible_to,
    get_hazard_for_handler,
    get_hazard_for_lister,
    get_hazard_for_office,
    get_listing_for_delister,
    get_notice_for_handler,
    get_refusal_for_handler,
    get_typical_fire_entry_for_office,
    hazards_visible_to,
    listings_visible_to,
    may_escalate_in,
    may_see_hazard_list,
    notices_visible_to,
    require_escalation_reader,
    typical_fire_entries_visible_to,
)
from .evidence import hazard_file_label
from .filters import OverdueFilter
from .models import (
    OPEN_STATUSES,
    RUNG_ORDER,
    Escalation,
    Hazard,
    HazardQuerySet,
    Listing,
    ListingLevel,
    Rung,
    ServiceManner,
    Status,
    next_rung,
)
from .models.supervision import listing_due_q
from .supervision_forms import (
    CountyListingFilterForm,
    DelistForm,
    EscalationContextForm,
    EscalationFilterForm,
    EscalationForm,
    ListingFilterForm,
    ListingForm,
    NoticeIssueForm,
    NoticeServiceForm,
    NoticeVoidForm,
    ReferralForm,
    RefusalForm,
    TypicalFireAddForm,
    TypicalFireRemoveForm,
)

PAGE_SIZE = 50
OVERDUE_PAGE_SIZE = 20
# The enterprise's list (清单制管理, §18) keeps a hazard until it is closed.
ENTERPRISE_LIST_STATUSES = (*OPEN_STATUSES, Status.VERIFIED)


# -- helpers ------------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# -- listing supervision (挂牌督办, §7, §17) -------------------------------------------------------------


@login_required
def list_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    """The listing form of the office, or of the county bureau (at county level, for its county)."""
    hazard = get_hazard_for_lister(request.user, pk)
    rights = HazardRights(get_scope(request.user), hazard)
    county_id = hazard.township.county_id if rights.lists_for_county else None
    levels = rights.listing_levels()
    form = ListingForm(request.POST or None, hazard=hazard, levels=levels, county_id=county_id, contact=_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(
                hazard_id=hazard.pk, actor=_user(request), terms=form.terms(), **form.listing_data()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The hazard is listed for supervision (%(doc)s).") % {"doc": listing})
            return redirect(hazard)
    context = {"hazard": hazard, "form": form, "for_county": county_id is not None}
    return render(request, "hazards/supervision/listing_form.html", context)


@login_required
@require_POST
def delist(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_listing_for_delister(request.user, pk)
    form = DelistForm(request.POST, request.FILES, listing=listing)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else str(error))
        return redirect(listing.hazard)
    try:
        services.listing_delist(
            listing_id=listing.pk,
            actor=_user(request),
            delisted_on=form.cleaned_data["delisted_on"],
            acceptance=form.acceptance(),
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The hazard was delisted (摘牌)."))
    return redirect(listing.hazard)


ACCEPTANCE_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@login_required
def listing_acceptance(request: HttpRequest, pk: int) -> FileResponse:
    """The listing authority's acceptance, to whoever sees the hazard; never from a public media URL."""
    listing = get_or_404(listings_visible_to(request.user).exclude(acceptance_file=""), pk=pk)
    try:
        handle = listing.acceptance_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = listing.acceptance_extension
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(hazard_file_label(listing.hazard_id), _("acceptance document"), extension=extension),
        content_type=ACCEPTANCE_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def listing_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The 挂牌督办通知 as it was issued: printed from the listing's snapshot only, so a reprint reads the same after
    the hazard or the enterprise changed."""
    listing = get_or_404(listings_visible_to(request.user).select_related("hazard"), pk=pk)
    return render(request, "hazards/supervision/listing_print.html", {"listing": listing, "hazard": listing.hazard})


@login_required
def listings(request: HttpRequest) -> HttpResponse:
    """Active listings (挂牌督办), optionally of one level; the typical fire hazards have their own yearly page."""
    qs = listings_visible_to(request.user).select_related(
        "hazard__village", "hazard__enterprise", "supervising_unit", "supervising_department", "listed_by_county"
    )
    form = ListingFilterForm(request.GET or None)
    valid = form.is_valid()
    level = form.cleaned_data["level"] if valid else ""
    if level:
        qs = qs.filter(level=level)
    due = form.cleaned_data["due"] if valid else ""
    if due:
        qs = qs.filter(listing_due_q(due, local_today()))
    qs = qs.filter(delisted_on__isnull=True).order_by("required_by", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "levels": ListingLevel.choices,
        "level": level,
        "due": due,
        "today": local_today(),
        "querystring": _querystring(request),
    }
    return render(request, "hazards/supervision/listing_list.html", context)


@login_required
def county_listings(request: HttpRequest) -> HttpResponse:
    """County-level listings across the townships the user reads, by the one rule: the county bureau's and
    departments' for all their county's townships, a township user's for its own. The county's own listings and
    those the township recorded from the county's paper (marked as such)."""
    if not may_see_hazard_list(get_scope(request.user)):
        raise Http404
    townships = townships_visible_to(request.user)
    form = CountyListingFilterForm(request.GET, townships=townships)
    form.is_valid()  # each valid filter applies; an invalid one is ignored, but for a township not the user's
    if "township" in form.errors:
        raise Http404
    qs = _filter_county_listings(
        listings_visible_to(request.user).filter(level=ListingLevel.COUNTY), form.cleaned_data, local_today()
    )
    qs = qs.select_related(
        "hazard__township", "hazard__village", "hazard__enterprise", "listed_by_county", "supervising_department"
    ).order_by("required_by", "pk")
    context = {
        "form": form,
        "page_obj": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "many_townships": townships.count() > 1,
        "today": local_today(),
        "querystring": _querystring(request),
    }
    return render(request, "hazards/supervision/county_listing_list.html", context)


def _filter_county_listings(qs: QuerySet[Listing], data: dict[str, Any], today: Any) -> QuerySet[Listing]:
    if data.get("township"):
        qs = qs.filter(hazard__township=data["township"])
    state = data.get("state") or CountyListingFilterForm.ACTIVE
    if state == CountyListingFilterForm.ACTIVE:
        qs = qs.filter(delisted_on__isnull=True)
    elif state == CountyListingFilterForm.DELISTED:
        qs = qs.filter(delisted_on__isnull=False)
    if data.get("overdue"):
        qs = qs.filter(delisted_on__isnull=True, required_by__lt=today)
    if text := (data.get("q") or "").strip():
        qs = qs.filter(
            Q(document_number__icontains=text)
            | Q(hazard__title__icontains=text)
            | Q(hazard__enterprise__name__icontains=text)
        )
    return qs


# -- the yearly list of typical fire hazards (一批典型火灾隐患, §7) -------------------------------------------


@login_required
def typical_fire_index(request: HttpRequest) -> HttpResponse:
    return redirect("hazards:typical_fire", year=local_today().year)


@login_required
def typical_fire(request: HttpRequest, year: int) -> HttpResponse:
    """One year's list, printable; every entry whose hazard the user sees."""
    if not services.FIRST_LIST_YEAR <= year <= local_today().year + 1:
        raise Http404
    visible = typical_fire_entries_visible_to(request.user)
    entries = list(
        visible.filter(year=year)
        .select_related("hazard__village", "hazard__enterprise", "hazard__lead_unit", "added_by")
        .order_by("hazard__village__code", "pk")
    )
    years = sorted({*visible.order_by().values_list("year", flat=True).distinct(), year}, reverse=True)
    scope = get_scope(request.user)
    removable = {e.pk for e in entries if allowed(HazardRights(scope, e.hazard).check_remove_typical_fire)}
    context = {
        "year": year,
        "years": years,
        "entries": entries,
        "today": local_today(),
        "removable": removable,
        "may_remove": bool(removable),
        "remove_form": TypicalFireRemoveForm(),
    }
    return render(request, "hazards/supervision/typical_fire_list.html", context)


@login_required
@require_POST
def typical_fire_add(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_office(request.user, pk)
    form = TypicalFireAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a valid year."))
        return redirect(hazard)
    try:
        entry = services.typical_fire_add(hazard_id=hazard.pk, actor=_user(request), **form.cleaned_data)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(hazard)
    messages.success(request, _("The hazard is on the typical fire hazards list of %(year)d.") % {"year": entry.year})
    return redirect("hazards:typical_fire", year=entry.year)


@login_required
@require_POST
def typical_fire_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_typical_fire_entry_for_office(request.user, pk)
    form = TypicalFireRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the reason for taking the hazard off the list."))
    else:
        try:
            services.typical_fire_remove(entry_id=entry.pk, actor=_user(request), reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The hazard was taken off the list."))
    return redirect("hazards:typical_fire", year=entry.year)


# -- overdue hazards and the escalation ladder (§18, 四(六)) --------------------------------------------


def _rung_rank() -> Case:
    return Case(*(When(rung=r, then=Value(i)) for i, r in enumerate(RUNG_ORDER)), output_field=IntegerField())


def overdue_hazards(user: Any) -> QuerySet[Hazard]:
    """Every overdue hazard the user sees, most overdue first, with the highest rung taken against it."""
    highest = (
        Escalation.objects.filter(hazard=OuterRef("pk"))
        .annotate(rank=_rung_rank())
        .order_by("-rank")
        .values("rung")[:1]
    )
    active_listing = Listing.objects.filter(hazard=OuterRef("pk"), delisted_on__isnull=True).values("level")[:1]
    return (
        cast(HazardQuerySet, hazards_visible_to(user))
        .overdue()
        .select_related("village", "enterprise", "lead_unit")
        .annotate(highest_rung=Subquery(highest), listing_level=Subquery(active_listing))
        .order_by("deadline", "pk")  # the earliest deadline is the most days overdue
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    # Twenty to a page: a phone shows each hazard as a card (issue 14). An invalid filter shows nothing.
    flt = OverdueFilter(request.GET or None, queryset=overdue_hazards(request.user), scope=scope)
    rows = flt.qs if not flt.is_bound or flt.is_valid() else flt.queryset.none()
    page = Paginator(rows, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_today()
    for hazard in page:
        hazard.overdue_days = hazard.days_overdue(today)  # type: ignore[attr-defined]
        reached = hazard.highest_rung  # type: ignore[attr-defined]
        hazard.reached_label = Rung(reached).label if reached else ""  # type: ignore[attr-defined]
        proposed = next_rung(reached)
        hazard.proposed_rung = proposed  # type: ignore[attr-defined]
        hazard.proposed_label = Rung(proposed).label if proposed else ""  # type: ignore[attr-defined]
        hazard.can_escalate = allowed(HazardRights(scope, hazard).check_escalate)  # type: ignore[attr-defined]
    # Reports past the township's time limit for confirmation have no deadline yet but are overdue all the same.
    unconfirmed = cast(HazardQuerySet, hazards_visible_to(request.user)).confirmation_overdue().count()
    context = {
        "filter": flt,
        "page_obj": page,
        "querystring": _querystring(request),
        "next": request.get_full_path(),
        "unconfirmed": unconfirmed,
    }
    return render(request, "hazards/supervision/overdue.html", context)


def _escalation_township(request: HttpRequest) -> tuple[Township, Hazard | None]:
    """The township the office acts in: the hazard's when one is named, else the current township (if it runs it)."""
    context = EscalationContextForm(request.GET)
    hazard_pk = context.cleaned_data["hazard"] if context.is_valid() else None
    if hazard_pk is not None:
        hazard = get_hazard_for_office(request.user, hazard_pk)
        return hazard.township, hazard
    return office_township(request), None


def _escalation_initial(request: HttpRequest, hazard: Hazard | None) -> dict[str, Any]:
    if hazard is None:
        return {}
    reached = services.highest_rung(Escalation.Target.HAZARD, hazard, local_today().year)
    context = EscalationContextForm(request.GET)
    context.is_valid()
    return {"rung": context.cleaned_data.get("rung") or next_rung(reached) or Rung.EXPOSURE}


@login_required
def escalation_create(request: HttpRequest) -> HttpResponse:
    township, hazard = _escalation_township(request)
    form = EscalationForm(
        request.POST or None,
        request.FILES or None,
        township_id=township.pk,
        hazards=hazards_visible_to(request.user),
        fixed_hazard=hazard,
        initial=_escalation_initial(request, hazard),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "upload"}
        try:
            escalation = services.escalation_create(
                actor=_user(request), township=township, attachment=form.checked_file, **data
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(measure)s recorded.") % {"measure": escalation})
            default = escalation.hazard.get_absolute_url() if escalation.hazard else reverse("hazards:escalations")
            return redirect(_safe_next(request, default))
    context = {"form": form, "hazard": hazard, "next": _safe_next(request, "")}
    return render(request, "hazards/supervision/escalation_form.html", context)


@login_required
def escalations(request: HttpRequest) -> HttpResponse:
    """Every measure of the township(s) the user reads (office and leadership)."""
    scope = get_scope(request.user)
    require_escalation_reader(scope)
    qs = escalations_visible_to(request.user).select_related("hazard", "enterprise", "village", "unit")
    filters = EscalationFilterForm(request.GET)
    filters.is_valid()  # each valid choice applies; one not offered is ignored
    rung, kind = filters.cleaned_data.get("rung") or "", filters.cleaned_data.get("target_kind") or ""
    if rung:
        qs = qs.filter(rung=rung)
    if kind:
        qs = qs.filter(target_kind=kind)
    narrowed = {k: filters.cleaned_data.get(k) for k in ("village", "unit", "taken_from", "taken_to")}
    lookups = {"village": "village_id", "unit": "unit_id", "taken_from": "taken_on__gte", "taken_to": "taken_on__lte"}
    for name, lookup in lookups.items():
        if narrowed[name]:
            qs = qs.filter(**{lookup: narrowed[name]})
    context = {
        "page_obj": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "rungs": Rung.choices,
        "kinds": Escalation.Target.choices,
        "rung": rung,
        "kind": kind,
        "narrowed": any(narrowed.values()),
        "can_add": may_escalate_in(scope, current_township_id(request)),
        "querystring": _querystring(request),
    }
    return render(request, "hazards/supervision/escalation_list.html", context)


@login_required
def escalation_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The signed document, only to the office and leadership of its township; never shown inline."""
    escalation = get_or_404(escalations_visible_to(request.user).exclude(attachment=""), pk=pk)
    try:
        handle = escalation.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = download_name(escalation.get_rung_display(), escalation.pk, extension=escalation.extension)
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=ACCEPTANCE_TYPES.get(escalation.extension)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- refusal to rectify (拒不整改, §16) ---------------------------------------------------------------------


@login_required
def refusal_create(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_handler(request.user, pk)
    form = RefusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refusal_record(hazard_id=hazard.pk, actor=_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The refusal to rectify was recorded."))
            return redirect(hazard)
    context = {"hazard": hazard, "form": form, "refusal": None}
    return render(request, "hazards/supervision/refusal_form.html", context)


@login_required
def refusal_update(request: HttpRequest, pk: int) -> HttpResponse:
    refusal = get_refusal_for_handler(request.user, pk)
    form = ReferralForm(request.POST or None, instance=refusal)
    if request.method == "POST" and form.is_valid():
        try:
            services.refusal_update(refusal_id=refusal.pk, actor=_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The refusal record was updated."))
            return redirect(refusal.hazard)
    context = {"hazard": refusal.hazard, "form": form, "refusal": refusal}
    return render(request, "hazards/supervision/refusal_form.html", context)


# -- rectification notice (隐患整改通知书) and 送达回证 (§18) ----------------------------------------------------


def _notice_issue_initial(hazard: Hazard) -> dict[str, Any]:
    """What the issue form proposes: the hazard's own values, today's date and the usual review arrangement."""
    return {
        "issued_on": local_today(),
        "inspected_on": hazard.found_on,
        "inspectors": services.notice_inspectors_default(hazard),
        "basis": hazard.basis,
        "clause": hazard.clause,
        "requirement": hazard.measures,
        "deadline": hazard.deadline,
        "review": services.notice_review_default(),
    }


@login_required
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the notice as it will be issued, from the hazard's values; POST: issue it (notice_issue)."""
    hazard = get_hazard_for_handler(request.user, pk)
    try:
        HazardRights(get_scope(request.user), hazard).check_issue_notice()
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(hazard)
    replaces = services.notice_current(hazard)
    form = NoticeIssueForm(request.POST or None, initial=_notice_issue_initial(hazard), replaces=replaces)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_issue(
                hazard_id=hazard.pk, actor=_user(request), issued_on=form.cleaned_data["issued_on"], terms=form.terms()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Rectification notice %(number)s issued.") % {"number": notice.number})
            return redirect(hazard)
    context = {"hazard": hazard, "form": form, "replaces": replaces}
    return render(request, "hazards/supervision/notice_issue.html", context)


@login_required
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice and its 送达回证 from the notice's own snapshot: a reprint is the paper that was issued."""
    notice = get_or_404(notices_visible_to(request.user).select_related("hazard", "replaces"), pk=pk)
    context = {"notice": notice, "hazard": notice.hazard, "manners": ServiceManner.choices}
    return render(request, "hazards/supervision/notice_print.html", context)


@login_required
def notice_void(request: HttpRequest, pk: int) -> HttpResponse:
    """作废 an unserved notice with a reason, so that a corrected one can be issued."""
    notice = get_notice_for_handler(request.user, pk)
    form = NoticeVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_void(notice_id=notice.pk, actor=_user(request), reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Notice %(number)s was voided.") % {"number": notice.number})
            return redirect(notice.hazard)
    context = {"notice": notice, "hazard": notice.hazard, "form": form}
    return render(request, "hazards/supervision/notice_void.html", context)


@login_required
def notice_service(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_handler(request.user, pk)
    if (notice.is_served or notice.is_voided) and request.method != "POST":
        if notice.is_voided:
            messages.info(request, _("Notice %(number)s was voided; it is not served.") % {"number": notice.number})
        else:
            messages.info(
                request, _("The service of notice %(number)s is already recorded.") % {"number": notice.number}
            )
        return redirect(notice.hazard)
    initial = {"serving_unit": notice.issuer_name, "served_to": notice.principal_name}
    form = NoticeServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_record_service(notice_id=notice.pk, actor=_user(request), service=form.service())
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The service of notice %(number)s was recorded.") % {"number": notice.number})
            return redirect(notice.hazard)
    context = {"notice": notice, "hazard": notice.hazard, "form": form}
    return render(request, "hazards/supervision/notice_service.html", context)


# -- the enterprise's hazard list (清单, §18) ---------------------------------------------------------------


@login_required
def enterprise_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything not yet closed for one enterprise, as the user may see it (an enterprise: from registration)."""
    enterprise = get_enterprise_for_user(request.user, pk)
    active_listing = Listing.objects.filter(hazard=OuterRef("pk"), delisted_on__isnull=True)
    hazards = list(
        hazards_visible_to(request.user)
        .filter(enterprise=enterprise, status__in=ENTERPRISE_LIST_STATUSES)
        .annotate(
            listing_level=Subquery(active_listing.values("level")[:1]),
            listing_document=Subquery(active_listing.values("document_number")[:1]),
        )
        .order_by("deadline", "found_on", "pk")
    )
    today = local_today()
    for hazard in hazards:
        hazard.overdue_days = hazard.days_overdue(today)  # type: ignore[attr-defined]
        level = hazard.listing_level  # type: ignore[attr-defined]
        hazard.listing_label = ListingLevel(level).label if level else ""  # type: ignore[attr-defined]
    context = {"enterprise": enterprise, "hazards": hazards, "today": today}
    return render(request, "hazards/supervision/enterprise_list.html", context)
