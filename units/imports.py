"""Enterprise import from Excel (views). Only the township safety office imports; to others the pages do not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from . import importers
from .access import Scope, get_scope, office_township, require_any
from .forms import EnterpriseImportForm
from .import_template import build_enterprise_template
from .importers import ImportResult
from .models import Role, Township, User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _office_township(request: HttpRequest) -> Township:
    scope: Scope = get_scope(request.user)
    require_any(scope, Role.OFFICE, Role.ADMIN)
    return office_township(request)


def _report_success(request: HttpRequest, result: ImportResult, *, dry_run: bool) -> None:
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if dry_run:
        text = _(
            "The file is valid: %(created)d would be created, %(updated)d updated, %(unchanged)d unchanged."
            " Nothing has been saved yet."
        )
        messages.info(request, text % counts)
        return
    text = _("Import finished: %(created)d created, %(updated)d updated.") % counts
    if result.unchanged:
        text += " " + _("%(unchanged)d were already up to date.") % counts
    messages.success(request, text)
    report_ignored_columns(request, result)


def report_ignored_columns(request: HttpRequest, result: ImportResult) -> None:
    """After an import the page changes: the columns left out are said in a message, not dropped in silence."""
    if result.ignored_columns:
        headers = "、".join(f"{c.letter}“{c.header}”" for c in result.ignored_columns)
        messages.warning(request, _("These columns of the file were not imported: %(columns)s.") % {"columns": headers})


@login_required
def enterprise_import(request: HttpRequest) -> HttpResponse:
    township = _office_township(request)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        dry_run = "dry_run" in request.POST
        actor = request.user if isinstance(request.user, User) else None
        result = importers.enterprise_import(
            township=township, file=form.cleaned_data["file"], actor=actor, dry_run=dry_run
        )
        if result.ok:
            _report_success(request, result, dry_run=dry_run)
            if not dry_run:
                return redirect("units:enterprise_list")
    return render(
        request,
        "units/enterprise_import.html",
        {
            "form": form,
            "township": township,
            "result": result,
            "max_rows": importers.MAX_ROWS,
            "max_mb": importers.MAX_BYTES // 2**20,
        },
    )


@login_required
def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    township = _office_township(request)
    response = HttpResponse(build_enterprise_template(township), content_type=XLSX)
    disposition = content_disposition_header(as_attachment=True, filename=importers.TEMPLATE_FILENAME)
    response["Content-Disposition"] = disposition or "attachment"
    return response
