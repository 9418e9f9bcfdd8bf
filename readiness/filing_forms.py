"""Forms of work plans and monthly reports: every request value bounded, with a clear message when it is not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from hazards.forms import PhotoField
from units.forms import BoundedForm, DateInput, StyledFormMixin

from .filing_selectors import Target
from .models.filing import FilingSettings, WorkPlan


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


def target_choices(targets: list[Target]) -> list[tuple[str, str]]:
    return [(t.key, t.name) for t in targets]


class TargetChoiceField(forms.ChoiceField):
    """A village or unit offered to the user ("v:12", "u:3"); cleaned to the Target."""

    def __init__(self, targets: list[Target], **kwargs: Any) -> None:
        self.targets = {t.key: t for t in targets}
        kwargs.setdefault("label", _("village or unit"))
        super().__init__(choices=target_choices(targets), **kwargs)

    def clean(self, value: Any) -> Target:  # type: ignore[override]
        key = super().clean(value)
        return self.targets[key]


class RoundForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())
    for_villages = forms.BooleanField(label=_("villages file"), required=False, initial=True)
    for_units = forms.BooleanField(label=_("units file"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not (data.get("for_villages") or data.get("for_units")):
            raise forms.ValidationError(_("Choose who files: villages, units or both."))
        return data


class PlanFileForm(StyledFormMixin, forms.Form):
    target = forms.ChoiceField(label=_("village or unit"))  # replaced per user
    documents = PhotoField(label=_("the work plan (PDF or photos of its pages)"), required=True, camera=False)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, targets: list[Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"] = TargetChoiceField(targets)
        self.fields["target"].widget.attrs["class"] = "form-select"


class RefileForm(StyledFormMixin, forms.Form):
    documents = PhotoField(label=_("the work plan (PDF or photos of its pages)"), required=True, camera=False)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected = forms.ChoiceField(choices=WorkPlan.State.choices, required=False, widget=forms.HiddenInput)


class ReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("comments"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected = forms.ChoiceField(choices=WorkPlan.State.choices, required=False, widget=forms.HiddenInput)


class RoundLineFilter(BoundedForm):
    state = forms.ChoiceField(
        required=False,
        choices=[("", _("all")), ("not_filed", _("not filed")), *WorkPlan.State.choices],
    )


class MonthForm(StyledFormMixin, forms.Form):
    """?month=YYYY-MM of the monthly reports' page."""

    month = forms.DateField(label=_("month"), input_formats=["%Y-%m"], widget=MonthInput(), required=False)
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[
            ("", _("all")),
            ("reported", _("reported")),
            ("late", _("reported late")),
            ("missing", _("not reported, overdue")),
            ("waiting", _("not reported yet")),
        ],
    )


class YearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), required=False, min_value=2024, max_value=2100)


class MonthlyReportForm(StyledFormMixin, forms.Form):
    target = forms.ChoiceField(label=_("village or unit"))  # replaced per user
    month = forms.DateField(label=_("month"), input_formats=["%Y-%m"], widget=MonthInput())
    hazards_found = forms.IntegerField(label=_("hazards found in the month"), min_value=0, max_value=9999)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, targets: list[Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"] = TargetChoiceField(targets)
        self.fields["target"].widget.attrs["class"] = "form-select"

    def clean_month(self) -> Any:
        month = self.cleaned_data["month"].replace(day=1)
        if month >= local_today().replace(day=1):
            raise forms.ValidationError(_("A month is reported on once it has ended."))
        return month


class CorrectionForm(StyledFormMixin, forms.Form):
    hazards_found = forms.IntegerField(label=_("hazards found in the month"), min_value=0, max_value=9999)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ZeroReportForm(BoundedForm):
    """The phone's one tap: a zero report (零报告) for one village or unit and month."""

    target = forms.ChoiceField()
    month = forms.DateField(input_formats=["%Y-%m"])

    def __init__(self, *args: Any, targets: list[Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"] = TargetChoiceField(targets)


class SettingsForm(StyledFormMixin, forms.Form):
    villages_report = forms.BooleanField(label=_("villages report monthly"), required=False)
    units_report = forms.ChoiceField(label=_("units that report monthly"), choices=FilingSettings.Units.choices)
    due_day = forms.IntegerField(
        label=_("due day of the following month"),
        min_value=1,
        max_value=28,
        help_text=_("A month's report is due by this day of the following month (1–28)."),
    )
