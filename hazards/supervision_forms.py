"""Forms of the supervision pages. They only parse input; the rules live in hazards.supervision_services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from core.files import CheckedFile, UploadError, check_upload
from units.forms import BoundedFormMixin, DateInput, DateTimeInput, StyledFormMixin
from units.models import CountyDepartment, Enterprise, Township, Unit, User, Village
from units.phones import PhoneField

from . import listing_notice
from .models import Escalation, Hazard, Listing, ListingLevel, Notice, Refusal, Rung, ServiceManner
from .models.supervision import Production
from .supervision_services import FIRST_LIST_YEAR, Acceptance, ListingTerms, NoticeTerms, Service


class ServiceForm(StyledFormMixin, forms.ModelForm):
    """A model form that only parses: the service checks the rules and writes, with clearer messages."""

    def _post_clean(self) -> None:
        # Skip the model's validation and the copy into the instance: nothing is written but by the service.
        pass


class ListingForm(ServiceForm):
    """挂牌督办 at one of the levels the user lists at (access.HazardRights.listing_levels), with what its notice says.
    The office names a unit of its township as supervising unit and, from a city's or province's document, the
    listing authority; the county bureau names one of its county departments and is itself the authority."""

    supervising_contact = forms.CharField(label=_("supervising contact person"), max_length=30)
    supervising_phone = PhoneField(label=_("supervising contact's phone"))
    territorial_phone = PhoneField(label=_("territorial responsible person's phone"), required=False)
    production = forms.ChoiceField(
        label=_("production during rectification"), choices=Production.choices, widget=forms.RadioSelect
    )

    NOTICE_FIELDS = (
        "authority_name",
        "territorial_unit",
        "territorial_person",
        "territorial_phone",
        "supervising_contact",
        "supervising_phone",
        "production",
        "safeguards",
        "copy_to",
    )

    class Meta:
        model = Listing
        fields = [
            "level",
            "document_number",
            "authority_name",
            "supervising_leader",
            "supervising_unit",
            "supervising_department",
            "supervising_contact",
            "supervising_phone",
            "listed_on",
            "required_by",
            "territorial_unit",
            "territorial_person",
            "territorial_phone",
            "production",
            "safeguards",
            "copy_to",
            "note",
        ]
        widgets = {
            "listed_on": DateInput,
            "required_by": DateInput,
            "note": forms.Textarea(attrs={"rows": 2}),
            "safeguards": forms.Textarea(attrs={"rows": 2}),
            "copy_to": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        hazard: Hazard,
        levels: tuple[str, ...],
        county_id: int | None,
        contact: User | None = None,
        **kwargs: Any,
    ):
        """`county_id`: the county whose bureau lists (the form for the county), None for the township office;
        `contact`: the person filling in, offered as the supervising contact."""
        kwargs.setdefault("initial", self._defaults(hazard, levels, county_id, contact))
        super().__init__(*args, **kwargs)
        self.hazard, self.for_county = hazard, county_id is not None
        level = self.fields["level"]
        level.choices = [(value, label) for value, label in ListingLevel.choices if value in levels]  # type: ignore[attr-defined]
        self.fields["territorial_unit"].help_text = _("The hazard's village by default.")
        self.fields["copy_to"].help_text = _("Separate the names with commas.")
        self.fields["safeguards"].help_text = _("Required when production continues during rectification.")
        if county_id is None:
            del self.fields["supervising_department"]
            units: QuerySet[Unit] = Unit.objects.filter(township_id=hazard.township_id, is_active=True)
            self.fields["supervising_unit"].queryset = units  # type: ignore[attr-defined]
            self.fields["authority_name"].help_text = _(
                "For a city or province listing: the authority named on its document. A township listing is "
                "issued in the name of %(committee)s."
            ) % {"committee": listing_notice.committee_name(hazard.township.name)}
            return
        del self.fields["supervising_unit"]
        del self.fields["authority_name"]  # the county bureau itself
        departments = CountyDepartment.objects.filter(county_id=county_id, is_active=True)
        self.fields["supervising_department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["supervising_department"].help_text = _(
            "The county department that supervises the rectification; leave empty when the bureau does so itself."
        )

    @staticmethod
    def _defaults(
        hazard: Hazard, levels: tuple[str, ...], county_id: int | None, contact: User | None
    ) -> dict[str, Any]:
        level = levels[0] if levels else ""
        by_county = hazard.township.county if county_id is not None else None
        territorial = listing_notice.default_territorial(hazard)
        return {
            "listed_on": local_today(),
            "level": level,
            "territorial_unit": territorial.unit,
            "territorial_person": territorial.person,
            "territorial_phone": territorial.phone,
            "supervising_contact": contact.display_name if contact is not None else "",
            "supervising_phone": contact.phone if contact is not None else "",
            "production": Production.STOPPED,
            "copy_to": listing_notice.default_copy_to(hazard, level, by_county),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("supervising_unit", None)
        data.setdefault("supervising_department", None)
        if data.get("production") == Production.SAFEGUARDED and not (data.get("safeguards") or "").strip():
            self.add_error("safeguards", _("Describe the safeguards that apply while production continues."))
        level = data.get("level")
        if (
            "authority_name" in self.fields
            and level
            and not (data.get("authority_name") or "").strip()
            and not listing_notice.derived_authority(self.hazard.township, level, None)
        ):
            self.add_error("authority_name", _("Fill in the listing authority named on the listing document."))
        return data

    def listing_data(self) -> dict[str, Any]:
        """The listing's own fields, as listing_create takes them."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.NOTICE_FIELDS}

    def terms(self) -> ListingTerms:
        """What the notice says beyond the listing (supervision_services.ListingTerms)."""
        d = self.cleaned_data
        return ListingTerms(**{name: d.get(name) or "" for name in self.NOTICE_FIELDS})


def _checked(upload: Any) -> CheckedFile | None:
    if not upload:
        return None
    try:
        return check_upload(upload)
    except UploadError as exc:
        raise forms.ValidationError(str(exc)) from exc


class DelistForm(StyledFormMixin, forms.Form):
    """摘牌; from county level up with the listing authority's acceptance (the service says what is missing)."""

    delisted_on = forms.DateField(label=_("delisted on"), widget=DateInput)
    acceptance_authority = forms.CharField(label=_("accepted by (listing authority)"), max_length=100, required=False)
    acceptance_document = forms.CharField(label=_("acceptance document number"), max_length=100, required=False)
    acceptance_date = forms.DateField(label=_("accepted on"), widget=DateInput, required=False)
    acceptance_upload = forms.FileField(
        label=_("acceptance document"),
        required=False,
        help_text=_("The listing authority's signed acceptance: a PDF or a photo."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def __init__(self, *args: Any, listing: Listing | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("delisted_on", local_today())
        super().__init__(*args, **kwargs)
        if listing is not None and not listing.needs_acceptance:
            for name in ("acceptance_authority", "acceptance_document", "acceptance_date", "acceptance_upload"):
                del self.fields[name]
        self.checked_file: CheckedFile | None = None

    def clean_acceptance_upload(self) -> Any:
        upload = self.cleaned_data.get("acceptance_upload")
        self.checked_file = _checked(upload)
        return upload

    def acceptance(self) -> Acceptance:
        d = self.cleaned_data
        return Acceptance(
            authority=d.get("acceptance_authority") or "",
            document=d.get("acceptance_document") or "",
            date=d.get("acceptance_date"),
            attachment=self.checked_file,
        )


class TypicalFireAddForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", local_today().year)
        super().__init__(*args, **kwargs)
        last = local_today().year + 1
        year = self.fields["year"]
        year.validators += [MinValueValidator(FIRST_LIST_YEAR), MaxValueValidator(last)]
        year.widget.attrs.update(min=FIRST_LIST_YEAR, max=last)


class TypicalFireRemoveForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class ListingFilterForm(BoundedFormMixin, forms.Form):
    SOON, PAST = "soon", "past"
    level = forms.ChoiceField(
        label=_("listing level"), choices=[("", _("All levels")), *ListingLevel.choices], required=False
    )
    # The home page's queue links here: the hazards still under rectification whose required date is near or past.
    due = forms.ChoiceField(
        label=_("required date"),
        choices=[("", _("any required date")), (SOON, _("required within 15 days")), (PAST, _("required date past"))],
        required=False,
    )


class CountyListingFilterForm(StyledFormMixin, forms.Form):
    """The filters of the county's listings. A township not among the user's is refused by the field (the view
    answers 404, as for a township that does not exist); the other values not offered are ignored."""

    ACTIVE, DELISTED, ALL = "active", "delisted", "all"
    township = forms.ModelChoiceField(label=_("township"), queryset=Township.objects.none(), required=False)
    state = forms.ChoiceField(
        label=_("state"),
        choices=[(ACTIVE, _("listed")), (DELISTED, _("delisted (摘牌)")), (ALL, _("all"))],
        required=False,
    )
    overdue = forms.BooleanField(label=_("past the required completion date"), required=False)
    q = forms.CharField(label=_("document number or hazard"), max_length=100, required=False)

    def __init__(self, *args: Any, townships: QuerySet[Township], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]
        self.fields["township"].empty_label = _("All townships")  # type: ignore[attr-defined]


# Row ids are bigint: a larger number names no row (and is refused by the field rather than by the database).
BIGINT_MAX = 9_223_372_036_854_775_807


class EscalationContextForm(forms.Form):
    """?hazard= (the measure is about that hazard) and ?rung= (the measure proposed) of the escalation form."""

    hazard = forms.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    rung = forms.ChoiceField(required=False, choices=Rung.choices)


class EscalationFilterForm(forms.Form):
    """The escalation list's filters; a value not offered is ignored (the list shows every measure)."""

    rung = forms.ChoiceField(required=False, choices=Rung.choices)
    target_kind = forms.ChoiceField(required=False, choices=Escalation.Target.choices)
    # The scoreboard (plan) links the measures addressed to one village or unit in a quarter here.
    village = forms.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    unit = forms.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    taken_from = forms.DateField(required=False)
    taken_to = forms.DateField(required=False)


class EscalationForm(ServiceForm):
    """One rung against one target; only the field of the chosen kind is used (the others are ignored)."""

    hazard = forms.ModelChoiceField(
        label=_("hazard number"),
        queryset=Hazard.objects.none(),
        required=False,
        widget=forms.NumberInput,
        help_text=_("Easier: open the hazard and use “Record a measure” on its page."),
    )
    upload = forms.FileField(
        label=_("attachment"),
        required=False,
        help_text=_("The signed document: a PDF or a photo."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    class Meta:
        model = Escalation
        fields = [
            "rung",
            "target_kind",
            "hazard",
            "enterprise",
            "village",
            "unit",
            "taken_on",
            "document_number",
            "note",
        ]
        widgets = {"taken_on": DateInput, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(
        self, *args: Any, township_id: int, hazards: QuerySet[Hazard], fixed_hazard: Hazard | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("taken_on", local_today())
        super().__init__(*args, **kwargs)
        self.fixed_hazard = fixed_hazard
        if fixed_hazard is not None:
            # Opened from a hazard (its page or the overdue list): the target is that hazard, nothing to choose.
            for name in ("target_kind", "hazard", "enterprise", "village", "unit"):
                del self.fields[name]
        else:
            self._limit_targets(township_id, hazards)
        self.checked_file: CheckedFile | None = None

    def _limit_targets(self, township_id: int, hazards: QuerySet[Hazard]) -> None:
        choices: dict[str, QuerySet[Any]] = {
            "hazard": hazards.filter(township_id=township_id),
            "enterprise": Enterprise.objects.filter(township_id=township_id, is_active=True).order_by("name"),
            "village": Village.objects.filter(township_id=township_id, is_active=True),
            "unit": Unit.objects.filter(township_id=township_id, is_active=True),
        }
        for name, qs in choices.items():
            self.fields[name].queryset = qs  # type: ignore[attr-defined]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        self.checked_file = _checked(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.fixed_hazard is not None:
            data["target_kind"], data["hazard"] = Escalation.Target.HAZARD, self.fixed_hazard
        kind = data.get("target_kind")
        if kind and not data.get(kind):
            self.add_error(kind, _("Choose the target of the measure."))
        for other in ("hazard", "enterprise", "village", "unit"):
            if other != kind:
                data[other] = None
        return data


class RefusalForm(ServiceForm):
    class Meta:
        model = Refusal
        fields = ["recorded_on", "description", "referred_to", "referred_on", "referral_number", "three_checks"]
        widgets = {
            "recorded_on": DateInput,
            "referred_on": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "three_checks": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"referred_to": _("E.g. the public security organ, for referral to the judicial organs (移送).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("recorded_on", local_today())
        super().__init__(*args, **kwargs)


class ReferralForm(ServiceForm):
    """The referral and the 一案三查 record added later; a recorded referral is shown but not changed."""

    class Meta:
        model = Refusal
        fields = ["referred_to", "referred_on", "referral_number", "three_checks"]
        widgets = {"referred_on": DateInput, "three_checks": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.referred_on:
            for name in ("referred_to", "referred_on", "referral_number"):
                self.fields[name].disabled = True


class NoticeIssueForm(StyledFormMixin, forms.Form):
    """隐患整改通知书 as the issuer writes it; the initial values are the hazard's (notice_issue_initial)."""

    issued_on = forms.DateField(label=_("issued on"), widget=DateInput)
    inspected_on = forms.DateField(label=_("inspection date"), widget=DateInput)
    inspectors = forms.CharField(label=_("inspectors"), max_length=100, required=False)
    basis = forms.CharField(label=_("legal basis"), max_length=300, required=False)
    clause = forms.CharField(label=_("article"), max_length=300, required=False)
    requirement = forms.CharField(
        label=_("rectification requirement"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateField(label=_("deadline"), widget=DateInput)
    review = forms.CharField(label=_("review arrangement (复查)"), max_length=300)
    replace_reason = forms.CharField(
        label=_("reason for the new notice"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, replaces: Notice | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a notice that replaces an earlier one asks why.
        if replaces is None:
            del self.fields["replace_reason"]
        else:
            self.fields["replace_reason"].help_text = _("This notice replaces notice %(number)s.") % {
                "number": replaces.number
            }

    def terms(self) -> NoticeTerms:
        data = self.cleaned_data
        return NoticeTerms(
            inspected_on=data["inspected_on"],
            inspectors=data["inspectors"],
            basis=data["basis"],
            clause=data["clause"],
            requirement=data["requirement"],
            deadline=data["deadline"],
            review=data["review"],
            replace_reason=data.get("replace_reason", ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued_on, deadline, inspected_on = data.get("issued_on"), data.get("deadline"), data.get("inspected_on")
        if issued_on and deadline and deadline < issued_on:
            self.add_error("deadline", _("The deadline cannot be before the date of issue."))
        if issued_on and inspected_on and inspected_on > issued_on:
            self.add_error("inspected_on", _("The inspection date cannot be after the date of issue."))
        return data


class NoticeVoidForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for voiding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


_WITH_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


class NoticeServiceForm(StyledFormMixin, forms.Form):
    """送达回证, the same fields as the paper form."""

    serving_unit = forms.CharField(label=_("serving unit"), max_length=100)
    served_to = forms.CharField(label=_("person served"), max_length=50)
    served_at = forms.DateTimeField(label=_("date and time of service"), widget=DateTimeInput)
    served_place = forms.CharField(label=_("place of service"), max_length=200)
    service_manner = forms.ChoiceField(
        label=_("manner of service"), choices=ServiceManner.choices, widget=forms.RadioSelect
    )
    signed_by = forms.CharField(label=_("signature of the person served (or who signed for them)"), max_length=50)
    signer_relation = forms.CharField(
        label=_("signer's relation to the person served"),
        max_length=50,
        required=False,
        help_text=_("When someone else signed for the person served (代收)."),
    )
    witness = forms.CharField(
        label=_("witness"), max_length=50, required=False, help_text=_("Required for service by leaving it (留置送达).")
    )
    servers = forms.CharField(label=_("served by (signatures)"), max_length=100)
    service_remarks = forms.CharField(
        label=_("remarks"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_served_at(self) -> Any:
        # To the minute, as the paper asks: a date without its time is refused, not read as midnight.
        raw = str(self.data.get(self.add_prefix("served_at"), ""))
        if not _WITH_TIME.match(raw.strip()):
            raise forms.ValidationError(_("Give the date and the time of service, to the minute."))
        return self.cleaned_data["served_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signer, served = (data.get("signed_by") or "").strip(), (data.get("served_to") or "").strip()
        if signer and served and signer != served and not (data.get("signer_relation") or "").strip():
            self.add_error(
                "signer_relation",
                _("Someone other than the person served signed: please give their relation (代收)."),
            )
        if data.get("service_manner") == ServiceManner.LEFT and not (data.get("witness") or "").strip():
            self.add_error("witness", _("A notice left at the place (留置送达) needs a witness."))
        return data

    def service(self) -> Service:
        data = self.cleaned_data
        return Service(
            served_to=data["served_to"],
            served_at=data["served_at"],
            place=data["served_place"],
            manner=data["service_manner"],
            signed_by=data["signed_by"],
            servers=data["servers"],
            serving_unit=data["serving_unit"],
            signer_relation=data["signer_relation"],
            witness=data["witness"],
            remarks=data["service_remarks"],
        )
