"""The hazard ledger (隐患台账) as the county office expects it (SPEC S8), and the export job that writes it.

The sheet is written by the one spreadsheet pipeline's ReportWriter, streamed (write-only, the queryset read with a
server-side cursor), so memory stays flat whether the list holds ten hazards or a hundred thousand. Column headers,
the title and the 填报 line are the county's data format, so they are literal Chinese here, like the coded values
(hazards.county_labels).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from django.core.files import File
from django.db.models import F, Prefetch, QuerySet
from django.http import QueryDict
from django.utils import timezone

from core.dates import local_today
from core.spreadsheets import Column, ReportWriter, filler_line, yes_no
from units.access import Scope, act_in_township, get_scope
from units.models import Township, User
from units.offices import filler_unit_name

from .access import hazards_visible_to, hidden_source_fields, may_see_channels
from .county_labels import CHANNEL_LABELS, LEVEL_LABELS, LISTING_LABELS, STATUS_LABELS, TYPE_LABELS
from .filters import filtered_hazards
from .models import RECTIFIED_STATUSES, ExportJob, Hazard, Level, Listing

logger = logging.getLogger(__name__)

LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("row", "序号", width=6),
    Column("hazard_number", "隐患编号", width=18),
    Column("title", "隐患标题", width=24),
    Column("township", "乡镇", width=10),
    Column("description", "隐患描述", width=40),
    Column("location", "隐患位置", width=20),
    Column("enterprise", "企业（场所）名称", width=28),
    Column("credit_code", "统一社会信用代码", width=21),
    Column("principal", "主要负责人", width=10),
    Column("principal_phone", "主要负责人电话", width=14),
    Column("village", "所属村", width=10),
    Column("sector", "行业领域", width=14),
    Column("lead_unit", "牵头部门", width=12),
    Column("hazard_type", "隐患类别", width=12),
    Column("level", "隐患等级", width=14),
    Column("channel", "来源渠道", width=14),
    Column("found_on", "发现日期", width=12),
    Column("found_by", "发现人", width=12),
    Column("basis", "判定依据", width=28),
    Column("clause", "违反条款", width=24),
    Column("measures", "整改措施", width=32),
    Column("responsible_person", "整改责任人", width=10),
    Column("responsible_phone", "联系电话", width=14),
    Column("funds", "整改资金（元）", width=12),
    Column("deadline", "整改时限", width=12),
    Column("contingency_plan", "应急预案", width=24),
    Column("production_stopped", "是否停产停业整改", width=10, format=yes_no),
    Column("status", "状态", width=10),
    Column("rectified", "是否整改完成", width=10, format=yes_no),
    Column("completed_on", "整改完成日期", width=12),
    Column("progress_note", "整改进展及未完成原因", width=28),
    Column("overdue", "是否逾期", width=8, format=yes_no),
    Column("accepted_by_unit", "验收单位", width=16),
    Column("accepted_by_person", "验收人", width=10),
    Column("accepted_on", "验收日期", width=12),
    Column("closed_on", "销号日期", width=12),
    Column("funds_spent", "实际投入资金（元）", width=12),
    Column("listing", "挂牌督办级别", width=10),
    Column("listing_document", "挂牌督办文号", width=20),
    Column("supervising_authority", "督办单位", width=16),
    Column("extension_count", "延期次数", width=8),
    Column("extension_days", "延期天数", width=8),
    Column("remarks", "备注", width=24),
)
SHEET_TITLE = "隐患台账"
PROGRESS_EVERY = 500
CHUNK_SIZE = 2000
RELATED = ("township", "enterprise", "village", "sector", "lead_unit")
# The listing the ledger names: the active one, else the latest (a delisted hazard was still listed, by that document).
LISTING_ORDER = (F("delisted_on").desc(nulls_first=True), "-listed_on", "-pk")

Progress = Callable[[int], None]


def ledger_filename(day: dt.date | None = None) -> str:
    return f"隐患台账-{(day or local_today()).isoformat()}.xlsx"


def ledger_title(township_name: str, *, major_only: bool) -> str:
    # The county's form is the major-hazard ledger; a list with general hazards too is the plain ledger.
    return f"{township_name}{'重大事故' if major_only else ''}隐患排查整治台账"


# -- what goes into the ledger --------------------------------------------------------------------------


def with_ledger_columns(qs: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """The related rows in the same query, the listings in one more per chunk (no query per row)."""
    listings = Listing.objects.select_related(
        "supervising_unit", "supervising_department", "listed_by_county"
    ).order_by(*LISTING_ORDER)
    return qs.select_related(*RELATED).prefetch_related(Prefetch("listings", queryset=listings))


def ledger_listing(hazard: Hazard) -> Listing | None:
    """The active listing, else the latest; from the prefetched ones when they are there."""
    cache = getattr(hazard, "_prefetched_objects_cache", {})
    if "listings" in cache:
        listings = list(cache["listings"])
        return listings[0] if listings else None
    if hazard.pk is None:
        return None
    return hazard.listings.order_by(*LISTING_ORDER).first()


def ledger_hazards(user: Any, data: Mapping[str, Any] | None, township: Township) -> QuerySet[Hazard]:
    """Exactly the hazard list the user sees for this query string (same scope rule, same filters), of the township
    the ledger is filled in for: one ledger, one township."""
    base = hazards_visible_to(user).filter(township=township).select_related(*RELATED)
    _flt, qs = filtered_hazards(data, base, get_scope(user))
    return with_ledger_columns(qs)


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


def ledger_columns(viewer: Scope | None) -> tuple[Column, ...]:
    """The ledger's columns for this user: without the source channel for those who never see it (§27)."""
    if viewer is None or may_see_channels(viewer):
        return LEDGER_COLUMNS
    return tuple(column for column in LEDGER_COLUMNS if column.key != "channel")


def ledger_row(number: int, hazard: Hazard, today: dt.date, viewer: Scope | None = None) -> dict[str, Any]:
    """One hazard's cells by column; `viewer` (None: the full office ledger) decides what of its source is shown:
    §27, the finder and the channel are left blank for a user who may not see where the hazard came from."""
    row = _full_row(number, hazard, today)
    if viewer is not None:
        for key in hidden_source_fields(viewer, hazard) & {"found_by", "channel"}:
            row[key] = ""
    return row


def _full_row(number: int, hazard: Hazard, today: dt.date) -> dict[str, Any]:
    enterprise = hazard.enterprise
    listing = ledger_listing(hazard)
    return {
        "row": number,
        "hazard_number": hazard.number,
        "title": hazard.title,
        "township": hazard.township.name,
        "description": hazard.description,
        "location": hazard.location,
        "enterprise": enterprise.name if enterprise else "",
        "credit_code": (enterprise.credit_code or "") if enterprise else "",
        "principal": enterprise.principal_name if enterprise else "",
        "principal_phone": enterprise.principal_phone if enterprise else "",
        "village": hazard.village.name,
        "sector": hazard.sector.name,
        "lead_unit": hazard.lead_unit.name if hazard.lead_unit else "",
        "hazard_type": TYPE_LABELS.get(hazard.hazard_type, hazard.hazard_type),  # type: ignore[call-overload]
        "level": _level_label(hazard),
        "channel": CHANNEL_LABELS.get(hazard.channel, hazard.channel),  # type: ignore[call-overload]
        "found_on": hazard.found_on,
        "found_by": hazard.found_by,
        "basis": hazard.basis,
        "clause": hazard.clause,
        "measures": hazard.measures,
        "responsible_person": hazard.responsible_person,
        "responsible_phone": hazard.responsible_phone,
        "funds": hazard.funds,
        "deadline": hazard.deadline,
        "contingency_plan": hazard.contingency_plan,
        "production_stopped": hazard.production_stopped,
        "status": STATUS_LABELS.get(hazard.status, hazard.status),  # type: ignore[call-overload]
        "rectified": hazard.status in RECTIFIED_STATUSES,
        "completed_on": hazard.completed_on,
        "progress_note": hazard.progress_note,
        "overdue": bool(hazard.days_overdue(today)),
        "accepted_by_unit": hazard.accepted_by_unit,
        "accepted_by_person": hazard.accepted_by_person,
        "accepted_on": hazard.accepted_on,
        "closed_on": _local_date(hazard.closed_at),
        "funds_spent": hazard.funds_spent,
        "listing": LISTING_LABELS.get(listing.level, "") if listing else "",  # type: ignore[call-overload]
        "listing_document": listing.document_number if listing else "",
        "supervising_authority": listing.supervising_authority if listing else "",
        "extension_count": hazard.extension_count,
        "extension_days": hazard.extension_days,
        "remarks": hazard.remarks,
    }


# -- writing the sheet ------------------------------------------------------------------------------------


def write_ledger(
    hazards_iterable: Iterable[Hazard],
    *,
    township: Township,
    filler: User,
    out: str | IO[bytes],
    progress: Progress | None = None,
    today: dt.date | None = None,
    viewer: Scope | None = None,
) -> int:
    """Write the ledger of these hazards, in this order, to `out`; returns the number of hazard rows.

    The sheet is streamed and a queryset is read in chunks through a server-side cursor; `progress(n)` is called
    every PROGRESS_EVERY rows and once at the end. `viewer` is the scope of the user it is written for: what of a
    hazard's source they may not see is not in their file (§27). The 填报单位 is the filler's unit in the township.
    """
    today = today or local_today()
    writer = ReportWriter(
        sheet_name=SHEET_TITLE,
        title=ledger_title(township.name, major_only=_major_only(hazards_iterable)),
        line=filler_line(filler_unit_name(filler, township), filler.display_name, today),
        columns=ledger_columns(viewer),
        frozen_columns=3,  # 序号, 隐患编号 and 隐患标题 stay in view
    )
    rows = (
        hazards_iterable.iterator(chunk_size=CHUNK_SIZE) if isinstance(hazards_iterable, QuerySet) else hazards_iterable
    )
    count = 0
    for count, hazard in enumerate(rows, start=1):
        writer.append(ledger_row(count, hazard, today, viewer))
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)
    writer.save(out)
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

    1. Rebuild the list from the job's query string with the job user's scope, in the township the job was asked
       for: the file holds what that user may see there, whoever runs the worker.
    2. Count it, then stream it to a temporary file, reporting progress.
    3. Store the file under a generated name; mark the job done, or failed with the error.
    A job already done is left alone: with acks_late a message may be delivered twice.
    """
    job = ExportJob.objects.select_related("user", "township").get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return
    # The worker loads the user afresh: their scope is that of the township they acted in, as on the page.
    act_in_township(job.user, job.township_id)
    try:
        qs = ledger_hazards(job.user, QueryDict(job.query), job.township)
        total = qs.count()
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, total=total, done=0, error="")
        _write_job_file(job, qs)
    except Exception as exc:  # the job must end in a state the page can show, whatever went wrong
        logger.exception("ledger export %s failed", job.pk)
        _finish(job, state=ExportJob.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])


def _write_job_file(job: ExportJob, qs: QuerySet[Hazard]) -> None:
    today = local_today()
    with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
        written = write_ledger(
            qs,
            township=job.township,
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
