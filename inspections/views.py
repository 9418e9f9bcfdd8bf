"""Inspection pages: the list, planning, the phone page that saves each answer as it goes, submitting, cancelling,
findings. What a user may do on an inspection comes from services.inspection_actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import local_today
from core.downloads import download_name
from core.errors import WorkflowError
from core.spreadsheets.views import xlsx_response
from hazards.models import Hazard
from units.access import current_township, current_user, get_or_404, get_scope

from . import services
from .access import get_inspection_for_user, inspections_visible_to, may_plan_inspections
from .exports import inspections_workbook
from .forms import (
    ANSWER_MAX_BYTES,
    AnswerForm,
    CancelForm,
    FindingForm,
    InspectionFilterForm,
    PhotoForm,
    SubmitForm,
    read_json_object,
)
from .models import InspectionAnswer, InspectionPhoto

PAGE_SIZE = 30


def _filtered(request: HttpRequest) -> tuple[InspectionFilterForm, Any]:
    scope = get_scope(request.user)
    if not scope.roles:
        raise Http404
    form = InspectionFilterForm(request.GET or None, scope=scope)
    qs = inspections_visible_to(request.user).select_related("enterprise", "place", "unit", "village", "group")
    if form.is_bound:
        qs = form.apply(qs)
    return form, qs.order_by("-planned_on", "-done_on", "-pk")


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    qs = qs.annotate(
        n_fail=Count("answers", filter=Q(answers__result="fail")), n_hazards=Count("hazard_links", distinct=True)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring": params.urlencode(),
            "may_plan": may_plan_inspections(request.user),
        },
    )


@login_required
def inspection_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    user = current_user(request)
    qs = qs.select_related("sector").annotate(
        n_fail=Count("answers", filter=Q(answers__result="fail")), n_hazards=Count("hazard_links", distinct=True)
    )
    # The record of the township the user acts in, in its name.
    township = current_township(request)
    content = inspections_workbook(qs.filter(township=township)[:20000], township=township, filler=user)
    return xlsx_response(content, f"检查记录-{local_today():%Y-%m-%d}.xlsx")


def _answers_by_item(inspection: Any) -> dict[int, InspectionAnswer]:
    # The phone's time only orders answers on saving; the pages never need it (nor risk an out-of-range value).
    return {a.item_id: a for a in inspection.answers.select_related("hazard").defer("client_time")}


def _items(inspection: Any) -> list[Any]:
    if not inspection.checklist_id:
        return []
    return list(inspection.checklist.items.select_related("sector").order_by("order", "pk"))


def _photos_by_item(inspection: Any) -> dict[int | None, list[InspectionPhoto]]:
    photos: dict[int | None, list[InspectionPhoto]] = {}
    for photo in inspection.photos.all():
        photos.setdefault(photo.item_id, []).append(photo)
    return photos


def _rows(inspection: Any) -> list[dict[str, Any]]:
    answers, photos = _answers_by_item(inspection), _photos_by_item(inspection)
    return [{"item": i, "answer": answers.get(i.pk), "photos": photos.get(i.pk, [])} for i in _items(inspection)]


def _detail_page(request: HttpRequest, inspection: Any, cancel_form: CancelForm | None = None) -> HttpResponse:
    hazards = Hazard.objects.filter(inspection_link__inspection=inspection).select_related("village").order_by("pk")
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": _rows(inspection),
            "general_photos": _photos_by_item(inspection).get(None, []),
            "hazards": hazards,
            "actions": services.inspection_actions(request.user, inspection),
            "cancel_form": cancel_form or CancelForm(initial={"expected": inspection.status}),
            "events": inspection.events.select_related("actor"),
            "inspectors": inspection.inspectors.all(),
        },
        status=400 if cancel_form is not None else 200,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, get_inspection_for_user(request.user, pk))


@login_required
@require_POST
def inspection_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call the inspection off, with the reason: 404 unless the user may; the service checks the status under lock."""
    inspection = get_inspection_for_user(request.user, pk)
    if not services.inspection_actions(request.user, inspection).steps.holds_role_for("cancel"):
        raise Http404
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, inspection, cancel_form=form)
    try:
        services.inspection_cancel(
            inspection_id=inspection.pk,
            actor=current_user(request),
            note=form.cleaned_data["note"],
            expected_status=form.cleaned_data["expected"] or None,
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The inspection was cancelled."))
    return redirect(inspection)


def _fill_page(
    request: HttpRequest, inspection: Any, submit_form: SubmitForm, missing_ids: Iterable[int] = (), status: int = 200
) -> HttpResponse:
    rows = _rows(inspection)
    missing = set(missing_ids)
    return render(
        request,
        "inspections/inspection_fill.html",
        {
            "inspection": inspection,
            "rows": rows,
            "submit_form": submit_form,
            # A refused submit names the items still unanswered, numbered as on the page, each a link to its card.
            "missing": [
                {"number": n, "item": r["item"]} for n, r in enumerate(rows, start=1) if r["item"].pk in missing
            ],
            # §1, SPEC S3: a group's supervision record is signed by the group's leader too.
            "leader_signs": inspection.group_id is not None,
        },
        status=status,
    )


@login_required
def inspection_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page: each answer is saved as it is given, kept in the browser while offline."""
    inspection = get_inspection_for_user(request.user, pk)
    actions = services.inspection_actions(request.user, inspection)
    if not actions.records:
        raise Http404
    if not actions.fill:
        return redirect(inspection)
    return _fill_page(request, inspection, SubmitForm())


def _json_error(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, **extra}, status=status)


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> JsonResponse:
    """One answer from the phone page. Whatever the body, the reply is JSON: 200 only when this answer is stored;
    400 for a body that is not an answer; 409 when the item keeps a newer answer (``superseded``, with the stored
    one) or the inspection may not be changed."""
    inspection = get_inspection_for_user(request.user, pk)
    try:
        form = AnswerForm(read_json_object(request, max_bytes=ANSWER_MAX_BYTES))
    except ValidationError as exc:
        return _json_error(" ".join(exc.messages))
    if not form.is_valid():
        return _json_error(" ".join(str(e) for errors in form.errors.values() for e in errors))
    d = form.cleaned_data
    try:
        answer = services.answer_save(
            inspection_id=inspection.pk,
            actor=current_user(request),
            item_id=d["item"],
            result=d["result"],
            note=d["note"],
            client_time=d["client_time"],
        )
    except services.AnswerSupersededError as exc:
        kept = exc.answer
        return _json_error(exc.message, 409, superseded=True, item=kept.item_id, result=kept.result, note=kept.note)
    except WorkflowError as exc:
        return _json_error(exc.message, status=409)
    finding_url = ""
    if answer.result == "fail" and not answer.hazard_id:
        finding_url = reverse("inspections:finding", args=[inspection.pk, answer.pk])
    return JsonResponse(
        {"ok": True, "item": answer.item_id, "result": answer.result, "note": answer.note, "finding_url": finding_url}
    )


@login_required
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _json_error(message) if wants_json else _back_with_error(request, inspection, message)
    item_id = form.cleaned_data["item"]
    if item_id is not None and not (inspection.checklist and inspection.checklist.items.filter(pk=item_id).exists()):
        raise Http404
    try:
        for photo in form.cleaned_data["photo"]:
            services.photo_add(inspection_id=inspection.pk, actor=current_user(request), photo=photo, item_id=item_id)
    except WorkflowError as exc:
        return _json_error(exc.message, 409) if wants_json else _back_with_error(request, inspection, exc.message)
    count = inspection.photos.filter(item_id=item_id).count()
    if wants_json:
        return JsonResponse({"ok": True, "item": item_id, "count": count})
    messages.success(request, _("The photo was saved."))
    return redirect("inspections:fill", pk=inspection.pk)


def _back_with_error(request: HttpRequest, inspection: Any, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("inspections:fill", pk=inspection.pk)


@login_required
@require_POST
def inspection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the inspection. A refused submit shows the page again with everything entered kept — conclusion,
    names and the drawn signatures — and names the items still unanswered."""
    inspection = get_inspection_for_user(request.user, pk)
    actions = services.inspection_actions(request.user, inspection)
    if not actions.records:
        raise Http404
    if not actions.fill:
        messages.error(request, services.closed_message(inspection))
        return redirect(inspection)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _fill_page(request, inspection, form, status=400)
    d = form.cleaned_data
    try:
        services.inspection_submit(
            inspection_id=inspection.pk,
            actor=current_user(request),
            conclusion=d["conclusion"],
            signer_name=d["signer_name"],
            signature=services.signature_from_data_url(d["signature"]),
            no_findings=d["no_findings"],
            leader_signature=services.signature_from_data_url(d["leader_signature"]),
        )
    except services.UnansweredItemsError as exc:
        form.add_error(None, exc.message)
        return _fill_page(request, inspection, form, missing_ids=exc.item_ids, status=400)
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _fill_page(request, inspection, form, status=400)
    messages.success(request, _("The inspection was submitted."))
    return redirect(inspection)


@login_required
def finding_to_hazard(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    answer = get_or_404(inspection.answers.select_related("item__sector", "inspection"), pk=answer_pk)
    findings = services.inspection_actions(request.user, inspection).record_findings
    if not findings or answer.result != InspectionAnswer.Result.FAIL or answer.hazard_id:
        raise Http404
    scope = get_scope(request.user)
    initial = services.finding_prefill(answer)
    major = answer.item.is_major
    form = FindingForm(request.POST or None, request.FILES or None, scope=scope, initial=initial, major=major)
    if request.method == "POST" and form.is_valid():
        fields = form.hazard_fields()
        fields.update(basis=form.cleaned_data["basis"], clause=form.cleaned_data["clause"])
        try:
            hazard = services.finding_to_hazard(
                answer_id=answer.pk,
                actor=current_user(request),
                fields=fields,
                fixed_on_the_spot=form.cleaned_data.get("fixed_on_the_spot", False),
                after=form.cleaned_data.get("after") or (),
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The hazard “%(title)s” was recorded.") % {"title": hazard.title})
            return redirect(reverse("inspections:fill", args=[inspection.pk]) if inspection.is_editable else inspection)
    return render(request, "inspections/finding_form.html", {"form": form, "inspection": inspection, "answer": answer})


@login_required
def photo_file(request: HttpRequest, token: str) -> FileResponse:
    qs = InspectionPhoto.objects.filter(inspection__in=inspections_visible_to(request.user))
    photo = get_or_404(qs, token=token)
    n = InspectionPhoto.objects.filter(inspection_id=photo.inspection_id, pk__lte=photo.pk).count()
    name = download_name(f"{_('inspection')}{photo.inspection_id}", _("Photo"), n, extension=photo.extension)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def signature_file(request: HttpRequest, pk: int, whose: str = "party") -> FileResponse:
    inspection = get_inspection_for_user(request.user, pk)
    signature = inspection.leader_signature if whose == "leader" else inspection.signature
    if not signature:
        raise Http404
    label = _("signature of the group leader") if whose == "leader" else _("signature of the inspected party")
    name = download_name(f"{_('inspection')}{inspection.pk}", label, extension=".png")
    response = FileResponse(signature.open("rb"), content_type="image/png", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
