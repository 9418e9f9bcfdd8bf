"""Enterprise import from Excel: the template, real-world rosters, row errors, all-or-nothing, re-import, access."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.spreadsheets import MAX_ERRORS, ImportResult
from tests.conftest import World
from tests.factories import SectorFactory, next_credit_code
from units.importers import FORM_FIELDS, KEPT_FIELDS, enterprise_import, split_sectors
from units.models import Enterprise
from units.roster_sheet import ENTERPRISE_COLUMNS, MAX_ROWS, build_enterprise_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [str(column.header) for column in ENTERPRISE_COLUMNS]
IMPORT_URL = reverse("units:enterprise_import")
TEMPLATE_URL = reverse("units:enterprise_import_template")


def row(**values: Any) -> list[Any]:
    """One data row in template column order; unnamed cells are empty."""
    return [values.get(column.key) for column in ENTERPRISE_COLUMNS]


def xlsx(rows: list[list[Any]], *, title: str | None = None) -> bytes:
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


def run(world: World, content: bytes, **kwargs: Any) -> ImportResult:
    return enterprise_import(township=world.township, file=io.BytesIO(content), actor=world.office, **kwargs)


def upload(content: bytes, name: str = "企业名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def good_row(name: str = "刘圩新材料有限公司", **values: Any) -> list[Any]:
    defaults = {"name": name, "credit_code": next_credit_code(), "village": "刘圩村", "primary_sector": "建筑施工"}
    return row(**{**defaults, **values})


# -- reading the roster -----------------------------------------------------------------------------


def test_it_splits_sectors_outside_brackets_only() -> None:
    assert split_sectors("商贸服务(含餐饮业、住宿业)、农业；建筑施工,消防 渔业") == [
        "商贸服务(含餐饮业、住宿业)",
        "农业",
        "建筑施工",
        "消防",
        "渔业",
    ]


def test_it_has_one_column_per_form_field() -> None:
    from units.forms import EnterpriseForm, EnterprisePageForm

    # Every field of the roster's form has its column, in the form's order. The unit that runs a place (a school,
    # the health centre) is only on the office's page form: the roster has no column for it, a re-import keeps it.
    assert list(EnterpriseForm.Meta.fields) == FORM_FIELDS
    assert KEPT_FIELDS == []
    assert [f for f in EnterprisePageForm.Meta.fields if f not in FORM_FIELDS] == ["operated_by"]


# -- the template ----------------------------------------------------------------------------------


def test_it_downloads_a_template_that_imports_cleanly(world: World, client_for: Any) -> None:
    client = client_for(world.office)
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=utf-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["企业（场所）信息", "填写说明"]
    sheet = workbook.worksheets[0]
    assert "企业（场所）信息导入模板" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == HEADERS
    notes = [c.value for c in workbook["填写说明"]["E"]]
    assert "刘圩村" in notes and "新集村" in notes

    # Left as it is, the example row is not imported.
    assert client.post(IMPORT_URL, {"file": upload(response.content)}).status_code == 200
    sheet["A3"] = "刘圩示范砖厂"
    sheet["B3"] = next_credit_code()
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(IMPORT_URL, {"file": upload(buffer.getvalue())})
    assert response.status_code == 302
    assert response["Location"] == reverse("units:enterprise_list")
    imported = Enterprise.objects.get(name="刘圩示范砖厂")
    assert imported.township == world.township
    assert imported.principal_phone == "13800000000"
    assert imported.standardisation_grade == Enterprise.Grade.SMALL


def test_it_shows_the_upload_page_to_the_office(world: World, client_for: Any) -> None:
    response = client_for(world.office).get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert TEMPLATE_URL in html
    assert "<script>" not in html and "style=" not in html


# -- importing -------------------------------------------------------------------------------------


def test_it_creates_enterprises_from_a_good_file(world: World) -> None:
    before = Enterprise.objects.count()
    code = next_credit_code()
    content = xlsx(
        [
            good_row(
                "刘圩建材厂",
                credit_code=code,
                other_sectors="农业",
                address="刘圩街道18号",
                principal_name="王五",
                principal_phone="13812345678",
                is_dust_explosion="是",
                is_confined_space="√",
                is_lpg_user="否",
                standardisation_grade="三级",
                is_benchmark="N",
            ),
            good_row("新集小饭店", credit_code=None, village="新集村", primary_sector="农业", is_crowded_place="Y"),
        ]
    )
    result = run(world, content)
    assert result.errors == []
    assert (result.created, result.updated) == (2, 0)
    assert Enterprise.objects.count() == before + 2
    factory = Enterprise.objects.get(credit_code=code)
    assert (factory.name, factory.village, factory.primary_sector) == ("刘圩建材厂", world.village_a, world.sector_a)
    assert list(factory.other_sectors.all()) == [world.sector_b]
    assert factory.is_dust_explosion and factory.is_confined_space and not factory.is_lpg_user
    assert factory.standardisation_grade == Enterprise.Grade.THREE
    shop = Enterprise.objects.get(name="新集小饭店")
    assert shop.credit_code is None and shop.is_crowded_place and shop.village == world.village_b


def test_it_imports_a_messy_real_world_roster(world: World) -> None:
    code = next_credit_code()
    pasted = f" {code[:6].lower()} {code[6:12].lower()}\u3000{code[12:].lower()} "
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["刘圩镇2024年企业（场所）花名册"])
    sheet.append([])
    sheet.append(["序号", *HEADERS])
    sheet.append([1, *good_row("刘圩粮油加工厂", credit_code=pasted, principal_phone=13812345678)])
    sheet.append([])
    sheet.append([None])
    sheet.append(
        [
            2,
            *good_row(
                " 新集\u3000养殖场 ", village="新集村", primary_sector="农业", safety_manager_phone=13812345678.0
            ),
        ]
    )
    sheet.append([3])  # a pre-numbered line nobody filled in
    sheet.append([])
    sheet.append(["填报人：张三  审核人：李四"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = run(world, buffer.getvalue())

    assert result.errors == []
    assert result.created == 2
    mill = Enterprise.objects.get(name="刘圩粮油加工厂")
    assert mill.credit_code == code
    assert mill.principal_phone == "13812345678"
    farm = Enterprise.objects.get(name="新集 养殖场")
    assert farm.safety_manager_phone == "13812345678"


def test_it_reports_every_bad_row_and_writes_nothing(world: World) -> None:
    before = Enterprise.objects.count()
    duplicate = next_credit_code()
    valid = next_credit_code()
    wrong_check = valid[:17] + ("1" if valid.endswith("0") else "0")
    content = xlsx(
        [
            good_row("好企业甲"),  # row 3 is fine, but must not be saved either
            good_row("未知村企业", village="东村"),  # row 4
            good_row("校验位错误企业", credit_code=wrong_check),  # row 5
            good_row("重复代码企业一", credit_code=duplicate),  # row 6
            good_row("重复代码企业二", credit_code=duplicate),  # row 7
            good_row(None),  # row 8: no name
            good_row("是否填错企业", is_above_scale="可能"),  # row 9
        ],
        title="企业（场所）信息导入模板",
    )
    result = run(world, content)

    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (4, "所属村"),
        (5, "统一社会信用代码"),
        (7, "统一社会信用代码"),
        (8, "企业名称"),
        (9, "规模以上(是/否)"),
    }
    messages = {e.row: e.message for e in result.errors}
    assert "东村" in messages[4]
    assert "6" in messages[7]
    assert "可能" in messages[9]
    assert (result.created, result.updated) == (0, 0)
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(name="好企业甲").exists()


def test_it_shows_row_errors_on_the_page(world: World, client_for: Any) -> None:
    content = xlsx([good_row("未知村企业", village="东村")])
    response = client_for(world.office).post(IMPORT_URL, {"file": upload(content)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "所属村" in html and "东村" in html
    assert not Enterprise.objects.filter(name="未知村企业").exists()


def test_it_updates_on_reimport_instead_of_duplicating(world: World) -> None:
    code = next_credit_code()
    first = xlsx(
        [
            good_row("刘圩砖厂", credit_code=code, principal_phone="13800000001"),
            good_row("无代码小店", credit_code=None),
        ]
    )
    assert run(world, first).created == 2
    before = Enterprise.objects.count()

    second = xlsx(
        [
            good_row("刘圩砖厂（更名）", credit_code=code.lower(), principal_phone="13900000002"),
            good_row("无代码小店", credit_code=None),
            good_row(world.enterprise_a.name, credit_code=world.enterprise_a.credit_code, principal_name="赵六"),
        ]
    )
    result = run(world, second)

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert Enterprise.objects.count() == before
    brickworks = Enterprise.objects.get(credit_code=code)
    assert brickworks.name == "刘圩砖厂（更名）"
    assert brickworks.principal_phone == "13900000002"
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.principal_name == "赵六"


def test_it_keeps_a_recorded_credit_code_when_the_cell_is_blank(world: World) -> None:
    code = world.enterprise_a.credit_code
    result = run(world, xlsx([good_row(world.enterprise_a.name, credit_code=None, principal_phone="13700000000")]))
    assert (result.errors, result.updated) == ([], 1)
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.credit_code == code
    assert world.enterprise_a.principal_phone == "13700000000"


def test_it_never_touches_an_enterprise_of_another_township(world: World) -> None:
    other = world.enterprise_other
    result = run(world, xlsx([good_row("冒用代码企业", credit_code=other.credit_code)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "统一社会信用代码")]
    other.refresh_from_db()
    assert other.name == "邻镇工厂"


def test_it_checks_a_file_without_saving(world: World, client_for: Any) -> None:
    before = Enterprise.objects.count()
    content = xlsx([good_row("只检查企业")])
    assert run(world, content, dry_run=True).created == 1
    response = client_for(world.office).post(IMPORT_URL, {"file": upload(content), "dry_run": "1"})
    assert response.status_code == 200
    assert Enterprise.objects.count() == before


def test_it_gives_a_clear_error_for_a_file_that_is_not_xlsx(world: World, client_for: Any) -> None:
    client = client_for(world.office)
    response = client.post(IMPORT_URL, {"file": upload("企业名称,所属村\n".encode(), "名单.xlsx")})
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in response.content.decode()

    result = run(world, b"just text, renamed to .xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(0, "")]
    assert ".xlsx" in result.errors[0].message

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert run(world, archive.getvalue()).errors[0].row == 0


def test_it_names_missing_header_columns(world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["企业名称", "地址"])
    sheet.append(["某企业", "某地"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(world, buffer.getvalue())
    assert len(result.errors) == 1
    assert "所属村" in result.errors[0].message and "主行业领域" in result.errors[0].message


def test_it_reads_the_column_names_of_older_rosters(world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["单位名称", "社会信用代码", "村（社区）", "行业领域", "经营地址"])
    sheet.append(["老名册企业", None, "刘圩村委会", "农业", "刘圩街"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert run(world, buffer.getvalue()).errors == []
    imported = Enterprise.objects.get(name="老名册企业")
    assert (imported.village, imported.primary_sector, imported.address) == (world.village_a, world.sector_b, "刘圩街")


def test_it_finds_the_roster_on_a_later_sheet(world: World) -> None:
    workbook = load_workbook(io.BytesIO(xlsx([good_row("第二页企业")])))
    workbook.create_sheet("说明", 0).append(["本文件为刘圩镇企业名单"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert run(world, buffer.getvalue()).created == 1


def test_it_refuses_the_same_enterprise_twice_in_one_file(world: World) -> None:
    content = xlsx([good_row("无代码小店", credit_code=None), good_row("无代码小店", credit_code=None)])
    result = run(world, content)
    assert [(e.row, e.column) for e in result.errors] == [(3, "企业名称")]
    assert not Enterprise.objects.filter(name="无代码小店").exists()


def test_it_stops_listing_problems_after_a_while(world: World) -> None:
    rows = [row(name=f"企业{i}", village="东村", primary_sector="农业") for i in range(MAX_ERRORS + 50)]
    result = run(world, xlsx(rows))
    assert len(result.errors) == MAX_ERRORS + 1
    assert result.errors[-1].row == 0


def test_it_refuses_more_rows_than_the_limit(world: World) -> None:
    before = Enterprise.objects.count()
    rows = [row(name=f"企业{i}", village="刘圩村", primary_sector="农业") for i in range(MAX_ROWS + 1)]
    result = run(world, xlsx(rows))
    assert result.errors[0].row == 0
    assert str(MAX_ROWS) in result.errors[0].message
    assert Enterprise.objects.count() == before


def test_it_stores_a_formula_as_text_without_evaluating_it(world: World) -> None:
    formula = '=HYPERLINK("http://evil.example","刘圩")'
    result = run(world, xlsx([good_row(formula)]))
    assert result.errors == []
    assert Enterprise.objects.filter(name=formula).exists()


def test_it_matches_sector_names_with_brackets_and_commas(world: World) -> None:
    trade = SectorFactory(township=world.township, name="商贸服务(含餐饮业、住宿业)")
    content = xlsx(
        [good_row("刘圩饭店", primary_sector="农业", other_sectors="商贸服务（含餐饮业、住宿业）、建筑施工")]
    )
    assert run(world, content).errors == []
    assert set(Enterprise.objects.get(name="刘圩饭店").other_sectors.all()) == {trade, world.sector_a}


# -- who may import --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["village_a_officer", "dept_a", "leader", "ent_a"])
def test_it_hides_the_import_from_everyone_but_the_office(world: World, client_for: Any, who: str) -> None:
    client = client_for(getattr(world, who))
    assert client.get(IMPORT_URL).status_code == 404
    assert client.get(TEMPLATE_URL).status_code == 404
    assert client.post(IMPORT_URL, {"file": upload(xlsx([good_row("越权企业")]))}).status_code == 404
    assert not Enterprise.objects.filter(name="越权企业").exists()


def test_it_lets_the_administrator_import(world: World, client_for: Any) -> None:
    assert client_for(world.admin).get(IMPORT_URL).status_code == 200


def test_it_sends_anonymous_users_to_the_login_page(client: Any) -> None:
    assert client.get(IMPORT_URL).status_code == 302
    assert client.get(TEMPLATE_URL).status_code == 302


def test_it_records_the_office_user_in_the_history(world: World, client_for: Any) -> None:
    run(world, xlsx([good_row("服务层导入企业", other_sectors="农业")]))
    assert Enterprise.objects.get(name="服务层导入企业").history.first().history_user == world.office

    client_for(world.office).post(IMPORT_URL, {"file": upload(xlsx([good_row("网页导入企业")]))})
    enterprise = Enterprise.objects.get(name="网页导入企业")
    assert enterprise.history.first().history_user == world.office


def test_it_builds_the_template_from_the_township_own_names(world: World) -> None:
    workbook = load_workbook(io.BytesIO(build_enterprise_template(world.other_township)))
    assert [c.value for c in workbook["填写说明"]["E"]][:2] == ["可选的村", "邻村"]
    assert workbook.worksheets[0]["C3"].value == "邻村"


# -- imports that tell the truth (issue 10) --------------------------------------------------------


def history_rows() -> int:
    return Enterprise.history.count()


def test_it_reports_an_unchanged_roster_as_unchanged_and_writes_no_history(world: World) -> None:
    trade = SectorFactory(township=world.township, name="商贸服务(含餐饮业、住宿业)")
    code = next_credit_code()
    first = xlsx(
        [
            good_row(
                "刘圩饭店（总店）",
                credit_code=code,
                primary_sector="商贸服务(含餐饮业、住宿业)",
                other_sectors="农业",
                principal_phone="13912345678",
                contact_phone="0557-1234567",
                is_lpg_user="是",
            ),
            good_row("无代码小店", credit_code=None, village="新集村"),
        ]
    )
    assert run(world, first).created == 2
    before = history_rows()

    # The same roster as another office keeps it: code in lower case and full-width, brackets half-width,
    # the phone typed with spaces and as a number, the primary sector repeated among the further ones.
    again = xlsx(
        [
            good_row(
                "刘圩饭店(总店)",
                credit_code=" " + code.lower().replace("9", "９") + " ",
                primary_sector="商贸服务（含餐饮业、住宿业）",
                other_sectors="农业、商贸服务(含餐饮业、住宿业)",
                principal_phone=13912345678.0,
                contact_phone="0557 1234567",
                is_lpg_user="√",
            ),
            good_row(" 无代码小店 ", credit_code=None, village="新集村委会"),
        ]
    )
    checked = run(world, again, dry_run=True)
    result = run(world, again)

    assert (checked.created, checked.updated, checked.unchanged) == (0, 0, 2)
    assert (result.errors, result.created, result.updated, result.unchanged) == ([], 0, 0, 2)
    assert history_rows() == before
    restaurant = Enterprise.objects.get(credit_code=code)
    assert restaurant.name == "刘圩饭店（总店）"  # the recorded spelling stays
    assert restaurant.primary_sector == trade
    assert list(restaurant.other_sectors.all()) == [world.sector_b]


def test_it_counts_and_records_only_the_rows_that_change(world: World) -> None:
    code = next_credit_code()
    assert run(world, xlsx([good_row("刘圩砖厂", credit_code=code, principal_name="王五")])).created == 1
    before = history_rows()
    result = run(world, xlsx([good_row("刘圩砖厂", credit_code=code.lower(), principal_name="赵六")]))
    assert (result.updated, result.unchanged) == (1, 0)
    assert history_rows() == before + 1
    assert Enterprise.objects.get(credit_code=code).principal_name == "赵六"


def test_it_keeps_the_unit_that_runs_a_place_on_reimport(world: World) -> None:
    school = Enterprise.objects.get(pk=world.enterprise_a.pk)
    school.operated_by = world.unit_a
    school.save()
    result = run(world, xlsx([good_row(school.name, credit_code=school.credit_code)]))
    assert result.errors == []
    school.refresh_from_db()
    assert school.operated_by == world.unit_a


def sheet_with(headers: list[str], *rows: list[Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_imports_the_only_phone_column_as_the_principals(world: World) -> None:
    content = sheet_with(
        ["序号", "企业名称", "所属村", "行业领域", "主要负责人", "联系电话"],
        [1, "联系电话企业", "刘圩村", "农业", "王五", "139 1234 5678"],
    )
    result = run(world, content)
    assert (result.errors, result.ignored_columns) == ([], [])
    imported = Enterprise.objects.get(name="联系电话企业")
    assert (imported.principal_phone, imported.contact_phone) == ("13912345678", "")


def test_it_imports_the_contact_phone_beside_the_principals(world: World) -> None:
    content = sheet_with(
        ["企业名称", "所属村", "行业领域", "主要负责人电话", "联系电话"],
        ["两个电话企业", "刘圩村", "农业", "13912345678", "05571234567"],
    )
    assert run(world, content).errors == []
    imported = Enterprise.objects.get(name="两个电话企业")
    assert (imported.principal_phone, imported.contact_phone) == ("13912345678", "0557-1234567")


def test_it_lists_every_column_it_does_not_import(world: World, client_for: Any) -> None:
    content = sheet_with(
        ["序号", "企业名称", "所属村", "行业领域", "从业人数", "单位名称", "", "备注"],
        [1, "多列企业", "刘圩村", "农业", 35, "多列企业有限公司", None, "2023年新增"],
    )
    result = run(world, content, dry_run=True)
    assert result.errors == []
    assert [(c.letter, c.header, c.same_as) for c in result.ignored_columns] == [
        ("E", "从业人数", ""),
        ("F", "单位名称", "企业名称"),
        ("H", "备注", ""),
    ]

    client = client_for(world.office)
    page = client.post(IMPORT_URL, {"file": upload(content), "dry_run": "1"}).content.decode()
    assert 'data-testid="import-ignored-columns"' in page
    assert [c in page for c in ("从业人数", "单位名称", "备注")] == [True, True, True]
    # Imported for real, the list page says the same in a message.
    response = client.post(IMPORT_URL, {"file": upload(content)}, follow=True)
    assert "从业人数" in response.content.decode()

    # Rows with errors: the columns are listed beside the problems.
    bad = sheet_with(["企业名称", "所属村", "行业领域", "从业人数"], ["坏企业", "东村", "农业", 3])
    result = run(world, bad)
    assert [e.column for e in result.errors] == ["所属村"]
    assert [c.header for c in result.ignored_columns] == ["从业人数"]


def test_it_matches_a_sector_by_the_offices_other_names(world: World) -> None:
    trade = SectorFactory(township=world.township, name="商贸服务(含餐饮业、住宿业)", aliases="商贸服务\n餐饮业")
    content = xlsx(
        [
            good_row("刘圩饭店", credit_code=None, primary_sector="商贸服务"),
            good_row("刘圩宾馆", credit_code=None, primary_sector="农业", other_sectors="餐饮业、建筑施工"),
        ]
    )
    assert run(world, content).errors == []
    assert Enterprise.objects.get(name="刘圩饭店").primary_sector == trade
    assert set(Enterprise.objects.get(name="刘圩宾馆").other_sectors.all()) == {trade, world.sector_a}


def test_it_names_the_sectors_that_exist_when_one_is_unknown(world: World) -> None:
    result = run(world, xlsx([good_row("未知行业企业", primary_sector="商贸服务")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "主行业领域")]
    message = result.errors[0].message
    assert "商贸服务" in message
    assert "建筑施工" in message and "农业" in message
    assert "工贸" not in message  # the other township's sector


def test_it_refuses_an_invalid_phone_with_its_row_and_column(world: World) -> None:
    content = xlsx(
        [
            good_row("好电话企业", principal_phone="+86 139 1234 5678"),
            good_row("坏电话企业", safety_manager_phone="12345678901"),
            good_row("短号企业", fire_officer_phone=1391234567),
        ]
    )
    result = run(world, content)
    assert [(e.row, e.column) for e in result.errors] == [(3, "安全管理人员电话"), (4, "消防安全责任人电话")]
    assert "12345678901" in result.errors[0].message
    assert not Enterprise.objects.filter(name="好电话企业").exists()

    assert run(world, xlsx([good_row("好电话企业", principal_phone="+86 139 1234 5678")])).errors == []
    assert Enterprise.objects.get(name="好电话企业").principal_phone == "13912345678"


def test_it_says_when_a_recorded_phone_the_file_has_no_column_for_is_invalid(world: World) -> None:
    Enterprise.objects.filter(pk=world.enterprise_a.pk).update(controller_phone="打电话找王五")
    content = sheet_with(
        ["企业名称", "统一社会信用代码", "所属村", "行业领域"],
        [world.enterprise_a.name, world.enterprise_a.credit_code, "刘圩村", "建筑施工"],
    )
    result = run(world, content)
    assert [(e.row, e.column) for e in result.errors] == [(2, "实际控制人电话")]


def test_it_offers_the_contact_phone_and_the_other_names_in_the_template(world: World) -> None:
    world.sector_b.aliases = "农林牧渔"
    world.sector_b.save()
    workbook = load_workbook(io.BytesIO(build_enterprise_template(world.township)))
    assert "联系电话" in [c.value for c in workbook.worksheets[0][2]]
    notes = workbook["填写说明"]
    assert [c.value for c in notes["G"]][:1] == ["其他名称"]
    sectors = [(f.value, g.value) for f, g in zip(notes["F"], notes["G"], strict=True)]
    assert ("农业", "农林牧渔") in sectors
    text = " ".join(str(c.value) for c in notes["A"] if c.value) + " ".join(str(c.value) for c in notes["C"] if c.value)
    assert "主要负责人电话" in text and "不会导入" in text
