"""Ledger import: the county's major-hazard detail sheet in, major hazards out, row by row errors, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.spreadsheets import CellError, reading
from hazards.ledger_import import (
    LEDGER_COLUMNS,
    LEDGER_SHEET,
    METHODS,
    LedgerImportResult,
    build_ledger_template,
    ledger_import,
    parse_ledger_date,
)
from hazards.models import Hazard, HazardEvent
from tests.conftest import World
from tests.factories import HazardFactory, SectorFactory, next_credit_code
from units.models import Enterprise

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [str(column.header) for column in LEDGER_COLUMNS]
IMPORT_URL = reverse("hazards:ledger_import")
TEMPLATE_URL = reverse("hazards:ledger_import_template")
FOUND = dt.date(2024, 3, 5)


def row(**values: Any) -> list[Any]:
    """One data row in template column order; unnamed cells are empty."""
    return [values.get(column.key) for column in LEDGER_COLUMNS]


def good(world: World, **overrides: Any) -> list[Any]:
    values = {
        "reporting_unit": "住建所",
        "sector": "建筑施工",
        "enterprise_name": world.enterprise_a.name,
        "credit_code": world.enterprise_a.credit_code,
        "village": "刘圩村",
        "description": "外脚手架未按规定设置连墙件，存在整体坍塌风险",
        "location": "1号楼北侧",
        "method": "部门检查",
        "inspector": "张三、李四",
        "found_on": FOUND,
        "basis": "《房屋市政工程生产安全重大事故隐患判定标准》",
        "clause": "第八条",
        "rectified": "否",
        "responsible_person": "王五",
        "measures": "按方案补设连墙件",
        **overrides,
    }
    return row(**values)


def xlsx(rows: list[list[Any]], *, title: str | None = "刘圩镇重大事故隐患排查整治明细表") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(world: World, content: bytes, **kwargs: Any) -> LedgerImportResult:
    return ledger_import(
        township=world.township, file=io.BytesIO(content), filename="2024年3月台账.xlsx", actor=world.office, **kwargs
    )


def errors_of(result: LedgerImportResult) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def upload(content: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


# -- matching and fields ----------------------------------------------------------------------------------


def test_it_matches_the_enterprise_by_credit_code_and_fills_the_hazard(world: World):
    code = world.enterprise_a.credit_code
    content = xlsx([good(world, credit_code=f" {code.lower()} ", enterprise_name="名称写法不同")])
    result = run(world, content)
    assert result.ok, result.errors
    assert result.created == 1
    hazard = Hazard.objects.get()
    assert hazard.enterprise == world.enterprise_a
    assert (hazard.village, hazard.sector, hazard.lead_unit) == (world.village_a, world.sector_a, world.unit_a)
    assert (hazard.level, hazard.hazard_type, hazard.channel) == ("major", "construction", "department")
    assert hazard.is_imported
    assert hazard.reported_by == world.office
    assert hazard.township == world.township
    assert hazard.found_on == FOUND
    assert hazard.found_by == "住建所（张三、李四）"
    assert hazard.title == "外脚手架未按规定设置连墙件，存在整体坍塌风险"[:40]
    assert (hazard.basis, hazard.clause, hazard.location) == (
        "《房屋市政工程生产安全重大事故隐患判定标准》",
        "第八条",
        "1号楼北侧",
    )
    assert (hazard.measures, hazard.responsible_person) == ("按方案补设连墙件", "王五")


def test_it_uses_the_enterprises_village_and_sector_when_the_cells_are_empty(world: World):
    result = run(world, xlsx([good(world, village="刘圩镇", sector=None, enterprise_name=None)]))
    assert result.ok, result.errors
    hazard = Hazard.objects.get()
    assert (hazard.village, hazard.sector) == (world.village_a, world.sector_a)


def test_it_imports_a_hazard_without_an_enterprise_into_its_village(world: World):
    content = xlsx([good(world, credit_code=None, enterprise_name=None, village="刘圩镇新集村", sector="农业")])
    result = run(world, content)
    assert result.ok, result.errors
    hazard = Hazard.objects.get()
    assert (hazard.enterprise, hazard.village, hazard.sector) == (None, world.village_b, world.sector_b)
    assert hazard.hazard_type == "other"


def test_it_derives_the_hazard_type_from_the_sector(world: World):
    for name in ("消防", "液化气", "危化品", "道路运输", "烟花爆竹", "工贸"):
        SectorFactory(township=world.township, name=name)
    rows = [
        good(world, sector=name, description=f"隐患{name}")
        for name in ("消防", "液化气", "危化品", "道路运输", "烟花爆竹", "工贸")
    ]
    result = run(world, xlsx(rows))
    assert result.ok, result.errors
    types = dict(Hazard.objects.values_list("sector__name", "hazard_type"))
    assert types == {
        "消防": "fire",
        "液化气": "gas",
        "危化品": "hazchem",
        "道路运输": "road",
        "烟花爆竹": "fireworks",
        "工贸": "industry",
    }
    # A fire hazard in a construction firm is 消防's: its lead unit, not the firm's sector's.
    fire = Hazard.objects.get(sector__name="消防")
    assert fire.enterprise == world.enterprise_a
    assert fire.lead_unit == fire.sector.lead_unit


@pytest.mark.parametrize(
    ("method", "channel"),
    [
        ("企业自查", "self_report"),
        ("督导检查", "supervision"),
        ("部门检查", "department"),
        ("专项检查", "department"),
        ("执法检查", "enforcement"),
        ("双随机", "enforcement"),
        ("双随机一公开", "enforcement"),
        ("四不两直", "enforcement"),
        ("群众举报", "public"),
        ("上级交办", "assigned"),
    ],
)
def test_it_maps_the_inspection_method_to_the_channel(world: World, method: str, channel: str):
    assert run(world, xlsx([good(world, method=method)])).ok
    assert Hazard.objects.get().channel == channel


def test_it_reports_an_unknown_inspection_method_with_the_valid_values(world: World):
    result = run(world, xlsx([good(world, method="电话回访")]))
    assert errors_of(result) == [(3, "检查方式")]
    assert all(method in result.errors[0].message for method in METHODS)


# -- states and dates ---------------------------------------------------------------------------------------


def test_it_imports_a_rectified_hazard_as_closed_on_its_completion_date(world: World):
    done = dt.date(2024, 3, 20)
    assert run(world, xlsx([good(world, rectified="是", completed_on=done)])).ok
    hazard = Hazard.objects.get()
    assert hazard.status == "closed"
    assert hazard.completed_on == done
    assert hazard.deadline == done
    closed = timezone.localtime(hazard.closed_at)
    assert (closed.date(), closed.hour) == (done, 12)
    assert str(closed.tzinfo) == "Asia/Shanghai"


def test_it_imports_an_unrectified_hazard_as_registered_or_rectifying(world: World):
    deadline = timezone.localdate() + dt.timedelta(days=30)
    rows = [
        good(world, description="未整改无时限", rectified="否"),
        good(world, description="未整改有时限", rectified="否", completed_on=deadline),
        good(world, description="整改中写法", rectified="整改中"),
    ]
    assert run(world, xlsx(rows)).ok
    states = {h.description: (h.status, h.deadline) for h in Hazard.objects.all()}
    assert states == {
        "未整改无时限": ("confirmed", None),
        "未整改有时限": ("rectifying", deadline),
        "整改中写法": ("confirmed", None),
    }


def test_it_refuses_a_rectified_hazard_without_a_completion_date(world: World):
    result = run(world, xlsx([good(world, rectified="是")]))
    assert errors_of(result) == [(3, "整改完成时间")]
    result = run(world, xlsx([good(world, rectified="是", completed_on=FOUND - dt.timedelta(days=1))]))
    assert errors_of(result) == [(3, "整改完成时间")]


@pytest.mark.parametrize(
    "cell",
    [
        FOUND,
        dt.datetime(2024, 3, 5, 0, 0),  # noqa: DTZ001 - Excel dates are naive
        dt.datetime(2024, 3, 5, 14, 30),  # noqa: DTZ001 - Excel dates are naive
        "2024.3.5",
        "2024.03.05",
        "2024-03-05",
        "2024/3/5",
        "2024年3月5日",
        " 2024 年 3 月 5 日 ",
        "２０２４．３．５",
        "20240305",
        45356,  # the day number of a date cell pasted as a plain number
        45356.5,  # a date-time cell pasted as a number: noon of that day
        "45356.75",
    ],
)
def test_it_reads_dates_as_ledgers_write_them(world: World, cell: Any):
    result = run(world, xlsx([good(world, found_on=cell)]))
    assert result.ok, result.errors
    assert Hazard.objects.get().found_on == FOUND


@pytest.mark.parametrize("cell", ["2024.2.30", "三月五日", "2024.13.5", "去年", "3/5"])
def test_it_reports_a_date_it_cannot_read(world: World, cell: str):
    result = run(world, xlsx([good(world, found_on=cell)]))
    assert errors_of(result) == [(3, "检查时间")]
    assert cell in result.errors[0].message


FIRE_JUDGEMENT = {
    "is_major_fire": "是",
    "fire_judged_by": "泗县消防救援大队",
    "fire_judgement_document": "泗消〔2024〕1号",
}


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"found_on": "0001-01-01"}, "检查时间"),
        ({"found_on": dt.datetime(1989, 12, 31, 8, 0)}, "检查时间"),  # noqa: DTZ001 - Excel dates are naive
        ({"found_on": 5}, "检查时间"),  # a day number, but of 1900
        ({"rectified": "否", "completed_on": "2150-01-01"}, "整改完成时间"),
        ({"rectified": "否", "completed_on": dt.date(2150, 1, 1)}, "整改完成时间"),
        ({**FIRE_JUDGEMENT, "fire_judged_on": "0001-01-01"}, "判定日期"),
    ],
)
def test_it_refuses_an_implausible_date_with_its_row_and_column(world: World, cells: dict[str, Any], column: str):
    result = run(world, xlsx([good(world, description="另一条"), good(world, **cells)]))
    assert errors_of(result) == [(4, column)]
    assert "1990" in result.errors[0].message and "2100" in result.errors[0].message
    assert not Hazard.objects.exists()


def test_it_takes_a_deadline_up_to_2100(world: World):
    result = run(world, xlsx([good(world, rectified="否", completed_on=dt.date(2100, 12, 31))]))
    assert result.ok, result.errors
    assert Hazard.objects.get().deadline == dt.date(2100, 12, 31)


def test_it_lists_the_columns_it_does_not_import(world: World):
    workbook = load_workbook(io.BytesIO(xlsx([good(world)])))
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=len(HEADERS) + 1, value="隐患等级")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(world, buffer.getvalue(), dry_run=True)
    assert result.ok, result.errors
    assert [c.header for c in result.ignored_columns] == ["隐患等级"]


def test_it_matches_a_sector_by_its_other_names_and_names_the_sectors_otherwise(world: World):
    world.sector_a.aliases = "建设施工"
    world.sector_a.save()
    assert run(world, xlsx([good(world, sector="建设施工")])).ok
    result = run(world, xlsx([good(world, sector="房屋建筑", description="另一条")]))
    assert errors_of(result) == [(3, "行业领域")]
    assert "农业" in result.errors[0].message and "建筑施工" in result.errors[0].message


def test_it_refuses_an_inspection_date_in_the_future(world: World):
    result = run(world, xlsx([good(world, found_on=timezone.localdate() + dt.timedelta(days=1))]))
    assert errors_of(result) == [(3, "检查时间")]


def test_parse_ledger_date_leaves_an_empty_cell_empty():
    assert parse_ledger_date("") is None
    with pytest.raises(CellError):
        parse_ledger_date("2024.3")


def test_it_takes_a_formula_as_its_text(world: World):
    formula = '=HYPERLINK("http://evil.example","点击")'
    result = run(world, xlsx([good(world, description=formula, measures="=1+1")]))
    assert result.ok, result.errors
    hazard = Hazard.objects.get()
    assert hazard.description == formula
    assert hazard.measures == "=1+1"
    # A formula where a date belongs is not evaluated, so it is no date.
    assert errors_of(run(world, xlsx([good(world, found_on="=TODAY()")]))) == [(3, "检查时间")]


# -- enterprises ------------------------------------------------------------------------------------------


def test_it_reports_an_unknown_credit_code(world: World):
    code = next_credit_code()
    result = run(world, xlsx([good(world, credit_code=code)]))
    assert errors_of(result) == [(3, "统一社会信用代码")]
    assert code in result.errors[0].message
    # An enterprise of another township is not one of ours either.
    result = run(world, xlsx([good(world, credit_code=world.enterprise_other.credit_code)]))
    assert errors_of(result) == [(3, "统一社会信用代码")]


def test_it_creates_missing_enterprises_when_asked(world: World):
    code = next_credit_code()
    rows = [
        good(world, credit_code=code, enterprise_name="泗县刘圩新登记建材厂", village="新集村", sector="农业"),
        good(world, credit_code=code, enterprise_name="泗县刘圩新登记建材厂", description="第二条隐患"),
    ]
    result = run(world, xlsx(rows), create_missing_enterprises=True)
    assert result.ok, result.errors
    assert (result.created, result.enterprises_created) == (2, 1)
    enterprise = Enterprise.objects.get(credit_code=code)
    assert (enterprise.name, enterprise.village, enterprise.primary_sector) == (
        "泗县刘圩新登记建材厂",
        world.village_b,
        world.sector_b,
    )
    assert enterprise.township == world.township
    assert enterprise.history.get().history_user == world.office
    assert set(Hazard.objects.values_list("enterprise_id", flat=True)) == {enterprise.pk}


def test_it_validates_the_credit_code_of_an_enterprise_it_would_create(world: World):
    good_code = next_credit_code()
    wrong = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")
    result = run(world, xlsx([good(world, credit_code=wrong)]), create_missing_enterprises=True)
    assert errors_of(result) == [(3, "统一社会信用代码")]
    result = run(
        world, xlsx([good(world, credit_code=world.enterprise_other.credit_code)]), create_missing_enterprises=True
    )
    assert errors_of(result) == [(3, "统一社会信用代码")]
    assert Enterprise.objects.count() == 3


def test_it_matches_an_enterprise_without_a_code_by_name(world: World):
    result = run(world, xlsx([good(world, credit_code=None, enterprise_name=world.enterprise_b.name, village=None)]))
    assert result.ok, result.errors
    assert Hazard.objects.get().enterprise == world.enterprise_b
    result = run(world, xlsx([good(world, credit_code=None, enterprise_name="不存在的小作坊")]))
    assert errors_of(result) == [(3, "企业名称")]


# -- duplicates and all-or-nothing ------------------------------------------------------------------------


def test_it_reports_a_hazard_already_in_the_ledger(world: World):
    existing = HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        description="外脚手架未按规定设置连墙件，存在整体坍塌风险",
        found_on=FOUND,
    )
    result = run(world, xlsx([good(world)]))
    assert errors_of(result) == [(3, "隐患描述")]
    assert str(existing.pk) in result.errors[0].message
    # Another day is another hazard.
    assert run(world, xlsx([good(world, found_on="2024.3.6")])).ok


def test_it_reports_a_hazard_twice_in_the_file_on_the_second_row(world: World):
    result = run(world, xlsx([good(world), good(world, reporting_unit="派出所"), good(world, description="另一条")]))
    assert errors_of(result) == [(4, "隐患描述")]
    assert "3" in result.errors[0].message
    assert Hazard.objects.count() == 0


def test_it_writes_nothing_when_one_row_is_bad(world: World):
    new_code = next_credit_code()
    rows = [
        good(world, description="第一条"),
        good(world, description="第二条", credit_code=new_code, enterprise_name="新企业", village="刘圩村"),
        good(world, description="第三条", village="没有这个村"),
    ]
    result = run(world, xlsx(rows), create_missing_enterprises=True)
    assert errors_of(result) == [(5, "属地")]
    assert Hazard.objects.count() == 0
    assert HazardEvent.objects.count() == 0
    assert Hazard.history.count() == 0
    assert not Enterprise.objects.filter(credit_code=new_code).exists()


def test_it_records_an_imported_event_and_history_naming_the_file(world: World):
    result = run(world, xlsx([good(world, rectified="是", completed_on="2024.3.9", remark="已复查")]))
    assert result.ok, result.errors
    hazard = Hazard.objects.get()
    event = hazard.events.get()
    assert (event.action, event.to_status, event.actor) == ("imported", "closed", world.office)
    assert "2024年3月台账.xlsx" in event.note
    assert "已复查" in event.note
    record = hazard.history.get()
    assert record.history_user == world.office
    assert "2024年3月台账.xlsx" in record.history_change_reason


def test_it_checks_without_saving_on_a_dry_run(world: World):
    result = run(world, xlsx([good(world), good(world, description="第二条")]), dry_run=True)
    assert (result.ok, result.created) == (True, 2)
    assert Hazard.objects.count() == 0


# -- the file as a whole ------------------------------------------------------------------------------------


def test_it_skips_title_example_blank_and_footer_rows_and_counts_excel_rows(world: World):
    workbook = load_workbook(io.BytesIO(build_ledger_template(world.township)))
    sheet = workbook.worksheets[0]
    sheet.append([])
    sheet.append(good(world))
    sheet.append(good(world, description="有问题的行", method="不知道"))
    sheet.append(["填报人：张三", None, "审核人：李四"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(world, buffer.getvalue())
    assert errors_of(result) == [(6, "检查方式")]


def test_it_reads_its_own_template_and_lists_the_choices(world: World):
    workbook = load_workbook(io.BytesIO(build_ledger_template(world.township)))
    data, notes = workbook.worksheets
    assert [c.value for c in data[2]] == HEADERS
    assert str(data["A3"].value).startswith("示例")
    values = {str(c.value) for column in notes.iter_cols() for c in column if c.value}
    assert {"刘圩村", "新集村", "建筑施工", "农业", *METHODS, "执法检查发现"} <= values
    # Unchanged, the template holds no hazard: the example row is skipped.
    result = run(world, build_ledger_template(world.township))
    assert [e.row for e in result.errors] == [0]


def test_it_refuses_files_it_cannot_read_or_that_are_too_large(world: World, monkeypatch):
    assert errors_of(run(world, b"not a workbook")) == [(0, "")]
    no_header = Workbook()
    no_header.worksheets[0].append(["隐患描述", "检查时间"])  # 检查方式 and 是否整改 missing
    buffer = io.BytesIO()
    no_header.save(buffer)
    result = run(world, buffer.getvalue())
    assert errors_of(result) == [(0, "")]
    assert "检查方式" in result.errors[0].message
    monkeypatch.setattr(LEDGER_SHEET, "max_rows", 2)
    result = run(world, xlsx([good(world, description=f"隐患{n}") for n in range(3)]))
    assert errors_of(result) == [(0, "")]
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    assert "MB" in run(world, xlsx([good(world)])).errors[0].message


# -- the pages ----------------------------------------------------------------------------------------------


def test_it_shows_the_import_page_to_the_office_only(client_for, world: World):
    assert client_for(world.office).get(IMPORT_URL).status_code == 200
    for user in (world.village_a_officer, world.dept_a, world.leader, world.ent_a):
        client = client_for(user)
        assert client.get(IMPORT_URL).status_code == 404
        assert client.get(TEMPLATE_URL).status_code == 404
        assert client.post(IMPORT_URL, {"file": upload(xlsx([good(world)]))}).status_code == 404
    assert Hazard.objects.count() == 0


def test_it_offers_the_template_for_download(client_for, world: World):
    response = client_for(world.office).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["A2"].value == "上报单位"


def test_it_lists_the_errors_on_the_page_and_saves_nothing(client_for, world: World):
    response = client_for(world.office).post(IMPORT_URL, {"file": upload(xlsx([good(world, found_on="2024.2.30")]))})
    assert response.status_code == 200
    assert b'data-testid="import-errors"' in response.content
    assert "检查时间" in response.content.decode()
    assert Hazard.objects.count() == 0


def test_it_imports_from_the_page_and_goes_to_the_list(client_for, world: World):
    code = next_credit_code()
    content = xlsx([good(world, credit_code=code, enterprise_name="页面新建企业")])
    client = client_for(world.office)
    response = client.post(IMPORT_URL, {"file": upload(content), "create_missing_enterprises": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:list")
    hazard = Hazard.objects.get()
    assert hazard.enterprise.credit_code == code
    assert "台账.xlsx" in hazard.events.get().note


def test_it_checks_only_from_the_page(client_for, world: World):
    response = client_for(world.office).post(IMPORT_URL, {"file": upload(xlsx([good(world)])), "dry_run": "1"})
    assert response.status_code == 200
    assert b'data-testid="import-errors"' not in response.content
    assert Hazard.objects.count() == 0


# -- 重大火灾隐患 (§7, GB 35181) ----------------------------------------------------------------------------


def test_it_imports_a_major_fire_hazard_with_its_judgement_as_a_major_fire_hazard(world: World):
    judged = {
        "is_major_fire": "是",
        "fire_judged_by": "泗县消防救援大队",
        "fire_judgement_document": "泗消判〔2024〕2号",
    }
    result = run(
        world, xlsx([good(world, **judged, fire_judged_on=dt.date(2024, 3, 8)), good(world, description="另一条")])
    )
    assert result.ok, result.errors
    fire = Hazard.objects.get(is_major_fire=True)
    assert (fire.level, fire.hazard_type) == ("major", "fire")
    assert (fire.fire_judged_by, fire.fire_judgement_document, fire.fire_judged_on) == (
        "泗县消防救援大队",
        "泗消判〔2024〕2号",
        dt.date(2024, 3, 8),
    )
    other = Hazard.objects.get(is_major_fire=False)
    assert (other.level, other.hazard_type, other.fire_judged_by) == ("major", "construction", "")


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"is_major_fire": "是"}, "火灾隐患判定机构"),
        ({"is_major_fire": "是", "fire_judged_by": "泗县消防救援大队"}, "判定文书号"),
        ({"fire_judged_by": "泗县消防救援大队"}, "重大火灾隐患"),
        ({"is_major_fire": "也许"}, "重大火灾隐患"),
        (
            {
                "is_major_fire": "是",
                "fire_judged_by": "大队",
                "fire_judgement_document": "1号",
                "fire_judged_on": "2024.3.1",
            },
            "判定日期",
        ),  # before the inspection
    ],
)
def test_it_refuses_a_major_fire_hazard_without_the_judgement(world: World, cells, column):
    result = run(world, xlsx([good(world, **cells)]))
    assert not result.ok
    assert errors_of(result) == [(3, column)]
    assert not Hazard.objects.exists()
