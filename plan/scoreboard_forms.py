"""The scoreboard's inputs: which quarter (and, for the county, which township), and the office's weights."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import local_today, quarter_of
from units.forms import StyledFormMixin
from units.models import Township

from .scoreboard import INDICATORS
from .scoreboard_services import MAX_WEIGHT

QUARTERS = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]
FIRST_YEAR = 2024  # the plan's first year: no scoreboard before it


class BoardForm(StyledFormMixin, forms.Form):
    """?year=&quarter=&township= — a quarter from the plan's first to the current one."""

    year = forms.IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=QUARTERS, coerce=int)
    township = forms.ModelChoiceField(label=_("township"), queryset=Township.objects.none(), required=False)

    def __init__(self, *args: Any, towns: QuerySet[Township], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = towns  # type: ignore[attr-defined]
        self.fields["township"].empty_label = None  # type: ignore[attr-defined]
        if towns.count() < 2:
            self.fields["township"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, quarter = data.get("year"), data.get("quarter")
        if year and quarter and (year, quarter) > quarter_of(local_today()):
            raise forms.ValidationError(_("That quarter has not begun: the scoreboard shows quarters up to now."))
        return data


class WeightsForm(StyledFormMixin, forms.Form):
    """One weight per indicator, 0–100 (0 leaves it out); the page shows each as a share of the total."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in INDICATORS:
            self.fields[indicator.key] = forms.IntegerField(
                label=str(indicator.label), min_value=0, max_value=MAX_WEIGHT, help_text=str(indicator.definition)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if len(data) == len(INDICATORS) and not sum(data.values()):
            raise forms.ValidationError(_("At least one weight must be above 0."))
        return data
