"""The forms of public reports: the public's own (bounded, with a honeypot), the office's entry form and steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.files import CheckedFile
from hazards.forms import HazardReportForm, PhotoField
from hazards.models import Hazard
from units.access import Scope
from units.forms import BoundedForm, DateInput, DateTimeInput, StyledFormMixin
from units.models import Enterprise, Township, Village
from units.phones import PhoneField

from . import codes
from .models import STAFF_CHANNELS, Channel, Report, Status
from .services import Identity

MAX_PHOTOS = 5
CONTENT_MAX = 2000


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.township.name} · {obj.name}"


class _IdentityFields(forms.Form):
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = PhoneField(label=_("Your phone"), required=False)
    reporter_contact = forms.CharField(label=_("Other contact (address, e-mail)"), max_length=200, required=False)

    def identity(self) -> Identity:
        data = self.cleaned_data
        return Identity(data["reporter_name"], data["reporter_phone"], data["reporter_contact"])


class PublicReportForm(StyledFormMixin, _IdentityFields):
    """举报: what, where, optionally who (for feedback and reward). `website` is a honeypot a person never sees."""

    township = forms.ModelChoiceField(label=_("Township"), queryset=Township.objects.none(), empty_label=None)
    village = VillageChoiceField(
        label=_("Village"), queryset=Village.objects.none(), required=False, empty_label=_("Not sure")
    )
    place = forms.CharField(label=_("Where exactly"), max_length=200, required=False)
    enterprise_name = forms.CharField(label=_("Enterprise or shop (if known)"), max_length=100, required=False)
    content = forms.CharField(
        label=_("What did you see?"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = PhotoField(label=_("Photos"), images_only=True, camera=False)
    website = forms.CharField(label=_("Leave this empty"), max_length=100, required=False)

    field_order = [
        "township",
        "village",
        "place",
        "enterprise_name",
        "content",
        "photos",
        "reporter_name",
        "reporter_phone",
        "reporter_contact",
        "website",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["village"].queryset = (  # type: ignore[attr-defined]
            Village.objects.filter(is_active=True).select_related("township").order_by("township__code", "code")
        )
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.fields["photos"].help_text = _("Up to %(n)d photos (JPEG, PNG, WebP).") % {"n": MAX_PHOTOS}
        for name in ("reporter_name", "reporter_phone", "reporter_contact"):
            self.fields[name].help_text = _("Optional: only the confidential-report officer can see this.")

    def clean_photos(self) -> list[CheckedFile]:
        photos: list[CheckedFile] = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        return photos

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        township, village = data.get("township"), data.get("village")
        if township and village and village.township_id != township.pk:
            self.add_error("village", _("This village is not in %(township)s.") % {"township": township.name})
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def report_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("village", "place", "enterprise_name", "content")}


class TrackForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=codes.MAX_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="off", autocapitalize="characters", spellcheck="false")


class StaffReportForm(StyledFormMixin, _IdentityFields, forms.ModelForm):
    """A report received by telephone (12345 work order, 12350), letter or visit, entered by the office."""

    photos = PhotoField(label=_("Photos"), images_only=True)

    class Meta:
        model = Report
        fields = [
            "received_via",
            "received_at",
            "work_order_number",
            "reply_due_on",
            "village",
            "place",
            "enterprise_name",
            "content",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "received_at": DateTimeInput(),
            "reply_due_on": DateInput(),
        }

    def __init__(self, *args: Any, township: Township, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.township = township
        self.fields["received_via"].choices = [(c.value, c.label) for c in STAFF_CHANNELS]  # type: ignore[attr-defined]
        self.fields["received_via"].initial = Channel.HOTLINE_12345
        self.fields["village"].queryset = Village.objects.filter(  # type: ignore[attr-defined]
            township=township, is_active=True
        )
        self.fields["village"].empty_label = _("Not sure")  # type: ignore[attr-defined]
        self.fields["content"].max_length = CONTENT_MAX  # type: ignore[attr-defined]
        self.fields["reporter_name"].help_text = _("Kept sealed: only the confidential-report officer sees it.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("received_via") == Channel.HOTLINE_12345 and not data.get("work_order_number"):
            self.add_error("work_order_number", _("A 12345 work order has a number."))
        return data

    def report_fields(self) -> dict[str, Any]:
        return {**{f: self.cleaned_data[f] for f in self.Meta.fields}, "township": self.township}


class ReportFilterForm(BoundedForm):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Status.choices], required=False)
    channel = forms.ChoiceField(label=_("Received via"), choices=[("", _("All")), *Channel.choices], required=False)
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Village.objects.none(), required=False, empty_label=_("All")
    )
    overdue = forms.BooleanField(label=_("Reply overdue"), required=False)

    def __init__(self, *args: Any, township_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(  # type: ignore[attr-defined]
            township_id__in=township_ids
        ).order_by("code")
        for field in self.fields.values():
            css = (
                "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control form-control-sm"
            )
            if isinstance(field.widget, forms.Select):
                css = "form-select form-select-sm"
            field.widget.attrs["class"] = css


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DismissForm(ReasonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason (the reporter reads it)")


class IdentityForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why do you open the identity?"), max_length=200)


class ReplyForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Reply to the reporter"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class MergeForm(StyledFormMixin, forms.Form):
    hazard = forms.ModelChoiceField(label=_("Hazard"), queryset=Hazard.objects.none(), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note for the reporter"), max_length=2000, required=False)

    def __init__(self, *args: Any, hazards: QuerySet[Hazard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hazard"].queryset = hazards  # type: ignore[attr-defined]
        self.fields["hazard"].label_from_instance = lambda h: h.named  # type: ignore[attr-defined]


class HazardSearchForm(BoundedForm):
    q = forms.CharField(label=_("Hazard number or title"), max_length=100, required=False)

    def search(self, hazards: QuerySet[Hazard]) -> QuerySet[Hazard]:
        q = self.cleaned_data.get("q", "") if self.is_valid() else ""
        if q:
            hazards = hazards.filter(Q(number__icontains=q) | Q(title__icontains=q))
        return hazards.order_by("-found_on", "-pk")[:20]


class EnterpriseForm(StyledFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False)

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(  # type: ignore[attr-defined]
            township_id=township_id, is_active=True
        ).order_by("name")


class VerifyForm(HazardReportForm):
    """The hazard the verified report becomes: the hazard's own report form, without channel, finder and photos
    (the channel is 群众举报查实, the finder the channel, the photos the report's)."""

    photos = None  # type: ignore[assignment]

    class Meta(HazardReportForm.Meta):
        fields = [f for f in HazardReportForm.Meta.fields if f not in ("channel", "found_by")]

    def __init__(self, *args: Any, scope: Scope, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        self.fields["village"].queryset = self.fields["village"].queryset.filter(  # type: ignore[attr-defined]
            township_id=report.township_id
        )
        if not self.is_bound:
            self.initial.update(
                title=report.content[:60],
                description=report.content,
                location=report.place,
                village=report.village_id,
                enterprise=report.enterprise_id,
            )
