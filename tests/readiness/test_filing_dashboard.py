"""The monthly report's 应报单位数 / 实报单位数 from the villages' and units' monthly reports, recomputed by hand."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from dashboard.models import FiledMonthlyReport
from readiness.models.filing import MonthlyReport
from tests.dashboard.test_reports import document_rows

SH = dt.timezone(dt.timedelta(hours=8))


def report(world, target, month: dt.date, user, day: dt.datetime) -> None:
    field = "village" if target in (world.village_a, world.village_b) else "unit"
    MonthlyReport.objects.create(
        township=world.township, month=month, hazards_found=0, reported_by=user, reported_at=day, **{field: target}
    )


@time_machine.travel(dt.datetime(2025, 1, 20, 10, tzinfo=SH), tick=False)
def test_it_counts_who_should_and_did_report(world, client_for) -> None:
    # Must report: village_a, village_b, unit_a (supervision duties) = 3 a month. unit_b (other duties) does not.
    # December 2024: village_a and unit_a reported (unit_a late, still reported); unit_b's report does not count.
    # November 2024: village_b. January 2025: nothing yet.
    dec, nov = dt.date(2024, 12, 1), dt.date(2024, 11, 1)
    report(world, world.village_a, dec, world.village_a_officer, dt.datetime(2025, 1, 3, tzinfo=SH))
    report(world, world.unit_a, dec, world.dept_a, dt.datetime(2025, 1, 9, tzinfo=SH))
    report(world, world.unit_b, dec, world.dept_b, dt.datetime(2025, 1, 3, tzinfo=SH))
    report(world, world.village_b, nov, world.village_b_officer, dt.datetime(2024, 12, 2, tzinfo=SH))
    rows = document_rows(client_for(world.office).get(reverse("dashboard:monthly_report"), {"month": "2024-12"}))
    total = rows["合计"]
    assert (total["month_should_report"], total["month_did_report"]) == (3, 2)
    assert (total["year_should_report"], total["year_did_report"]) == (3 * 12, 2 + 1)
    assert rows["建筑施工"]["month_should_report"] is None  # a township's figure, not a sector's
    # January 2025: a new year — 累计 starts again.
    rows = document_rows(client_for(world.office).get(reverse("dashboard:monthly_report"), {"month": "2025-01"}))
    assert (rows["合计"]["year_should_report"], rows["合计"]["year_did_report"]) == (3, 0)
    # A department officer sees only their sectors: the township's figures stay empty.
    rows = document_rows(client_for(world.dept_a).get(reverse("dashboard:monthly_report"), {"month": "2024-12"}))
    assert rows["合计"]["month_should_report"] is None
    # The county's report takes each township's figures; its total is their sum.
    county = client_for(world.county).get(reverse("dashboard:county_monthly_report"), {"month": "2024-12"})
    document = county.context["document"]
    by_label = {row["label"]: row["values"] for row in document["rows"]}
    assert (by_label["刘圩镇"]["month_should_report"], by_label["刘圩镇"]["month_did_report"]) == (3, 2)
    assert document["total"]["values"]["month_did_report"] == 2 + by_label["邻镇"]["month_did_report"]


@time_machine.travel(dt.datetime(2025, 1, 20, 10, tzinfo=SH), tick=False)
def test_a_month_filed_in_the_old_form_keeps_it(world, client_for) -> None:
    old = {"form_version": 2, "title": "t", "first_header": "行业领域", "filler_unit": "", "month": "2024-11",
           "columns": [{"key": "month_found_general", "header": "本月一般隐患发现数（项）",
                        "group": "一般隐患发现数（项）", "period": "本月", "kind": "count", "width": 10}],
           "rows": [], "total": {"label": "合计", "values": {"month_found_general": 4}}, "notes": []}  # fmt: skip
    FiledMonthlyReport.objects.create(
        township=world.township, month=dt.date(2024, 11, 1), version=1, form_version=2, document=old,
        filed_by=world.office, filed_at=dt.datetime(2024, 12, 2, tzinfo=SH),
    )  # fmt: skip
    page = client_for(world.office).get(reverse("dashboard:monthly_report"), {"month": "2024-11"})
    assert [c["key"] for c in page.context["document"]["columns"]] == ["month_found_general"]
