"""Forms of the hazard pages: reporting, each workflow step, evidence and deadline extensions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from core.files import MAX_FILES, CheckedFile, UploadError, check_uploads
from units.access import Scope
from units.forms import DateInput, StyledFormMixin
from units.models import Enterprise, Sector, Village
from units.phones import PhoneField

from .models import Channel, Evidence, Hazard, HazardType, Level


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several photos or PDFs at once; each is checked by content in clean()."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, camera: bool = True, images_only: bool = False, **kwargs: Any) -> None:
        self.images_only = images_only
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Photos (JPEG, PNG, WebP), at most %(n)d files of 15 MB each.") % {"n": MAX_FILES}
            if images_only
            else _("Photos (JPEG, PNG, WebP) or PDF, at most %(n)d files of 15 MB each.") % {"n": MAX_FILES},
        )
        super().__init__(*args, **kwargs)
        attrs = {"accept": "image/*" if images_only else "image/*,application/pdf", "multiple": True}
        if camera:
            # On a phone this offers the camera directly.
            attrs["capture"] = "environment"
        self.widget.attrs.update(attrs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:  # type: ignore[override]
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        try:
            return check_uploads(files, images_only=self.images_only)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from exc


class StepForm(StyledFormMixin, forms.Form):
    """Every step carries the status the user saw, so a stale page cannot overwrite someone else's step."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


def _place_choices(scope: Scope) -> tuple[QuerySet[Village], QuerySet[Enterprise]]:
    """Where the user may report: the office and departments their township, others their villages or enterprise."""
    enterprises = scope.filter_enterprises(Enterprise.objects.filter(is_active=True))
    if scope.is_office or scope.unit_ids:
        villages = Village.objects.filter(township_id__in=scope.township_ids, is_active=True)
        enterprises = Enterprise.objects.filter(township_id__in=scope.township_ids, is_active=True)
    elif scope.village_ids:
        villages = Village.objects.filter(pk__in=scope.village_ids, is_active=True)
        enterprises = enterprises.filter(village_id__in=scope.village_ids)
    else:
        villages = Village.objects.filter(
            Q(pk__in=Enterprise.objects.filter(pk__in=scope.enterprise_ids).values("village_id")), is_active=True
        )
    return villages, enterprises.select_related("village").order_by("name")


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.village.name}）"


class HazardReportForm(StyledFormMixin, forms.ModelForm):
    enterprise = EnterpriseChoiceField(
        label=_("enterprise or place"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("Leave empty for a road, a public place or a house without a registered enterprise."),
    )
    photos = PhotoField(label=_("Photos of the problem"))

    class Meta:
        model = Hazard
        fields = [
            "title",
            "description",
            "location",
            "village",
            "enterprise",
            "sector",
            "hazard_type",
            "level",
            "channel",
            "found_on",
            "found_by",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "found_on": DateInput(),
        }
        help_texts = {
            "sector": _("The hazard's own sector: a fire hazard in a factory belongs to 消防."),
            "level": _("Your assessment; the lead department confirms the level."),
        }

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages, enterprises = _place_choices(scope)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["sector"].queryset = Sector.objects.filter(  # type: ignore[attr-defined]
            township_id__in=scope.township_ids, is_active=True
        )
        self.fields["found_on"].initial = local_today()
        if "channel" in self.fields:  # a form built on this one may leave the channel out (reports.forms.VerifyForm)
            self.fields["channel"].initial = Channel.DEPARTMENT
        if scope.enterprise_ids and not (scope.is_office or scope.unit_ids or scope.village_ids):
            # §27: the enterprise neither sees nor chooses source channels; its reports are self-reports.
            self.fields.pop("channel", None)
            self.fields["enterprise"].required = True

    def clean_found_on(self) -> Any:
        found_on = self.cleaned_data["found_on"]
        if found_on and found_on > local_today():
            raise forms.ValidationError(_("The date found cannot lie in the future."))
        return found_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        enterprise, village = data.get("enterprise"), data.get("village")
        if enterprise and village and enterprise.village_id != village.pk:
            self.add_error("enterprise", _("This enterprise is in %(village)s.") % {"village": enterprise.village.name})
        return data

    def hazard_fields(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f in self.cleaned_data}


class FixOnTheSpotForm(HazardReportForm):
    photos = None  # type: ignore[assignment]
    before = PhotoField(label=_("Photos before"), required=True)
    after = PhotoField(label=_("Photos after"), required=True)

    class Meta(HazardReportForm.Meta):
        fields = [f for f in HazardReportForm.Meta.fields if f != "level"] + ["measures"]
        labels = {"measures": _("What was done on the spot")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measures"].required = True


FIRE_FIELDS = ("is_major_fire", "fire_judged_by", "fire_judgement_document", "fire_judged_on")


def _clean_major_fire(form: forms.BaseForm, data: dict[str, Any], level: str | None) -> None:
    """§7 / GB 35181: a 重大火灾隐患 is a fire hazard, major, with the fire-rescue authority's judgement.

    The judgement is asked for when the flag or the judgement changes (a hazard flagged before it was recorded
    can still be edited otherwise).
    """
    if data.get("is_major_fire") and level is not None and level != Level.MAJOR:
        form.add_error("level", _("A major fire hazard is a major hazard: choose “major hazard”."))
    if not set(FIRE_FIELDS) & set(form.changed_data):
        return
    if not data.get("is_major_fire"):
        for name in ("fire_judged_by", "fire_judgement_document", "fire_judged_on"):
            if data.get(name):
                form.add_error(name, _("Tick “major fire hazard” to record a fire judgement."))
        return
    if data.get("hazard_type") != HazardType.FIRE:
        form.add_error("is_major_fire", _("Only a fire hazard can be a major fire hazard."))
    for name in ("fire_judged_by", "fire_judgement_document"):
        if not (data.get(name) or "").strip():
            form.add_error(name, _("Required for a major fire hazard."))
    judged_on = data.get("fire_judged_on")
    if judged_on and judged_on > local_today():
        form.add_error("fire_judged_on", _("The date cannot lie in the future."))


FIRE_HELP = _("Only the township safety office or the lead unit of 消防 records this, from the judgement document.")


class ConfirmForm(StepForm):
    level = forms.ChoiceField(label=_("level"), choices=Level.choices)
    is_major_fire = forms.BooleanField(
        label=_("major fire hazard (judged under the fire standard)"), required=False, help_text=FIRE_HELP
    )
    fire_judged_by = forms.CharField(label=_("judged by (fire-rescue authority)"), max_length=100, required=False)
    fire_judgement_document = forms.CharField(label=_("judgement document number"), max_length=100, required=False)
    fire_judged_on = forms.DateField(label=_("judged on"), required=False, widget=DateInput())
    hazard_type = forms.ChoiceField(label=_("hazard type"), choices=HazardType.choices)
    sector = forms.ModelChoiceField(label=_("sector"), queryset=Sector.objects.none())
    basis = forms.CharField(label=_("judgement standard (判定依据)"), max_length=300, required=False)
    clause = forms.CharField(label=_("clause (条款)"), max_length=300, required=False)

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(township_id=hazard.township_id, is_active=True)  # type: ignore[attr-defined]
        for name in ("fire_judged_by", "fire_judgement_document", "fire_judged_on"):
            self.fields[name].initial = getattr(hazard, name)
        if hazard.suggested_level == Level.MAJOR:
            self.fields["note"].help_text = _(
                "The checklist item suggests a major hazard: a lower level needs the reason here."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("level") == Level.MAJOR and not (data.get("basis") or "").strip():
            self.add_error("basis", _("A major hazard needs the standard it was judged by."))
        _clean_major_fire(self, data, data.get("level"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        names = ["level", "is_major_fire", "hazard_type", "sector", "basis", "clause"]
        if d["is_major_fire"]:
            names += ["fire_judged_by", "fire_judgement_document", "fire_judged_on"]
        return {k: d[k] for k in names}


class DismissForm(StepForm):
    note = forms.CharField(label=_("Why this is not a hazard"), widget=forms.Textarea(attrs={"rows": 2}))


class StartRectificationForm(StepForm):
    measures = forms.CharField(
        label=_("rectification measures"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    responsible_person = forms.CharField(label=_("person responsible for rectification"), max_length=50, required=False)
    responsible_phone = PhoneField(label=_("responsible person's phone"), required=False)
    funds = forms.DecimalField(label=_("funds (yuan)"), min_value=0, max_digits=12, decimal_places=2, required=False)
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())
    contingency_plan = forms.CharField(
        label=_("contingency plan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("measures", "responsible_person", "responsible_phone", "funds", "contingency_plan"):
            self.fields[name].initial = getattr(hazard, name)
            if hazard.level == Level.MAJOR and name != "responsible_phone":
                self.fields[name].required = True

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d[k] for k in ("measures", "responsible_person", "responsible_phone", "funds", "deadline",
                                  "contingency_plan")}  # fmt: skip


class RequestAcceptanceForm(StepForm):
    photos = PhotoField(label=_("Rectification photos or documents"))


class VerifyForm(StepForm):
    funds_spent = forms.DecimalField(
        label=_("funds actually spent (yuan)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    photos = PhotoField(label=_("Review photos"))


class RefuseAcceptanceForm(StepForm):
    note = forms.CharField(label=_("Why acceptance is refused"), widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotoField(label=_("Review photos"))


class CloseForm(StepForm):
    pass


class EvidenceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Evidence.Kind.choices)
    photos = PhotoField(label=_("Files"), required=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    new_deadline = forms.DateField(label=_("requested deadline"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecideForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("approve")), ("0", _("refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HazardEditForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Hazard
        fields = ["title", "description", "location", "hazard_type", "is_major_fire", "fire_judged_by",
                  "fire_judgement_document", "fire_judged_on", "basis", "clause", "measures", "responsible_person",
                  "responsible_phone", "funds", "contingency_plan", "production_stopped", "progress_note",
                  "remarks"]  # fmt: skip
        widgets = {
            "progress_note": forms.Textarea(attrs={"rows": 2}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 2}),
            "contingency_plan": forms.Textarea(attrs={"rows": 2}),
            "fire_judged_on": DateInput(),
        }
        # The SMS reminders of S7 reach the 五落实 responsible person at this number.
        field_classes = {"responsible_phone": PhoneField}
        help_texts = {
            "is_major_fire": _(
                "A major fire hazard is a major hazard: while it is being rectified, fill in all five"
                " implementations in the same edit."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_major_fire"].help_text = f"{self.fields['is_major_fire'].help_text} {FIRE_HELP}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _clean_major_fire(self, data, None)
        return data

    def _post_clean(self) -> None:
        # Nothing is copied into the instance: hazards.services.hazard_update checks the rules and writes.
        pass
