"""The ledger's county columns on fixed data, its print setup, and the round trip: export, import, the same values."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any, cast

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import HEADER_ROW
from hazards import services
from hazards.ledger_export import LEDGER_COLUMNS, ledger_hazards, write_ledger
from hazards.ledger_import import ledger_import
from hazards.models import Hazard, HazardEvent, Listing
from tests.conftest import World
from tests.factories import HazardFactory

from .conftest import checked

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("hazards:ledger_export")
HEADERS = [str(column.header) for column in LEDGER_COLUMNS]
TZ = timezone.get_default_timezone()


def day(*args: int) -> dt.datetime:
    """A date cell as openpyxl reads it back."""
    return dt.datetime(*args)  # noqa: DTZ001 - Excel dates have no time zone


def closed_hazard(world: World, **overrides: Any) -> Hazard:
    world.enterprise_a.principal_name, world.enterprise_a.principal_phone = "刘建国", "13912345678"
    world.enterprise_a.save()
    values = {
        "village": world.village_a, "sector": world.sector_a, "enterprise": world.enterprise_a,
        "number": "刘圩隐〔2024〕0007", "title": "脚手架未设连墙件", "description": "外脚手架未按规定设置连墙件",
        "location": "1号楼北侧", "level": "major", "hazard_type": "construction", "channel": "department",
        "found_on": dt.date(2024, 3, 5), "found_by": "住建所张三",
        "basis": "《房屋市政工程生产安全重大事故隐患判定标准》",
        "clause": "第八条", "measures": "补设连墙件", "responsible_person": "王五", "responsible_phone": "13800000001",
        "funds": Decimal("5000.00"), "deadline": dt.date(2024, 4, 5), "contingency_plan": "设置警戒区",
        "production_stopped": True, "status": "closed", "confirmed_at": dt.datetime(2024, 3, 5, 9, tzinfo=TZ),
        "completed_on": dt.date(2024, 4, 1), "progress_note": "已全部补设", "accepted_by_unit": "刘圩镇住建所",
        "accepted_by_person": "李四", "accepted_on": dt.date(2024, 4, 3),
        "verified_at": dt.datetime(2024, 4, 3, 10, tzinfo=TZ),
        "closed_at": dt.datetime(2024, 4, 9, 18, 30, tzinfo=dt.UTC),  # 10 April, 02:30, in the township
        "funds_spent": Decimal("4800.00"), "extension_count": 1, "extension_days": 10, "remarks": "复查合格",
    }  # fmt: skip
    return cast(Hazard, HazardFactory(**{**values, **overrides}))


def listing(world: World, hazard: Hazard, **values: Any) -> Listing:
    defaults = {"level": "township", "supervising_leader": "刘镇长", "listed_by": world.office,
                "required_by": dt.date(2024, 4, 30)}  # fmt: skip
    return Listing.objects.create(hazard=hazard, **{**defaults, **values})


def sheet_of(content: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def rows_by_header(sheet: Worksheet) -> list[dict[str, Any]]:
    header = [cell.value for cell in sheet[HEADER_ROW]]
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows if any(row)]


def test_it_writes_every_county_column_of_a_fixed_hazard(client_for, world: World):
    hazard = closed_hazard(world)
    listing(world, hazard, document_number="刘安办〔2024〕1号", listed_on=dt.date(2024, 3, 6),
            delisted_on=dt.date(2024, 3, 20))  # fmt: skip
    listing(world, hazard, level="county", document_number="泗安办〔2024〕3号", listed_on=dt.date(2024, 3, 21),
            supervising_unit=world.unit_a)  # fmt: skip
    [row] = rows_by_header(sheet_of(client_for(world.office).get(EXPORT_URL).content))
    assert row == {
        "序号": 1, "隐患编号": "刘圩隐〔2024〕0007", "隐患标题": "脚手架未设连墙件", "乡镇": "刘圩镇",
        "隐患描述": "外脚手架未按规定设置连墙件", "隐患位置": "1号楼北侧", "企业（场所）名称": "刘圩建筑工程有限公司",
        "统一社会信用代码": world.enterprise_a.credit_code, "主要负责人": "刘建国", "主要负责人电话": "13912345678",
        "所属村": "刘圩村", "行业领域": "建筑施工", "牵头部门": "住建所", "隐患类别": "建设施工",
        "隐患等级": "重大事故隐患", "来源渠道": "部门检查发现", "发现日期": day(2024, 3, 5), "发现人": "住建所张三",
        "判定依据": "《房屋市政工程生产安全重大事故隐患判定标准》", "违反条款": "第八条", "整改措施": "补设连墙件",
        "整改责任人": "王五", "联系电话": "13800000001", "整改资金（元）": 5000, "整改时限": day(2024, 4, 5),
        "应急预案": "设置警戒区", "是否停产停业整改": "是", "状态": "已销号", "是否整改完成": "是",
        "整改完成日期": day(2024, 4, 1), "整改进展及未完成原因": "已全部补设", "是否逾期": "否",
        "验收单位": "刘圩镇住建所", "验收人": "李四", "验收日期": day(2024, 4, 3), "销号日期": day(2024, 4, 10),
        "实际投入资金（元）": 4800, "挂牌督办级别": "县级", "挂牌督办文号": "泗安办〔2024〕3号", "督办单位": "住建所",
        "延期次数": 1, "延期天数": 10, "备注": "复查合格",
    }  # fmt: skip


def test_it_names_the_latest_listing_once_the_hazard_is_delisted(client_for, world: World):
    hazard = closed_hazard(world)
    listing(world, hazard, document_number="刘安办〔2024〕1号", listed_on=dt.date(2024, 3, 6),
            delisted_on=dt.date(2024, 3, 20))  # fmt: skip
    listing(world, hazard, document_number="刘安办〔2024〕2号", listed_on=dt.date(2024, 3, 21),
            delisted_on=dt.date(2024, 4, 20))  # fmt: skip
    [row] = rows_by_header(sheet_of(client_for(world.office).get(EXPORT_URL).content))
    assert (row["挂牌督办级别"], row["挂牌督办文号"], row["督办单位"]) == ("镇级", "刘安办〔2024〕2号", None)


def test_an_open_hazard_is_not_complete_and_shows_its_progress(client_for, world: World):
    closed_hazard(world, status="rectifying", number="刘圩隐〔2024〕0008", completed_on=None, accepted_by_unit="",
                  accepted_by_person="", accepted_on=None, verified_at=None, closed_at=None,
                  production_stopped=False, progress_note="连墙件已补设一半，材料未到")  # fmt: skip
    [row] = rows_by_header(sheet_of(client_for(world.office).get(EXPORT_URL).content))
    assert (row["是否整改完成"], row["是否停产停业整改"], row["整改进展及未完成原因"]) == (
        "否",
        "否",
        "连墙件已补设一半，材料未到",
    )
    assert (row["验收单位"], row["验收日期"], row["销号日期"]) == (None, None, None)


def test_the_enterprises_ledger_keeps_its_restrictions_and_gets_the_new_columns(client_for, world: World):
    closed_hazard(world, channel="public", found_by="群众")
    [row] = rows_by_header(sheet_of(client_for(world.ent_a).get(EXPORT_URL).content))
    assert "来源渠道" not in row
    assert row["发现人"] is None  # §27: never who reported it
    assert (row["隐患编号"], row["主要负责人"], row["备注"]) == ("刘圩隐〔2024〕0007", "刘建国", "复查合格")


def test_the_verifier_s_unit_name_and_date_are_kept_at_acceptance(world: World):
    hazard = closed_hazard(world, status="pending_acceptance", completed_on=None, accepted_by_unit="",
                           accepted_by_person="", accepted_on=None, verified_at=None, closed_at=None)  # fmt: skip
    HazardEvent.objects.create(hazard=hazard, action="request_acceptance", actor=world.village_a_officer)
    with time_machine.travel(dt.datetime(2024, 4, 3, 23, 30, tzinfo=TZ), tick=False):
        services.hazard_verify(hazard_id=hazard.pk, actor=world.dept_a, photos=[checked()])
    world.unit_a.name = "住建和环保所"  # renamed later: the ledger keeps the name the acceptance was given in
    world.unit_a.save()
    hazard.refresh_from_db()
    assert (hazard.accepted_by_unit, hazard.accepted_by_person, hazard.accepted_on) == (
        "刘圩镇住建所", world.dept_a.display_name, dt.date(2024, 4, 3)
    )  # fmt: skip


def test_the_ledger_prints_landscape_on_a4_one_page_wide_with_its_header_on_every_page(client_for, world: World):
    for n in range(3):
        closed_hazard(world, number=f"刘圩隐〔2024〕000{n + 1}", description=f"隐患{n}")
    sheet = sheet_of(client_for(world.office).get(EXPORT_URL).content)
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:AQ{HEADER_ROW + 3}"  # the header and the three rows


# -- export, import, the same values ------------------------------------------------------------------------

READ_BACK = ("number", "title", "description", "location", "enterprise_id", "village_id", "sector_id", "level",
             "channel", "found_on", "found_by", "basis", "clause", "measures", "responsible_person", "deadline",
             "production_stopped", "status", "completed_on", "progress_note", "accepted_by_unit",
             "accepted_by_person", "accepted_on", "remarks")  # fmt: skip


def read_back(hazard: Hazard) -> dict[str, Any]:
    values = {field: getattr(hazard, field) for field in READ_BACK}
    values["closed_on"] = timezone.localdate(hazard.closed_at) if hazard.closed_at else None
    return values


def exported(world: World) -> bytes:
    out = io.BytesIO()
    hazards = ledger_hazards(world.office, {"sort": "found"}, world.township)
    write_ledger(hazards, township=world.township, filler=world.office, out=out)
    return out.getvalue()


def two_hazards(world: World) -> list[Hazard]:
    closed = closed_hazard(world)
    open_one = closed_hazard(
        world, number="刘圩隐〔2024〕0011", title="临边防护缺失", description="基坑周边未设临边防护栏杆",
        level="general", status="rectifying", found_on=dt.date(2024, 5, 6), deadline=dt.date(2024, 6, 6),
        completed_on=None, accepted_by_unit="", accepted_by_person="", accepted_on=None, verified_at=None,
        closed_at=None, production_stopped=False, progress_note="材料未到", remarks="",
    )  # fmt: skip
    return [closed, open_one]


def forget(hazards: list[Hazard]) -> None:
    Listing.objects.filter(hazard__in=hazards).delete()
    Hazard.objects.filter(pk__in=[h.pk for h in hazards]).delete()


def test_a_ledger_it_exported_imports_with_the_same_values(world: World):
    originals = two_hazards(world)
    before = {h.number: read_back(h) for h in Hazard.objects.filter(pk__in=[h.pk for h in originals])}
    content = exported(world)
    forget(originals)
    result = ledger_import(township=world.township, file=io.BytesIO(content), filename="台账.xlsx", actor=world.office)
    assert (result.errors, result.created) == ([], 2)
    after = {h.number: read_back(h) for h in Hazard.objects.all()}
    assert after == before


def test_a_number_that_is_not_this_townships_or_is_taken_is_replaced(world: World):
    originals = two_hazards(world)
    workbook = load_workbook(io.BytesIO(exported(world)))
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.cell(HEADER_ROW + 1, 2).value = "邻隐〔2024〕0007"  # another township's form
    out = io.BytesIO()
    workbook.save(out)
    forget(originals)
    HazardFactory(village=world.village_a, sector=world.sector_a, status="confirmed", number="刘圩隐〔2024〕0011")
    result = ledger_import(township=world.township, file=io.BytesIO(out.getvalue()), filename="台账.xlsx",
                           actor=world.office)  # fmt: skip
    assert result.errors == []
    imported = dict(Hazard.objects.filter(is_imported=True).values_list("title", "number"))
    # Both are registered in 2024 (the day they were found): the serials follow the township's highest.
    assert imported == {"脚手架未设连墙件": "刘圩隐〔2024〕0012", "临边防护缺失": "刘圩隐〔2024〕0013"}


def test_an_enterprise_the_import_registers_gets_its_principal(world: World):
    closed_hazard(world)
    content = exported(world)
    Hazard.objects.all().delete()
    world.enterprise_a.credit_code = None
    world.enterprise_a.name = "改名后的公司"
    world.enterprise_a.save()
    result = ledger_import(township=world.township, file=io.BytesIO(content), filename="台账.xlsx",
                           actor=world.office, create_missing_enterprises=True)  # fmt: skip
    assert (result.errors, result.enterprises_created) == ([], 1)
    hazard = Hazard.objects.select_related("enterprise").get()
    assert hazard.enterprise is not None
    assert (hazard.enterprise.principal_name, hazard.enterprise.principal_phone) == ("刘建国", "13912345678")
