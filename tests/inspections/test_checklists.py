"""Checklist templates: versioning, drafts, publishing, the office-only rule, Excel import, and the pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.errors import WorkflowError
from inspections import checklist_sheets
from inspections import checklists as services
from inspections import services as inspection_services
from inspections.checklist_sheets import ITEM_COLUMNS
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from tests.conftest import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [str(column.header) for column in ITEM_COLUMNS]
ITEM = {"text": "安全出口锁闭", "standard": "《中华人民共和国消防法》", "clause": "第二十八条", "hazard_type": "fire"}


def texts(version: ChecklistVersion) -> list[str]:
    return list(version.items.order_by("order").values_list("text", flat=True))


def make_template(world: World, *items: str, name: str = "消防检查表") -> ChecklistTemplate:
    """A template whose version 1 holds these items and is published."""
    template = services.checklist_create(actor=world.office, township=world.township, name=name, sector=world.sector_a)
    draft = template.versions.get()
    for text in items:
        services.item_add(version=draft, actor=world.office, fields={**ITEM, "text": text})
    services.version_publish(version=draft, actor=world.office, note="初版")
    return template


@pytest.fixture
def template(world: World) -> ChecklistTemplate:
    return make_template(world, "安全出口锁闭", "疏散通道堵塞", "门窗设置障碍物")


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("检查表.xlsx", content, content_type=XLSX)


# -- versioning -------------------------------------------------------------------------------------------------


def test_it_creates_a_template_with_an_empty_draft_version_1(world):
    template = services.checklist_create(actor=world.office, township=world.township, name="燃气检查表")
    version = template.versions.get()
    assert (version.number, version.is_draft, version.items.count()) == (1, True, 0)
    assert template.current_version() is None


def test_it_opens_a_draft_copying_the_current_version_and_leaves_the_published_one_alone(world, template):
    v1 = template.current_version()
    draft = services.draft_for(template=template, actor=world.office)
    assert (draft.number, draft.is_draft) == (2, True)
    assert texts(draft) == texts(v1)
    first = draft.items.order_by("order").first()
    services.item_update(item=first, actor=world.office, fields={**ITEM, "text": "安全出口被锁闭或封闭"})
    services.item_delete(item=draft.items.get(text="疏散通道堵塞"), actor=world.office)
    services.item_add(version=draft, actor=world.office, fields={**ITEM, "text": "消火栓被遮挡"})
    assert texts(v1) == ["安全出口锁闭", "疏散通道堵塞", "门窗设置障碍物"]
    assert texts(draft) == ["安全出口被锁闭或封闭", "门窗设置障碍物", "消火栓被遮挡"]
    assert list(draft.items.order_by("order").values_list("order", flat=True)) == [1, 2, 3]
    assert template.current_version() == v1


def test_it_returns_the_same_open_draft_when_editing_twice(world, template):
    first = services.draft_for(template=template, actor=world.office)
    assert services.draft_for(template=template, actor=world.office) == first
    assert template.versions.count() == 2


def test_it_makes_the_published_draft_current_and_keeps_inspections_on_their_version(world, template):
    v1 = template.current_version()
    inspection = inspection_services.inspection_plan(
        actor=world.office, township=world.township, kind="special", enterprise=world.enterprise_a, checklist=template
    )
    assert inspection.checklist == v1
    draft = services.draft_for(template=template, actor=world.office)
    services.item_delete(item=draft.items.get(text="安全出口锁闭"), actor=world.office)
    services.version_publish(version=draft, actor=world.office, note="删除重复条目")
    template.refresh_from_db()
    assert template.current_version() == draft
    inspection.refresh_from_db()
    assert inspection.checklist == v1
    assert texts(inspection.checklist) == ["安全出口锁闭", "疏散通道堵塞", "门窗设置障碍物"]


def test_it_refuses_to_change_a_published_version(world, template):
    v1 = template.current_version()
    item = v1.items.first()
    with pytest.raises(WorkflowError, match="已发布"):
        services.item_update(item=item, actor=world.office, fields={**ITEM, "text": "改动"})
    with pytest.raises(WorkflowError):
        services.item_delete(item=item, actor=world.office)
    with pytest.raises(WorkflowError):
        services.item_add(version=v1, actor=world.office, fields=ITEM)
    with pytest.raises(WorkflowError):
        services.item_move(item=item, actor=world.office, up=False)
    with pytest.raises(WorkflowError):
        services.version_publish(version=v1, actor=world.office, note="again")
    assert texts(v1) == ["安全出口锁闭", "疏散通道堵塞", "门窗设置障碍物"]


def test_it_refuses_to_publish_a_draft_without_items(world):
    template = services.checklist_create(actor=world.office, township=world.township, name="空表")
    with pytest.raises(WorkflowError, match="没有检查项"):
        services.version_publish(version=template.versions.get(), actor=world.office, note="空")
    assert template.current_version() is None


def test_it_needs_a_note_to_publish(world, template):
    draft = services.draft_for(template=template, actor=world.office)
    with pytest.raises(WorkflowError):
        services.version_publish(version=draft, actor=world.office, note="  ")


def test_it_moves_items_up_and_down_and_stops_at_the_ends(world, template):
    draft = services.draft_for(template=template, actor=world.office)
    last = draft.items.get(text="门窗设置障碍物")
    services.item_move(item=last, actor=world.office, up=True)
    assert texts(draft) == ["安全出口锁闭", "门窗设置障碍物", "疏散通道堵塞"]
    services.item_move(item=draft.items.get(text="安全出口锁闭"), actor=world.office, up=True)
    services.item_move(item=draft.items.get(text="疏散通道堵塞"), actor=world.office, up=False)
    assert texts(draft) == ["安全出口锁闭", "门窗设置障碍物", "疏散通道堵塞"]


def test_it_discards_a_draft_but_not_the_only_version(world, template):
    draft = services.draft_for(template=template, actor=world.office)
    services.version_discard(version=draft, actor=world.office)
    assert list(template.versions.values_list("number", flat=True)) == [1]
    new = services.checklist_create(actor=world.office, township=world.township, name="新表")
    with pytest.raises(WorkflowError):
        services.version_discard(version=new.versions.get(), actor=world.office)


def test_it_reports_what_changed_between_versions(world, template):
    v1 = template.current_version()
    draft = services.draft_for(template=template, actor=world.office)
    services.item_delete(item=draft.items.get(text="疏散通道堵塞"), actor=world.office)
    services.item_add(version=draft, actor=world.office, fields={**ITEM, "text": "消火栓被遮挡"})
    changed = draft.items.get(text="门窗设置障碍物")
    services.item_update(item=changed, actor=world.office, fields={**ITEM, "text": "门窗设置障碍物", "is_major": True})
    changes = services.version_changes(list(v1.items.order_by("order")), list(draft.items.order_by("order")))
    assert [i.text for i in changes.added] == ["消火栓被遮挡"]
    assert [i.text for i in changes.removed] == ["疏散通道堵塞"]
    assert [i.text for i in changes.changed] == ["门窗设置障碍物"]


def test_it_refuses_a_sector_of_another_township(world, template):
    other_sector = world.enterprise_other.primary_sector
    draft = services.draft_for(template=template, actor=world.office)
    with pytest.raises(WorkflowError):
        services.item_add(version=draft, actor=world.office, fields={**ITEM, "sector": other_sector})
    with pytest.raises(WorkflowError):
        services.checklist_create(actor=world.office, township=world.township, name="X表", sector=other_sector)


def test_it_refuses_a_duplicate_name(world, template):
    with pytest.raises(WorkflowError, match="已有名为"):
        services.checklist_create(actor=world.office, township=world.township, name="消防检查表")


# -- only the office writes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["leader", "dept_a", "village_a_officer", "ent_a", "other_office"])
def test_it_lets_only_the_townships_office_write(world, template, username):
    user = getattr(world, username)
    with pytest.raises(WorkflowError):
        services.checklist_create(actor=user, township=world.township, name="别人的表")
    with pytest.raises(WorkflowError):
        services.draft_for(template=template, actor=user)
    draft = services.draft_for(template=template, actor=world.office)
    with pytest.raises(WorkflowError):
        services.item_add(version=draft, actor=user, fields=ITEM)
    with pytest.raises(WorkflowError):
        services.item_delete(item=draft.items.first(), actor=user)
    with pytest.raises(WorkflowError):
        services.version_publish(version=draft, actor=user, note="x")
    with pytest.raises(WorkflowError):
        services.items_import(template=template, file=io.BytesIO(xlsx([[1, "条目", "依据"]])), actor=user)


def test_it_lets_the_admin_write(world):
    template = services.checklist_create(actor=world.admin, township=world.township, name="管理员的表")
    assert template.pk


# -- Excel import ------------------------------------------------------------------------------------------------


def test_it_imports_items_into_the_draft_in_file_order(world, template):
    content = xlsx(
        [
            [1, "特种作业人员未持证上岗", "《工贸企业重大事故隐患判定标准》", "第三条", "是", "否", "农业", "工贸"],
            [2, "粉尘清理制度未落实", "《工贸企业重大事故隐患判定标准》", "", "是", "是", "", "industry"],
            [None, None, None, None, None, None, None, None],
            [3, "示例：不导入", "x", "", "", "", "", ""],
            [4, "安全出口锁闭", "消防法", "", "", "", "", ""],
        ]
    )
    result = services.items_import(template=template, file=io.BytesIO(content), actor=world.office)
    assert (result.ok, result.created) == (True, 3)
    draft = template.versions.get(published_at__isnull=True)
    items = list(draft.items.order_by("order"))
    assert [i.text for i in items] == ["特种作业人员未持证上岗", "粉尘清理制度未落实", "安全出口锁闭"]
    assert (items[0].is_major, items[0].needs_check, items[0].sector, items[0].hazard_type) == (
        True,
        False,
        world.sector_b,
        "industry",
    )
    assert (items[1].needs_check, items[1].clause, items[2].hazard_type) == (True, "", "other")
    assert texts(template.current_version()) == ["安全出口锁闭", "疏散通道堵塞", "门窗设置障碍物"]


def test_it_reports_bad_rows_with_row_and_column_and_imports_nothing(world, template):
    content = xlsx(
        [
            [1, "好的条目", "依据", "", "是", "否", "", "消防"],
            [2, "", "依据", "", "", "", "", ""],
            [3, "条目", "依据", "", "也许", "", "", ""],
            [4, "条目", "依据", "", "", "", "不存在的行业", ""],
            [5, "条目", "依据", "", "", "", "", "地震"],
            [6, "条目", "", "", "", "", "", ""],
        ]
    )
    result = services.items_import(template=template, file=io.BytesIO(content), actor=world.office)
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "检查内容"),
        (4, "是否重大隐患"),
        (5, "行业领域"),
        (6, "隐患类别"),
        (7, "判定依据"),
    }
    assert not template.versions.filter(published_at__isnull=True).exists()
    assert ChecklistItem.objects.filter(text="好的条目").count() == 0


def test_it_keeps_the_draft_as_it_was_when_the_file_is_bad(world, template):
    draft = services.draft_for(template=template, actor=world.office)
    services.item_add(version=draft, actor=world.office, fields={**ITEM, "text": "草稿里的条目"})
    bad = xlsx([[1, "条目", "依据", "", "也许", "", "", ""]])
    assert not services.items_import(template=template, file=io.BytesIO(bad), actor=world.office).ok
    assert "草稿里的条目" in texts(draft)


def test_it_explains_a_missing_header_and_a_file_that_is_not_excel(world, template):
    result = services.items_import(
        template=template, file=io.BytesIO(xlsx([["a", "b"]], ["甲", "乙"])), actor=world.office
    )
    assert "检查内容" in result.errors[0].message
    result = services.items_import(template=template, file=io.BytesIO(b"not a workbook"), actor=world.office)
    assert result.errors[0].row == 0


def test_it_round_trips_the_template_and_an_export(world, template):
    workbook = load_workbook(io.BytesIO(checklist_sheets.build_items_template()))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADERS
    exported = checklist_sheets.items_export(version=template.current_version())
    result = services.items_import(template=template, file=io.BytesIO(exported), actor=world.office)
    assert (result.ok, result.created) == (True, 3)
    draft = template.versions.get(published_at__isnull=True)
    assert texts(draft) == texts(template.current_version())
    example_only = services.items_import(
        template=template, file=io.BytesIO(checklist_sheets.build_items_template()), actor=world.office
    )
    assert not example_only.ok  # the example row is skipped: no items


# -- pages --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["office", "leader", "dept_a", "village_a_officer", "admin"])
def test_it_shows_the_list_and_detail_to_readers(world, template, client_for, username):
    client = client_for(getattr(world, username))
    assert client.get(reverse("inspections:checklist_list")).status_code == 200
    response = client.get(template.get_absolute_url())
    assert response.status_code == 200
    assert "安全出口锁闭" in response.content.decode()


@pytest.mark.parametrize("username", ["ent_a", "other_office"])
def test_it_hides_checklists_from_enterprises_and_other_townships(world, template, client_for, username):
    client = client_for(getattr(world, username))
    assert client.get(template.get_absolute_url()).status_code == 404
    if username == "ent_a":
        assert client.get(reverse("inspections:checklist_list")).status_code == 404


@pytest.mark.parametrize("username", ["leader", "dept_a", "village_a_officer"])
def test_it_answers_404_to_readers_on_every_write_page(world, template, client_for, username):
    client = client_for(getattr(world, username))
    item = template.current_version().items.first()
    assert client.get(reverse("inspections:checklist_create")).status_code == 404
    assert client.post(reverse("inspections:checklist_draft", args=[template.pk])).status_code == 404
    assert client.get(reverse("inspections:checklist_publish", args=[template.pk])).status_code == 404
    assert client.get(reverse("inspections:checklist_import", args=[template.pk])).status_code == 404
    assert client.post(reverse("inspections:checklist_item_delete", args=[item.pk])).status_code == 404
    assert client.get(reverse("inspections:checklist_import_template")).status_code == 404
    assert template.versions.count() == 1


def test_it_lets_the_office_edit_and_publish_through_the_pages(world, template, client_for):
    client = client_for(world.office)
    response = client.post(reverse("inspections:checklist_draft", args=[template.pk]))
    assert response.status_code == 302
    draft = template.versions.get(published_at__isnull=True)
    item = draft.items.get(text="安全出口锁闭")
    data = {**ITEM, "text": "安全出口被锁闭", "sector": "", "is_major": "on"}
    response = client.post(reverse("inspections:checklist_item_edit", args=[item.pk]), data)
    assert response.status_code == 302
    add = {**ITEM, "text": "新增条目", "sector": ""}
    assert client.post(reverse("inspections:checklist_item_add", args=[template.pk]), add).status_code == 302
    page = client.get(reverse("inspections:checklist_publish", args=[template.pk])).content.decode()
    assert "新增条目" in page
    response = client.post(reverse("inspections:checklist_publish", args=[template.pk]), {"note": "修改表述"})
    assert response.status_code == 302
    template.refresh_from_db()
    current = template.current_version()
    assert (current.number, current.note) == (2, "修改表述")
    assert texts(current) == ["安全出口被锁闭", "疏散通道堵塞", "门窗设置障碍物", "新增条目"]
    detail = client.get(template.get_absolute_url()).content.decode()
    assert "修改表述" in detail


def test_it_shows_how_many_inspections_use_each_version(world, template, client_for):
    for _ in range(2):
        inspection_services.inspection_plan(
            actor=world.office,
            township=world.township,
            kind="special",
            enterprise=world.enterprise_a,
            checklist=template,
        )
    draft = services.draft_for(template=template, actor=world.office)
    services.version_publish(version=draft, actor=world.office, note="v2")
    response = client_for(world.leader).get(template.get_absolute_url())
    counts = [row["version"].n_inspections for row in response.context["history"]]
    assert counts == [0, 2]  # newest first
    assert response.content.decode().count('data-testid="inspection-count"') == 2


def test_it_marks_items_to_be_checked_and_major_items(world, client_for):
    template = services.checklist_create(actor=world.office, township=world.township, name="待核实表")
    draft = template.versions.get()
    services.item_add(version=draft, actor=world.office, fields={**ITEM, "text": "转述条目", "needs_check": True})
    services.item_add(version=draft, actor=world.office, fields={**ITEM, "text": "重大条目", "is_major": True})
    services.version_publish(version=draft, actor=world.office, note="初版")
    page = client_for(world.village_a_officer).get(template.get_absolute_url()).content.decode()
    assert page.count('data-testid="needs-check"') == 1
    assert page.count('data-testid="major"') == 1


def test_it_filters_the_list_by_sector_and_search(world, client_for):
    make_template(world, "条目", name="建筑施工检查表")
    general = services.checklist_create(actor=world.office, township=world.township, name="通用检查表")
    client = client_for(world.office)
    url = reverse("inspections:checklist_list")
    names = lambda response: [t.name for t in response.context["page_obj"]]  # noqa: E731
    assert names(client.get(url, {"sector": world.sector_a.pk})) == ["建筑施工检查表"]
    assert names(client.get(url, {"sector": "general"})) == [general.name]
    assert names(client.get(url, {"q": "通用"})) == ["通用检查表"]


def test_it_imports_through_the_page_and_lists_bad_rows(world, template, client_for):
    client = client_for(world.office)
    url = reverse("inspections:checklist_import", args=[template.pk])
    bad = client.post(url, {"file": upload(xlsx([[1, "", "依据", "", "", "", "", ""]]))})
    assert bad.status_code == 200
    assert 'data-testid="import-errors"' in bad.content.decode()
    good = client.post(url, {"file": upload(xlsx([[1, "导入的条目", "依据", "", "", "", "", ""]]))})
    assert good.status_code == 302
    assert texts(template.versions.get(published_at__isnull=True)) == ["导入的条目"]
    download = client.get(reverse("inspections:checklist_import_template"))
    assert download["Content-Type"] == XLSX


def test_it_creates_a_checklist_through_the_page(world, client_for):
    client = client_for(world.office)
    data = {"name": "液化气检查表", "sector": world.sector_a.pk, "description": "方案§8"}
    response = client.post(reverse("inspections:checklist_create"), data)
    template = ChecklistTemplate.objects.get(name="液化气检查表")
    assert response.url == reverse("inspections:checklist_draft", args=[template.pk])
    assert template.versions.get().is_draft


def test_it_counts_an_item_edited_in_place_as_changed(world, template):
    v1 = template.current_version()
    draft = services.draft_for(template=template, actor=world.office)
    item = draft.items.get(text="疏散通道堵塞")
    services.item_update(item=item, actor=world.office, fields={**ITEM, "text": "疏散通道被占用、堵塞"})
    changes = services.version_changes(list(v1.items.order_by("order")), list(draft.items.order_by("order")))
    assert ([i.text for i in changes.changed], changes.added, changes.removed) == (["疏散通道被占用、堵塞"], [], [])


def test_it_offers_inspections_the_published_checklists_of_the_sector_and_general_ones(world, template):
    general = make_template(world, "条目", name="通用检查表")
    general.sector = None
    general.save()
    services.checklist_create(actor=world.office, township=world.township, name="未发布", sector=world.sector_a)
    other = make_template(world, "条目", name="农业检查表")
    other.sector = world.sector_b
    other.save()
    offered = services.published_checklists(township_id=world.township.pk, sector_id=world.sector_a.pk)
    assert [t.name for t in offered] == ["消防检查表", "通用检查表"]
    assert services.published_checklists(township_id=world.other_township.pk).count() == 0
