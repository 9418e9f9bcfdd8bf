"""Filing the monthly report (issue 13): the office files a month that has ended; the filed table is kept as it was
and shown and exported exactly so after the data change; a correction stores the new table with the differences;
refusals; who may file; the county's report takes the filed figures where a township filed."""

from __future__ import annotations

import copy
import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from core.errors import WorkflowError
from dashboard.filing import monthly_report_correct, monthly_report_file
from dashboard.models import FiledMonthlyReport, FiledReportImmutableError
from hazards.models import Hazard
from tests.dashboard.test_monthly_form import NOV, at, hazards, today  # noqa: F401
from tests.dashboard.test_reports import document_rows
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

NOVEMBER = dt.date(2026, 11, 1)


def file(client: Any, world: Any, month: str = "2026-11", township: Any = None) -> Any:
    data = {"month": month, "township": (township or world.township).pk}
    return client.post(reverse("dashboard:monthly_report_file"), data)


def correct(client: Any, world: Any, reason: str = "补录11月28日发现的隐患") -> Any:
    data = {"month": "2026-11", "township": world.township.pk, "reason": reason}
    return client.post(reverse("dashboard:monthly_report_correct"), data)


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def change_the_data(world: Any, hazards: dict[str, Hazard]) -> None:  # noqa: F811
    """After filing: G1 (农业, reported) is closed, and a general hazard of 28 November is entered late."""
    Hazard.objects.filter(pk=hazards["g1"].pk).update(status="closed")
    HazardFactory(village=world.village_b, sector=world.sector_b, found_on=dt.date(2026, 11, 28))


def test_it_files_the_month_as_it_stands(world, client_for, hazards):  # noqa: F811
    client = client_for(world.office)
    live = client.get(reverse("dashboard:monthly_report"), NOV).context["document"]
    response = file(client, world)
    assert response.status_code == 302
    filed = FiledMonthlyReport.objects.get(township=world.township, month=NOVEMBER)
    assert (filed.version, filed.form_version, filed.filed_by) == (1, 3, world.office)
    assert filed.filed_at == at(2026, 12, 10, 10)
    assert filed.document == live
    assert filed.document["filler_unit"] == "刘圩镇应急办" and filed.document["title"].endswith("（2026年11月）")
    page = client.get(response["Location"])
    assert 'data-testid="filed-status"' in page.content.decode()
    assert page.context["shown"] == filed and not page.context["live_differs"]


def test_it_shows_and_exports_the_filed_month_unchanged_after_the_data_change(world, client_for, hazards):  # noqa: F811
    client = client_for(world.office)
    file(client, world)
    stored = copy.deepcopy(FiledMonthlyReport.objects.get().document)
    before = sheets(client.get(reverse("dashboard:monthly_report_excel"), NOV).content)
    change_the_data(world, hazards)

    page = client.get(reverse("dashboard:monthly_report"), NOV)
    assert FiledMonthlyReport.objects.get().document == stored
    assert page.context["document"] == stored
    assert document_rows(page)["农业"]["month_found_general"] == 1  # as filed: G1 only
    # The current figures beside it: two general hazards in 农业 now, one rectified.
    assert page.context["live_differs"]
    html = page.content.decode()
    assert 'data-testid="current-figures"' in html and 'data-testid="correction-form"' in html
    after = sheets(client.get(reverse("dashboard:monthly_report_excel"), NOV).content)
    assert after == before
    title, line = before["月报表"][0][0], before["月报表"][1][0]
    assert title == "刘圩镇安全生产事故隐患排查治理情况月报表（2026年11月）"
    assert line == "填报单位：刘圩镇应急办    报送人：office    报送时间：2026年12月10日 10:00    版本：第1版"


def test_it_files_a_correction_with_the_differences(world, client_for, hazards):  # noqa: F811
    client = client_for(world.office)
    file(client, world)
    change_the_data(world, hazards)
    assert correct(client, world).status_code == 302
    first, second = FiledMonthlyReport.objects.order_by("version")
    assert (second.version, second.reason, second.filed_by) == (2, "补录11月28日发现的隐患", world.office)
    changes = {(d["row"], d["column"]): (d["was"], d["now"]) for d in second.differences}
    assert changes[("农业", "本月一般隐患发现数（项）")] == (1, 2)
    assert changes[("农业", "本月一般隐患已整改（项）")] == (0, 1)
    assert changes[("农业", "本月一般隐患整改率（%）")] == ("0.0", "50.0")
    assert changes[("合计", "累计一般隐患发现数（项）")] == (2, 3)
    assert ("建筑施工", "本月一般隐患发现数（项）") not in changes
    assert len(changes) == 12  # 农业 and 合计: found, rectified and rate, this month and cumulative

    page = client.get(reverse("dashboard:monthly_report"), NOV)
    assert page.context["shown"] == second and not page.context["live_differs"]
    html = page.content.decode()
    assert html.count('data-testid="difference"') == 12 and 'data-testid="correction-reason"' in html
    # The earlier version stays readable, as it was.
    earlier = client.get(reverse("dashboard:monthly_report"), {**NOV, "version": 1})
    assert earlier.context["document"] == first.document and 'data-testid="earlier-version"' in earlier.content.decode()
    workbook = sheets(client.get(reverse("dashboard:monthly_report_excel"), NOV).content)
    assert workbook["月报表"][1][0].endswith("版本：第2版（更正）")
    assert workbook["月报表"][-1][0] == "更正原因：补录11月28日发现的隐患"
    header, *rows = workbook["更正差异"][2:]
    assert header == ("序号", "行业领域", "栏目", "原报数", "更正后")
    assert (1, "农业", "本月一般隐患发现数（项）", 1, 2) in rows and len(rows) == 12
    version_one = sheets(client.get(reverse("dashboard:monthly_report_excel"), {**NOV, "version": 1}).content)
    assert list(version_one) == ["月报表"]


def test_it_refuses_a_month_not_yet_ended_and_a_second_filing(world, client_for, hazards):  # noqa: F811
    client = client_for(world.office)
    for month in ("2026-12", "2027-01"):
        file(client, world, month)
    assert not FiledMonthlyReport.objects.exists()
    page = client.get(reverse("dashboard:monthly_report"), {"month": "2026-12"})
    assert 'data-testid="not-ended"' in page.content.decode() and 'data-testid="file-form"' not in page.content.decode()
    file(client, world)
    response = file(client, world)
    assert FiledMonthlyReport.objects.count() == 1
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages  # the refusal is said
    with pytest.raises(WorkflowError):
        monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    with pytest.raises(WorkflowError):  # nothing changed: nothing to correct
        monthly_report_correct(user=world.office, township=world.township, month=NOVEMBER, reason="核对")


def test_it_refuses_a_correction_of_a_month_not_filed_or_without_a_reason(world, client_for, hazards):  # noqa: F811
    with pytest.raises(WorkflowError):
        monthly_report_correct(user=world.office, township=world.township, month=NOVEMBER, reason="补录")
    monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    change_the_data(world, hazards)
    with pytest.raises(WorkflowError):
        monthly_report_correct(user=world.office, township=world.township, month=NOVEMBER, reason="  ")
    correct(client_for(world.office), world, reason="")
    assert FiledMonthlyReport.objects.count() == 1


@pytest.mark.parametrize("who", ["leader", "dept_a", "village_a_officer", "ent_a", "county", "county_dept"])
def test_it_lets_only_the_office_file(world, client_for, hazards, who):  # noqa: F811
    client = client_for(getattr(world, who))
    assert file(client, world).status_code == 404
    assert correct(client, world).status_code == 404
    with pytest.raises(WorkflowError):
        monthly_report_file(user=getattr(world, who), township=world.township, month=NOVEMBER)
    assert not FiledMonthlyReport.objects.exists()


def test_it_gives_another_townships_office_404(world, client_for, hazards):  # noqa: F811
    client = client_for(world.other_office)
    assert file(client, world, township=world.township).status_code == 404
    assert not FiledMonthlyReport.objects.exists()
    monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    # The other office reads its own township's report: nothing of this one's filing.
    page = client.get(reverse("dashboard:monthly_report"), {**NOV, "township": world.township.pk})
    assert page.context["township"] == world.other_township and page.context["shown"] is None
    assert client.get(reverse("dashboard:monthly_report"), {**NOV, "version": 1}).status_code == 404


def test_it_shows_a_village_officer_its_part_live(world, client_for, hazards):  # noqa: F811
    monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    page = client_for(world.village_b_officer).get(reverse("dashboard:monthly_report"), NOV)
    rows = document_rows(page)
    assert page.context["shown"] is None
    assert (rows["农业"]["month_found_general"], rows["建筑施工"]["month_found_general"]) == (1, 0)


def test_it_shows_leadership_the_filed_report_without_the_filing_buttons(world, client_for, hazards):  # noqa: F811
    monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    change_the_data(world, hazards)
    page = client_for(world.leader).get(reverse("dashboard:monthly_report"), NOV)
    assert page.context["shown"] is not None and page.context["live_differs"]
    assert 'data-testid="correction-form"' not in page.content.decode()


def test_it_never_edits_or_deletes_a_filed_report(world, hazards):  # noqa: F811
    filed = monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    with pytest.raises(FiledReportImmutableError):
        filed.save()
    with pytest.raises(FiledReportImmutableError):
        filed.delete()
    with pytest.raises(FiledReportImmutableError):
        FiledMonthlyReport.objects.update(reason="x")


def test_it_pins_the_queries_of_the_filed_page(world, client_for, hazards, django_assert_max_num_queries):  # noqa: F811
    client = client_for(world.office)
    monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    change_the_data(world, hazards)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("dashboard:monthly_report"), NOV).status_code == 200


# -- the county's report -----------------------------------------------------------------------------------------


def test_it_consolidates_the_filed_figures_where_a_township_filed(client, world, hazards):  # noqa: F811
    monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    change_the_data(world, hazards)
    client.force_login(world.county)
    response = client.get(reverse("dashboard:county_monthly_report"), NOV)
    rows = document_rows(response)
    assert rows["刘圩镇"]["month_found_general"] == 2  # as filed, not the 3 of today
    assert rows["刘圩镇"]["filing"] == "已报送（第1版，2026-12-10）"
    assert rows["邻镇"]["filing"] == "未报送"
    assert rows["合计"]["month_found_general"] == 2
    assert 'data-testid="county-filing-note"' in response.content.decode()
    # A county department sees the live figures of its sectors (建筑施工), whatever was filed.
    client.force_login(world.county_dept)
    rows = document_rows(client.get(reverse("dashboard:county_monthly_report"), NOV))
    assert rows["刘圩镇"]["month_found_general"] == 1 and rows["刘圩镇"]["filing"].startswith("已报送")


def test_it_keeps_one_row_per_version_of_a_month(world, hazards):  # noqa: F811
    """The township's row lock queues two filings; the unique (township, month, version) catches anything else."""
    filed = monthly_report_file(user=world.office, township=world.township, month=NOVEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        FiledMonthlyReport.objects.create(
            township=world.township, month=NOVEMBER, version=1, form_version=2, document={}, filed_by=world.admin
        )
    assert list(FiledMonthlyReport.objects.values_list("pk", flat=True)) == [filed.pk]
