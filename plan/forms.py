"""Every value the plan's pages take, with its bounds (SPEC S9)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import quarter_label
from hazards.forms import PhotoField
from units.forms import BoundedForm, DateInput, StyledFormMixin
from units.models import Unit, Village

from .models import Measure, Plan, ProgressReport

Quarter = tuple[int, int]


class PlanChoiceForm(BoundedForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), required=False)

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class MeasureForm(StyledFormMixin, forms.Form):
    heading = forms.CharField(label=_("heading"), max_length=100, required=False)
    text = forms.CharField(label=_("text of the plan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    lead_unit = forms.ModelChoiceField(label=_("lead unit"), queryset=Unit.objects.none(), required=False)
    participating_units = forms.ModelMultipleChoiceField(
        label=_("participating units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(township_id=township_id, is_active=True).order_by("name")
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["participating_units"].queryset = units  # type: ignore[attr-defined]


class _TaskFields(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("task"), max_length=200)
    description = forms.CharField(
        label=_("what is to be done"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput())
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("deadline") and data["deadline"] < data["starts_on"]:
            self.add_error("deadline", _("The deadline cannot be before the start."))
        return data


class TaskForm(_TaskFields):
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    field_order = ["village", "unit", "title", "description", "starts_on", "deadline"]

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = Village.objects.filter(township_id=township_id, is_active=True).order_by("code")
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        units = Unit.objects.filter(township_id=township_id, is_active=True).order_by("name")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("village")) == bool(data.get("unit")):
            raise forms.ValidationError(_("Give the task to one village or one unit."))
        return data


class TaskEditForm(_TaskFields):
    pass


class PerVillageForm(_TaskFields):
    pass


def quarter_value(quarter: Quarter) -> str:
    return f"{quarter[0]}-{quarter[1]}"


class ReportForm(StyledFormMixin, forms.Form):
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=(), coerce=str)
    work_done = forms.CharField(label=_("what was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    figures = forms.CharField(
        label=_("figures"),
        max_length=500,
        required=False,
        help_text=_("e.g. places inspected, people trained, hazards rectified"),
    )
    is_final = forms.BooleanField(label=_("the task is complete"), required=False)
    photos = PhotoField(label=_("attachments"), camera=False)

    def __init__(self, *args: Any, quarters: list[Quarter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(quarter_value(q), quarter_label(*q)) for q in quarters]  # type: ignore[attr-defined]

    def clean_quarter(self) -> Quarter:
        year, quarter = self.cleaned_data["quarter"].split("-")
        return int(year), int(quarter)  # one of the choices offered, so two numbers


class ResubmitForm(StyledFormMixin, forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput, required=False, max_length=10)
    work_done = forms.CharField(label=_("what was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    figures = forms.CharField(label=_("figures"), max_length=500, required=False)
    is_final = forms.BooleanField(label=_("the task is complete"), required=False)
    photos = PhotoField(label=_("further attachments"), camera=False)


class ReviewForm(StyledFormMixin, forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput, required=False, max_length=10)
    note = forms.CharField(
        label=_("comments"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(ReviewForm):
    note = forms.CharField(
        label=_("what is missing or wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TaskFilterForm(BoundedForm):
    STATE_CHOICES = [("", _("in progress")), ("done", _("done")), ("all", _("all"))]
    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    state = forms.ChoiceField(label=_("state"), choices=STATE_CHOICES, required=False)
    late = forms.BooleanField(label=_("late only"), required=False)
    to_report = forms.BooleanField(label=_("to report on"), required=False)
    measure = forms.ModelChoiceField(label=_("measure"), queryset=Measure.objects.none(), required=False)
    # The scoreboard links a village's or unit's tasks due in a quarter here (not shown in the filter bar).
    village = forms.ModelChoiceField(queryset=Village.objects.none(), required=False, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False, widget=forms.HiddenInput)
    deadline_from = forms.DateField(required=False, widget=forms.HiddenInput)
    deadline_to = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, measures: QuerySet[Measure], township_ids: Iterable[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        towns = list(township_ids)
        self.fields["village"].queryset = Village.objects.filter(township_id__in=towns)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(township_id__in=towns)  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-select form-select-sm"
            if isinstance(field.widget, forms.TextInput):
                css = "form-control form-control-sm"
            field.widget.attrs["class"] = css


class ReportFilterForm(BoundedForm):
    state = forms.ChoiceField(label=_("state"), choices=[("", _("all")), *ProgressReport.State.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].widget.attrs["class"] = "form-select form-select-sm"


class TargetEntryForm(StyledFormMixin, forms.Form):
    value = forms.DecimalField(
        label=_("figure"), min_value=Decimal(0), max_value=Decimal("9999999999"), max_digits=12, decimal_places=2
    )
    as_of = forms.DateField(label=_("as of"), widget=DateInput())
    source_note = forms.CharField(
        label=_("source"), max_length=300, help_text=_("e.g. the 农机站's register of 2025-06-30")
    )
