"""Handed-over problems nobody can answer, for the office's "nobody can act" page (hazards.responsibility)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hazards.responsibility import People, StuckItem
from units.models import Township

from .models import PROBLEM_TRANSITIONS, WorkProblem


def stuck_problems(township: Township) -> list[StuckItem]:
    """An open problem is answered by its village's officers or its unit's staff; without any, nobody can."""
    people = People(township.pk)
    items = []
    reply = PROBLEM_TRANSITIONS["reply"]
    problems = WorkProblem.objects.filter(township=township, state__in=reply.source).select_related("village", "unit")
    for problem in problems:
        if problem.village_id and not people.by_village.get(problem.village_id):
            reason = _("No village officer is assigned to %(village)s.") % {"village": problem.village}
        elif problem.unit_id and not people.by_unit.get(problem.unit_id):
            reason = _("Nobody is assigned to %(unit)s.") % {"unit": problem.unit}
        else:
            continue
        items.append(
            StuckItem(
                _("handed-over problem"),
                problem,
                problem.description[:60],
                problem.get_absolute_url(),
                reply.label,
                reason,
                nobody=True,
            )
        )
    return items
