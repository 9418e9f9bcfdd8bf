"""Forms of the office's people pages: every field bounded, choices limited to the current township."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from .account_services import GIVABLE_ROLES
from .forms import BoundedForm, StyledFormMixin
from .models import Enterprise, Role, Township, Unit, Village
from .phones import PhoneField

ROLE_CHOICES = [(r.value, r.label) for r in GIVABLE_ROLES]


class PeopleFilterForm(BoundedForm):
    """The people list's search box and filters."""

    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("role"), choices=[("", _("all roles")), *ROLE_CHOICES], required=False)
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("all")), ("active", _("active")), ("inactive", _("deactivated"))],
        required=False,
    )


class RoleForm(StyledFormMixin, forms.Form):
    """A role with the unit, village or enterprise it covers: only this township's active ones are offered."""

    role = forms.ChoiceField(label=_("role"), choices=[("", "---------"), *ROLE_CHOICES])
    unit = forms.ModelChoiceField(
        label=_("unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For lead-department staff; may also be given for the office."),
    )
    village = forms.ModelChoiceField(
        label=_("village"), queryset=Village.objects.none(), required=False, help_text=_("For a village officer.")
    )
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("For an enterprise contact."),
    )

    def __init__(self, *args: Any, township: Township, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["unit"].queryset = Unit.objects.active().filter(township=township)
        fields["village"].queryset = Village.objects.active().filter(township=township)
        fields["enterprise"].queryset = Enterprise.objects.active().filter(township=township).only("pk", "name")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        role = data.get("role")
        needs = {Role.DEPARTMENT: "unit", Role.VILLAGE: "village", Role.ENTERPRISE: "enterprise"}
        if role in needs:
            target = needs[role]
            if not data.get(target):
                self.add_error(target, _("This role needs its %(what)s.") % {"what": self.fields[target].label})
            for other in ("unit", "village", "enterprise"):
                if other != needs[role]:
                    data[other] = None
        elif role:
            data["village"] = data["enterprise"] = None
        return data


class PersonCreateForm(RoleForm):
    """A new account and its first role."""

    username = forms.CharField(
        label=_("user name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in: letters, digits and @/./+/-/_ only."),
    )
    full_name = forms.CharField(label=_("full name"), max_length=30)
    phone = PhoneField(label=_("mobile phone"), required=False)

    field_order = ["username", "full_name", "phone", "role", "unit", "village", "enterprise"]


class ConfirmForm(StyledFormMixin, forms.Form):
    """A confirmation with an optional reason."""

    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
