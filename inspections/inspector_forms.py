"""The inspector pool form (§30): staff, experts, technical inspectors, social supervisors, service providers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import BoundedForm, DateInput, StyledFormMixin
from units.models import User
from units.phones import PhoneField

from .models import Inspector


class InspectorFilterForm(BoundedForm):
    """The pool list's filters; a value not offered is ignored."""

    pool = forms.ChoiceField(required=False, choices=Inspector.Pool.choices)
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("active", _("active")), ("inactive", _("deactivated")), ("all", _("all"))]
    )


class InspectorForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Inspector
        fields = [
            "name",
            "pool",
            "organisation",
            "speciality",
            "phone",
            "credential_number",
            "credential_expires_on",
            "user",
        ]
        widgets = {"credential_expires_on": DateInput()}
        field_classes = {"phone": PhoneField}
        help_texts = {
            "credential_number": _(
                "Administrative law-enforcement credential (执法证). A double-random team needs two holders (§28)."
            ),
            "credential_expires_on": _("Empty: no expiry recorded."),
            "user": _("Optional. Linked to an account, the inspector sees and fills in the inspections of their team."),
            "organisation": _("For experts and providers: their institution or company."),
        }

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only people who hold a role in this township can be linked.
        accounts = User.objects.filter(assignments__township_id=township_id, assignments__is_active=True)
        self.fields["user"].queryset = User.objects.filter(pk__in=accounts.values("pk")).order_by("username")  # type: ignore[attr-defined]
        self.fields["user"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("credential_expires_on") and not (data.get("credential_number") or "").strip():
            self.add_error("credential_number", _("Record the credential number with its expiry date."))
        return data
