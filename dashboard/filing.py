"""Filing the monthly report (报送, issue 13): every write of FiledMonthlyReport goes through here.

The office files a month's report once the month has ended: the whole table as it stands then is stored (version 1)
and is from then on what the page and the workbook show for that month. When the data change afterwards, the
office files a correction (更正): a new version with its reason and the differences from the version before, cell by
cell; earlier versions stay readable. A filed month is never recomputed in silence.

Race safety: each write locks the township's row first (select_for_update), so two filings of the same township
queue and the second sees the first's version; the unique (township, month, version) catches anything else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import WorkflowError
from hazards.access import hazards_visible_to
from inspections.access import inspections_visible_to
from units.access import Scope, get_scope
from units.models import Township, User
from units.offices import filler_unit_name

from . import monthly
from .access import may_file_monthly_report, may_see_filed_report, report_sectors
from .models import FiledMonthlyReport
from .monthly_documents import Document, decoded_values, differences, document_of
from .reports import CountyReportTable
from .snapshots import first_of_month, month_end_moment

MAX_REASON = 2000


def filings_of(township: Township, month: dt.date) -> list[FiledMonthlyReport]:
    """Every version filed for the month, the latest first."""
    qs = FiledMonthlyReport.objects.filter(township=township, month=first_of_month(month))
    return list(qs.select_related("filed_by").order_by("-version"))


def latest_filings(township_ids: list[int], month: dt.date) -> dict[int, FiledMonthlyReport]:
    """The latest version filed for the month, per township, in one query."""
    qs = FiledMonthlyReport.objects.filter(township_id__in=township_ids, month=first_of_month(month))
    latest: dict[int, FiledMonthlyReport] = {}
    for filing in qs.select_related("filed_by").order_by("township_id", "-version"):
        latest.setdefault(filing.township_id, filing)
    return latest


def live_document(user: User, township: Township, month: dt.date) -> Document:
    """The township's monthly report as the user's figures give it now, as a document."""
    scope = get_scope(user)
    table = monthly.monthly_report(
        township=township,
        hazards=hazards_visible_to(user),
        inspections=inspections_visible_to(user),
        month=month,
        sectors=report_sectors(scope, township),
        reporting=monthly.reporting_values(township.pk, month) if scope.sees_all_of(township.pk) else None,
    )
    return document_of(table, filler_unit=filler_unit_name(user, township))


def _check(user: User, township: Township, month: dt.date, now: dt.datetime | None) -> dt.date:
    if not may_file_monthly_report(get_scope(user), township.pk):
        raise WorkflowError(_("Only the township's office files its monthly report."))
    month = first_of_month(month)
    if month_end_moment(month) > (now or timezone.now()):
        raise WorkflowError(
            _("The month %(month)s has not ended yet: its report is filed once it has.") % {"month": f"{month:%Y-%m}"}
        )
    return month


def _lock(township: Township) -> None:
    list(Township.objects.select_for_update().filter(pk=township.pk).values_list("pk", flat=True))


def _store(**fields: Any) -> FiledMonthlyReport:
    try:
        with transaction.atomic():
            return FiledMonthlyReport.objects.create(**fields)
    except IntegrityError as exc:
        raise WorkflowError(_("This version of the month's report has just been filed by someone else.")) from exc


@transaction.atomic
def monthly_report_file(
    *, user: User, township: Township, month: dt.date, now: dt.datetime | None = None
) -> FiledMonthlyReport:
    """File the month's report (version 1).

    1. Only the township's office, and only a month that has ended.
    2. Lock the township; a month already filed is refused (a change is a correction).
    3. Store the whole table as it stands now, with who and when.
    """
    month = _check(user, township, month, now)
    _lock(township)
    if FiledMonthlyReport.objects.filter(township=township, month=month).exists():
        raise WorkflowError(
            _("The report of %(month)s has already been filed. File a correction if the figures have changed.")
            % {"month": f"{month:%Y-%m}"}
        )
    document = live_document(user, township, month)
    return _store(
        township=township,
        month=month,
        version=1,
        form_version=document["form_version"],
        document=document,
        filed_by=user,
        filed_at=now or timezone.now(),
    )


@transaction.atomic
def monthly_report_correct(
    *, user: User, township: Township, month: dt.date, reason: str, now: dt.datetime | None = None
) -> FiledMonthlyReport:
    """File a correction (更正) of a filed month: the next version.

    1. Only the township's office, only a month that has ended, and only with a reason.
    2. Lock the township; the month must have been filed.
    3. Compute the table now and its differences from the latest version; refuse when there are none.
    4. Store the new version with the table, the differences and the reason.
    """
    month = _check(user, township, month, now)
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Say why the report is corrected."))
    _lock(township)
    latest = FiledMonthlyReport.objects.filter(township=township, month=month).order_by("-version").first()
    if latest is None:
        raise WorkflowError(_("The report of %(month)s has not been filed yet.") % {"month": f"{month:%Y-%m}"})
    document = live_document(user, township, month)
    changes = differences(latest.document, document)
    if not changes:
        raise WorkflowError(_("The figures are the same as those filed: there is nothing to correct."))
    return _store(
        township=township,
        month=month,
        version=latest.version + 1,
        form_version=document["form_version"],
        document=document,
        differences=changes,
        reason=reason[:MAX_REASON],
        filed_by=user,
        filed_at=now or timezone.now(),
    )


# -- the county's consolidated report (issue 12) with the townships' filings ----------------------------------------

NOT_FILED = "未报送"


def filing_status(filing: FiledMonthlyReport | None) -> str:
    """The county form's 报送情况 of a township (a data format, so literal Chinese)."""
    if filing is None:
        return NOT_FILED
    day = timezone.localdate(filing.filed_at)
    return f"已报送（第{filing.version}版，{day:%Y-%m-%d}）"


def with_filed_figures(table: CountyReportTable, scope: Scope) -> dict[Any, FiledMonthlyReport | None]:
    """Each township's row of the county's report takes the figures the township filed for the month (the total of
    its latest version) where it filed in the current form and the reader sees all of the township; otherwise the
    live figures stay (marked 未报送, or — a county department, which sees only its sectors — live in any case).
    The county total is then the sum again, its rates recomputed. Returns each township's latest filing."""
    filings = latest_filings([row.key for row in table.rows], table.start)
    used: dict[Any, FiledMonthlyReport | None] = {}
    for row in table.rows:
        filing = filings.get(row.key)
        used[row.key] = filing
        if filing is not None and filing.form_version == monthly.FORM_VERSION and may_see_filed_report(scope, row.key):
            row.values = decoded_values(filing.document, filing.document["total"]["values"])
        row.values["filing"] = filing_status(filing)
    table.total.values = monthly.summed(row.values for row in table.rows) | {"filing": ""}
    return used
