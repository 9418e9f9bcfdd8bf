"""The enterprise list's filters; every choice list is narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .access import Scope
from .credit_code import normalise_credit_code
from .forms import BoundedForm
from .models import Enterprise, EnterpriseQuerySet, Sector, Village

FLAG_CHOICES = [
    ("is_above_scale", _("above designated size")),
    ("is_dust_explosion", _("dust explosion hazard")),
    ("is_confined_space", _("confined space work")),
    ("is_lpg_business", _("LPG business or filling")),
    ("is_lpg_user", _("LPG user (catering)")),
    ("is_crowded_place", _("crowded place")),
    ("is_three_in_one", _("three-in-one place")),
    ("is_self_built_house", _("self-built commercial house")),
    ("is_benchmark", _("standardisation benchmark")),
]


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    village = django_filters.ModelChoiceFilter(label=_("village"), queryset=Village.objects.none())
    sector = django_filters.ModelChoiceFilter(label=_("sector"), queryset=Sector.objects.none(), method="filter_sector")
    flag = django_filters.ChoiceFilter(label=_("flag"), choices=FLAG_CHOICES, method="filter_flag")
    high_risk = django_filters.BooleanFilter(label=_("high-risk"), method="filter_high_risk")
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[("active", _("active")), ("inactive", _("deactivated")), ("all", _("all"))],
        method="filter_status",
        empty_label=None,
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []
        form = BoundedForm  # dates in a plausible range, numbers within the column (issue 10)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["village"].queryset = scope.filter_villages(Village.objects.filter(is_active=True))  # type: ignore[attr-defined]
        self.filters["sector"].queryset = scope.filter_sectors(Sector.objects.filter(is_active=True))  # type: ignore[attr-defined]
        for f in self.form.fields.values():
            f.widget.attrs["class"] = (
                "form-select form-select-sm" if hasattr(f, "choices") else "form-control form-control-sm"
            )

    @property
    def qs(self) -> QuerySet[Enterprise]:
        qs = super().qs
        if not self.form.cleaned_data.get("status"):
            qs = qs.filter(is_active=True)
        return qs

    def filter_q(self, qs: EnterpriseQuerySet, name: str, value: str) -> EnterpriseQuerySet:
        value = value.strip()
        if not value:
            return qs
        code = normalise_credit_code(value)
        return qs.filter(Q(name__icontains=value) | Q(credit_code__startswith=code) | Q(address__icontains=value))

    def filter_sector(self, qs: EnterpriseQuerySet, name: str, value: Sector | None) -> EnterpriseQuerySet:
        if value is None:
            return qs
        through = Enterprise.other_sectors.through.objects.filter(sector_id=value.pk)
        return qs.filter(Q(primary_sector=value) | Q(pk__in=through.values("enterprise_id")))

    def filter_flag(self, qs: EnterpriseQuerySet, name: str, value: str) -> EnterpriseQuerySet:
        if value not in dict(FLAG_CHOICES):
            return qs
        return qs.filter(**{value: True})

    def filter_high_risk(self, qs: EnterpriseQuerySet, name: str, value: bool | None) -> EnterpriseQuerySet:
        if value is None:
            return qs
        high = Enterprise.objects.filter(EnterpriseQuerySet.high_risk_q()).values("pk")
        return qs.filter(pk__in=high) if value else qs.exclude(pk__in=high)

    def filter_status(self, qs: EnterpriseQuerySet, name: str, value: str) -> EnterpriseQuerySet:
        if value == "inactive":
            return qs.filter(is_active=False)
        if value == "all":
            return qs
        return qs.filter(is_active=True)
