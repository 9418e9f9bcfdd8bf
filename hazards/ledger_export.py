"""The hazard ledger (隐患台账) as the county office expects it (SPEC S8), and the export job that writes it.

The sheet is streamed (openpyxl write-only, the queryset read with a server-side cursor), so memory stays flat
whether the list holds ten hazards or a hundred thousand. Column headers, the title and the 填报 line are the
county's data format, so they are literal Chinese here, like the values of the coded columns.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from django.core.files import File
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook

from core.dates import local_today
from units.access import Scope, get_scope
from units.excel import filler_line, report_cells, write_report_head
from units.models import Township

from .access import hazards_visible_to, hidden_source_fields, may_see_channels
from .filters import filtered_hazards
from .models import Channel, ExportJob, Hazard, HazardType, Level, Listing, ListingLevel, Status

logger = logging.getLogger(__name__)

# (header, column width in characters)
LEDGER_COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("隐患标题", 24),
    ("隐患描述", 40),
    ("隐患位置", 20),
    ("企业（场所）名称", 28),
    ("统一社会信用代码", 21),
    ("所属村", 10),
    ("行业领域", 14),
    ("牵头部门", 12),
    ("隐患类别", 12),
    ("隐患等级", 14),
    ("来源渠道", 14),
    ("发现日期", 12),
    ("发现人", 12),
    ("判定依据", 28),
    ("违反条款", 24),
    ("整改措施", 32),
    ("整改责任人", 10),
    ("联系电话", 14),
    ("整改资金（元）", 12),
    ("整改时限", 12),
    ("应急预案", 24),
    ("状态", 10),
    ("是否逾期", 8),
    ("销号日期/整改完成日期", 14),
    ("实际投入资金（元）", 12),
    ("挂牌督办级别", 10),
    ("延期次数", 8),
    ("延期天数", 8),
]
# §27: columns left out (channel) or left blank (finder) for a user who may not see where a hazard came from.
CHANNEL_COLUMN = "来源渠道"
HEADER_ROW = 3  # title, 填报 line, header
SHEET_TITLE = "隐患台账"
PROGRESS_EVERY = 500
CHUNK_SIZE = 2000
RELATED = ("township", "enterprise", "village", "sector", "lead_unit")

# The county's words for the coded values (a data format, not interface text).
LEVEL_LABELS = {Level.GENERAL: "一般事故隐患", Level.MAJOR: "重大事故隐患"}
TYPE_LABELS = {
    HazardType.FIRE: "消防",
    HazardType.GAS: "液化气/燃气",
    HazardType.HAZCHEM: "危险化学品",
    HazardType.ROAD: "道路交通",
    HazardType.CONSTRUCTION: "建设施工",
    HazardType.INDUSTRY: "工贸",
    HazardType.FIREWORKS: "烟花爆竹",
    HazardType.OTHER: "其他",
}
CHANNEL_LABELS = {
    Channel.SELF_REPORT: "企业自查上报",
    Channel.SUPERVISION: "督导检查发现",
    Channel.DEPARTMENT: "部门检查发现",
    Channel.ENFORCEMENT: "执法检查发现",
    Channel.PUBLIC: "群众举报查实",
    Channel.ASSIGNED: "上级交办",
}
STATUS_LABELS = {
    Status.REPORTED: "已上报",
    Status.CONFIRMED: "已登记",
    Status.RECTIFYING: "整改中",
    Status.PENDING_ACCEPTANCE: "待验收",
    Status.VERIFIED: "已验收",
    Status.CLOSED: "已销号",
    Status.DISMISSED: "不予认定",
}
LISTING_LABELS = {
    ListingLevel.TOWNSHIP: "镇级",
    ListingLevel.COUNTY: "县级",
    ListingLevel.CITY: "市级",
    ListingLevel.PROVINCE: "省级",
}

Progress = Callable[[int], None]


def ledger_filename(day: dt.date | None = None) -> str:
    return f"隐患台账-{(day or local_today()).isoformat()}.xlsx"


def ledger_title(township_name: str, *, major_only: bool) -> str:
    # The county's form is the major-hazard ledger; a list with general hazards too is the plain ledger.
    return f"{township_name}{'重大事故' if major_only else ''}隐患排查整治台账"


# -- what goes into the ledger --------------------------------------------------------------------------


def with_ledger_columns(qs: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """The related rows in the same query, and the active listing level as an annotation (no query per row)."""
    active = Listing.objects.filter(hazard=OuterRef("pk"), delisted_on__isnull=True).values("level")[:1]
    return qs.select_related(*RELATED).annotate(listing_level=Subquery(active))


def ledger_hazards(user: Any, data: Mapping[str, Any] | None) -> QuerySet[Hazard]:
    """Exactly the hazard list the user sees for this query string (same scope rule, same filters)."""
    base = hazards_visible_to(user).select_related(*RELATED)
    _flt, qs = filtered_hazards(data, base, get_scope(user))
    return with_ledger_columns(qs)


def ledger_township_name(user: Any) -> str:
    """The township the ledger is filled in for: the user's (the first one, for a county-wide account)."""
    township = Township.objects.filter(pk__in=get_scope(user).township_ids).order_by("pk").first()
    return township.name if township else ""


def _major_only(hazards: Iterable[Hazard]) -> bool:
    if isinstance(hazards, QuerySet):
        return hazards.exists() and not hazards.exclude(level=Level.MAJOR).exists()
    if isinstance(hazards, list | tuple):
        return bool(hazards) and all(h.level == Level.MAJOR for h in hazards)
    return False  # a one-pass iterable cannot be looked at twice: the plain title is never wrong


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def _level_label(hazard: Hazard) -> str:
    label = LEVEL_LABELS.get(hazard.level, hazard.level)  # type: ignore[call-overload]
    return f"{label}（重大火灾隐患）" if hazard.is_major_fire else label


def ledger_columns(viewer: Scope | None) -> list[tuple[str, int]]:
    """The ledger's columns for this user: without the source channel for those who never see it (§27)."""
    if viewer is None or may_see_channels(viewer):
        return LEDGER_COLUMNS
    return [column for column in LEDGER_COLUMNS if column[0] != CHANNEL_COLUMN]


def ledger_row(number: int, hazard: Hazard, today: dt.date, viewer: Scope | None = None) -> list[Any]:
    """One hazard's cells; `viewer` (None: the full office ledger) decides what of its source is shown."""
    row = _full_row(number, hazard, today)
    if viewer is None:
        return row
    hidden = hidden_source_fields(viewer, hazard)
    if "found_by" in hidden:
        row[FINDER_INDEX] = ""
    if not may_see_channels(viewer):
        del row[CHANNEL_INDEX]
    elif "channel" in hidden:
        row[CHANNEL_INDEX] = ""
    return row


def _full_row(number: int, hazard: Hazard, today: dt.date) -> list[Any]:
    enterprise = hazard.enterprise
    closed_or_done = _local_date(hazard.closed_at) or hazard.completed_on
    listing = getattr(hazard, "listing_level", None)
    return [
        number,
        hazard.title,
        hazard.description,
        hazard.location,
        enterprise.name if enterprise else "",
        (enterprise.credit_code or "") if enterprise else "",
        hazard.village.name,
        hazard.sector.name,
        hazard.lead_unit.name if hazard.lead_unit else "",
        TYPE_LABELS.get(hazard.hazard_type, hazard.hazard_type),  # type: ignore[call-overload]
        _level_label(hazard),
        CHANNEL_LABELS.get(hazard.channel, hazard.channel),  # type: ignore[call-overload]
        hazard.found_on,
        hazard.found_by,
        hazard.basis,
        hazard.clause,
        hazard.measures,
        hazard.responsible_person,
        hazard.responsible_phone,
        hazard.funds,
        hazard.deadline,
        hazard.contingency_plan,
        STATUS_LABELS.get(hazard.status, hazard.status),  # type: ignore[call-overload]
        "是" if hazard.days_overdue(today) else "否",
        closed_or_done,
        hazard.funds_spent,
        LISTING_LABELS.get(listing, "") if listing else "",  # type: ignore[call-overload]
        hazard.extension_count,
        hazard.extension_days,
    ]


_HEADERS = [header for header, _width in LEDGER_COLUMNS]
CHANNEL_INDEX = _HEADERS.index(CHANNEL_COLUMN)
FINDER_INDEX = _HEADERS.index("发现人")


# -- writing the sheet ------------------------------------------------------------------------------------


def write_ledger(
    hazards_iterable: Iterable[Hazard],
    *,
    township: Township | str,
    filler: Any,
    out: str | IO[bytes],
    progress: Progress | None = None,
    today: dt.date | None = None,
    viewer: Scope | None = None,
) -> int:
    """Write the ledger of these hazards, in this order, to `out`; returns the number of hazard rows.

    A queryset is read in chunks through a server-side cursor; `progress(n)` is called every
    PROGRESS_EVERY rows and once at the end. `viewer` is the scope of the user it is written for: what of a
    hazard's source they may not see is not in their file (§27).
    """
    today = today or local_today()
    name = township.name if isinstance(township, Township) else township
    filler_name = getattr(filler, "display_name", None) or str(filler or "")
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET_TITLE)
    title = ledger_title(name, major_only=_major_only(hazards_iterable))
    columns = ledger_columns(viewer)
    write_report_head(ws, title, filler_line(name, filler_name, today), columns, freeze=f"C{HEADER_ROW + 1}")
    rows = (
        hazards_iterable.iterator(chunk_size=CHUNK_SIZE) if isinstance(hazards_iterable, QuerySet) else hazards_iterable
    )
    count = 0
    for count, hazard in enumerate(rows, start=1):
        ws.append(report_cells(ws, ledger_row(count, hazard, today, viewer)))
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)
    workbook.save(out)
    return count


# -- the export job (large lists, run by hazards.tasks.export_ledger) ------------------------------------


def _job_progress(job_id: Any) -> Progress:
    def report(done: int) -> None:
        # A plain UPDATE, visible at once to the page polling the job (the task runs outside a transaction).
        ExportJob.objects.filter(pk=job_id).update(done=done)

    return report


def _finish(job: ExportJob, **changes: Any) -> None:
    changes["finished_at"] = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(**changes)


def run_export_job(job_id: Any) -> None:
    """Write the ledger of a queued export job.

    1. Rebuild the list from the job's query string with the job user's scope: the file holds what that user
       may see, whoever runs the worker.
    2. Count it, then stream it to a temporary file, reporting progress.
    3. Store the file under a generated name; mark the job done, or failed with the error.
    A job already done is left alone: with acks_late a message may be delivered twice.
    """
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return
    try:
        qs = ledger_hazards(job.user, QueryDict(job.query))
        total = qs.count()
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, total=total, done=0, error="")
        _write_job_file(job, qs)
    except Exception as exc:  # the job must end in a state the page can show, whatever went wrong
        logger.exception("ledger export %s failed", job.pk)
        _finish(job, state=ExportJob.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])


def _write_job_file(job: ExportJob, qs: QuerySet[Hazard]) -> None:
    today = local_today()
    township = ledger_township_name(job.user)
    with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
        written = write_ledger(
            qs,
            township=township,
            filler=job.user,
            out=tmp,
            progress=_job_progress(job.pk),
            today=today,
            viewer=get_scope(job.user),
        )
        tmp.seek(0)
        # The stored name is ours; the Chinese name is only what the browser is told.
        job.file.save(f"ledger-{job.pk}.xlsx", File(tmp), save=False)
    _finish(
        job,
        state=ExportJob.State.DONE,
        file=job.file.name,
        filename=ledger_filename(today),
        done=written,
        total=written,
    )
