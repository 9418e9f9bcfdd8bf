"""Forms for master data. Validation messages are shown to people, in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from core.spreadsheets import name_key

from .access import townships_to_choose
from .credit_code import normalise_credit_code, validate_credit_code
from .models import Enterprise, Role, Sector, SupervisionGroup, Township, Unit, User, Village
from .phones import PhoneField


class DateInput(forms.DateInput):
    """A browser date picker; its value must be ISO whatever the language (zh-hans formats dates as 2026/11/28)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# Issue 10: no date a person types into this system lies outside these years. Year 1 or 9999 would be stored and
# then break the deadline arithmetic (date + days) and the reports; refuse it at the field with a clear message.
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# A plain integer field without bounds writes into an `integer` column at most (PostgreSQL's int4).
INT_MAX = 2_147_483_647


@deconstructible
class PlausibleDateValidator:
    """A date (or the date of a date and time) between EARLIEST_DATE and LATEST_DATE."""

    def __call__(self, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s."),
                code="implausible_date",
                params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDateValidator)


def _column_bounds(model: type[models.Model] | None, name: str) -> list[Any]:
    """The model field's own min/max validators (for integers: the column's range), for a form that skips them."""
    if model is None:
        return []
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if not isinstance(model_field, models.IntegerField) or model_field.is_relation:
        return []
    return [v for v in model_field.validators if isinstance(v, MinValueValidator | MaxValueValidator)]


def bound_field(field: forms.Field, model: type[models.Model] | None = None, name: str = "") -> None:
    """Bounds every field by what the database can hold (issue 10), whether or not the form checks the model.

    Dates: a plausible range. Integers: the model column's range, else int4. (NUL characters and lone surrogates are
    refused for every parameter by units.middleware.RefuseUnstorableInput; CharFields check NUL themselves too.)
    """
    if isinstance(field, forms.DateField | forms.DateTimeField):
        if not any(isinstance(v, PlausibleDateValidator) for v in field.validators):
            field.validators.append(PlausibleDateValidator())
            fmt = {"date": "%Y-%m-%d", "month": "%Y-%m"}.get(getattr(field.widget, "input_type", ""))
            if fmt:  # the browser's picker offers the same range
                field.widget.attrs.setdefault("min", EARLIEST_DATE.strftime(fmt))
                field.widget.attrs.setdefault("max", LATEST_DATE.strftime(fmt))
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        bounds = _column_bounds(model, name)
        if not bounds and field.max_value is None:
            bounds = [MinValueValidator(-INT_MAX - 1), MaxValueValidator(INT_MAX)]
        field.validators.extend(v for v in bounds if v not in field.validators)


class BoundedFormMixin:
    """Every field bounded by what the database can hold (see bound_field); for forms without Bootstrap styling."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meta = getattr(self, "_meta", None)
        model = getattr(meta, "model", None)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound_field(field, model, name)


class BoundedForm(BoundedFormMixin, forms.Form):
    """The base form of django-filter FilterSets (Meta.form), so query-string filters are bounded too."""


class StyledFormMixin(BoundedFormMixin):
    """Bootstrap classes on every widget, so templates stay plain; every field bounded (BoundedFormMixin)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = ""
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class YearForm(BoundedForm):
    """?year= of the pages that show one year (plans, draws, shares)."""

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


def chosen_year(data: Any, default: int) -> int:
    """The year the query string (or form) asks for; the default when none or an invalid one is given."""
    form = YearForm(data)
    if form.is_valid() and form.cleaned_data["year"] is not None:
        return int(form.cleaned_data["year"])
    return default


class TownshipChoiceForm(forms.Form):
    """?township= among `towns` (the user's townships): the county's users narrow a report, a list or a board to
    one township (a form field, not a hand-parsed number — issue 10)."""

    township = forms.ModelChoiceField(queryset=Township.objects.none(), required=False)

    def __init__(self, *args: Any, towns: QuerySet[Township], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = towns  # type: ignore[attr-defined]


def chosen_township(data: Any, towns: QuerySet[Township]) -> Township | None:
    """The township the query string asks for among `towns`; None when none or another one is given."""
    form = TownshipChoiceForm({"township": data.get("township", "")}, towns=towns)
    return form.cleaned_data["township"] if form.is_valid() else None


class MasterSearchForm(BoundedForm):
    """The search box and status of the master-data lists (villages, units, sectors, groups)."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("active", _("active")), ("inactive", _("deactivated")), ("all", _("all"))],
        required=False,
    )


class UniqueNameInTownshipMixin:
    """A name is unique within its township (the models' UniqueConstraint on township and name).

    The township is not a field of these forms, so Django's own constraint check skips it and a clash reached the
    database as an IntegrityError (issue 10); the clash is a form error on the name instead.
    """

    instance: models.Model
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.township_id = township_id

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        model = type(self.instance)
        clash = model._default_manager.filter(township_id=self.township_id, name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("This township already has a %(kind)s named “%(name)s”."),
                code="unique_name",
                params={"kind": model._meta.verbose_name, "name": name},
            )
        return name


class VillageForm(UniqueNameInTownshipMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Village
        fields = ["name", "code"]
        help_texts = {"code": _("12-digit statistical division code (统计用区划代码).")}

    def clean_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data["code"])
        if not code.isdigit() or len(code) not in (9, 12):
            raise forms.ValidationError(_("A division code is 12 digits (9 for a township)."))
        return code


class UnitForm(UniqueNameInTownshipMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "duty_kind", "has_enforcement_power", "is_safety_office"]


class SectorForm(UniqueNameInTownshipMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Sector
        fields = ["name", "lead_unit", "participating_units", "is_high_risk", "aliases", "sort_order"]
        widgets = {"participating_units": forms.CheckboxSelectMultiple, "aliases": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, township_id=township_id, **kwargs)
        units = Unit.objects.filter(township_id=township_id, is_active=True)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["participating_units"].queryset = units  # type: ignore[attr-defined]

    def clean_aliases(self) -> str:
        """One name per line, each once; a name another sector of the township goes by would make imports guess."""
        own = name_key(self.cleaned_data.get("name") or getattr(self.instance, "name", "") or "")
        taken: dict[str, str] = {}
        for sector in Sector.objects.filter(township_id=self.township_id).exclude(pk=self.instance.pk):
            for name in [sector.name, *sector.alias_list]:
                taken.setdefault(name_key(name), sector.name)
        kept: dict[str, str] = {}
        for line in self.cleaned_data.get("aliases", "").splitlines():
            alias, key = line.strip(), name_key(line)
            if not key or key == own or key in kept:
                continue
            if key in taken:
                raise forms.ValidationError(
                    _("“%(alias)s” is already a name of the sector “%(sector)s”.")
                    % {"alias": alias, "sector": taken[key]}
                )
            if len(alias) > NAME_LENGTH:
                raise forms.ValidationError(_("“%(alias)s” is too long for a name.") % {"alias": alias})
            kept[key] = alias
        return "\n".join(kept.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead_unit")
        if lead and lead in (data.get("participating_units") or []):
            self.add_error("participating_units", _("The lead unit cannot also be a participating unit."))
        return data


PHONE_FIELDS = (
    "contact_phone",
    "principal_phone",
    "controller_phone",
    "safety_manager_phone",
    "fire_officer_phone",
)
NAME_LENGTH = 50  # as Sector.name


class EnterpriseForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "village",
            "primary_sector",
            "other_sectors",
            "address",
            "contact_phone",
            "principal_name",
            "principal_phone",
            "controller_name",
            "controller_phone",
            "safety_manager_name",
            "safety_manager_phone",
            "fire_officer_name",
            "fire_officer_phone",
            "is_above_scale",
            "is_dust_explosion",
            "is_confined_space",
            "is_lpg_business",
            "is_lpg_user",
            "is_crowded_place",
            "is_three_in_one",
            "is_self_built_house",
            "standardisation_grade",
            "is_benchmark",
        ]
        widgets = {"other_sectors": forms.CheckboxSelectMultiple}
        field_classes = dict.fromkeys(PHONE_FIELDS, PhoneField)

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(township_id=township_id, is_active=True)  # type: ignore[attr-defined]
        sectors: QuerySet[Sector] = Sector.objects.filter(township_id=township_id, is_active=True)
        self.fields["primary_sector"].queryset = sectors  # type: ignore[attr-defined]
        self.fields["other_sectors"].queryset = sectors  # type: ignore[attr-defined]
        # People paste codes with spaces (full-width too): accept more than 18 characters here,
        # and validate the normalised value in clean_credit_code.
        code_field = self.fields["credit_code"]
        code_field.validators = []
        code_field.max_length = 40  # type: ignore[attr-defined]
        code_field.widget.attrs.update(maxlength="40", autocapitalize="characters", spellcheck="false")

    def clean_credit_code(self) -> str | None:
        code = normalise_credit_code(self.cleaned_data.get("credit_code"))
        if not code:
            return None
        validate_credit_code(code)
        clash = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise forms.ValidationError(
                _("The credit code %(code)s is already registered for “%(name)s”.") % {"code": code, "name": clash.name}
            )
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        primary = data.get("primary_sector")
        others = data.get("other_sectors")
        if primary is not None and others is not None:
            data["other_sectors"] = [s for s in others if s.pk != primary.pk]
        return data


class SupervisionGroupForm(UniqueNameInTownshipMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SupervisionGroup
        fields = ["name", "leader", "members", "villages", "units"]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
            "villages": forms.CheckboxSelectMultiple,
            "units": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, township_id=township_id, **kwargs)
        people = (
            User.objects.filter(is_active=True, assignments__township_id=township_id, assignments__is_active=True)
            .exclude(assignments__role=Role.ENTERPRISE)
            .distinct()
            .order_by("full_name", "username")
        )
        leaders = people.filter(assignments__role__in=[Role.LEADERSHIP, Role.OFFICE]).distinct()
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["villages"].queryset = Village.objects.filter(township_id=township_id, is_active=True)  # type: ignore[attr-defined]
        self.fields["units"].queryset = Unit.objects.filter(township_id=township_id, is_active=True)  # type: ignore[attr-defined]
        self.fields["leader"].help_text = _("A leading cadre (分管领导) leads each group.")


class TownshipSettingsForm(StyledFormMixin, forms.ModelForm):
    """The office's settings of its township."""

    class Meta:
        model = Township
        fields = ["confirmation_days", "stock_cutoff"]
        widgets = {"stock_cutoff": DateInput}

    def clean_stock_cutoff(self) -> dt.date:
        """A cutoff in the future would count this year's new hazards as stock."""
        cutoff: dt.date = self.cleaned_data["stock_cutoff"]
        if cutoff > local_today():
            raise forms.ValidationError(_("The stock cutoff cannot lie in the future."))
        return cutoff


class TownshipSwitchForm(forms.Form):
    """The header's picker: one of the user's townships, and the page to go back to."""

    township = forms.ModelChoiceField(queryset=Township.objects.none())
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_to_choose(user)  # type: ignore[attr-defined]


class EnterprisePageForm(EnterpriseForm):
    """The office's enterprise page: the roster's fields, plus the unit that runs the place (not in the roster)."""

    class Meta(EnterpriseForm.Meta):
        fields = [*EnterpriseForm.Meta.fields, "operated_by"]

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, township_id=township_id, **kwargs)
        self.fields["operated_by"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            township_id=township_id, is_active=True
        )


# Longer than any password a person types; a longer one is refused before it is hashed.
PASSWORD_MAX_LENGTH = 4096


class LengthCheckedLoginMixin:
    """The user name's and password's length checked at the field (issue 10).

    Django sets the user name field's max_length after the field was built, so the length was never validated: a
    256-character name reached authentication, and the failed-login record (django-axes keeps at most 255
    characters) failed with a server error. A name longer than any account's is now a form error, and nothing is
    recorded for it.
    """

    fields: dict[str, forms.Field]
    username_field: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(self.username_field.max_length or 150))
        password = self.fields["password"]
        password.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
        password.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


class LoginForm(LengthCheckedLoginMixin, AuthenticationForm):
    """The login page's form."""


class AdminLoginForm(LengthCheckedLoginMixin, AdminAuthenticationForm):
    """The admin's login form (admin.site.login_form)."""
