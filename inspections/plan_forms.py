"""Forms of the plan pages. They only parse input; the rules live in inspections.plans and inspections.access."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import local_today, quarter_of
from units.access import Scope
from units.forms import DateInput, StyledFormMixin
from units.models import Unit, Village
from units.phones import PhoneField

from .models import Inspection, PlaceAtRisk, WorkProblem
from .plans import DONE, DUE, OVERDUE

QUARTERS = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]


def villages_for(scope: Scope, *, manage: bool = False) -> QuerySet[Village]:
    """The villages a user reads (office, leadership: the township) or manages (office: all, officers: theirs)."""
    towns = scope.office_townships if manage else scope.all_townships
    return Village.objects.filter(Q(township_id__in=towns) | Q(pk__in=scope.village_ids), is_active=True)


class QuarterForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=QUARTERS, coerce=int)
    # The home page's queue links here: only the visits still to make by the groups the user leads or belongs to.
    todo = forms.BooleanField(label=_("only my group's visits still to do"), required=False)

    def only_todo(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data["todo"]

    def period(self) -> tuple[int, int]:
        """The chosen quarter, or the current one (Asia/Shanghai) when nothing valid was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"], self.cleaned_data["quarter"]
        return quarter_of(local_today())


class ProblemForm(StyledFormMixin, forms.Form):
    """交办单: the problem, the responsible village or unit (one choice list), the deadline and the reply required."""

    description = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 3}))
    target = forms.ChoiceField(label=_("responsible village or unit"))
    deadline = forms.DateField(label=_("deadline"), widget=DateInput())
    required_reply = forms.CharField(
        label=_("reply required"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the village or unit must report back, e.g. the measures taken and photos."),
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        if inspection.unit_id:
            initial.setdefault("target", f"unit:{inspection.unit_id}")
        elif inspection.village_id:
            initial.setdefault("target", f"village:{inspection.village_id}")
        super().__init__(*args, **kwargs)
        self._villages = {v.pk: v for v in Village.objects.filter(township_id=inspection.township_id, is_active=True)}
        self._units = {u.pk: u for u in Unit.objects.filter(township_id=inspection.township_id, is_active=True)}
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            (_("villages"), [(f"village:{pk}", v.name) for pk, v in self._villages.items()]),
            (_("units"), [(f"unit:{pk}", u.name) for pk, u in sorted(self._units.items(), key=lambda x: x[1].name)]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The choice field accepted only a value it offered: look it up, never parse it.
        target = data.get("target") or ""
        villages = {f"village:{pk}": v for pk, v in self._villages.items()}
        units = {f"unit:{pk}": u for pk, u in self._units.items()}
        data["village"], data["unit"] = villages.get(target), units.get(target)
        return data


class ReplyForm(StyledFormMixin, forms.Form):
    reply = forms.CharField(label=_("reply"), widget=forms.Textarea(attrs={"rows": 3}))
    # The state the page showed: a step taken meanwhile by someone else is reported, not overwritten.
    expected = forms.ChoiceField(choices=WorkProblem.State.choices, required=False, widget=forms.HiddenInput)


class ReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("follow-up note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected = forms.ChoiceField(choices=WorkProblem.State.choices, required=False, widget=forms.HiddenInput)


class ReturnForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("What is still missing"), widget=forms.Textarea(attrs={"rows": 2}))
    expected = forms.ChoiceField(choices=WorkProblem.State.choices, required=False, widget=forms.HiddenInput)


class ReferralForm(StyledFormMixin, forms.Form):
    cadre_name = forms.CharField(label=_("cadre"), max_length=30)
    cadre_position = forms.CharField(label=_("position"), max_length=100, required=False)
    facts = forms.CharField(label=_("what was found"), widget=forms.Textarea(attrs={"rows": 4}))
    referred_on = forms.DateField(label=_("referred on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"referred_on": local_today()})
        super().__init__(*args, **kwargs)


class PlaceForm(StyledFormMixin, forms.ModelForm):
    """A place at risk; the village list holds only the villages the user manages."""

    class Meta:
        model = PlaceAtRisk
        fields = ["village", "kind", "name", "address", "grid", "keeper_name", "keeper_phone", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"keeper_phone": PhoneField}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(scope, manage=True)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        # Nothing is copied into the instance: the service writes (and checks the village once more).
        pass


def _choices(blank: Any, pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", blank), *pairs]


class ProblemFilterForm(StyledFormMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[("", _("not yet accepted")), ("all", _("all")), *WorkProblem.State.choices],
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    village = forms.ModelChoiceField(
        label=_("village"), queryset=Village.objects.none(), required=False, empty_label=_("all villages")
    )
    unit = forms.ModelChoiceField(
        label=_("unit"), queryset=Unit.objects.none(), required=False, empty_label=_("all units")
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(scope)  # type: ignore[attr-defined]
        units = Unit.objects.filter(Q(township_id__in=scope.all_townships) | Q(pk__in=scope.unit_ids), is_active=True)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PlaceFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False)
    village = forms.ModelChoiceField(
        label=_("village"), queryset=Village.objects.none(), required=False, empty_label=_("all villages")
    )
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=_choices(_("all kinds"), PlaceAtRisk.PlaceKind.choices)
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("active")), ("inactive", _("deactivated")), ("all", _("all"))],
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(scope)  # type: ignore[attr-defined]


SELF_STATES = [(DONE, _("done")), (DUE, _("due")), (OVERDUE, _("overdue"))]


class SelfInspectionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("search"), required=False)
    state = forms.ChoiceField(label=_("state"), required=False, choices=_choices(_("all states"), SELF_STATES))
    high_risk = forms.ChoiceField(
        label=_("frequency"),
        required=False,
        choices=[("", _("all")), ("1", _("monthly (high-risk)")), ("0", _("quarterly"))],
    )
    village = forms.ModelChoiceField(
        label=_("village"), queryset=Village.objects.none(), required=False, empty_label=_("all villages")
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Department staff see the enterprises of their sectors in the whole township.
        towns = scope.township_ids if scope.unit_ids else scope.all_townships
        villages = Village.objects.filter(Q(township_id__in=towns) | Q(pk__in=scope.village_ids), is_active=True)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
