"""Master-data pages. Every query goes through units.access; out of scope is 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView

from core.work_queue import work_queue_for

from .access import (
    CURRENT_TOWNSHIP_KEY,
    Scope,
    enterprises_visible_to,
    get_enterprise_for_office,
    get_enterprise_for_user,
    get_or_404,
    get_scope,
    get_township_for_office,
    master_records_visible_to,
    may_see_master_history,
    office_township,
    require_any,
    require_enterprise_reader,
    require_master_data_reader,
    require_office,
    supervision_groups_visible_to,
    townships_managed_by,
)
from .filters import EnterpriseFilter
from .forms import (
    EnterprisePageForm,
    MasterSearchForm,
    SectorForm,
    SupervisionGroupForm,
    TownshipSettingsForm,
    TownshipSwitchForm,
    UnitForm,
    VillageForm,
)
from .models import Role, Sector, SupervisionGroup, Unit, Village
from .selectors import master_record_history
from .services import master_record_set_active

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's work queue (待办): what waits for them, most urgent first, each entry linking to the list that
    shows exactly those records. The apps register the entries (core.work_queue); this page names none of them."""
    scope = get_scope(request.user)
    context = {"scope": scope, "roles": _role_labels(scope), "queue": work_queue_for(request.user)}
    return render(request, "units/home.html", context)


def _role_labels(scope: Scope) -> list[str]:
    return [str(label) for value, label in Role.choices if value in scope.roles]


# -- generic master data (villages, units, sectors, supervision groups) ----------------------------


class MasterDataMixin(LoginRequiredMixin):
    """Scoped list/create/edit for a simple master-data model; readers see, the office changes."""

    model: Any
    form_class: Any = None
    template_name: Any
    url_prefix: ClassVar[str]
    title: ClassVar[str]
    search_fields: ClassVar[tuple[str, ...]] = ("name",)
    request: HttpRequest

    @property
    def scope(self) -> Scope:
        return get_scope(self.request.user)

    def scoped_queryset(self) -> QuerySet[Any]:
        require_master_data_reader(self.scope)
        return master_records_visible_to(self.request.user, self.model)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        ctx.update(
            title=self.title,
            can_change=self.scope.is_office,
            url_prefix=self.url_prefix,
            list_url=reverse(f"units:{self.url_prefix}_list"),
        )
        return ctx


class MasterListView(MasterDataMixin, ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Any]:
        qs = self.scoped_queryset()
        self.search = MasterSearchForm(self.request.GET)
        if not self.search.is_valid():
            return qs.none()  # an invalid search shows nothing rather than everything
        q = self.search.cleaned_data["q"].strip()
        if q:
            cond = Q()
            for f in self.search_fields:
                cond |= Q(**{f"{f}__icontains": q})
            qs = qs.filter(cond)
        status = self.search.cleaned_data["status"] or "active"
        if status == "active":
            qs = qs.filter(is_active=True)
        elif status == "inactive":
            qs = qs.filter(is_active=False)
        return self.decorate(qs)

    def decorate(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        data = self.search.cleaned_data if self.search.is_valid() else {}
        ctx["search_form"] = self.search
        ctx["q"] = data.get("q", "")
        ctx["status"] = data.get("status") or "active"
        return ctx


class MasterFormMixin(MasterDataMixin):
    template_name: Any = "units/master_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["township_id"] = self.township_id()
        return kwargs

    def save_or_name_clash(self, form: BaseForm, save: Callable[[], HttpResponse]) -> HttpResponse:
        """Saves; a name taken meanwhile by someone else (the form checked it a moment ago) is a form error too."""
        try:
            with transaction.atomic():
                return save()
        except IntegrityError:
            form.add_error(
                "name",
                _("This township already has a %(kind)s with this name.") % {"kind": self.model._meta.verbose_name},
            )
            return self.form_invalid(form)  # type: ignore[attr-defined,no-any-return]

    def township_id(self) -> int:
        """A new record belongs to the current township, which the user must run (else 404)."""
        return office_township(self.request).pk

    def get_success_url(self) -> str:
        return reverse(f"units:{self.url_prefix}_list")


class MasterCreateView(MasterFormMixin, CreateView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require_any(get_scope(request.user), Role.OFFICE, Role.ADMIN)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: BaseForm) -> HttpResponse:
        form.instance.township_id = self.township_id()  # type: ignore[attr-defined]
        response = self.save_or_name_clash(form, lambda: super(MasterCreateView, self).form_valid(form))  # type: ignore[arg-type]
        if response.status_code != 302:
            return response
        messages.success(self.request, _("“%(name)s” was created.") % {"name": self.object})
        return response


class MasterUpdateView(MasterFormMixin, UpdateView):
    def get_queryset(self) -> QuerySet[Any]:
        return self.scoped_queryset()

    def township_id(self) -> int:
        return self.object.township_id  # type: ignore[no-any-return]

    def get_form(self, form_class: Any = None) -> BaseForm:
        form: BaseForm = super().get_form(form_class)
        if not self.scope.is_office_for(self.object.township_id):
            # Leadership reads the record; the form is shown but cannot be changed.
            for field in form.fields.values():
                field.disabled = True
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = master_record_history(self.object)
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if not self.scope.is_office_for(self.object.township_id):
            return render(request, "404.html", status=404)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: BaseForm) -> HttpResponse:
        response = self.save_or_name_clash(form, lambda: super(MasterUpdateView, self).form_valid(form))  # type: ignore[arg-type]
        if response.status_code != 302:
            return response
        messages.success(self.request, _("Changes to “%(name)s” were saved.") % {"name": self.object})
        return response


class MasterToggleView(MasterDataMixin, View):
    """POST only: deactivate or reactivate (never delete), after a confirmation in the page."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_or_404(self.scoped_queryset(), pk=pk)
        if not self.scope.is_office_for(record.township_id):
            return render(request, "404.html", status=404)
        active = request.POST.get("active") == "1"
        master_record_set_active(record=record, active=active, actor=request.user)
        if active:
            messages.success(request, _("“%(name)s” is active again.") % {"name": record})
        else:
            messages.success(
                request,
                _("“%(name)s” was deactivated. Existing records keep referring to it.") % {"name": record},
            )
        return redirect(reverse(f"units:{self.url_prefix}_edit", args=[record.pk]))


def master_views(
    model: type[models.Model], form: type[BaseForm], prefix: str, title: str, **list_attrs: Any
) -> dict[str, Any]:
    """The four views of one simple master-data model, built from the generic ones above."""
    attrs = {"model": model, "form_class": form, "url_prefix": prefix, "title": title}
    bases: dict[str, tuple[type, dict[str, Any]]] = {
        "list": (MasterListView, {**attrs, **list_attrs}),
        "create": (MasterCreateView, attrs),
        "edit": (MasterUpdateView, attrs),
        "toggle": (MasterToggleView, attrs),
    }
    views: dict[str, Any] = {}
    for key, (base, class_attrs) in bases.items():
        view_class: Any = type(f"{model.__name__}{base.__name__}", (base,), class_attrs)
        views[key] = view_class.as_view()
    return views


def _units_list(self: MasterListView, qs: QuerySet[Unit]) -> QuerySet[Unit]:
    # Meta.ordering does not apply to a grouped query: name and key keep the pages stable.
    return qs.annotate(n_led=Count("led_sectors", filter=Q(led_sectors__is_active=True))).order_by("name", "pk")


def _sectors_list(self: MasterListView, qs: QuerySet[Sector]) -> QuerySet[Sector]:
    return qs.select_related("lead_unit").prefetch_related("participating_units")


def _groups_list(self: MasterListView, qs: QuerySet[SupervisionGroup]) -> QuerySet[SupervisionGroup]:
    return qs.select_related("leader").prefetch_related("members", "villages", "units")


village_views = master_views(
    Village,
    VillageForm,
    "village",
    _("Villages"),
    template_name="units/village_list.html",
    search_fields=("name", "code"),
)
unit_views = master_views(
    Unit, UnitForm, "unit", _("Units"), template_name="units/unit_list.html", decorate=_units_list
)
sector_views = master_views(
    Sector, SectorForm, "sector", _("Sectors"), template_name="units/sector_list.html", decorate=_sectors_list
)
group_views = master_views(
    SupervisionGroup,
    SupervisionGroupForm,
    "group",
    _("Supervision groups"),
    template_name="units/group_list.html",
    decorate=_groups_list,
)


# -- enterprises ------------------------------------------------------------------------------------


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    require_enterprise_reader(scope)
    base = enterprises_visible_to(request.user).select_related("village", "primary_sector__lead_unit")
    flt = EnterpriseFilter(request.GET or None, queryset=base, scope=scope)
    # An unbound filter shows the active enterprises; an invalid one shows nothing rather than everything.
    qs = (flt.qs if flt.is_valid() else base.none()) if flt.is_bound else base.filter(is_active=True)
    page = Paginator(qs.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "units/enterprise_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "querystring": params.urlencode(),
            "can_change": scope.is_office,
        },
    )


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, pk)
    scope = get_scope(request.user)
    sectors = list(enterprise.other_sectors.select_related("lead_unit"))
    return render(
        request,
        "units/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "other_sectors": sectors,
            "is_high_risk": enterprise.is_high_risk,
            "can_change": scope.is_office_for(enterprise.township_id),
            "history": master_record_history(enterprise) if may_see_master_history(scope) else [],
        },
    )


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    require_any(get_scope(request.user), Role.OFFICE, Role.ADMIN)
    township_id = office_township(request).pk
    form = EnterprisePageForm(request.POST or None, township_id=township_id)
    if request.method == "POST" and form.is_valid():
        form.instance.township_id = township_id
        enterprise = form.save()
        messages.success(request, _("Enterprise “%(name)s” was created.") % {"name": enterprise.name})
        return redirect(enterprise)
    return render(request, "units/enterprise_form.html", {"form": form, "enterprise": None})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_office(request.user, pk)
    form = EnterprisePageForm(request.POST or None, instance=enterprise, township_id=enterprise.township_id)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes to “%(name)s” were saved.") % {"name": enterprise.name})
        return redirect(enterprise)
    return render(request, "units/enterprise_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_POST
def enterprise_toggle(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    enterprise = get_enterprise_for_office(request.user, pk)
    active = request.POST.get("active") == "1"
    master_record_set_active(record=enterprise, active=active, actor=request.user)
    if active:
        messages.success(request, _("“%(name)s” is active again.") % {"name": enterprise.name})
    else:
        messages.success(
            request,
            _("“%(name)s” was deactivated. Existing records keep referring to it.") % {"name": enterprise.name},
        )
    return redirect(enterprise)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = get_scope(request.user)
    require_master_data_reader(scope)
    qs = supervision_groups_visible_to(request.user).prefetch_related(
        "members", Prefetch("villages", Village.objects.order_by("code")), "units"
    )
    group = get_or_404(qs.select_related("leader"), pk=pk)
    return render(
        request,
        "units/group_detail.html",
        {"group": group, "can_change": scope.is_office_for(group.township_id), "history": master_record_history(group)},
    )


# -- the office's settings of its township ------------------------------------------------------------


@login_required
def township_settings(request: HttpRequest) -> HttpResponse:
    """Each township the user runs, with its settings and their history of changes."""
    require_office(get_scope(request.user))
    townships = townships_managed_by(request.user).order_by("code")
    entries = [
        {
            "township": t,
            "form": TownshipSettingsForm(instance=t, prefix=f"t{t.pk}"),
            "history": master_record_history(t),
        }
        for t in townships
    ]
    return render(request, "units/township_settings.html", {"entries": entries})


@login_required
@require_POST
def township_settings_save(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(get_scope(request.user))
    township = get_township_for_office(request.user, pk)
    form = TownshipSettingsForm(request.POST, instance=township, prefix=f"t{township.pk}")
    if form.is_valid():
        township = form.save(commit=False)
        township._history_user = request.user  # type: ignore[attr-defined]
        township.save()
        messages.success(request, _("The settings of %(township)s were saved.") % {"township": township.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("units:township_settings")


# -- the township a user of several acts in ---------------------------------------------------------


def _page_after_switch(request: HttpRequest, next_url: str) -> str:
    """Back to the page the user was on, if it is ours and a page of no one record (a record of the township left
    behind would answer 404 now); else the start page."""
    home = reverse("home")
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return home
    try:
        match = resolve(next_url.split("?", 1)[0])
    except Resolver404:
        return home
    return home if match.kwargs else next_url


@login_required
@require_POST
def switch_township(request: HttpRequest) -> HttpResponse:
    """The header's picker: act in another of the user's townships from now on in this session."""
    form = TownshipSwitchForm(request.POST, user=request.user)
    if not form.is_valid():
        raise Http404
    township = form.cleaned_data["township"]
    request.session[CURRENT_TOWNSHIP_KEY] = township.pk
    messages.success(request, _("You now work in %(township)s.") % {"township": township.name})
    return redirect(_page_after_switch(request, form.cleaned_data["next"]))
