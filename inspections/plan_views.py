"""Pages of plans and obligations: the quarter board (§1), handed-over problems and referrals, enterprise
self-inspections (§4), places at risk (§13) and the inspection histories of villages, units, enterprises and groups.

Thin views: fetch through the scoping rule (404 for "missing" and "not yours" alike), a form, one service call,
a message and a redirect. Someone who sees an object but may not act on it gets 404 on the write pages too.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import F, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import dates
from core.dates import local_today
from core.errors import WorkflowError
from units.access import (
    current_user,
    enterprises_visible_to,
    get_enterprise_for_user,
    get_or_404,
    get_scope,
    office_township,
    townships_visible_to,
)
from units.forms import chosen_township
from units.models import User
from units.selectors import master_record_history

from . import access, plans
from .access import get_inspection_for_user, inspections_visible_to
from .models import PROBLEM_TRANSITIONS, Inspection, PlaceAtRisk, SupervisionVisit, WorkProblem
from .plan_forms import (
    PlaceFilterForm,
    PlaceForm,
    ProblemFilterForm,
    ProblemForm,
    QuarterForm,
    ReferralForm,
    ReplyForm,
    ReturnForm,
    ReviewForm,
    SelfInspectionFilterForm,
)
from .services import inspection_actions

PAGE_SIZE = 30
T = "inspections/plans/"


def _page(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> tuple[Page[Any], str]:
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, size).get_page(request.GET.get("page")), params.urlencode()


def _cleaned(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


def _newest_first(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    related = ("enterprise", "place", "unit", "village", "group")
    return qs.select_related(*related).order_by(F("done_on").desc(nulls_last=True), "-planned_on", "-pk")


# -- the quarter board (§1) -------------------------------------------------------------------------------------


def _shift(year: int, quarter: int, by: int) -> dict[str, int]:
    year, quarter = plans.quarter_shift(year, quarter, by)
    return {"year": year, "quarter": quarter}


@login_required
def quarter_board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    record_ids = set(access.groups_visible_to(user).values_list("pk", flat=True))
    if not (scope.all_townships or scope.village_ids or scope.unit_ids or record_ids):
        raise Http404
    form = QuarterForm(request.GET or None)
    year, quarter = form.period()
    # The county's users narrow the board to one of their townships (its dashboard links each township's here).
    township = chosen_township(request.GET, townships_visible_to(user))
    todo = form.only_todo()
    boards = plans.quarter_board(user, year=year, quarter=quarter, township=township, todo=todo)
    context = {
        "form": form if form.is_bound else QuarterForm(initial={"year": year, "quarter": quarter}),
        "boards": boards,
        "year": year,
        "quarter": quarter,
        "label": dates.quarter_label(year, quarter),
        "done": sum(b.done for b in boards),
        "total": sum(b.total for b in boards),
        "previous": _shift(year, quarter, -1),
        "next": _shift(year, quarter, 1),
        "may_plan": scope.is_office,
        "township": township,
        "todo": todo,
        "record_ids": record_ids,  # the groups whose record page the user may open
    }
    return render(request, T + "quarter_board.html", context)


@login_required
@require_POST
def quarter_plan_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    township = office_township(request)
    form = QuarterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year and a quarter."))
        return redirect("inspections:quarter_board")
    year, quarter = form.period()
    try:
        created = plans.quarter_plan_create(township=township, year=year, quarter=quarter, actor=user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        label = dates.quarter_label(year, quarter)
        if created:
            text = ngettext(
                "%(n)d visit was planned for %(quarter)s.", "%(n)d visits were planned for %(quarter)s.", created
            )
            messages.success(request, text % {"n": created, "quarter": label})
        else:
            messages.info(request, _("The plan for %(quarter)s was already complete.") % {"quarter": label})
    return redirect(f"{reverse('inspections:quarter_board')}?year={year}&quarter={quarter}")


# -- handed-over work problems (交办单) and referrals ----------------------------------------------------------------


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    if not scope.roles and not access.groups_visible_to(user).exists():
        raise Http404
    form = ProblemFilterForm(request.GET or None, scope=scope)
    data = _cleaned(form)
    qs = access.problems_visible_to(user).select_related("village", "unit", "inspection__group")
    state = data.get("state", "")
    if state == "":
        qs = qs.exclude(state=WorkProblem.State.ACCEPTED)
    elif state != "all":
        qs = qs.filter(state=state)
    if data.get("overdue"):
        qs = qs.filter(plans.problems_overdue_q())
    for name in ("village", "unit"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    page, querystring = _page(request, qs.order_by("deadline", "pk"))
    context = {"form": form, "page_obj": page, "querystring": querystring, "today": local_today()}
    return render(request, T + "problem_list.html", context)


STEP_FORMS: dict[str, type[ReplyForm | ReviewForm | ReturnForm]] = {
    "reply": ReplyForm,
    "accept": ReviewForm,
    "return": ReturnForm,
}


def _step_form(step: str, data: Any = None, problem: WorkProblem | None = None) -> ReplyForm | ReviewForm | ReturnForm:
    # One page holds the forms of several steps: the ids differ, the posted names stay "reply", "note", "expected".
    initial = {"expected": problem.state} if problem is not None else None
    return STEP_FORMS[step](data, initial=initial, auto_id=f"id_{step}_%s")


def _problem_page(request: HttpRequest, problem: WorkProblem, refused: tuple[str, Any] | None = None) -> HttpResponse:
    """The problem, its timeline and a form for each step the user may take now (`refused`: one sent back)."""
    forms = {step: _step_form(step, problem=problem) for step in STEP_FORMS}
    if refused is not None:
        forms[refused[0]] = refused[1]
    context = {
        "problem": problem,
        "actions": plans.problem_actions(current_user(request), problem),
        "forms": forms,
        "is_overdue": WorkProblem.objects.filter(plans.problems_overdue_q(), pk=problem.pk).exists(),
        "events": problem.events.select_related("actor"),
        "history": master_record_history(problem),
    }
    return render(request, T + "problem_detail.html", context)


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _problem_page(request, access.get_problem_for_user(request.user, pk))


@login_required
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = get_inspection_for_user(user, pk)
    if not inspection_actions(user, inspection).hand_over:
        raise Http404
    form = ProblemForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.problem_create(
                inspection=inspection,
                actor=user,
                description=data["description"],
                village=data["village"],
                unit=data["unit"],
                deadline=data["deadline"],
                required_reply=data["required_reply"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The problem was handed over."))
            return redirect(inspection)
    return render(request, T + "problem_form.html", {"form": form, "inspection": inspection})


def _problem_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Reply, accept or return: 404 unless the step is ever the user's; the service checks the state under lock."""
    user = current_user(request)
    problem = access.get_problem_for_user(user, pk)
    actions = plans.problem_actions(user, problem)
    if not actions.holds_role_for(step):
        raise Http404
    form = _step_form(step, request.POST)
    if not form.is_valid():
        return _problem_page(request, problem, refused=(step, form))
    data = form.cleaned_data
    expected = data["expected"] or None
    try:
        if step == "reply":
            plans.problem_reply(problem_id=problem.pk, actor=user, reply=data["reply"], expected_status=expected)
        elif step == "accept":
            plans.problem_accept(problem_id=problem.pk, actor=user, note=data["note"], expected_status=expected)
        else:
            plans.problem_return(problem_id=problem.pk, actor=user, note=data["note"], expected_status=expected)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": PROBLEM_TRANSITIONS[step].label})
    return redirect(problem)


@login_required
@require_POST
def problem_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _problem_step(request, pk, "reply")


@login_required
@require_POST
def problem_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _problem_step(request, pk, "accept")


@login_required
@require_POST
def problem_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _problem_step(request, pk, "return")


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not get_scope(user).all_townships and not access.groups_visible_to(user).exists():
        raise Http404
    qs = access.referrals_visible_to(user).select_related(
        "inspection__village", "inspection__unit", "inspection__group", "referred_by"
    )
    page, querystring = _page(request, qs.order_by("-referred_on", "-pk"))
    return render(request, T + "referral_list.html", {"page_obj": page, "querystring": querystring})


@login_required
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = get_inspection_for_user(user, pk)
    if not inspection_actions(user, inspection).refer:
        raise Http404
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plans.referral_create(inspection=inspection, actor=user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The referral to the discipline office was recorded."))
            return redirect(inspection)
    return render(request, T + "referral_form.html", {"form": form, "inspection": inspection})


# -- enterprise self-inspections (§4) -------------------------------------------------------------------------


def _self_inspection_rows(request: HttpRequest, user: User) -> dict[str, Any]:
    scope = get_scope(user)
    form = SelfInspectionFilterForm(request.GET or None, scope=scope)
    data = _cleaned(form)
    qs = enterprises_visible_to(user).filter(is_active=True)
    if data.get("q"):
        qs = qs.filter(Q(name__icontains=data["q"]) | Q(credit_code__icontains=data["q"]))
    if data.get("village"):
        qs = qs.filter(village=data["village"])
    qs = plans.with_self_inspection_state(qs).select_related("village", "primary_sector")
    if data.get("state"):
        qs = qs.filter(Q(si_state=data["state"]))  # an annotation: Q keeps the type checker out
    if data.get("high_risk"):
        qs = qs.filter(Q(si_monthly=data["high_risk"] == "1"))
    page, querystring = _page(request, qs.order_by("name", "pk"))
    rows = [(e, plans.status_from_annotations(e)) for e in page]
    return {"form": form, "page_obj": page, "querystring": querystring, "rows": rows}


@login_required
def self_inspections(request: HttpRequest) -> HttpResponse:
    """Readers: the enterprises in their scope with this period's state; an enterprise contact: its own."""
    user = current_user(request)
    scope = get_scope(user)
    reads = bool(scope.all_townships or scope.village_ids or scope.unit_ids or scope.sector_ids)
    if not reads and not scope.enterprise_ids:
        raise Http404
    context: dict[str, Any] = {"reads": reads}
    if scope.enterprise_ids:
        own = access.own_enterprises(user).filter(is_active=True).order_by("name")
        context["own"] = [(e, plans.status_from_annotations(e)) for e in plans.with_self_inspection_state(own)]
    if reads:
        context.update(_self_inspection_rows(request, user))
    return render(request, T + "self_inspections.html", context)


@login_required
@require_POST
def self_inspection_file(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    enterprise = get_enterprise_for_user(user, pk)
    if enterprise.pk not in get_scope(user).enterprise_ids:
        raise Http404
    try:
        inspection = plans.self_inspection_start(enterprise=enterprise, actor=user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("inspections:self_inspections")
    return redirect("inspections:fill", inspection.pk)


# -- places at risk (§13) ----------------------------------------------------------------------------------------


def _place_for(request: HttpRequest, pk: int, *, manage: bool = False) -> PlaceAtRisk:
    place = get_or_404(access.places_visible_to(request.user).select_related("village", "township"), pk=pk)
    if manage and not access.may_manage_places_of(request.user, place.village):
        raise Http404
    return place


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    if not access.may_see_places(user):
        raise Http404
    form = PlaceFilterForm(request.GET or None, scope=scope)
    data = _cleaned(form)
    qs = access.places_visible_to(user).select_related("village")
    status = data.get("status", "")
    if status != "all":
        qs = qs.filter(is_active=status != "inactive")
    if data.get("village"):
        qs = qs.filter(village=data["village"])
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("q"):
        term = data["q"]
        qs = qs.filter(Q(name__icontains=term) | Q(address__icontains=term) | Q(grid__icontains=term))
    qs = qs.annotate(last_patrol=Max("inspections__done_on", filter=Q(inspections__status="submitted")))
    page, querystring = _page(request, qs.order_by("village__code", "kind", "name", "pk"))
    context = {
        "form": form,
        "page_obj": page,
        "querystring": querystring,
        "may_create": access.may_register_places(user),
    }
    return render(request, T + "place_list.html", context)


@login_required
def place_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    if not access.may_register_places(user):
        raise Http404
    form = PlaceForm(request.POST or None, scope=scope)
    villages = form.fields["village"].queryset  # type: ignore[attr-defined]
    if not form.is_bound and len(villages) == 1:
        form.initial["village"] = villages[0].pk
    if request.method == "POST" and form.is_valid():
        try:
            place = plans.place_create(actor=user, fields=form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The place “%(name)s” was registered.") % {"name": place.name})
            return redirect(place)
    return render(request, T + "place_form.html", {"form": form, "place": None})


@login_required
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    place = _place_for(request, pk, manage=True)
    form = PlaceForm(request.POST or None, instance=place, scope=get_scope(user))
    if request.method == "POST" and form.is_valid():
        try:
            plans.place_update(place_id=place.pk, actor=user, fields=form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes to “%(name)s” were saved.") % {"name": form.cleaned_data["name"]})
            return redirect(place)
    return render(request, T + "place_form.html", {"form": form, "place": place})


@login_required
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    place = _place_for(request, pk)
    patrols = _newest_first(inspections_visible_to(user).filter(place=place))
    context = {
        "place": place,
        "patrols": patrols,
        "may_manage": access.may_manage_places_of(user, place.village),
        "history": master_record_history(place),
    }
    return render(request, T + "place_detail.html", context)


@login_required
@require_POST
def place_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    place = _place_for(request, pk, manage=True)
    active = request.POST.get("active") == "1"
    plans.place_set_active(place_id=place.pk, actor=user, active=active)
    if active:
        messages.success(request, _("“%(name)s” is active again.") % {"name": place.name})
    else:
        messages.success(request, _("“%(name)s” was deactivated; its patrols are kept.") % {"name": place.name})
    return redirect(place)


@login_required
@require_POST
def place_patrol(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    place = _place_for(request, pk, manage=True)
    try:
        inspection = plans.place_patrol_start(place_id=place.pk, actor=user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(place)
    return redirect("inspections:fill", inspection.pk)


# -- inspection histories of a village, a unit, an enterprise; a supervision group's record ------------------------


def _history(request: HttpRequest, subject: Any, kind: str, inspections: QuerySet[Inspection], **extra: Any) -> Any:
    page, querystring = _page(request, _newest_first(inspections))
    context = {"subject": subject, "kind": kind, "page_obj": page, "querystring": querystring, **extra}
    return render(request, T + "history.html", context)


@login_required
def village_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    village = get_or_404(access.villages_visible_to(user), pk=pk)
    problems = access.problems_visible_to(user).filter(village=village).order_by("state", "deadline", "pk")
    return _history(
        request, village, "village", inspections_visible_to(user).filter(village=village), problems=problems
    )


@login_required
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    unit = get_or_404(access.units_visible_to(user), pk=pk)
    problems = access.problems_visible_to(user).filter(unit=unit).order_by("state", "deadline", "pk")
    return _history(request, unit, "unit", inspections_visible_to(user).filter(unit=unit), problems=problems)


@login_required
def enterprise_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    enterprise = get_enterprise_for_user(user, pk)
    inspections = inspections_visible_to(user).filter(enterprise=enterprise)
    status = plans.self_inspection_status(enterprise)
    return _history(request, enterprise, "enterprise", inspections, status=status)


@login_required
def group_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervision group's record: its visits quarter by quarter, the problems it handed over, its referrals."""
    user = current_user(request)
    group = get_or_404(access.groups_visible_to(user).select_related("leader"), pk=pk)
    visits = (
        SupervisionVisit.objects.filter(group=group)
        .select_related("village", "unit", "inspection")
        .order_by("-year", "-quarter", "pk")
    )
    quarters = []
    for (year, quarter), items in groupby(visits, key=lambda v: (v.year, v.quarter)):
        rows = sorted(items, key=plans.visit_order)
        quarters.append(
            {"label": dates.quarter_label(year, quarter), "visits": rows, "done": sum(v.is_done for v in rows)}
        )
    context = {
        "group": group,
        "quarters": quarters,
        "other_inspections": _newest_first(inspections_visible_to(user).filter(group=group, visit__isnull=True)),
        "problems": access.problems_visible_to(user)
        .filter(inspection__group=group)
        .select_related("village", "unit")
        .order_by("state", "deadline", "pk"),
        "referrals": access.referrals_visible_to(user).filter(inspection__group=group).select_related("inspection"),
        "today": local_today(),
    }
    return render(request, T + "group_record.html", context)
