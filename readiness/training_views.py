"""Training sessions, the yearly coverage of §4 and special-operation certificates (thin views: scope, form,
service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import local_today
from core.errors import WorkflowError
from core.spreadsheets import ImportResult
from core.spreadsheets.views import SpreadsheetImportView, xlsx_response
from units.access import (
    current_township,
    current_township_id,
    current_user,
    enterprises_visible_to,
    get_or_404,
    get_scope,
    office_township,
)
from units.models import Enterprise
from units.selectors import master_record_history

from . import training_services as services
from .models import Attendee, Certificate, TrainingSession
from .training_access import (
    attendees_visible_to,
    certificates_visible_to,
    get_certificate_for_office,
    get_session_for_user,
    may_edit_session,
    may_manage_certificates,
    may_read_coverage,
    may_read_training,
    may_record_sessions,
    sessions_visible_to,
)
from .training_coverage import PLAN_SENTENCES, coverage, plan_year
from .training_forms import (
    DUE,
    OVERDUE,
    AttendeeForm,
    CertificateFilterForm,
    CertificateForm,
    CoverageForm,
    DeleteForm,
    ReviewForm,
    SessionFilterForm,
    SessionForm,
)
from .training_sheets import (
    ATTENDEE_SHEET,
    ATTENDEE_TEMPLATE,
    CERTIFICATE_SHEET,
    CERTIFICATE_TEMPLATE,
    AttendeeImport,
    CertificateImport,
    attendee_template,
    certificate_template,
    coverage_export,
)

T = "readiness/training/"
PAGE_SIZE = 25
# Certificates are reminded from 90 days before a deadline (the first of the 90/60/30 reminders).
DUE_DAYS = 90


def _page(request: HttpRequest, qs: Any) -> tuple[Any, str]:
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), params.urlencode()


def _cleaned(form: forms.Form) -> dict[str, Any]:
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


def _reader(request: HttpRequest) -> Any:
    user = current_user(request)
    if not may_read_training(get_scope(user)):
        raise Http404
    return user


def _township_enterprises(request: HttpRequest, township_id: int) -> QuerySet[Enterprise]:
    return enterprises_visible_to(request.user).filter(township_id=township_id, is_active=True).order_by("name")


# -- sessions ---------------------------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form = SessionFilterForm(request.GET or None)
    data = _cleaned(form)
    qs = sessions_visible_to(user).select_related("organiser", "sector").annotate(people=Count("attendees"))
    if data.get("q"):
        qs = qs.filter(Q(topic__icontains=data["q"]) | Q(organiser__name__icontains=data["q"]))
    if data.get("year"):
        qs = qs.filter(held_on__year=data["year"])
    page, querystring = _page(request, qs.order_by("-held_on", "-pk"))
    scope = get_scope(user)
    context = {
        "form": form,
        "page_obj": page,
        "querystring": querystring,
        "may_record": may_record_sessions(scope) and current_township_id(request) in scope.township_ids,
        "may_read_coverage": may_read_coverage(scope),
    }
    return render(request, T + "session_list.html", context)


def _session_form_page(request: HttpRequest, session: TrainingSession | None) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    township = current_township(request)
    if not may_record_sessions(scope) or (session is not None and not may_edit_session(scope, session)):
        raise Http404
    form = SessionForm(request.POST or None, instance=session, scope=scope, township_id=township.pk)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "township": township} if session is None else form.cleaned_data
        try:
            saved = services.session_save(actor=user, data=data, session=session)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The training session was saved."))
            return redirect(saved.get_absolute_url())
    return render(request, T + "session_form.html", {"form": form, "session": session})


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    return _session_form_page(request, None)


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_form_page(request, get_session_for_user(current_user(request), pk))


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    session = get_session_for_user(user, pk)
    editable = may_edit_session(get_scope(user), session)
    form = AttendeeForm(
        request.POST or None, enterprises=_township_enterprises(request, session.township_id), prefix="attendee"
    )
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            person = services.NewAttendee(**form.cleaned_data)
            try:
                added, _existing = services.attendees_add(actor=user, session=session, people=[person])
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                if added:
                    messages.success(request, _("The attendee was added."))
                else:
                    messages.info(request, _("This person is already listed in this role."))
                return redirect(session.get_absolute_url())
    context = {
        "session": session,
        "attendees": attendees_visible_to(user, session),
        "editable": editable,
        "form": form,
        "history": master_record_history(session) if editable else [],
    }
    return render(request, T + "session_detail.html", context)


def _confirm_delete(
    request: HttpRequest, record: TrainingSession | Certificate, delete: Any, done_url: str, back_url: str
) -> HttpResponse:
    """The confirmation step: the page names the record and asks why; only the POST with a reason deletes."""
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete(record, form.cleaned_data["reason"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Deleted: %(record)s.") % {"record": record})
            return redirect(done_url)
    status = 400 if form.is_bound else 200
    context = {"form": form, "record": record, "kind": record._meta.verbose_name, "back_url": back_url}
    return render(request, T + "confirm_delete.html", context, status=status)


@login_required
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    session = get_session_for_user(user, pk)
    if not may_edit_session(get_scope(user), session):
        raise Http404

    def delete(record: TrainingSession, reason: str) -> None:
        services.session_delete(actor=user, session=record, reason=reason)

    return _confirm_delete(request, session, delete, reverse("readiness:training_list"), session.get_absolute_url())


@login_required
@require_POST
def attendee_remove(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    user = current_user(request)
    session = get_session_for_user(user, pk)
    if not may_edit_session(get_scope(user), session):
        raise Http404
    attendee = get_or_404(Attendee.objects.filter(session=session).select_related("session"), pk=attendee_pk)
    services.attendee_remove(actor=user, attendee=attendee)
    messages.success(request, _("The attendee was removed."))
    return redirect(session.get_absolute_url())


class AttendeeImportView(SpreadsheetImportView):
    template_name = T + "attendee_import.html"
    spec = ATTENDEE_SHEET

    def target(self) -> TrainingSession:
        user = current_user(self.request)
        session = get_session_for_user(user, self.kwargs["pk"])
        if not may_edit_session(get_scope(user), session):
            raise Http404
        return session

    def run_import(self, target: TrainingSession, form: forms.Form, *, dry_run: bool) -> ImportResult:
        enterprises = list(_township_enterprises(self.request, target.township_id))
        importer = AttendeeImport(actor=current_user(self.request), session=target, enterprises=enterprises)
        return importer.run(form.cleaned_data["file"], dry_run=dry_run)

    def checked_message(self, result: ImportResult) -> str:
        return _("The file is valid: %(n)d attendees would be added. Nothing has been saved yet.") % {
            "n": result.created
        }

    def done_message(self, result: ImportResult) -> str:
        return _("Import finished: %(n)d attendees added, %(m)d were already listed.") % {
            "n": result.created,
            "m": result.unchanged,
        }

    def done_url(self, target: TrainingSession) -> str:
        return target.get_absolute_url()

    def page_context(self, target: TrainingSession) -> dict[str, Any]:
        return {"session": target}


attendee_import = AttendeeImportView.as_view()


@login_required
def attendee_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    get_session_for_user(current_user(request), pk)
    return xlsx_response(attendee_template(), ATTENDEE_TEMPLATE)


# -- coverage (§4) ----------------------------------------------------------------------------------------------


def _coverage(request: HttpRequest) -> tuple[int, Any, list[Any]]:
    user = current_user(request)
    if not may_read_coverage(get_scope(user)):
        raise Http404
    township = current_township(request)
    form = CoverageForm(request.GET or None)
    year = _cleaned(form).get("year") or plan_year(local_today().year)
    groups = coverage(enterprises=enterprises_visible_to(user), township_id=township.pk, year=year)
    return year, township, groups


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    year, township, groups = _coverage(request)
    form = CoverageForm(initial={"year": year})
    context = {"year": year, "township": township, "groups": groups, "sentence": PLAN_SENTENCES[year], "form": form}
    return render(request, T + "coverage.html", context)


@login_required
def coverage_download(request: HttpRequest) -> HttpResponse:
    year, township, groups = _coverage(request)
    content = coverage_export(township_name=township.name, year=year, groups=groups)
    return xlsx_response(content, f"{township.name}{year}年培训覆盖情况.xlsx")


# -- certificates -----------------------------------------------------------------------------------------------


def certificate_state(certificate: Certificate, today: dt.date) -> str:
    if certificate.next_due_on < today:
        return OVERDUE
    if certificate.next_due_on <= today + dt.timedelta(days=DUE_DAYS):
        return DUE
    return ""


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form = CertificateFilterForm(request.GET or None)
    data = _cleaned(form)
    today = local_today()
    qs = certificates_visible_to(user).select_related("enterprise")
    if data.get("q"):
        q = data["q"]
        qs = qs.filter(Q(holder__icontains=q) | Q(number__icontains=q) | Q(enterprise__name__icontains=q))
    if data.get("state") == DUE:
        qs = qs.filter(next_due_on__gte=today, next_due_on__lte=today + dt.timedelta(days=DUE_DAYS))
    elif data.get("state") == OVERDUE:
        qs = qs.filter(next_due_on__lt=today)
    page, querystring = _page(request, qs.order_by("next_due_on", "pk"))
    for certificate in page:
        certificate.state = certificate_state(certificate, today)  # type: ignore[attr-defined]
    scope = get_scope(user)
    context = {
        "form": form,
        "page_obj": page,
        "querystring": querystring,
        "may_manage": may_manage_certificates(scope) and scope.is_office_for(current_township_id(request)),
    }
    return render(request, T + "certificate_list.html", context)


def _certificate_form_page(request: HttpRequest, certificate: Certificate | None) -> HttpResponse:
    user = current_user(request)
    township = office_township(request)
    enterprises = _township_enterprises(request, township.pk)
    form = CertificateForm(request.POST or None, instance=certificate, enterprises=enterprises)
    review = ReviewForm(prefix="review")
    history = master_record_history(certificate) if certificate is not None else []
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_save(actor=user, data=form.cleaned_data, certificate=certificate)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The certificate was saved."))
            return redirect("readiness:certificate_list")
    context = {"form": form, "certificate": certificate, "review": review, "history": history}
    return render(request, T + "certificate_form.html", context)


@login_required
def certificate_create(request: HttpRequest) -> HttpResponse:
    return _certificate_form_page(request, None)


@login_required
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _certificate_form_page(request, get_certificate_for_office(current_user(request), pk))


@login_required
@require_POST
def certificate_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    certificate = get_certificate_for_office(user, pk)
    review = ReviewForm(request.POST, prefix="review")
    if review.is_valid():
        try:
            services.certificate_review(
                actor=user, certificate=certificate, reviewed_on=review.cleaned_data["reviewed_on"]
            )
        except WorkflowError as exc:
            review.add_error(None, exc.message)
        else:
            messages.success(request, _("The review was recorded."))
            return redirect("readiness:certificate_list")
    enterprises = _township_enterprises(request, certificate.township_id)
    form = CertificateForm(instance=certificate, enterprises=enterprises)
    history = master_record_history(certificate)
    context = {"form": form, "certificate": certificate, "review": review, "history": history}
    return render(request, T + "certificate_form.html", context, status=400)


@login_required
def certificate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    certificate = get_certificate_for_office(user, pk)

    def delete(record: Certificate, reason: str) -> None:
        services.certificate_delete(actor=user, certificate=record, reason=reason)

    back = reverse("readiness:certificate_edit", args=[certificate.pk])
    return _confirm_delete(request, certificate, delete, reverse("readiness:certificate_list"), back)


class CertificateImportView(SpreadsheetImportView):
    template_name = T + "certificate_import.html"
    spec = CERTIFICATE_SHEET

    def target(self) -> Any:
        return office_township(self.request)

    def run_import(self, target: Any, form: forms.Form, *, dry_run: bool) -> ImportResult:
        enterprises = list(_township_enterprises(self.request, target.pk))
        importer = CertificateImport(actor=current_user(self.request), township_id=target.pk, enterprises=enterprises)
        return importer.run(form.cleaned_data["file"], dry_run=dry_run)

    def checked_message(self, result: ImportResult) -> str:
        text = _("The file is valid: %(created)d would be created, %(updated)d updated, %(unchanged)d unchanged.")
        counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        return text % counts + " " + _("Nothing has been saved yet.")

    def done_message(self, result: ImportResult) -> str:
        return _("Import finished: %(created)d created, %(updated)d updated.") % {
            "created": result.created,
            "updated": result.updated,
        }

    def done_url(self, target: Any) -> str:
        return reverse("readiness:certificate_list")


certificate_import = CertificateImportView.as_view()


@login_required
def certificate_import_template(request: HttpRequest) -> HttpResponse:
    office_township(request)
    return xlsx_response(certificate_template(), CERTIFICATE_TEMPLATE)
