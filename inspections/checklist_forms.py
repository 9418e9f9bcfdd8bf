"""Forms of the checklist pages. They only validate input; every write goes through inspections.checklists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import BoundedForm, StyledFormMixin
from units.models import Sector

from .models import ChecklistItem, ChecklistTemplate


def _township_sectors(township_id: int) -> Any:
    return Sector.objects.filter(township_id=township_id, is_active=True).order_by("sort_order", "name")


class ChecklistFilterForm(BoundedForm):
    """The checklist list's search, sector (one of the user's, or "general") and status."""

    q = forms.CharField(required=False, max_length=100)
    sector = forms.ChoiceField(required=False, choices=[])
    status = forms.ChoiceField(required=False, choices=[("active", _("active")), ("all", _("all"))])

    def __init__(self, *args: Any, sectors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("general", _("general checklists")), *((str(s.pk), s.name) for s in sectors)]
        self.fields["sector"].choices = choices  # type: ignore[attr-defined]


class ChecklistForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["name", "sector", "description", "is_active"]
        help_texts = {"sector": _("Leave empty for a general checklist that fits every sector.")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = _township_sectors(township_id)  # type: ignore[attr-defined]
        if self.instance.pk is None:
            del self.fields["is_active"]


class ChecklistItemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["text", "standard", "clause", "is_major", "needs_check", "sector", "hazard_type"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "standard": _("The standard's name, e.g. 《工贸企业重大事故隐患判定标准》（应急管理部令第10号）."),
            "clause": _("Only a clause number you have checked in the text; otherwise leave it empty."),
            "needs_check": _("Tick when the item paraphrases the standard or its clause is not verified."),
            "sector": _("Leave empty: the checklist's sector, else the inspected enterprise's."),
        }

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = _township_sectors(township_id)  # type: ignore[attr-defined]

    def item_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PublishForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=200,
        help_text=_("Shown in the version history, e.g. “added the items of §8 on restaurants' gas detectors”."),
    )
