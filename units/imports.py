"""Enterprise import from Excel (views). Only the township safety office imports; to others the pages do not exist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.spreadsheets import ImportResult
from core.spreadsheets.views import SpreadsheetImportView, xlsx_response

from . import importers
from .access import current_user, office_township
from .models import Township
from .roster_sheet import ROSTER_SHEET, TEMPLATE_FILENAME, build_enterprise_template


def _counts(result: ImportResult) -> dict[str, int]:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


class EnterpriseImportView(SpreadsheetImportView):
    template_name = "units/enterprise_import.html"
    spec = ROSTER_SHEET

    def target(self) -> Township:
        return office_township(self.request)

    def run_import(self, target: Township, form: forms.Form, *, dry_run: bool) -> ImportResult:
        actor = current_user(self.request)
        return importers.enterprise_import(
            township=target, file=form.cleaned_data["file"], actor=actor, dry_run=dry_run
        )

    def checked_message(self, result: ImportResult) -> str:
        text = _(
            "The file is valid: %(created)d would be created, %(updated)d updated, %(unchanged)d unchanged."
            " Nothing has been saved yet."
        )
        return text % _counts(result)

    def done_message(self, result: ImportResult) -> str:
        text = _("Import finished: %(created)d created, %(updated)d updated.") % _counts(result)
        if result.unchanged:
            text += " " + _("%(unchanged)d were already up to date.") % _counts(result)
        return text

    def done_url(self, target: Township) -> str:
        return reverse("units:enterprise_list")

    def page_context(self, target: Township) -> dict[str, Any]:
        return {"township": target}


enterprise_import = EnterpriseImportView.as_view()


@login_required
def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    return xlsx_response(build_enterprise_template(township), TEMPLATE_FILENAME)
