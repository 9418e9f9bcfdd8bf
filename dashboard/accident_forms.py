"""Forms of the accident register: the record itself and the list's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from units.access import Scope
from units.forms import DateInput, StyledFormMixin
from units.models import Enterprise, Township, Village

from .accidents import FIELDS
from .models import MAX_DIRECT_LOSS, Accident, AccidentKind, AccidentLevel

LOSS_TOO_LARGE = _("The loss is given in 万元 and cannot exceed 1,000,000 万元 (100亿元); was it typed in yuan?")
COUNTED_CHOICES = [
    ("", _("counted or not")),
    ("yes", _("counted as 生产安全事故")),
    ("no", _("not counted")),
]


class AccidentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Accident
        fields = list(FIELDS)  # the fields the service accepts, in one place
        widgets = {"occurred_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "enterprise": _("Leave empty for a road, a home or another place without an enterprise."),
            "direct_loss": _("In 万元 (ten thousand yuan): 12.5 means 125,000 yuan."),
        }

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance
        villages = Village.objects.filter(Q(township_id=township_id, is_active=True) | Q(pk=current.village_id))
        enterprises = Enterprise.objects.filter(
            Q(township_id=township_id, is_active=True) | Q(pk=current.enterprise_id)
        )
        self.fields["village"].queryset = villages.order_by("code")  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = enterprises.select_related("village").order_by("name")  # type: ignore[attr-defined]
        self.fields["occurred_on"].widget.attrs["max"] = local_today().isoformat()
        for name in ("deaths", "injuries", "serious_injuries", "direct_loss"):
            self.fields[name].widget.attrs["min"] = "0"
            self.fields[name].widget.attrs["inputmode"] = "decimal" if name == "direct_loss" else "numeric"
        # Bounded here too, so a typing slip (yuan typed as 万元) is named at the field before the service sees it.
        loss = self.fields["direct_loss"]
        loss.validators += [
            MinValueValidator(Decimal("0"), message=_("The loss cannot be negative.")),
            MaxValueValidator(MAX_DIRECT_LOSS, message=LOSS_TOO_LARGE),
        ]
        loss.widget.attrs["max"] = str(MAX_DIRECT_LOSS)
        loss.error_messages["max_digits"] = LOSS_TOO_LARGE
        loss.error_messages["max_whole_digits"] = LOSS_TOO_LARGE

    def _post_clean(self) -> None:
        # The service validates the record as a whole (dates, numbers, enterprise in village) and names each
        # problem at its field; the model's own checks would only repeat them.
        pass


class AccidentFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    # The county's users read several townships: its dashboard links each township's accidents here (issue 12).
    township = forms.ModelChoiceField(
        label=_("township"), queryset=Township.objects.none(), required=False, empty_label=_("all townships")
    )
    year = forms.IntegerField(label=_("year"), required=False, min_value=1990, max_value=2100)
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("kind of accident"), choices=[("", _("all kinds")), *AccidentKind.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("level of the accident"), choices=[("", _("all levels")), *AccidentLevel.choices], required=False
    )
    counted = forms.ChoiceField(label=_("生产安全事故"), choices=COUNTED_CHOICES, required=False)
    # A period (the dashboard's 同比 figures link with one): occurred from … to, inclusive.
    occurred_from = forms.DateField(label=_("occurred from"), required=False, widget=DateInput())
    occurred_to = forms.DateField(label=_("occurred until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, scope: Scope, accidents: QuerySet[Accident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = Township.objects.filter(pk__in=scope.township_ids).order_by("code")
        self.fields["township"].queryset = towns  # type: ignore[attr-defined]
        self.several_townships = len(scope.township_ids) > 1
        self.fields["village"].queryset = Village.objects.filter(  # type: ignore[attr-defined]
            township__in=scope.township_ids
        ).order_by("code")
        this_year = local_today().year
        years = set(accidents.order_by().annotate(y=ExtractYear("occurred_on")).values_list("y", flat=True).distinct())
        choices = [("", _("all years")), *[(y, str(y)) for y in sorted(years | {this_year}, reverse=True)]]
        self.fields["year"].widget = forms.Select(choices=choices, attrs={"class": "form-select"})

    def apply(self, qs: QuerySet[Accident]) -> QuerySet[Accident]:
        if not self.is_valid():
            return qs.none()
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(
                Q(place__icontains=d["q"])
                | Q(enterprise__name__icontains=d["q"])
                | Q(source_document__icontains=d["q"])
                | Q(description__icontains=d["q"])
            )
        if d["township"]:
            qs = qs.filter(township=d["township"])
        if d["year"]:
            qs = qs.filter(occurred_on__year=d["year"])
        if d["village"]:
            qs = qs.filter(village=d["village"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["level"]:
            qs = qs.filter(level=d["level"])
        if d["counted"]:
            qs = qs.filter(counts_as_work_safety=d["counted"] == "yes")
        if d["occurred_from"]:
            qs = qs.filter(occurred_on__gte=d["occurred_from"])
        if d["occurred_to"]:
            qs = qs.filter(occurred_on__lte=d["occurred_to"])
        return qs
