"""The forms of rewards: the steps on the report page, the rewards list's filter, the tier settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from units.forms import BoundedForm, DateInput, StyledFormMixin

from .reward_models import MAX_REWARD_YUAN, PaymentMethod, RewardStatus, RewardTier


def _amount_field(required: bool) -> forms.IntegerField:
    return forms.IntegerField(label=_("Amount (yuan)"), min_value=1, max_value=MAX_REWARD_YUAN, required=required)


class ProposeForm(StyledFormMixin, forms.Form):
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=RewardTier.objects.none())
    amount = _amount_field(required=False)

    def __init__(self, *args: Any, tiers: QuerySet[RewardTier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]
        self.fields["tier"].label_from_instance = lambda t: f"{t.name} · {t.range_label}"  # type: ignore[attr-defined]
        self.fields["amount"].help_text = _("Empty: the tier's standard amount.")


class ApproveForm(StyledFormMixin, forms.Form):
    amount = _amount_field(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("Empty: the proposed amount.")


class RefuseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for refusing"), max_length=500)


class PayForm(StyledFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    method = forms.ChoiceField(label=_("Paid how"), choices=PaymentMethod.choices)


class RewardFilterForm(BoundedForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *RewardStatus.choices], required=False)
    year = forms.IntegerField(label=_("Year proposed"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["year"].widget.attrs["class"] = "form-control form-control-sm"


class TierForm(StyledFormMixin, forms.ModelForm):
    reason = forms.CharField(label=_("Why the change"), max_length=100, required=False)

    class Meta:
        model = RewardTier
        fields = ["name", "level", "description", "amount", "max_amount", "is_active", "order"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("amount"), data.get("max_amount")
        if low is not None and high is not None and high < low:
            self.add_error("max_amount", _("The highest amount is at least the standard amount."))
        return data
