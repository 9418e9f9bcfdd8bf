"""Pages of the accident register. Every query goes through dashboard.access (scope); out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.dates import local_today
from core.spreadsheets.views import xlsx_response
from units.access import current_township, current_township_id, current_user, get_scope, office_township
from units.selectors import master_record_history

from .access import (
    accidents_visible_to,
    get_accident_for_office,
    get_accident_for_user,
    may_record_accidents_in,
    require_reader,
)
from .accident_forms import AccidentFilterForm, AccidentForm
from .accidents import accident_create, accident_update
from .models import Accident
from .reports import accidents_workbook

PAGE_SIZE = 25
EXPORT_LIMIT = 20000


def _filtered(request: HttpRequest) -> tuple[AccidentFilterForm, QuerySet[Accident]]:
    require_reader(get_scope(request.user))
    base = accidents_visible_to(request.user)
    form = AccidentFilterForm(request.GET, scope=get_scope(request.user), accidents=base)
    return form, form.apply(base.select_related("village", "enterprise"))


@login_required
def accident_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    totals = qs.aggregate(
        n=Count("pk"),
        deaths=Sum("deaths"),
        injuries=Sum("injuries"),
        serious=Sum("serious_injuries"),
        loss=Sum("direct_loss"),
        counted=Count("pk", filter=Q(counts_as_work_safety=True)),
    )
    page = Paginator(qs.order_by("-occurred_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "dashboard/accidents/accident_list.html",
        {
            "form": form,
            "page_obj": page,
            "totals": totals,
            "querystring": params.urlencode(),
            "can_record": may_record_accidents_in(get_scope(request.user), current_township_id(request)),
        },
    )


@login_required
def accident_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    # The register of the township the user acts in, in its name.
    township = current_township(request)
    accidents = qs.filter(township=township).order_by("occurred_on", "pk")[:EXPORT_LIMIT]
    content = accidents_workbook(accidents, township=township, filler=current_user(request))
    return xlsx_response(content, f"事故登记-{local_today():%Y-%m-%d}.xlsx")


@login_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accident = get_accident_for_user(request.user, pk)
    scope = get_scope(request.user)
    return render(
        request,
        "dashboard/accidents/accident_detail.html",
        {
            "accident": accident,
            "can_change": may_record_accidents_in(scope, accident.township_id),
            "history": master_record_history(accident),
        },
    )


def _save(request: HttpRequest, form: AccidentForm, save: Any) -> Accident | None:
    """Call the service with the form's data; its validation errors are shown at their fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
    try:
        accident: Accident = save(fields)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return accident


@login_required
def accident_create_view(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    form = AccidentForm(request.POST or None, township_id=township.pk, initial={"occurred_on": local_today()})
    accident = _save(
        request, form, lambda fields: accident_create(actor=current_user(request), township=township, fields=fields)
    )
    if accident is not None:
        messages.success(request, _("The accident of %(date)s was recorded.") % {"date": f"{accident.occurred_on}"})
        return redirect("dashboard:accidents")
    return render(request, "dashboard/accidents/accident_form.html", {"form": form, "accident": None})


@login_required
def accident_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    accident = get_accident_for_office(request.user, pk)
    form = AccidentForm(request.POST or None, instance=accident, township_id=accident.township_id)
    saved = _save(
        request,
        form,
        lambda fields: accident_update(accident_id=accident.pk, actor=current_user(request), changes=fields),
    )
    if saved is not None:
        messages.success(request, _("The changes were saved."))
        return redirect(saved)
    return render(request, "dashboard/accidents/accident_form.html", {"form": form, "accident": accident})
