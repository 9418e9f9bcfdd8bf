"""The inspector pool form (§30): staff, experts, technical inspectors, social supervisors, service providers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import StyledFormMixin
from units.models import User

from .models import Inspector


class InspectorForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Inspector
        fields = ["name", "pool", "organisation", "speciality", "phone", "user"]
        help_texts = {
            "user": _("Optional. Linked to an account, the inspector sees and fills in the inspections of their team."),
            "organisation": _("For experts and providers: their institution or company."),
        }

    def __init__(self, *args: Any, township_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only people who hold a role in this township can be linked.
        accounts = User.objects.filter(assignments__township_id=township_id, assignments__is_active=True)
        self.fields["user"].queryset = User.objects.filter(pk__in=accounts.values("pk")).order_by("username")  # type: ignore[attr-defined]
        self.fields["user"].required = False
