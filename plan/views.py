"""The plan's pages (/plan/): the measures tree with their status, a measure and its tasks, a task and its quarterly
reports, the review of a report, the targets, and the county's Excel export (SPEC S9). Thin: every write is a
service call; every object is fetched through plan.access (out of scope is 404)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import local_today, quarter_bounds
from core.downloads import download_name
from core.errors import WorkflowError
from core.spreadsheets.views import xlsx_response
from units.access import current_township_id, current_user, get_or_404, get_scope
from units.models import Township

from . import access, services
from .exports import plan_workbook
from .forms import (
    MeasureForm,
    PerVillageForm,
    PlanChoiceForm,
    ReportFilterForm,
    ReportForm,
    ResubmitForm,
    ReturnForm,
    ReviewForm,
    TargetEntryForm,
    TaskEditForm,
    TaskFilterForm,
    TaskForm,
)
from .models import REPORT_TRANSITIONS, Action, Measure, Plan, ProgressReport, Task
from .phases import current_phase
from .progress import (
    REPORT_GRACE_DAYS,
    STATUS_DEFINITIONS,
    MeasureStatus,
    TaskProgress,
    late_task_ids,
    measure_status,
    open_quarter,
    report_due,
    reporting_quarters,
    task_progress,
    to_report_ids,
)
from .targets import target_rows

T = "plan/"
PAGE_SIZE = 25


def _page(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> tuple[Page[Any], str]:
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, size).get_page(request.GET.get("page")), params.urlencode()


def _township_id(request: HttpRequest) -> int:
    """The township the user acts in; a user with none has no plan pages."""
    township_id = current_township_id(request)
    if township_id is None:
        raise Http404
    return township_id


def _cleaned(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


def _current_plan(request: HttpRequest) -> tuple[Plan | None, PlanChoiceForm]:
    """The plan shown: the one chosen (?plan=) among the current township's, else its latest."""
    user = current_user(request)
    plans = access.plans_visible_to(user).filter(township_id=_township_id(request))
    form = PlanChoiceForm(request.GET or None, plans=plans)
    chosen = _cleaned(form).get("plan")
    return chosen or plans.first(), form


def _with_tasks(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related("village", "unit", "measure").order_by("deadline", "pk")


def _measure_statuses(progress: list[TaskProgress]) -> dict[int, list[TaskProgress]]:
    by_measure: dict[int, list[TaskProgress]] = defaultdict(list)
    for row in progress:
        by_measure[row.task.measure_id].append(row)
    return by_measure


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The measures as a tree under their actions, each with its status; the targets; the phase."""
    user = current_user(request)
    scope = get_scope(user)
    if not access.may_read_plan(scope):
        raise Http404
    plan, form = _current_plan(request)
    today = local_today()
    context: dict[str, Any] = {"plan": plan, "form": form, "phase": current_phase(today), "today": today}
    if plan is not None:
        measures = Measure.objects.filter(plan=plan).select_related("lead_unit").prefetch_related("participating_units")
        actions = Action.objects.filter(plan=plan).prefetch_related(Prefetch("measures", queryset=measures))
        progress = _measure_statuses(task_progress(_with_tasks(Task.objects.filter(measure__plan=plan)), today))
        tree = []
        counts: Counter[str] = Counter()
        for action in actions:
            rows = []
            for measure in action.measures.all():
                status = measure_status(progress.get(measure.pk, []))
                counts[status] += 1
                rows.append({"measure": measure, "status": status, "tasks": progress.get(measure.pk, [])})
            tree.append({"action": action, "measures": rows})
        context |= {
            "tree": tree,
            "counts": [(s, MeasureStatus(s).label, counts[s]) for s in MeasureStatus.values],
            "definitions": STATUS_DEFINITIONS,
            "targets": target_rows(plan.targets.select_related("plan", "measure"), today),
            "manages": access.manages(scope, plan.township_id),
        }
    return render(request, T + "overview.html", context)


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    measure = access.get_measure_for_user(user, pk)
    tasks = access.tasks_visible_to(user).filter(measure=measure)
    progress = task_progress(_with_tasks(tasks), local_today())
    context = {
        "measure": measure,
        "participants": measure.participating_units.all(),
        "progress": progress,
        "status": measure_status(progress),
        "definitions": STATUS_DEFINITIONS,
        "manages": access.manages(scope, measure.plan.township_id),
        "reads_plan": access.may_read_plan(scope),
    }
    return render(request, T + "measure_detail.html", context)


def _office_measure(request: HttpRequest, pk: int) -> Measure:
    measure = access.get_measure_for_user(request.user, pk)
    if not access.manages(get_scope(request.user), measure.plan.township_id):
        raise Http404
    return measure


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _office_measure(request, pk)
    initial = {
        "heading": measure.heading,
        "text": measure.text,
        "lead_unit": measure.lead_unit,
        "participating_units": list(measure.participating_units.all()),
    }
    form = MeasureForm(request.POST or None, initial=initial, township_id=measure.plan.township_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(measure=measure, actor=current_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The measure was saved."))
            return redirect(measure)
    return render(request, T + "measure_form.html", {"form": form, "measure": measure})


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _office_measure(request, pk)
    form = TaskForm(request.POST or None, township_id=measure.plan.township_id)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(measure=measure, actor=current_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The task was created."))
            return redirect(task)
    return render(request, T + "task_form.html", {"form": form, "measure": measure, "per_village": False})


@login_required
def tasks_per_village(request: HttpRequest, pk: int) -> HttpResponse:
    """One task for every village of the township, with the same words and dates."""
    measure = _office_measure(request, pk)
    form = PerVillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.tasks_per_village(measure=measure, actor=current_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(n)d tasks were created, one per village.") % {"n": len(created)})
            return redirect(measure)
    return render(request, T + "task_form.html", {"form": form, "measure": measure, "per_village": True})


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """The tasks in the user's scope: the office's all, a village's or unit's own."""
    user = current_user(request)
    scope = get_scope(user)
    if not access.may_see_tasks(scope):
        raise Http404
    tasks = access.tasks_visible_to(user).filter(township_id=_township_id(request))
    measures = access.measures_visible_to(user).filter(plan__township_id=_township_id(request))
    form = TaskFilterForm(
        request.GET or None, measures=measures.order_by("plan", "number"), township_ids=[_township_id(request)]
    )
    data = _cleaned(form)
    state = data.get("state", "")
    if state == "":
        tasks = tasks.filter(state=Task.State.ACTIVE)
    elif state == "done":
        tasks = tasks.filter(state=Task.State.DONE)
    if data.get("late"):
        tasks = tasks.filter(pk__in=late_task_ids(tasks, local_today()))
    if data.get("to_report"):
        tasks = tasks.filter(pk__in=to_report_ids(tasks, local_today()))
    if data.get("measure"):
        tasks = tasks.filter(measure=data["measure"])
    narrowing = {"village": "village", "unit": "unit", "deadline_from": "deadline__gte", "deadline_to": "deadline__lte"}
    for name, lookup in narrowing.items():
        if data.get(name):
            tasks = tasks.filter(**{lookup: data[name]})
    if data.get("q"):
        q = data["q"]
        tasks = tasks.filter(Q(title__icontains=q) | Q(village__name__icontains=q) | Q(unit__name__icontains=q))
    page, querystring = _page(request, _with_tasks(tasks))
    progress = {p.task.pk: p for p in task_progress(Task.objects.filter(pk__in=[t.pk for t in page]), local_today())}
    rows = [(task, progress[task.pk]) for task in page]
    context = {"form": form, "page_obj": page, "rows": rows, "querystring": querystring}
    return render(request, T + "task_list.html", context)


def _report_form(task: Task, filed: set[tuple[int, int]], data: Any = None, files: Any = None) -> ReportForm | None:
    """The report form of the quarters that have begun and have no report yet; None when nothing is to be filed."""
    today = local_today()
    if task.state != Task.State.ACTIVE:
        return None
    quarters = [q for q in reporting_quarters(task) if quarter_bounds(*q)[0] <= today and q not in filed]
    if not quarters:
        return None
    first = open_quarter(task, filed, today)
    initial = {"quarter": f"{first[0]}-{first[1]}"} if first else None
    return ReportForm(data, files, quarters=quarters, initial=initial)


def _task_page(request: HttpRequest, task: Task, form: ReportForm | None = None) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    today = local_today()
    progress = task_progress(Task.objects.filter(pk=task.pk), today)[0]
    reports = task.reports.select_related("submitted_by", "reviewed_by").prefetch_related("attachments")
    may_file = access.may_file_report(user, task)
    if form is None and may_file:
        form = _report_form(task, progress.filed)
    context = {
        "task": task,
        "progress": progress,
        "reports": reports,
        "form": form if may_file else None,
        "manages": access.manages(scope, task.township_id),
        "due_days": REPORT_GRACE_DAYS,
        "quarters": [(q, report_due(*q), q in progress.filed) for q in reporting_quarters(task)],
        "today": today,
    }
    return render(request, T + "task_detail.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, access.get_task_for_user(request.user, pk))


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for_user(request.user, pk)
    if not access.manages(get_scope(request.user), task.township_id):
        raise Http404
    initial = {f: getattr(task, f) for f in ("title", "description", "starts_on", "deadline")}
    form = TaskEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(task=task, actor=current_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The task was saved."))
            return redirect(task)
    return render(request, T + "task_edit.html", {"form": form, "task": task})


@login_required
@require_POST
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The village or unit files the quarterly report on its task."""
    user = current_user(request)
    task = access.get_task_for_user(user, pk)
    if not access.may_file_report(user, task):
        raise Http404
    filed = set(task.reports.values_list("year", "quarter"))
    form = _report_form(task, filed, request.POST, request.FILES)
    if form is None:
        messages.error(request, _("No quarter waits for a report on this task."))
        return redirect(task)
    if not form.is_valid():
        return _task_page(request, task, form)
    data = form.cleaned_data
    year, quarter = data["quarter"]
    try:
        services.report_submit(
            task_id=task.pk,
            actor=user,
            year=year,
            quarter=quarter,
            work_done=data["work_done"],
            figures=data["figures"],
            is_final=data["is_final"],
            files=data["photos"],
        )
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _task_page(request, task, form)
    messages.success(request, _("The report was sent to the safety office."))
    return redirect(task)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not access.may_see_tasks(get_scope(user)):
        raise Http404
    form = ReportFilterForm(request.GET or None)
    reports = access.reports_visible_to(user).filter(task__township_id=_township_id(request))
    state = _cleaned(form).get("state")
    if state:
        reports = reports.filter(state=state)
    reports = reports.select_related("task__measure", "task__village", "task__unit", "submitted_by")
    page, querystring = _page(request, reports.order_by("-submitted_at", "-pk"))
    return render(request, T + "report_list.html", {"form": form, "page_obj": page, "querystring": querystring})


STEP_FORMS: dict[str, type[ResubmitForm | ReviewForm | ReturnForm]] = {
    "accept": ReviewForm,
    "return": ReturnForm,
    "resubmit": ResubmitForm,
}


def _step_form(step: str, report: ProgressReport, data: Any = None, files: Any = None) -> Any:
    initial: dict[str, Any] = {"expected": report.state}
    if step == "resubmit":
        initial |= {"work_done": report.work_done, "figures": report.figures, "is_final": report.is_final}
    return STEP_FORMS[step](data, files, initial=initial, auto_id=f"id_{step}_%s")


def _report_page(request: HttpRequest, report: ProgressReport, refused: tuple[str, Any] | None = None) -> HttpResponse:
    forms = {step: _step_form(step, report) for step in STEP_FORMS}
    if refused is not None:
        forms[refused[0]] = refused[1]
    context = {
        "report": report,
        "task": report.task,
        "actions": access.report_actions(current_user(request), report),
        "forms": forms,
        "events": report.events.select_related("actor"),
        "attachments": report.attachments.all(),
        "due": report_due(report.year, report.quarter),
    }
    return render(request, T + "report_detail.html", context)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, access.get_report_for_user(request.user, pk))


def _report_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Accept, return or resend: 404 unless the step is ever the user's; the service checks the state under lock."""
    user = current_user(request)
    report = access.get_report_for_user(user, pk)
    if not access.report_actions(user, report).holds_role_for(step):
        raise Http404
    form = _step_form(step, report, request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, report, refused=(step, form))
    data = form.cleaned_data
    expected = data["expected"] or None
    try:
        if step == "accept":
            services.report_accept(report_id=report.pk, actor=user, note=data["note"], expected_state=expected)
        elif step == "return":
            services.report_return(report_id=report.pk, actor=user, note=data["note"], expected_state=expected)
        else:
            services.report_resubmit(
                report_id=report.pk,
                actor=user,
                work_done=data["work_done"],
                figures=data["figures"],
                is_final=data["is_final"],
                files=data["photos"],
                expected_state=expected,
            )
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": REPORT_TRANSITIONS[step].label})
    return redirect(report)


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(request, pk, "accept")


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(request, pk, "return")


@login_required
@require_POST
def report_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(request, pk, "resubmit")


@login_required
def attachment_file(request: HttpRequest, token: str) -> FileResponse:
    """Attachments are served only to who may see the report; never from a public media URL."""
    attachment = get_or_404(access.attachments_visible_to(request.user).select_related("report"), token=token)
    report = attachment.report
    n = report.attachments.filter(pk__lte=attachment.pk).count()
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=download_name(
            f"任务{report.task_id}", f"{report.year}Q{report.quarter}", n, extension=attachment.extension
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A target, its figure and where it comes from; the office's typed figures with their history."""
    user = current_user(request)
    target = access.get_target_for_user(user, pk)
    manages = access.manages(get_scope(user), target.plan.township_id) and not target.is_computed
    form = TargetEntryForm(request.POST or None, initial={"as_of": local_today()}) if manages else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.target_enter(target=target, actor=user, **form.cleaned_data)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The figure was recorded."))
                return redirect(target)
    context = {
        "target": target,
        "row_list": target_rows([target], local_today()),
        "entries": target.entries.select_related("entered_by"),
        "form": form,
    }
    return render(request, T + "target_detail.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The whole progress of the plan as an Excel workbook for the county: measures, tasks, targets."""
    user = current_user(request)
    if not access.may_read_plan(get_scope(user)):
        raise Http404
    plan, _form = _current_plan(request)
    if plan is None:
        raise Http404
    township = Township.objects.get(pk=plan.township_id)
    content = plan_workbook(plan, township=township, filler=user, today=local_today())
    return xlsx_response(content, f"三年行动进展-{township.name}-{local_today():%Y-%m-%d}.xlsx")
