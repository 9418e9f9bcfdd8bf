"""The import page every sheet shares, and the response that sends a workbook.

Flow of the page: GET shows the upload form; POST checks the file — "check only" (dry_run) reports what would
happen, a plain import writes and goes on to the records' page, and any problem lists every row and column on the
same page with nothing written. The page's text (title, breadcrumbs, how it works) is the app's template, which
extends templates/core/import_page.html.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import WorkflowError

from .columns import SheetSpec
from .reading import MAX_BYTES
from .results import ImportResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook as a download; the name (Chinese as a rule) is sent in the form every browser reads."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}", "class": "form-control"}),
    )


def report_ignored_columns(request: HttpRequest, result: ImportResult) -> None:
    """After an import the page changes: the columns left out are said in a message, not dropped in silence."""
    if result.ignored_columns:
        headers = "、".join(f"{c.letter}“{c.header}”" for c in result.ignored_columns)
        messages.warning(request, _("These columns of the file were not imported: %(columns)s.") % {"columns": headers})


class SpreadsheetImportView(LoginRequiredMixin, View):
    """One import page. A subclass names its template and sheet and says who may import into what (`target`,
    404 for everyone else), how the import runs, what to tell the user after a check and after an import, and
    where to go after a real import."""

    template_name: ClassVar[str]
    spec: ClassVar[SheetSpec]
    form_class: ClassVar[type[forms.Form]] = UploadForm

    def target(self) -> Any:
        raise NotImplementedError

    def run_import(self, target: Any, form: forms.Form, *, dry_run: bool) -> ImportResult:
        raise NotImplementedError

    def checked_message(self, result: ImportResult) -> str:
        """What a check-only run of a valid file would do ("… would be imported. Nothing has been saved yet.")."""
        raise NotImplementedError

    def done_message(self, result: ImportResult) -> str:
        raise NotImplementedError

    def done_url(self, target: Any) -> str:
        raise NotImplementedError

    def page_context(self, target: Any) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(self.target(), self.form_class(), None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target = self.target()
        form = self.form_class(request.POST, request.FILES)
        result: ImportResult | None = None
        if form.is_valid():
            dry_run = "dry_run" in request.POST
            try:
                result = self.run_import(target, form, dry_run=dry_run)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                if result.ok and dry_run:
                    messages.info(request, self.checked_message(result))
                elif result.ok:
                    messages.success(request, self.done_message(result))
                    report_ignored_columns(request, result)
                    return redirect(self.done_url(target))
        return self.page(target, form, result)

    def page(self, target: Any, form: forms.Form, result: ImportResult | None) -> HttpResponse:
        context = {
            "form": form,
            "result": result,
            "max_rows": self.spec.max_rows,
            "max_mb": MAX_BYTES // 2**20,
            **self.page_context(target),
        }
        return render(self.request, self.template_name, context)
