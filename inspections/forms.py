"""Forms of the inspection pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hazards.forms import HazardReportForm, PhotoField
from hazards.models import Level
from units.access import Scope
from units.forms import DateInput, StyledFormMixin
from units.models import Village

from .models import InspectionAnswer, Kind, Status


class CancelForm(StyledFormMixin, forms.Form):
    """Call an inspection off: the reason, and the status the page showed (someone else may have acted since)."""

    note = forms.CharField(label=_("reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    expected = forms.ChoiceField(choices=Status.choices, required=False, widget=forms.HiddenInput)


# The phone page sends one answer as a small flat JSON object; anything bigger or deeper is not an answer.
ANSWER_MAX_BYTES = 16 * 1024


def read_json_object(request: HttpRequest, *, max_bytes: int) -> dict[str, Any]:
    """The request's JSON body as a flat object (no nested objects or lists), read no further than max_bytes.

    Raises ValidationError for anything else: another content type (a multipart form), a larger body, bytes that
    are not UTF-8 JSON, nesting too deep to parse, a value that is an object or a list."""
    if request.content_type != "application/json":
        raise forms.ValidationError(_("Send the answer as JSON."), code="content_type")
    body = request.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise forms.ValidationError(_("The answer is too large."), code="too_large")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise forms.ValidationError(_("The answer could not be read."), code="json") from exc
    if not isinstance(payload, dict) or any(isinstance(v, dict | list) for v in payload.values()):
        raise forms.ValidationError(_("The answer could not be read."), code="shape")
    return payload


def _storable(value: str) -> str:
    # A lone surrogate ("\ud800") is valid JSON but no database can store it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise forms.ValidationError(_("The text contains characters that cannot be saved."), code="invalid") from exc
    return value


class JSONIntegerField(forms.IntegerField):
    """A JSON number that is a whole number — not a string, a float or true/false."""

    def to_python(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class JSONTextMixin:
    """A JSON string (or null, meaning empty) — never a number or true/false quietly turned into text."""

    def to_python(self, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError(_("Expected text."), code="invalid")
        value = super().to_python(value)  # type: ignore[misc]
        return _storable(value) if isinstance(value, str) else value


class JSONCharField(JSONTextMixin, forms.CharField):
    pass


class JSONChoiceField(JSONTextMixin, forms.ChoiceField):
    pass


class JSONDateTimeField(JSONTextMixin, forms.DateTimeField):
    pass


class AnswerForm(forms.Form):
    """One item's answer, as the phone page sends it (a flat JSON object, exactly these keys)."""

    item = JSONIntegerField(min_value=1, max_value=2**63 - 1)
    result = JSONChoiceField(choices=InspectionAnswer.Result.choices)
    note = JSONCharField(max_length=500, required=False)
    # The phone's clock when the answer was given; the service holds it within a window (services.answer_time).
    client_time = JSONDateTimeField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unknown = set(self.data) - set(self.fields)
        if unknown:
            raise forms.ValidationError(
                _("Unexpected fields: %(names)s.") % {"names": ", ".join(sorted(map(str, unknown)))}, code="shape"
            )
        return data


class PhotoForm(forms.Form):
    item = forms.IntegerField(required=False)
    # An inspection photo shows the place as found; documents belong to the hazard's evidence.
    photo = PhotoField(label=_("Photo"), required=True, images_only=True)


class SubmitForm(StyledFormMixin, forms.Form):
    conclusion = forms.CharField(label=_("conclusion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    no_findings = forms.BooleanField(label=_("no hazard found (本次未发现隐患)"), required=False)
    signer_name = forms.CharField(label=_("responsible person of the inspected party"), max_length=30, required=False)
    # The drawn signatures as PNG data URLs (a 600×200 pad draws well under this); kept when a submit is refused.
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300_000)
    leader_signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300_000)


class FindingForm(HazardReportForm):
    """A failed item → a hazard: the report form, pre-filled, with the 立查立改 option for general hazards.

    A major item (三(二)): no 立查立改, and the level stays major — the inspector cannot lower it; the office or the
    lead unit levels it at registration with a reason."""

    photos = None  # type: ignore[assignment]  # the item's photos go with it
    fixed_on_the_spot = forms.BooleanField(label=_("fixed on the spot (立查立改)"), required=False)
    after = PhotoField(label=_("Photos after (for 立查立改)"))

    class Meta(HazardReportForm.Meta):
        fields = [*HazardReportForm.Meta.fields, "basis", "clause"]

    def __init__(self, *args: Any, major: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.major = major
        if major:
            # A disabled field keeps its initial value whatever is posted.
            self.fields["level"].initial = Level.MAJOR
            self.fields["level"].disabled = True
            self.fields["level"].help_text = _(
                "Failing this item is a major accident hazard. Only the office or the lead unit may lower the level"
                " at registration, with a reason."
            )
            del self.fields["fixed_on_the_spot"]
            del self.fields["after"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("fixed_on_the_spot") and data.get("level") == Level.MAJOR:
            self.add_error("fixed_on_the_spot", _("Only a general hazard may be fixed on the spot (立查立改)."))
        elif data.get("fixed_on_the_spot") and not data.get("after"):
            self.add_error("after", _("A hazard fixed on the spot needs a photo after the fix."))
        return data


class InspectionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("all kinds")), *Kind.choices], required=False)
    status = forms.ChoiceField(label=_("status"), choices=[("", _("all states")), *Status.choices], required=False)
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False)
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = scope.filter_villages(Village.objects.all())  # type: ignore[attr-defined]

    def apply(self, qs: Any) -> Any:
        if not self.is_valid():
            return qs.none()
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(
                Q(enterprise__name__icontains=d["q"])
                | Q(place__name__icontains=d["q"])
                | Q(place_text__icontains=d["q"])
            )
        for field in ("kind", "status", "village"):
            if d[field]:
                qs = qs.filter(**{field: d[field]})
        if d["date_from"]:
            qs = qs.filter(Q(done_on__gte=d["date_from"]) | Q(done_on__isnull=True, planned_on__gte=d["date_from"]))
        if d["date_to"]:
            qs = qs.filter(Q(done_on__lte=d["date_to"]) | Q(done_on__isnull=True, planned_on__lte=d["date_to"]))
        return qs
