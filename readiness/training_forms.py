"""Forms of the training and certificate pages: every request value through a bounded field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from units.access import Scope
from units.models import Enterprise, Sector, Unit

from .models import Certificate, TrainingSession
from .models.training import AttendeeRole
from .training_coverage import FIRST_YEAR, LAST_YEAR

EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _check_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(_("Enter a date between 1990 and 2100."))
    return value


class _Styled:
    def style(self: Any) -> None:
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class SessionForm(_Styled, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TrainingSession
        fields = ["held_on", "topic", "organiser", "mode", "sector", "hours"]
        widgets = {"held_on": DATE}

    def __init__(self, *args: Any, scope: Scope, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(township_id=township_id, is_active=True)
        sectors = Sector.objects.filter(township_id=township_id, is_active=True)
        if not scope.is_office_for(township_id):
            units = units.filter(pk__in=scope.unit_ids)
            sectors = sectors.filter(pk__in=scope.sector_ids)
            self.fields["sector"].required = True
        self.fields["organiser"].queryset = units  # type: ignore[attr-defined]
        self.fields["sector"].queryset = sectors  # type: ignore[attr-defined]
        self.fields["hours"].min_value = 0.5  # type: ignore[attr-defined]
        self.style()

    def clean_held_on(self) -> dt.date | None:
        return _check_date(self.cleaned_data.get("held_on"))


class AttendeeForm(_Styled, forms.Form):
    name = forms.CharField(label=_("full name"), max_length=30)
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=Enterprise.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=AttendeeRole.choices)

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.style()


class SessionFilterForm(forms.Form):
    q = forms.CharField(label=_("search"), max_length=50, required=False)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)


class CoverageForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("year"), coerce=int, choices=[(y, str(y)) for y in range(FIRST_YEAR, LAST_YEAR + 1)], required=False
    )


class CertificateForm(_Styled, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Certificate
        fields = ["enterprise", "holder", "operation", "number", "issued_on", "expires_on", "last_review_on"]
        widgets = {"issued_on": DATE, "expires_on": DATE, "last_review_on": DATE}

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in ("issued_on", "expires_on", "last_review_on"):
            try:
                _check_date(data.get(key))
            except forms.ValidationError as exc:
                self.add_error(key, exc)
        return data

    def validate_unique(self) -> None:
        """The service checks the number within the township (the township is not a field of the form)."""


class ReviewForm(_Styled, forms.Form):
    reviewed_on = forms.DateField(label=_("review passed on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean_reviewed_on(self) -> dt.date | None:
        return _check_date(self.cleaned_data.get("reviewed_on"))


DUE, OVERDUE = "due", "overdue"


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=_("search"), max_length=50, required=False)
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[("", _("all")), (DUE, _("due within 90 days")), (OVERDUE, _("overdue"))],
    )


class DeleteForm(forms.Form):
    """The confirmation step before a session or certificate is deleted: why (kept in the history)."""

    reason = forms.CharField(
        label=_("reason for deleting"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
