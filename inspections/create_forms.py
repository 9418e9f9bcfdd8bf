"""The new-inspection form and its enterprise search: one choice of what is inspected, the enterprise found by typing,
the checklist suggested from the enterprise's sector, the planner among the inspectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import WorkflowError
from hazards.models import Channel
from units.access import Scope
from units.forms import BoundedForm, DateInput, StyledFormMixin
from units.models import Enterprise, SupervisionGroup, Unit, Village

from .models import ChecklistTemplate, Inspector, Kind, PlaceAtRisk
from .services import check_law_enforcement

# The enterprise search answers with at most this many matches: enough to pick from on a phone.
SEARCH_LIMIT = 20


class Target:
    """What an inspection looks at, and the form field that names it (a village comes with an optional place)."""

    ENTERPRISE = "enterprise"
    PLACE = "place"
    UNIT = "unit"
    VILLAGE = "village"

    CHOICES = (
        (ENTERPRISE, _("an enterprise")),
        (PLACE, _("a place at risk (重点场所)")),
        (UNIT, _("a unit's work")),
        (VILLAGE, _("a place in a village")),
    )
    # The fields each target fills; the first one is required.
    FIELDS = {ENTERPRISE: ("enterprise",), PLACE: ("place",), UNIT: ("unit",), VILLAGE: ("village", "place_text")}
    MISSING = {
        ENTERPRISE: _("Choose the enterprise to inspect."),
        PLACE: _("Choose the place at risk to inspect."),
        UNIT: _("Choose the unit whose work is inspected."),
        VILLAGE: _("Choose the village of the inspected place."),
    }


@dataclass(frozen=True)
class PlanningScope:
    """Where a user may plan inspections: the townships, and the villages and enterprises in them."""

    townships: frozenset[int]
    villages: QuerySet[Village]
    enterprises: QuerySet[Enterprise]


def planning_scope(scope: Scope, groups: QuerySet[SupervisionGroup] | None) -> PlanningScope:
    """The office, a unit and a supervision group plan across their townships; a village officer in its villages.

    A group's leader or member with no other working role plans in the group's township (supervision only)."""
    towns = set(scope.township_ids)
    group_only = (scope.is_read_only or not scope.roles) and groups is not None
    if group_only and groups is not None:
        towns |= set(groups.values_list("township_id", flat=True))
    if scope.is_office or scope.unit_ids or group_only:
        villages = Village.objects.filter(township_id__in=towns, is_active=True)
        enterprises = Enterprise.objects.filter(township_id__in=towns, is_active=True)
    else:
        villages = Village.objects.filter(pk__in=scope.village_ids, is_active=True)
        enterprises = Enterprise.objects.filter(village_id__in=scope.village_ids, is_active=True)
    return PlanningScope(frozenset(towns), villages, enterprises)


def published_checklists(townships: frozenset[int]) -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(
        township_id__in=townships, is_active=True, versions__published_at__isnull=False
    ).distinct()


def checklist_by_sector(checklists: QuerySet[ChecklistTemplate]) -> dict[int, int]:
    """sector id → the published checklist suggested for it (the first by name when a sector has several)."""
    suggested: dict[int, int] = {}
    for pk, sector_id in checklists.filter(sector__isnull=False).order_by("name", "pk").values_list("pk", "sector_id"):
        suggested.setdefault(sector_id, pk)
    return suggested


def enterprises_matching(enterprises: QuerySet[Enterprise], q: str) -> QuerySet[Enterprise]:
    """By name, credit code or principal; the first SEARCH_LIMIT by name."""
    match = Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(principal_name__icontains=q)
    return enterprises.filter(match).select_related("village").order_by("name", "pk")[:SEARCH_LIMIT]


class EnterpriseSearchForm(BoundedForm):
    q = forms.CharField(label=_("enterprise name, credit code or principal"), max_length=50, required=False)


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.village.name}）"


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_pool_display()}）"


class InspectionCreateForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=[c for c in Kind.choices if c[0] != Kind.SELF])
    target = forms.ChoiceField(
        label=_("what is inspected"),
        choices=Target.CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what is inspected: an enterprise, a place at risk, a unit or a village.")
        },
    )
    enterprise = EnterpriseChoiceField(label=_("enterprise"), queryset=Enterprise.objects.none(), required=False)
    place = forms.ModelChoiceField(label=_("place at risk"), queryset=PlaceAtRisk.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False)
    place_text = forms.CharField(label=_("place"), max_length=200, required=False)
    checklist = forms.ModelChoiceField(
        label=_("checklist"),
        queryset=ChecklistTemplate.objects.none(),
        required=False,
        help_text=_("Suggested from the enterprise's sector; you may choose another."),
    )
    planned_on = forms.DateField(label=_("planned for"), widget=DateInput())
    inspectors = InspectorChoiceField(
        label=_("inspectors"), queryset=Inspector.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.ChoiceField(
        label=_("hazard channel"),
        choices=[("", _("default for the kind")), *Channel.choices],
        required=False,
        help_text=_("Where hazards found in this inspection come from; each kind has its default."),
    )
    group = forms.ModelChoiceField(
        label=_("supervision group"),
        queryset=SupervisionGroup.objects.none(),
        required=False,
        help_text=_("A supervision inspection (督导检查) is carried out by a supervision group (§1)."),
    )
    inspecting_unit = forms.ModelChoiceField(
        label=_("inspecting unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The unit that carries the inspection out. Empty: your own unit."),
    )
    is_law_enforcement = forms.BooleanField(
        label=_("law-enforcement inspection (执法检查)"),
        required=False,
        help_text=_(
            "Only an inspection of an enterprise by a unit holding administrative enforcement power (执法权), "
            "whatever its method (双随机, 四不两直, 明查暗访, 专项)."
        ),
    )

    def __init__(self, *args: Any, scope: Scope, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_group_and_unit(scope, groups)
        where = planning_scope(scope, groups)
        towns = where.townships
        self.fields["village"].queryset = where.villages  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = where.enterprises.select_related("village").order_by("name")  # type: ignore[attr-defined]
        self.fields["place"].queryset = PlaceAtRisk.objects.filter(village__in=where.villages, is_active=True)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(township_id__in=towns, is_active=True)  # type: ignore[attr-defined]
        self.fields["checklist"].queryset = published_checklists(towns)  # type: ignore[attr-defined]
        inspectors = Inspector.objects.filter(township_id__in=towns, is_active=True)
        self.fields["inspectors"].queryset = inspectors  # type: ignore[attr-defined]
        if not self.is_bound and scope.user_id is not None and "inspectors" not in self.initial:
            # The planner usually goes along: their own place in the pool is ticked, they may untick it.
            self.initial["inspectors"] = list(inspectors.filter(user_id=scope.user_id).values_list("pk", flat=True))

    def _setup_group_and_unit(self, scope: Scope, groups: Any) -> None:
        """Supervision only with a group the user may plan for (§1); the inspecting unit among the user's own
        (any of the township for the office); a group-only user (a leader who otherwise reads) plans supervision."""
        if groups is not None and groups.exists():
            self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        else:
            del self.fields["group"]
            self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] != Kind.SUPERVISION]  # type: ignore[attr-defined]
        if scope.is_read_only or not scope.roles:
            self.fields["kind"].choices = [c for c in Kind.choices if c[0] == Kind.SUPERVISION]  # type: ignore[attr-defined]
        if scope.is_office:
            units = Unit.objects.filter(township_id__in=scope.office_townships, is_active=True)
        else:
            units = Unit.objects.filter(pk__in=scope.unit_ids, is_active=True)
        if units.exists() and not scope.is_read_only:
            self.fields["inspecting_unit"].queryset = units  # type: ignore[attr-defined]
        else:
            del self.fields["inspecting_unit"]
            del self.fields["is_law_enforcement"]

    def suggest_checklist(self, enterprise: Enterprise) -> None:
        """Preselect the published checklist of the enterprise's primary sector, if there is one."""
        suggested = checklist_by_sector(self.fields["checklist"].queryset).get(enterprise.primary_sector_id)  # type: ignore[attr-defined]
        if suggested is not None:
            self.initial["checklist"] = suggested

    def _clean_target(self, data: dict[str, Any]) -> None:
        """Exactly the chosen target's fields: the first one filled, every other target's left empty."""
        target = data.get("target")
        if not target:
            return
        own = Target.FIELDS[target]
        if not data.get(own[0]) and own[0] not in self.errors:
            self.add_error(own[0], Target.MISSING[target])
        others = [name for fields in Target.FIELDS.values() for name in fields if name not in own]
        if any(data.get(name) for name in others):
            self.add_error(
                None,
                _("You chose to inspect %(target)s: leave the fields of the other targets empty.")
                % {"target": dict(Target.CHOICES)[target]},
            )
        for name in others:
            data[name] = "" if name == "place_text" else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_target(data)
        if data.get("kind") == Kind.SUPERVISION and not data.get("group"):
            self.add_error("group", _("A supervision inspection is carried out by a supervision group: choose it."))
        if data.get("kind") != Kind.SUPERVISION:
            data["group"] = None
        if data.get("is_law_enforcement") and data.get("kind"):
            try:
                check_law_enforcement(
                    kind=data["kind"], enterprise=data.get("enterprise"), inspecting_unit=data.get("inspecting_unit")
                )
            except WorkflowError as exc:
                self.add_error("is_law_enforcement", exc.message)
        return data


class CreatePrefillForm(BoundedForm):
    """?enterprise= from the enterprise search page (no JavaScript): the enterprise chosen there, in scope."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), required=False)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
