"""Who sees and handles public reports (§27), on top of units.access.Scope.

* Read (a redacted copy: content, place, photos, timeline; never the reporter): everyone who reads every record of
  the township — the office, the administrator, leadership (read only) and the county bureau (read only).
* Handle (start the check, dismiss, merge, verify, reply, identify the enterprise, enter a telephone or letter report):
  the township's office (and the administrator). The plan (§27) and SPEC S4/S6 give reports to the township, not to
  departments or villages, so lead departments and village officers do not see them: a department learns of a
  verified report through the hazard it then handles, which names no reporter.
* The reporter's identity: the township's confidential-report officer (举报保密员) alone, and each look is recorded
  (services.open_identity). That role by itself reads its township's reports, nothing else of the system.
* Enterprises never see a report, nor that a hazard came from one (hazards.access.may_see_source).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from units.access import Scope, get_scope

from .models import Report


def report_townships(scope: Scope) -> frozenset[int]:
    """The townships whose reports the user reads."""
    return scope.all_townships | scope.custodian_townships


def may_see_reports(scope: Scope) -> bool:
    return bool(report_townships(scope))


def reports_visible_to(user: Any) -> QuerySet[Report]:
    scope = get_scope(user)
    return Report.objects.filter(township_id__in=report_townships(scope))


def may_handle(scope: Scope, report: Report) -> bool:
    """Takes the report's steps: the township's office."""
    return scope.is_office_for(report.township_id)


def may_enter_reports(scope: Scope) -> bool:
    """Enters telephone, 12345 and letter reports: an office."""
    return scope.is_office


def may_see_identity(scope: Scope, report: Report) -> bool:
    """Opens the reporter's identity: the confidential-report officer of the report's township."""
    return scope.is_custodian_for(report.township_id)


def is_custodian(scope: Scope) -> bool:
    return bool(scope.custodian_townships)
