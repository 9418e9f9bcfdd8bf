"""Forms of the inspection pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazards.forms import HazardReportForm, PhotoField
from hazards.models import Channel
from units.access import Scope
from units.forms import DateInput, StyledFormMixin
from units.models import Enterprise, Unit, Village

from .models import ChecklistTemplate, Inspector, Kind, PlaceAtRisk, Status


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.village.name}）"


class InspectionCreateForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=[c for c in Kind.choices if c[0] != Kind.SELF])
    enterprise = EnterpriseChoiceField(label=_("enterprise"), queryset=Enterprise.objects.none(), required=False)
    place = forms.ModelChoiceField(label=_("place at risk"), queryset=PlaceAtRisk.objects.none(), required=False)
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False)
    place_text = forms.CharField(label=_("place"), max_length=200, required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    checklist = forms.ModelChoiceField(label=_("checklist"), queryset=ChecklistTemplate.objects.none(), required=False)
    planned_on = forms.DateField(label=_("planned for"), widget=DateInput())
    inspectors = forms.ModelMultipleChoiceField(
        label=_("inspectors"), queryset=Inspector.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.ChoiceField(
        label=_("hazard channel"),
        choices=[("", _("default for the kind")), *Channel.choices],
        required=False,
        help_text=_("Where hazards found in this inspection come from; each kind has its default."),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = scope.township_ids
        if scope.is_office or scope.unit_ids:
            villages = Village.objects.filter(township_id__in=towns, is_active=True)
            enterprises = Enterprise.objects.filter(township_id__in=towns, is_active=True)
        else:
            villages = Village.objects.filter(pk__in=scope.village_ids, is_active=True)
            enterprises = Enterprise.objects.filter(village_id__in=scope.village_ids, is_active=True)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = enterprises.select_related("village").order_by("name")  # type: ignore[attr-defined]
        self.fields["place"].queryset = PlaceAtRisk.objects.filter(village__in=villages, is_active=True)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(township_id__in=towns, is_active=True)  # type: ignore[attr-defined]
        self.fields["checklist"].queryset = ChecklistTemplate.objects.filter(  # type: ignore[attr-defined]
            township_id__in=towns, is_active=True, versions__published_at__isnull=False
        ).distinct()
        self.fields["inspectors"].queryset = Inspector.objects.filter(township_id__in=towns, is_active=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        targets = [data.get(f) for f in ("enterprise", "place", "unit")]
        if sum(t is not None for t in targets) > 1:
            raise forms.ValidationError(_("Choose one target: an enterprise, a place at risk or a unit."))
        if not any(targets) and not data.get("village"):
            raise forms.ValidationError(
                _("Choose what is inspected: an enterprise, a place at risk, a unit or a village.")
            )
        return data


class AnswerForm(forms.Form):
    """One item's answer, as the phone page sends it (JSON body)."""

    item = forms.IntegerField()
    result = forms.ChoiceField(choices=[("pass", "pass"), ("fail", "fail"), ("na", "na")])
    note = forms.CharField(max_length=500, required=False)
    client_time = forms.DateTimeField(required=False)


class PhotoForm(forms.Form):
    item = forms.IntegerField(required=False)
    photo = PhotoField(label=_("Photo"), required=True)


class SubmitForm(StyledFormMixin, forms.Form):
    conclusion = forms.CharField(label=_("conclusion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    no_findings = forms.BooleanField(label=_("no hazard found (本次未发现隐患)"), required=False)
    signer_name = forms.CharField(label=_("responsible person of the inspected party"), max_length=30, required=False)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class FindingForm(HazardReportForm):
    """A failed item → a hazard: the report form, pre-filled, with the 立查立改 option."""

    photos = None  # type: ignore[assignment]  # the item's photos go with it
    fixed_on_the_spot = forms.BooleanField(label=_("fixed on the spot (立查立改)"), required=False)
    after = PhotoField(label=_("Photos after (for 立查立改)"))

    class Meta(HazardReportForm.Meta):
        fields = [*HazardReportForm.Meta.fields, "basis", "clause"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("fixed_on_the_spot") and not data.get("after"):
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
