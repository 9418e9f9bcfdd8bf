"""Excel pages of the hazard register: the ledger export (direct or as a job) and the ledger import.

Who may export: anyone who sees the hazard list; the scope rule decides the rows. Who may import: the township
safety office; to anyone else the import pages do not exist.
"""

from __future__ import annotations

import io
import logging
import uuid
from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.spreadsheets import ImportResult
from core.spreadsheets.views import XLSX, SpreadsheetImportView, UploadForm, xlsx_response
from units.access import current_township, get_or_404, get_scope, office_township
from units.models import Township, User

from . import ledger_export as exporter
from . import ledger_import as importer
from . import tasks
from .access import may_see_hazard_list
from .ledger_import import LedgerImportResult
from .models import ExportJob

logger = logging.getLogger(__name__)

# Up to this many rows the file is written within the request; beyond it a Celery job writes it.
EXPORT_SYNC_LIMIT = 3000


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - every view here is behind login_required
    return request.user


# -- export -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The ledger of exactly the list the same query string shows on the hazard list page."""
    if not may_see_hazard_list(get_scope(request.user)):
        raise Http404  # like the list page: an account without a role has no list to export
    township = current_township(request)
    hazards = exporter.ledger_hazards(request.user, request.GET, township)
    if hazards.count() > EXPORT_SYNC_LIMIT:
        job = ExportJob.objects.create(
            user=_user(request), township=township, kind="ledger", query=request.GET.urlencode()
        )
        # delay_on_commit, with a broker outage caught: the job page then says the export failed (S7).
        transaction.on_commit(partial(_enqueue, job.pk))
        return redirect("hazards:export_job", pk=job.pk)
    buffer = io.BytesIO()
    exporter.write_ledger(
        hazards,
        township=township,
        filler=_user(request),
        out=buffer,
        viewer=get_scope(request.user),
    )
    return xlsx_response(buffer.getvalue(), exporter.ledger_filename())


def _enqueue(job_id: uuid.UUID) -> None:
    try:
        tasks.export_ledger.delay(str(job_id))
    except Exception as exc:  # Redis unreachable: the page must still work, and the job must not wait forever
        logger.exception("could not queue ledger export %s", job_id)
        ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
            state=ExportJob.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )


def _own_job(request: HttpRequest, pk: object) -> ExportJob:
    # Only the job's own user: anyone else gets the same 404 as for a job that does not exist.
    return get_or_404(ExportJob.objects.filter(user=_user(request)), pk=pk)


@login_required
@require_GET
def export_job(request: HttpRequest, pk: object) -> HttpResponse:
    job = _own_job(request, pk)
    context = {"job": job, "running": job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING)}
    # The partial replaces itself every 2 s while the job runs (htmx polling; no inline script).
    template = "hazards/excel/_export_job_status.html" if request.htmx else "hazards/excel/export_job.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: object) -> FileResponse:
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename or exporter.ledger_filename(), content_type=XLSX
    )


# -- import -------------------------------------------------------------------------------------------------


class LedgerImportForm(UploadForm):
    create_missing_enterprises = forms.BooleanField(
        label=gettext_lazy("Register enterprises whose credit code is not yet known"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=gettext_lazy(
            "Otherwise a row whose enterprise is not registered is reported as a problem. A new enterprise takes"
            " its name, village and sector from the row."
        ),
    )


def _counts(result: ImportResult) -> dict[str, int]:
    enterprises = result.enterprises_created if isinstance(result, LedgerImportResult) else 0
    return {"created": result.created, "enterprises": enterprises}


class LedgerImportView(SpreadsheetImportView):
    template_name = "hazards/excel/ledger_import.html"
    spec = importer.LEDGER_SHEET
    form_class = LedgerImportForm

    def target(self) -> Township:
        return office_township(self.request)

    def run_import(self, target: Township, form: forms.Form, *, dry_run: bool) -> ImportResult:
        upload = form.cleaned_data["file"]
        return importer.ledger_import(
            township=target,
            file=upload,
            filename=upload.name or "",
            actor=_user(self.request),
            create_missing_enterprises=form.cleaned_data["create_missing_enterprises"],
            dry_run=dry_run,
        )

    def checked_message(self, result: ImportResult) -> str:
        text = _(
            "The file is valid: %(created)d hazards and %(enterprises)d new enterprises would be imported."
            " Nothing has been saved yet."
        )
        return text % _counts(result)

    def done_message(self, result: ImportResult) -> str:
        text = _("Import finished: %(created)d hazards imported.") % _counts(result)
        if _counts(result)["enterprises"]:
            text += " " + _("%(enterprises)d enterprises were registered.") % _counts(result)
        return text

    def done_url(self, target: Township) -> str:
        return reverse("hazards:list")

    def page_context(self, target: Township) -> dict[str, Any]:
        return {"township": target}


ledger_import = LedgerImportView.as_view()


@login_required
@require_GET
def ledger_import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(importer.build_ledger_template(office_township(request)), importer.TEMPLATE_FILENAME)
