"""Forms of drills, plans, penalties and their lists: every request value bounded and checked here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import local_today, month_bounds, quarter_bounds, year_bounds
from hazards.forms import PhotoField
from hazards.models import Hazard
from inspections.models import Inspection
from units.access import Scope
from units.forms import StyledFormMixin
from units.models import Enterprise, Sector, Village

from ..models import Drill, EmergencyPlan, Penalty, PenaltyKind, PlanKind
from .due import DONE, DUE, NONE, OBLIGATIONS, OVERDUE, STATE_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(empty: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", empty), *choices]


class PlanForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = EmergencyPlan
        fields = ["kind", "title", "approved_on", "revised_on"]
        widgets = {"approved_on": DATE, "revised_on": DATE}


class DrillForm(StyledFormMixin, forms.ModelForm):
    attachments = PhotoField(label=_("Photos or documents"))

    class Meta:
        model = Drill
        fields = ["held_on", "plan", "kind", "scenario", "participants", "evaluation", "improvements"]
        widgets = {
            "held_on": DATE,
            "evaluation": forms.Textarea(attrs={"rows": 3}),
            "improvements": forms.Textarea(attrs={"rows": 3}),
            "participants": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        plan.queryset = EmergencyPlan.objects.filter(enterprise=enterprise)  # type: ignore[attr-defined]
        plan.help_text = _("When a plan is chosen, the drill is of its kind.")
        self.fields["held_on"].initial = local_today()
        self.fields["participants"].min_value = 1  # type: ignore[attr-defined]
        self.fields["kind"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = data.get("plan")
        if plan is not None:
            data["kind"] = plan.kind
        elif not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", _("Choose the plan drilled or the kind of plan."))
        return data


class KeyUnitForm(StyledFormMixin, forms.Form):
    marked = forms.BooleanField(label=_("drills half-yearly as a §24 unit"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


STATES = [(s, STATE_LABELS[s]) for s in (OVERDUE, DUE, DONE, NONE)]


class DrillFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("state"), required=False, choices=_choices(_("all states"), STATES))
    obligation = forms.ChoiceField(
        label=_("kind"), required=False, choices=_choices(_("all kinds"), list(OBLIGATIONS.items()))
    )
    village = forms.ModelChoiceField(
        label=_("village"), queryset=Village.objects.none(), required=False, empty_label=_("all villages")
    )
    sector = forms.ModelChoiceField(
        label=_("sector"), queryset=Sector.objects.none(), required=False, empty_label=_("all sectors")
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = scope.township_ids if scope.unit_ids else scope.all_townships
        villages = Village.objects.filter(Q(township_id__in=towns) | Q(pk__in=scope.village_ids), is_active=True)
        self.fields["village"].queryset = villages.order_by("name")  # type: ignore[attr-defined]
        sectors = Sector.objects.filter(Q(township_id__in=scope.township_ids), is_active=True)
        self.fields["sector"].queryset = sectors.order_by("sort_order", "name")  # type: ignore[attr-defined]


class PenaltyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Penalty
        fields = [
            "enterprise",
            "kind",
            "unit",
            "document_number",
            "decided_on",
            "amount",
            "person_name",
            "person_amount",
            "facts",
            "hazard",
            "inspection",
        ]
        widgets = {"decided_on": DATE, "facts": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, enterprises: QuerySet[Enterprise], units: Any, township_id: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        hazards = Hazard.objects.filter(township_id=township_id, enterprise__isnull=False).order_by("-pk")
        self.fields["hazard"].queryset = hazards  # type: ignore[attr-defined]
        inspections = Inspection.objects.law_enforcement().filter(township_id=township_id).order_by("-pk")
        self.fields["inspection"].queryset = inspections  # type: ignore[attr-defined]
        for name in ("hazard", "inspection"):
            self.fields[name].widget = forms.NumberInput(attrs={"class": "form-control", "min": 1})
            self.fields[name].help_text = _("Optional: its number in the register.")


PERIODS = [("month", _("month")), ("quarter", _("quarter")), ("year", _("year"))]


class PeriodForm(StyledFormMixin, forms.Form):
    """A month, quarter or year: ?period=quarter&year=2026&number=2 (number: the month or the quarter)."""

    period = forms.ChoiceField(label=_("period"), choices=PERIODS, required=False)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    number = forms.IntegerField(label=_("month or quarter"), min_value=1, max_value=12, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = local_today()
        period = data.get("period") or "quarter"
        year = data.get("year") or today.year
        default = today.month if period == "month" else (today.month - 1) // 3 + 1
        number = data.get("number") or default
        if period == "quarter" and number > 4:
            raise forms.ValidationError(_("A quarter is numbered 1 to 4."))
        data.update(period=period, year=year, number=number)
        return data

    def bounds(self) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data
        if data["period"] == "month":
            return month_bounds(dt.date(data["year"], data["number"], 1))
        if data["period"] == "quarter":
            return quarter_bounds(data["year"], data["number"])
        return year_bounds(data["year"])


class PenaltyFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=_choices(_("all kinds"), PenaltyKind.choices))
    start = forms.DateField(label=_("from"), required=False, widget=DATE)
    end = forms.DateField(label=_("to"), required=False, widget=DATE)


__all__ = ["PlanKind"]
