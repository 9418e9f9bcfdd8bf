"""Forms of the double-random draw pages (§28): the pool filters, a new draw, the year's target share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from units.forms import DateInput, StyledFormMixin
from units.models import Sector, Unit, Village

from .models import Inspector

HIGH_RISK_CHOICES = [("", _("any")), ("yes", _("high-risk only")), ("no", _("not high-risk"))]


def _yes_no(value: str) -> bool:
    return value == "yes"


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.name} · {obj.get_pool_display()}"
        if obj.holds_credential(local_today()):
            label += " · " + str(_("enforcement credential (执法证)"))
        return label


class DrawFilterForm(StyledFormMixin, forms.Form):
    """Which enterprises make up the target pool; also bound to the pool-size preview."""

    villages = forms.ModelMultipleChoiceField(
        label=_("villages"),
        queryset=Village.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: all villages."),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("sectors"),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: all sectors. An enterprise matches by its primary or a further sector."),
    )
    high_risk = forms.TypedChoiceField(
        label=_("high-risk (§22)"), choices=HIGH_RISK_CHOICES, coerce=_yes_no, empty_value=None, required=False
    )

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = Village.objects.filter(township_id=township_id, is_active=True)  # type: ignore[attr-defined]
        self.fields["sectors"].queryset = Sector.objects.filter(township_id=township_id, is_active=True)  # type: ignore[attr-defined]

    def pool_filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"villages": list(data["villages"]), "sectors": list(data["sectors"]), "high_risk": data["high_risk"]}


class DrawForm(DrawFilterForm):
    name = forms.CharField(label=_("name"), max_length=100)
    inspectors = InspectorChoiceField(
        label=_("inspector pool"),
        queryset=Inspector.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The inspectors the teams are drawn from (§30). Every team has at least two holding an enforcement"
            " credential (执法证); social supervisors and contracted experts may accompany them."
        ),
    )
    inspecting_unit = forms.ModelChoiceField(
        label=_("inspecting unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_(
            "Empty: the safety office. With administrative enforcement power (执法权) the drawn inspections are"
            " law-enforcement inspections (执法检查)."
        ),
    )
    n = forms.IntegerField(label=_("number of targets"), min_value=1)
    k = forms.IntegerField(label=_("inspectors per team"), min_value=1, initial=2)
    planned_on = forms.DateField(label=_("planned for"), widget=DateInput)
    seed = forms.CharField(
        label=_("seed"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for a fresh random seed. Enter a recorded seed to reproduce a draw."),
    )

    field_order = [
        "name",
        "villages",
        "sectors",
        "high_risk",
        "inspectors",
        "n",
        "k",
        "inspecting_unit",
        "planned_on",
        "seed",
    ]

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, township_id=township_id, **kwargs)
        self.fields["inspectors"].queryset = Inspector.objects.filter(  # type: ignore[attr-defined]
            township_id=township_id, is_active=True
        ).order_by("pool", "name", "pk")
        self.fields["inspecting_unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            township_id=township_id, is_active=True
        ).order_by("-has_enforcement_power", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        inspectors, k = data.get("inspectors"), data.get("k")
        if inspectors is not None and k is not None and k > len(inspectors):
            self.add_error("k", _("A team cannot be larger than the inspector pool chosen."))
        return data


class ShareTargetForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    percent = forms.IntegerField(
        label=_("target share (%)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "The share of the year's law-enforcement inspections (执法检查) of enterprises that should come from"
            " double-random draws."
        ),
    )
