"""Forms of drills, plans, penalties and their lists: every request value bounded and checked here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import local_today, month_bounds, quarter_bounds, year_bounds
from hazards.forms import PhotoField
from units.access import Scope
from units.forms import StyledFormMixin
from units.models import Enterprise, Sector, Village

from ..models import Drill, EmergencyPlan, Penalty, PenaltyKind, PlanKind
from .access import linkable_hazards, linkable_inspections
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
    """The linked hazard and inspection are chosen among the enterprise's records the user sees (its law-enforcement
    inspections): the lists follow the enterprise chosen (submitted, or picked with "list its records")."""

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

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], units: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise_field = self.fields["enterprise"]
        enterprise_field.queryset = enterprises.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        chosen = self._chosen_enterprise()
        self.fields["hazard"].queryset = linkable_hazards(user, chosen).order_by("-pk")  # type: ignore[attr-defined]
        inspections = linkable_inspections(user, chosen).order_by("-done_on", "-pk")
        self.fields["inspection"].queryset = inspections  # type: ignore[attr-defined]
        self.fields["hazard"].label_from_instance = lambda h: f"#{h.pk} · {h.title}"  # type: ignore[attr-defined]
        self.fields["inspection"].label_from_instance = (  # type: ignore[attr-defined]
            lambda i: f"#{i.pk} · {i.done_on or '—'} · {i.get_kind_display()}"
        )
        for name, message in (
            ("hazard", _("Choose one of this enterprise's hazards that you may see.")),
            ("inspection", _("Choose one of this enterprise's law-enforcement inspections that you may see.")),
        ):
            self.fields[name].error_messages["invalid_choice"] = message
            self.fields[name].empty_label = _("none")  # type: ignore[attr-defined]
            self.fields[name].help_text = (
                _("Optional: one of the enterprise's records.")
                if chosen
                else _("Choose the enterprise and press “List its records” to link one of its records.")
            )

    def _chosen_enterprise(self) -> Enterprise | None:
        field = self.fields["enterprise"]
        value = self.data.get(self.add_prefix("enterprise")) if self.is_bound else self.initial.get("enterprise")
        if value in (None, ""):
            return None
        try:
            chosen = field.clean(value)
        except forms.ValidationError:
            return None
        return chosen if isinstance(chosen, Enterprise) else None


class VoidForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for voiding"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500})
    )


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
    voided = forms.BooleanField(label=_("include voided"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=_choices(_("all kinds"), PenaltyKind.choices))
    start = forms.DateField(label=_("from"), required=False, widget=DATE)
    end = forms.DateField(label=_("to"), required=False, widget=DATE)


__all__ = ["PlanKind"]
