"""The hazard list's filters. The ledger export uses the same FilterSet, so it holds exactly the filtered list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet
from django.forms import NullBooleanSelect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from units.access import Scope
from units.credit_code import normalise_credit_code
from units.forms import BoundedForm
from units.models import Sector, Township, Unit, Village

from .access import extension_deciders_q, may_see_channels, verifiable_q
from .models import (
    DEADLINE_STATUSES,
    RECTIFIED_STATUSES,
    Channel,
    Hazard,
    HazardType,
    Level,
    Listing,
    ListingLevel,
    Status,
    increment_q,
    stock_q,
)

SORTS = {
    "found": ("found_on", "id"),
    "-found": ("-found_on", "-id"),
    "deadline": ("deadline", "id"),
    "-deadline": ("-deadline", "-id"),
    "status": ("status", "-found_on", "-id"),
    "village": ("village__code", "-found_on", "-id"),
}
DEFAULT_SORT = "-found"


# A yes/no filter left empty shows every row: "all", not Django's "unknown". The values are NullBooleanSelect's.
YES_NO_ALL = [("unknown", _("all")), ("true", _("yes")), ("false", _("no"))]

BRACKETS = str.maketrans("[]【】(){}（）［］", "〔〕〔〕〔〕〔〕〔〕〔〕")


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


class HazardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    # The county's users read several townships: its dashboard links each township's figures here (issue 12).
    township = django_filters.ModelChoiceFilter(
        label=_("township"), queryset=Township.objects.none(), empty_label=_("all townships")
    )
    # Each empty choice says what it means ("all villages"), not "---------" (issue 14).
    village = django_filters.ModelChoiceFilter(
        label=_("village"), queryset=Village.objects.none(), empty_label=_("all villages")
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("sector"), queryset=Sector.objects.none(), empty_label=_("all sectors")
    )
    lead_unit = django_filters.ModelChoiceFilter(
        label=_("lead unit"), queryset=Unit.objects.none(), empty_label=_("all lead units")
    )
    level = django_filters.ChoiceFilter(label=_("level"), choices=Level.choices, empty_label=_("all levels"))
    hazard_type = django_filters.ChoiceFilter(
        label=_("hazard type"), choices=HazardType.choices, empty_label=_("all hazard types")
    )
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=Status.choices)
    open = django_filters.BooleanFilter(label=_("open"), method="filter_open")
    channel = django_filters.ChoiceFilter(
        label=_("source channel"), choices=Channel.choices, empty_label=_("all channels")
    )
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")
    listed = django_filters.BooleanFilter(label=_("listed for supervision"), method="filter_listed")
    stock = django_filters.ChoiceFilter(
        label=_("stock / increment"),
        choices=[("stock", _("stock (found before the cut-off)")), ("increment", _("increment"))],
        method="filter_stock",
        empty_label=_("stock and increment"),
    )
    enterprise = django_filters.NumberFilter(label=_("enterprise"), field_name="enterprise_id")
    found_from = django_filters.DateFilter(label=_("found from"), field_name="found_on", lookup_expr="gte")
    found_to = django_filters.DateFilter(label=_("found until"), field_name="found_on", lookup_expr="lte")
    deadline_from = django_filters.DateFilter(label=_("deadline from"), field_name="deadline", lookup_expr="gte")
    deadline_to = django_filters.DateFilter(label=_("deadline until"), field_name="deadline", lookup_expr="lte")
    # The dashboard's figures (dashboard/stats.py) link here; these filters give the very same rows.
    closed_from = django_filters.DateFilter(label=_("closed from"), method="filter_closed_from")
    closed_to = django_filters.DateFilter(label=_("closed until"), method="filter_closed_to")
    listing_level = django_filters.ChoiceFilter(
        label=_("listing level"),
        choices=[*ListingLevel.choices, ("county_plus", _("county level and above"))],
        method="filter_listing_level",
        empty_label=_("all listing levels"),
    )
    dismissed = django_filters.BooleanFilter(label=_("dismissed"), method="filter_dismissed")
    on_time = django_filters.BooleanFilter(label=_("rectified by the deadline"), method="filter_on_time")
    confirmation_overdue = django_filters.BooleanFilter(
        label=_("overdue for confirmation"), method="filter_confirmation_overdue"
    )
    extended = django_filters.BooleanFilter(label=_("deadline extended"), method="filter_extended")
    # What waits for the user (the home page's queue links here): the acceptances and extensions they decide.
    to_verify = django_filters.BooleanFilter(label=_("awaiting my acceptance"), method="filter_to_verify")
    extension_to_decide = django_filters.BooleanFilter(
        label=_("extension request awaiting my decision"), method="filter_extension_to_decide"
    )
    sort = django_filters.ChoiceFilter(
        label=_("sort"),
        choices=[
            ("-found", _("newest found first")),
            ("found", _("oldest found first")),
            ("deadline", _("earliest deadline first")),
            ("-deadline", _("latest deadline first")),
            ("status", _("by status")),
            ("village", _("by village")),
        ],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Hazard
        fields: list[str] = []
        form = BoundedForm  # dates in a plausible range, numbers within the column (issue 10)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        towns = scope.township_ids
        self.filters["township"].queryset = Township.objects.filter(pk__in=towns).order_by("code")  # type: ignore[attr-defined]
        self.several_townships = len(towns) > 1
        # Any village or sector of the user's townships may be chosen (as for the lead unit): the rows are scoped
        # already, and a village officer narrowing their list by sector (a dashboard bar) must not get "invalid".
        villages = scope.filter_villages(Village.objects.all()) | Village.objects.filter(township_id__in=towns)
        sectors = scope.filter_sectors(Sector.objects.all()) | Sector.objects.filter(township_id__in=towns)
        self.filters["village"].queryset = villages  # type: ignore[attr-defined]
        self.filters["sector"].queryset = sectors  # type: ignore[attr-defined]
        self.filters["lead_unit"].queryset = Unit.objects.filter(township_id__in=towns)  # type: ignore[attr-defined]
        if not may_see_channels(scope):
            # §27: the enterprise cannot sort its hazards by source (群众举报查实 would point at a neighbour).
            del self.filters["channel"]
        for name, field in self.form.fields.items():
            css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            if name == "status":
                css = "form-select form-select-sm"
            field.widget.attrs["class"] = css
            if name.endswith(("_from", "_to")):
                field.widget.input_type = "date"
            if isinstance(field.widget, NullBooleanSelect):
                field.widget.choices = YES_NO_ALL  # its empty choice would read "unknown"

    @property
    def qs(self) -> QuerySet[Hazard]:
        qs = super().qs
        if not self.form.cleaned_data.get("sort"):
            qs = qs.order_by(*SORTS[DEFAULT_SORT])
        return qs

    def filter_q(self, qs: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        value = value.strip()
        if not value:
            return qs
        code = normalise_credit_code(value)
        # A number typed with the brackets at hand (某某隐[2026]0001, 【2026】) finds 某某隐〔2026〕0001.
        number = value.translate(BRACKETS)
        return qs.filter(
            Q(number__icontains=number)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__startswith=code)
        )

    def filter_open(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        open_statuses = [Status.REPORTED, Status.CONFIRMED, Status.RECTIFYING, Status.PENDING_ACCEPTANCE]
        return qs.filter(status__in=open_statuses) if value else qs.exclude(status__in=open_statuses)

    def filter_overdue(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        overdue = Q(status__in=DEADLINE_STATUSES, deadline__lt=local_today())
        return qs.filter(overdue) if value else qs.exclude(overdue)

    def filter_listed(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        active = Listing.objects.filter(delisted_on__isnull=True).values("hazard_id")
        return qs.filter(pk__in=active) if value else qs.exclude(pk__in=active)

    def filter_stock(self, qs: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        if value == "stock":
            return qs.filter(stock_q())
        if value == "increment":
            return qs.filter(increment_q())
        return qs

    def filter_closed_from(self, qs: QuerySet[Hazard], name: str, value: dt.date | None) -> QuerySet[Hazard]:
        # Closed (销号) on or after this local date: a range on closed_at from local midnight (Asia/Shanghai).
        if value is None:
            return qs
        return qs.filter(status=Status.CLOSED, closed_at__gte=_local_midnight(value))

    def filter_closed_to(self, qs: QuerySet[Hazard], name: str, value: dt.date | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        return qs.filter(status=Status.CLOSED, closed_at__lt=_local_midnight(value + dt.timedelta(days=1)))

    def filter_listing_level(self, qs: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        if not value:
            return qs
        levels = ["county", "city", "province"] if value == "county_plus" else [value]
        active = Listing.objects.filter(delisted_on__isnull=True, level__in=levels).values("hazard_id")
        return qs.filter(pk__in=active)

    def filter_dismissed(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        return qs.filter(status=Status.DISMISSED) if value else qs.exclude(status=Status.DISMISSED)

    def filter_on_time(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        """Rectified (verified or closed) with the rectification completed — the acceptance request that then passed —
        by the last approved deadline: the on-time rate's numerator (SPEC S2); "no" gives the rest of the rectified."""
        if value is None:
            return qs
        on_time = Q(completed_on__isnull=False, deadline__isnull=False, completed_on__lte=F("deadline"))
        rectified = qs.filter(status__in=RECTIFIED_STATUSES)
        return rectified.filter(on_time) if value else rectified.exclude(on_time)

    def filter_confirmation_overdue(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        overdue = Hazard.objects.confirmation_overdue().values("pk")
        return qs.filter(pk__in=overdue) if value else qs.exclude(pk__in=overdue)

    def filter_extended(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        return qs.filter(extension_count__gt=0) if value else qs.filter(extension_count=0)

    def filter_to_verify(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        mine = verifiable_q(self.scope)
        return qs.filter(mine) if value else qs.exclude(mine)

    def filter_extension_to_decide(self, qs: QuerySet[Hazard], name: str, value: bool | None) -> QuerySet[Hazard]:
        if value is None:
            return qs
        mine = extension_deciders_q(self.scope)
        return qs.filter(mine) if value else qs.exclude(mine)

    def filter_sort(self, qs: QuerySet[Hazard], name: str, value: str) -> QuerySet[Hazard]:
        return qs.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT]))


class OverdueFilter(django_filters.FilterSet):
    """The overdue page's filters: where, who leads and how serious; the same choices as the ledger's."""

    village = django_filters.ModelChoiceFilter(
        label=_("village"), queryset=Village.objects.none(), empty_label=_("all villages")
    )
    lead_unit = django_filters.ModelChoiceFilter(
        label=_("lead unit"), queryset=Unit.objects.none(), empty_label=_("all lead units")
    )
    level = django_filters.ChoiceFilter(label=_("level"), choices=Level.choices, empty_label=_("all levels"))

    class Meta:
        model = Hazard
        fields: list[str] = []
        form = BoundedForm

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ledger = HazardFilter(scope=scope)
        for name in ("village", "lead_unit"):
            self.filters[name].queryset = ledger.filters[name].queryset  # type: ignore[attr-defined]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.filters)


def filtered_hazards(data: Any, base: QuerySet[Hazard], scope: Scope) -> tuple[HazardFilter, QuerySet[Hazard]]:
    """The list (and the export) for a query string: an invalid filter yields nothing rather than everything."""
    flt = HazardFilter(data or None, queryset=base, scope=scope)
    if not flt.is_bound:
        return flt, base.order_by(*SORTS[DEFAULT_SORT])
    return flt, (flt.qs if flt.is_valid() else base.none())
