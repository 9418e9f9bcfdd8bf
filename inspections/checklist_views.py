"""Checklist pages: the office edits templates in the browser; leadership, departments and village officers read.

Every query goes through units.access; a template outside the user's townships answers 404, and so does every
write page to anyone but the township safety office.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import WorkflowError
from core.spreadsheets import ImportResult
from core.spreadsheets.views import SpreadsheetImportView, xlsx_response
from units.access import Scope, current_user, get_or_404, get_scope, office_township, require_any, require_office

from . import checklist_sheets
from . import checklists as services
from .access import CHECKLIST_READERS, checklist_sectors_visible_to, checklists_visible_to
from .checklist_forms import ChecklistFilterForm, ChecklistForm, ChecklistItemForm, PublishForm
from .models import ChecklistItem, ChecklistTemplate, ChecklistVersion

PAGE_SIZE = 25


# -- access -----------------------------------------------------------------------------------------------


def get_checklist_for_user(user: Any, pk: Any) -> ChecklistTemplate:
    return get_or_404(checklists_visible_to(user).select_related("sector", "township"), pk=pk)


def get_checklist_for_office(user: Any, pk: Any) -> ChecklistTemplate:
    template = get_checklist_for_user(user, pk)
    require_office(get_scope(user), template.township_id)
    return template


def get_item_for_office(user: Any, pk: Any) -> ChecklistItem:
    qs = ChecklistItem.objects.filter(version__template__in=checklists_visible_to(user))
    item = get_or_404(qs.select_related("version__template"), pk=pk)
    require_office(get_scope(user), item.version.template.township_id)
    return item


def _draft(template: ChecklistTemplate) -> ChecklistVersion | None:
    return template.versions.filter(published_at__isnull=True).order_by("-number").first()


def _items(version: ChecklistVersion | None) -> list[ChecklistItem]:
    if version is None:
        return []
    return list(version.items.select_related("sector").order_by("order", "pk"))


# -- list and detail ----------------------------------------------------------------------------------------


def _annotated(qs: QuerySet[ChecklistTemplate]) -> QuerySet[ChecklistTemplate]:
    published = ChecklistVersion.objects.filter(template=OuterRef("pk"), published_at__isnull=False)
    current = published.order_by("-number")
    drafts = ChecklistVersion.objects.filter(template=OuterRef("pk"), published_at__isnull=True)
    items = ChecklistItem.objects.filter(version=Subquery(current.values("pk")[:1])).order_by()
    counted = items.values("version").annotate(n=Count("pk")).values("n")
    return qs.annotate(
        current_number=Subquery(current.values("number")[:1]),
        current_items=Subquery(counted[:1]),
        has_draft=Exists(drafts),
    )


def _filtered(form: ChecklistFilterForm, qs: QuerySet[ChecklistTemplate]) -> QuerySet[ChecklistTemplate]:
    form.is_valid()  # each valid filter applies; one not offered (or too long) is ignored
    chosen = form.cleaned_data
    q = (chosen.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q) | Q(sector__name__icontains=q))
    sector = chosen.get("sector") or ""
    if sector == "general":
        qs = qs.filter(sector__isnull=True)
    elif sector:
        qs = qs.filter(sector_id=sector)
    if (chosen.get("status") or "active") == "active":
        qs = qs.filter(is_active=True)
    return qs


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    require_any(scope, *CHECKLIST_READERS)
    base = checklists_visible_to(request.user).select_related("sector")
    sectors = list(checklist_sectors_visible_to(request.user).order_by("sort_order"))
    form = ChecklistFilterForm(request.GET, sectors=sectors)
    qs = _annotated(_filtered(form, base)).order_by("name", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "inspections/checklists/list.html",
        {
            "page_obj": page,
            "querystring": params.urlencode(),
            "filter_form": form,
            "q": form.cleaned_data.get("q") or "",
            "sector": form.cleaned_data.get("sector") or "",
            "status": form.cleaned_data.get("status") or "active",
            "sectors": sectors,
            "can_change": scope.is_office,
        },
    )


def _history(template: ChecklistTemplate) -> list[dict[str, Any]]:
    """The published versions, newest first, each with what changed against the one before and its use count."""
    versions = list(
        template.versions.filter(published_at__isnull=False)
        .select_related("created_by")
        .annotate(n_inspections=Count("inspections"))
        .order_by("number")
    )
    items: dict[int, list[ChecklistItem]] = {v.pk: [] for v in versions}
    for item in ChecklistItem.objects.filter(version__in=versions).order_by("order", "pk"):
        items[item.version_id].append(item)
    rows: list[dict[str, Any]] = []
    previous: list[ChecklistItem] | None = None
    for version in versions:
        changes = None if previous is None else services.version_changes(previous, items[version.pk])
        rows.append({"version": version, "n_items": len(items[version.pk]), "changes": changes})
        previous = items[version.pk]
    return rows[::-1]


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_checklist_for_user(request.user, pk)
    scope = get_scope(request.user)
    can_change = scope.is_office_for(template.township_id)
    current = template.current_version()
    return render(
        request,
        "inspections/checklists/detail.html",
        {
            "template": template,
            "current": current,
            "items": _items(current),
            "history": _history(template),
            "draft": _draft(template) if can_change else None,
            "can_change": can_change,
        },
    )


@login_required
def checklist_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    template = get_checklist_for_user(request.user, pk)
    scope: Scope = get_scope(request.user)
    versions = template.versions.annotate(n_inspections=Count("inspections"))
    if not scope.is_office_for(template.township_id):
        versions = versions.filter(published_at__isnull=False)  # a draft is the office's work in progress
    version = get_or_404(versions.select_related("created_by"), number=number)
    return render(
        request,
        "inspections/checklists/version.html",
        {"template": template, "version": version, "items": _items(version), "current": template.current_version()},
    )


@login_required
def checklist_version_export(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    template = get_checklist_for_user(request.user, pk)
    version = get_or_404(template.versions.filter(published_at__isnull=False), number=number)
    filename = f"{template.name}_v{version.number}.xlsx"
    return xlsx_response(checklist_sheets.items_export(version=version), filename)


# -- the template itself ----------------------------------------------------------------------------------------


@login_required
def checklist_create(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    form = ChecklistForm(request.POST or None, township_id=township.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.checklist_create(
                actor=current_user(request),
                township=township,
                name=data["name"],
                sector=data["sector"],
                description=data["description"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            text = _("The checklist “%(name)s” was created. Now add its items.")
            messages.success(request, text % {"name": template})
            return redirect("inspections:checklist_draft", template.pk)
    return render(request, "inspections/checklists/form.html", {"form": form, "template": None})


@login_required
def checklist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_checklist_for_office(request.user, pk)
    form = ChecklistForm(request.POST or None, instance=template, township_id=template.township_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.checklist_update(
                template=template,
                actor=current_user(request),
                name=data["name"],
                sector=data["sector"],
                description=data["description"],
                is_active=data["is_active"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes to “%(name)s” were saved.") % {"name": data["name"]})
            return redirect(template)
    return render(request, "inspections/checklists/form.html", {"form": form, "template": template})


# -- the draft ----------------------------------------------------------------------------------------------------


def _draft_page(
    request: HttpRequest, template: ChecklistTemplate, add_form: ChecklistItemForm | None = None
) -> HttpResponse:
    draft = _draft(template)
    current = template.current_version()
    items = _items(draft)
    return render(
        request,
        "inspections/checklists/draft.html",
        {
            "template": template,
            "draft": draft,
            "current": current,
            "items": items,
            "changes": services.version_changes(_items(current), items) if draft and current else None,
            "add_form": add_form or ChecklistItemForm(township_id=template.township_id),
        },
    )


@login_required
def checklist_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the draft editor. POST: open the draft (a copy of the current version) if there is none."""
    template = get_checklist_for_office(request.user, pk)
    if request.method == "POST":
        try:
            services.draft_for(template=template, actor=current_user(request))
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect(template)
        return redirect("inspections:checklist_draft", template.pk)
    return _draft_page(request, template)


@login_required
@require_POST
def checklist_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_checklist_for_office(request.user, pk)
    form = ChecklistItemForm(request.POST, township_id=template.township_id)
    draft = _draft(template)
    if draft is None:
        messages.error(request, _("There is no draft to add items to. Start editing first."))
        return redirect(template)
    if not form.is_valid():
        return _draft_page(request, template, add_form=form)
    try:
        services.item_add(version=draft, actor=current_user(request), fields=form.item_fields())
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _draft_page(request, template, add_form=form)
    messages.success(request, _("The item was added to the draft."))
    return redirect(reverse("inspections:checklist_draft", args=[template.pk]) + "#add-item")


@login_required
def checklist_item_edit(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_item_for_office(request.user, item_pk)
    template = item.version.template
    if not item.version.is_draft:
        messages.error(request, _("Items of a published version cannot be changed. Edit the draft instead."))
        return redirect(template)
    form = ChecklistItemForm(request.POST or None, instance=item, township_id=template.township_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item, actor=current_user(request), fields=form.item_fields())
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The item was saved."))
            return redirect(reverse("inspections:checklist_draft", args=[template.pk]) + f"#item-{item.pk}")
    return render(request, "inspections/checklists/item_form.html", {"form": form, "item": item, "template": template})


def _back_to_draft(item: ChecklistItem) -> HttpResponseRedirect:
    return redirect("inspections:checklist_draft", item.version.template_id)


@login_required
@require_POST
def checklist_item_delete(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_item_for_office(request.user, item_pk)
    try:
        services.item_delete(item=item, actor=current_user(request))
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The item was removed from the draft."))
    return _back_to_draft(item)


@login_required
@require_POST
def checklist_item_move(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = get_item_for_office(request.user, item_pk)
    try:
        services.item_move(item=item, actor=current_user(request), up=request.POST.get("direction") == "up")
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _back_to_draft(item)
    return redirect(reverse("inspections:checklist_draft", args=[item.version.template_id]) + f"#item-{item.pk}")


@login_required
def checklist_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing changes, and a confirmation. POST: publish the draft as the new current version."""
    template = get_checklist_for_office(request.user, pk)
    draft = _draft(template)
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
        return redirect(template)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_publish(version=draft, actor=current_user(request), note=form.cleaned_data["note"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            text = _("Version %(number)d of “%(name)s” is published and now current.")
            messages.success(request, text % {"number": draft.number, "name": template})
            return redirect(template)
    current = template.current_version()
    items = _items(draft)
    return render(
        request,
        "inspections/checklists/publish.html",
        {
            "template": template,
            "draft": draft,
            "current": current,
            "items": items,
            "changes": services.version_changes(_items(current), items) if current else None,
            "form": form,
        },
    )


@login_required
@require_POST
def checklist_discard(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_checklist_for_office(request.user, pk)
    draft = _draft(template)
    if draft is not None:
        try:
            services.version_discard(version=draft, actor=current_user(request))
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect("inspections:checklist_draft", template.pk)
        messages.success(request, _("The draft was discarded; the current version is unchanged."))
    return redirect(template)


# -- Excel --------------------------------------------------------------------------------------------------------


class ChecklistImportView(SpreadsheetImportView):
    template_name = "inspections/checklists/import.html"
    spec = checklist_sheets.ITEM_SHEET

    def target(self) -> ChecklistTemplate:
        return get_checklist_for_office(self.request.user, self.kwargs["pk"])

    def run_import(self, target: ChecklistTemplate, form: forms.Form, *, dry_run: bool) -> ImportResult:
        file = form.cleaned_data["file"]
        return services.items_import(template=target, file=file, actor=current_user(self.request), dry_run=dry_run)

    def checked_message(self, result: ImportResult) -> str:
        text = _("The file is valid: %(n)d items would be imported into the draft. Nothing has been saved yet.")
        return text % {"n": result.created}

    def done_message(self, result: ImportResult) -> str:
        text = _("%(n)d items were imported into the draft. Check them, then publish the draft.")
        return text % {"n": result.created}

    def done_url(self, target: ChecklistTemplate) -> str:
        return reverse("inspections:checklist_draft", args=[target.pk])

    def page_context(self, target: ChecklistTemplate) -> dict[str, Any]:
        return {"template": target, "current": target.current_version()}


checklist_import = ChecklistImportView.as_view()


@login_required
def checklist_import_template(request: HttpRequest) -> HttpResponse:
    office_township(request)
    return xlsx_response(checklist_sheets.build_items_template(), checklist_sheets.TEMPLATE_FILENAME)
