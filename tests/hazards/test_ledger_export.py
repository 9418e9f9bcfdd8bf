"""The hazard ledger export: exactly the filtered list, in the county's format, direct or as a background job."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import HEADER_ROW
from hazards import excel_views, ledger_export, tasks
from hazards.ledger_export import LEDGER_COLUMNS, run_export_job, write_ledger
from hazards.models import ExportJob, Hazard, Listing
from tests.conftest import World
from tests.factories import AssignmentFactory, HazardFactory, UserFactory, act_in, office_in_a_second_township
from units.models import Role, User

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_URL = reverse("hazards:ledger_export")
HEADERS = [str(column.header) for column in LEDGER_COLUMNS]
COLUMN = {header: index for index, header in enumerate(HEADERS)}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def hazard_in(world: World, village: str = "a", **kwargs: Any) -> Hazard:
    where = {
        "a": {"village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a},
        "b": {"village": world.village_b, "sector": world.sector_b, "enterprise": world.enterprise_b},
    }[village]
    return cast(Hazard, HazardFactory(**{**where, **kwargs}))


def sheet_of(content: bytes) -> Worksheet:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    return sheet


def export(client: Any, query: str = "") -> Worksheet:
    response = client.get(EXPORT_URL + query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return sheet_of(response.content)


def data_rows(sheet: Worksheet) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if any(row)]


def titles(sheet: Worksheet) -> set[str]:
    return {row[COLUMN["隐患标题"]] for row in data_rows(sheet)}


def test_it_exports_exactly_the_filtered_list(client_for, world: World):
    a1, a2 = hazard_in(world, "a", title="甲村隐患一"), hazard_in(world, "a", title="甲村隐患二")
    b = hazard_in(world, "b", title="乙村隐患")
    client = client_for(world.office)
    assert titles(export(client)) == {a1.title, a2.title, b.title}
    assert titles(export(client, f"?village={world.village_a.pk}")) == {a1.title, a2.title}
    assert titles(export(client, f"?village={world.village_b.pk}&q=乙村")) == {b.title}


def test_it_never_exports_another_villages_hazard_to_a_village_officer(client_for, world: World):
    own = hazard_in(world, "a", title="本村隐患")
    hazard_in(world, "b", title="外村隐患")
    client = client_for(world.village_a_officer)
    assert titles(export(client)) == {own.title}
    # Naming the other village in the URL gives nothing rather than that village's hazards.
    assert titles(export(client, f"?village={world.village_b.pk}")) == set()


def test_it_writes_the_title_and_the_filler_line(client_for, world: World):
    world.office.full_name = "王主任"
    world.office.save()
    hazard_in(world, level="major")
    sheet = export(client_for(world.office))
    today = timezone.localdate()
    assert sheet["A1"].value == "刘圩镇重大事故隐患排查整治台账"
    assert sheet["A1"].font.bold
    line = sheet["A2"].value
    assert line.startswith("填报单位：刘圩镇应急办    ")  # the office's unit, named with its township
    assert "填报人：王主任" in line
    assert "审核人：" in line
    assert f"填报日期：{today.year}年{today.month}月{today.day}日" in line
    # With a general hazard on the list it is the plain ledger, not the major-hazard one.
    hazard_in(world, level="general")
    assert export(client_for(world.office))["A1"].value == "刘圩镇隐患排查整治台账"


def test_it_names_the_exporting_department_as_the_filler(client_for, world: World):
    hazard_in(world)
    assert export(client_for(world.dept_a))["A2"].value.startswith("填报单位：刘圩镇住建所    填报人：dept_a")


def test_it_names_the_township_s_office_when_the_township_marked_none(client_for, world: World):
    world.office_unit.is_safety_office = False
    world.office_unit.save()
    hazard_in(world)
    assert export(client_for(world.office))["A2"].value.startswith("填报单位：刘圩镇安委办    ")


def two_township_office(world: World) -> tuple[User, Any]:
    """An officer of 刘圩镇 who also runs a second township's office, and that township's hazard."""
    user = cast(User, UserFactory(username="twin", full_name="赵六"))
    AssignmentFactory(user=user, role=Role.OFFICE, township=world.township)
    second = office_in_a_second_township(user)
    HazardFactory(village=second.villages.get(), title="周庄镇的隐患")
    return user, second


def test_it_writes_the_ledger_of_the_township_the_user_acts_in_and_in_its_name(client_for, world: World):
    user, second = two_township_office(world)
    hazard_in(world, title="刘圩镇的隐患")
    client = client_for(user)
    act_in(client, second)
    sheet = export(client)
    assert (sheet["A1"].value, titles(sheet)) == ("周庄镇隐患排查整治台账", {"周庄镇的隐患"})
    assert sheet["A2"].value.startswith("填报单位：周庄镇安监站    填报人：赵六")
    act_in(client, world.township)
    sheet = export(client)
    assert (sheet["A1"].value, titles(sheet)) == ("刘圩镇隐患排查整治台账", {"刘圩镇的隐患"})
    assert sheet["A2"].value.startswith("填报单位：刘圩镇应急办    ")


def test_a_job_writes_the_township_it_was_asked_in_whatever_the_user_picks_later(
    client_for, world: World, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(excel_views, "EXPORT_SYNC_LIMIT", 0)
    user, second = two_township_office(world)
    hazard_in(world, title="刘圩镇的隐患")
    client = client_for(user)
    act_in(client, second)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.get(EXPORT_URL)
    job = ExportJob.objects.get()
    assert job.township == second
    act_in(client, world.township)  # the worker runs after the user switched
    for callback in queued:
        callback()
    job.refresh_from_db()
    sheet = sheet_of(job.file.read())
    assert (sheet["A1"].value, titles(sheet)) == ("周庄镇隐患排查整治台账", {"周庄镇的隐患"})
    assert sheet["A2"].value.startswith("填报单位：周庄镇安监站    ")


def test_it_writes_chinese_headers_real_dates_and_numbers(client_for, world: World):
    found = dt.date(2024, 3, 5)
    hazard_in(world, found_on=found, status="rectifying", deadline=dt.date(2024, 4, 5), funds=Decimal("1200.50"))
    sheet = export(client_for(world.office))
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADERS
    row = sheet[HEADER_ROW + 1]
    found_cell = row[COLUMN["发现日期"]]
    assert found_cell.is_date
    assert found_cell.value.date() == found
    assert found_cell.number_format == "yyyy-mm-dd"
    assert row[COLUMN["整改时限"]].is_date
    assert row[COLUMN["整改资金（元）"]].value == pytest.approx(1200.5)
    assert row[COLUMN["序号"]].value == 1
    assert row[COLUMN["状态"]].value == "整改中"
    assert row[COLUMN["是否逾期"]].value == "是"  # the deadline is long past
    assert row[COLUMN["企业（场所）名称"]].value == world.enterprise_a.name
    assert row[COLUMN["统一社会信用代码"]].value == world.enterprise_a.credit_code
    assert row[COLUMN["所属村"]].value == "刘圩村"
    assert row[COLUMN["牵头部门"]].value == "住建所"


def test_it_freezes_the_header_and_sets_column_widths(client_for, world: World):
    hazard_in(world)
    sheet = export(client_for(world.office))
    assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"  # 序号, 隐患编号 and 隐患标题 stay in view
    assert sheet.column_dimensions["E"].width == {c.header: c.width for c in LEDGER_COLUMNS}["隐患描述"]
    assert "A1:AQ1" in {str(r) for r in sheet.merged_cells.ranges}  # 43 columns


def test_it_neutralises_formulas_and_control_characters(client_for, world: World):
    hazard_in(
        world,
        title='=HYPERLINK("http://evil.example","点击")\x07\x1b',
        description="+1+2",
        location="-3",
        found_by="@SUM(A1)",
        clause="\tTAB",
        measures="消防\x01通道\x07清理",
    )
    row = export(client_for(world.office))[HEADER_ROW + 1]
    texts = {header: row[COLUMN[header]] for header in ("隐患标题", "隐患描述", "隐患位置", "发现人", "违反条款")}
    for header, cell in texts.items():
        assert cell.data_type == "s", header  # a string, never a formula
        assert cell.value.startswith("'"), header
    assert texts["隐患标题"].value == '\'=HYPERLINK("http://evil.example","点击")'
    assert row[COLUMN["整改措施"]].value == "消防通道清理"


def test_it_strips_nul_bytes_that_never_reach_the_database(world: World):
    # PostgreSQL refuses NUL in text, but a list handed to write_ledger may still hold one.
    hazard = Hazard(
        township=world.township,
        village=world.village_a,
        sector=world.sector_a,
        title="消防\x00通道\x07堵塞",
        description="=1+1",
        found_on=dt.date(2024, 1, 2),
        level="major",
        status="reported",
    )
    out = io.BytesIO()
    world.office.full_name = "张三"
    write_ledger([hazard], township=world.township, filler=world.office, out=out)
    sheet = sheet_of(out.getvalue())
    row = sheet[HEADER_ROW + 1]
    assert row[COLUMN["隐患标题"]].value == "消防通道堵塞"
    assert row[COLUMN["隐患描述"]].value == "'=1+1"
    assert sheet["A1"].value == "刘圩镇重大事故隐患排查整治台账"
    assert "填报人：张三" in sheet["A2"].value


def test_it_shows_the_closing_date_and_the_listing_level(client_for, world: World):
    closed_at = dt.datetime(2024, 5, 20, 17, 30, tzinfo=dt.UTC)  # already 21 May, 01:30, in 刘圩 (UTC+8)
    hazard = hazard_in(world, level="major", status="closed", closed_at=closed_at, completed_on=dt.date(2024, 5, 18))
    Listing.objects.create(
        hazard=hazard,
        level="county",
        document_number="泗安办〔2024〕3号",
        supervising_leader="李县长",
        listed_on=dt.date(2024, 4, 1),
        required_by=dt.date(2024, 6, 1),
        listed_by=world.office,
    )
    row = export(client_for(world.office))[HEADER_ROW + 1]
    assert row[COLUMN["销号日期"]].value.date() == dt.date(2024, 5, 21)
    assert row[COLUMN["整改完成日期"]].value.date() == dt.date(2024, 5, 18)
    assert row[COLUMN["挂牌督办级别"]].value == "县级"
    assert row[COLUMN["隐患等级"]].value == "重大事故隐患"
    assert row[COLUMN["是否逾期"]].value == "否"


def test_it_writes_the_extensions_granted_and_the_days_they_added(client_for, world: World):
    # §17 / S2: how far a deadline moved is part of the ledger (two extensions, 10 + 20 days).
    hazard_in(world, title="延期两次", status="rectifying", deadline=dt.date(2024, 4, 5), extension_count=2,
              extension_days=30)  # fmt: skip
    hazard_in(world, title="未延期")
    rows = {row[COLUMN["隐患标题"]]: row for row in data_rows(export(client_for(world.office)))}
    assert (rows["延期两次"][COLUMN["延期次数"]], rows["延期两次"][COLUMN["延期天数"]]) == (2, 30)
    assert (rows["未延期"][COLUMN["延期次数"]], rows["未延期"][COLUMN["延期天数"]]) == (0, 0)
    assert HEADERS[-3:-1] == ["延期次数", "延期天数"]


def test_it_reads_the_list_in_a_fixed_number_of_queries(client_for, world: World, django_assert_max_num_queries):
    for _ in range(30):
        hazard_in(world, "a")
        hazard_in(world, "b", enterprise=None)
    client = client_for(world.office)
    client.get(EXPORT_URL)  # warm the session
    with django_assert_max_num_queries(12):
        sheet = export(client)
    assert len(data_rows(sheet)) == 60


def test_it_writes_a_generator_and_reports_progress(world: World, monkeypatch):
    monkeypatch.setattr(ledger_export, "PROGRESS_EVERY", 2)
    hazards = [hazard_in(world) for _ in range(5)]
    seen: list[int] = []
    out = io.BytesIO()
    written = write_ledger(
        (h for h in hazards), township=world.township, filler=world.office, out=out, progress=seen.append
    )
    assert written == 5
    assert seen == [2, 4, 5]
    assert len(data_rows(sheet_of(out.getvalue()))) == 5


# -- the large-export path --------------------------------------------------------------------------------


def test_it_runs_a_large_export_as_a_job(client_for, world: World, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(excel_views, "EXPORT_SYNC_LIMIT", 2)
    for _ in range(3):
        hazard_in(world, "a")
    hazard_in(world, "b")
    client = client_for(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT_URL + f"?village={world.village_a.pk}")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:export_job", args=[job.pk])
    assert (job.user, job.township, job.kind, job.query) == (
        world.office, world.township, "ledger", f"village={world.village_a.pk}"
    )  # fmt: skip
    assert (job.state, job.done, job.total, job.percent) == ("done", 3, 3, 100)
    assert job.finished_at is not None
    page = client.get(response["Location"])
    assert b'data-state="done"' in page.content
    assert b'hx-trigger="every 2s"' not in page.content  # a finished job stops polling
    download_url = reverse("hazards:export_download", args=[job.pk])
    assert download_url.encode() in page.content
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert "attachment" in download["Content-Disposition"]
    assert len(data_rows(sheet_of(b"".join(download.streaming_content)))) == 3


def test_it_says_so_when_the_job_cannot_be_queued(
    client_for, world: World, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(excel_views, "EXPORT_SYNC_LIMIT", 0)
    monkeypatch.setattr(tasks.export_ledger, "delay", broker_down)
    hazard_in(world)
    client = client_for(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT_URL)
    job = ExportJob.objects.get()
    assert (job.state, "redis" in job.error) == ("failed", True)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-testid="export-failed"' in page.content


def test_it_hides_a_job_and_its_file_from_other_users(client_for, world: World):
    job = _done_job(world)
    client = client_for(world.village_b_officer)
    assert client.get(reverse("hazards:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("hazards:export_download", args=[job.pk])).status_code == 404
    client = client_for(world.office)
    assert client.get(reverse("hazards:export_download", args=[job.pk])).status_code == 200


def test_it_polls_while_the_job_runs(client_for, world: World):
    job = ExportJob.objects.create(
        user=world.office, township=world.township, query="", state="running", total=4000, done=1000
    )
    client = client_for(world.office)
    url = reverse("hazards:export_job", args=[job.pk])
    page = client.get(url)
    assert b'hx-trigger="every 2s"' in page.content
    assert f'hx-get="{url}"'.encode() in page.content
    assert b"<script>" not in page.content.replace(b"<script src", b"")
    assert b"1000 / 4000" in page.content
    assert b"25%" in page.content
    partial = client.get(url, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content
    assert b'data-testid="export-job"' in partial.content
    # Not ready yet: there is nothing to download.
    assert client.get(reverse("hazards:export_download", args=[job.pk])).status_code == 404


def test_it_exports_what_the_job_user_may_see(world: World):
    own = hazard_in(world, "a", title="本村隐患")
    hazard_in(world, "b", title="外村隐患")
    officer, township = world.village_a_officer, world.township
    job = ExportJob.objects.create(user=officer, township=township, query=f"village={world.village_b.pk}")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.state == "done"
    assert titles(sheet_of(job.file.read())) == set()
    job = ExportJob.objects.create(user=officer, township=township, query="")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert titles(sheet_of(job.file.read())) == {own.title}
    assert job.filename.startswith("隐患台账-")


def test_it_marks_a_failed_job_and_says_so(client_for, world: World, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(ledger_export, "write_ledger", broken)
    job = ExportJob.objects.create(user=world.office, township=world.township, query="")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.state == "failed"
    assert "disk full" in job.error
    assert job.finished_at is not None
    page = client_for(world.office).get(reverse("hazards:export_job", args=[job.pk]))
    assert b'data-testid="export-failed"' in page.content


def _done_job(world: World) -> ExportJob:
    hazard_in(world)
    job = ExportJob.objects.create(user=world.office, township=world.township, query="")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.state == "done"
    return job
