from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from units.models import Sector, Township, Unit, Village
from units.reference import SECTORS, TOWNSHIP_CODE, UNITS, load_reference_data

pytestmark = pytest.mark.django_db


def routing() -> dict[str, str | None]:
    return {s.name: (s.lead_unit.name if s.lead_unit else None) for s in Sector.objects.select_related("lead_unit")}


def test_it_routes_each_sector_to_its_lead_unit_as_the_plan_writes():
    load_reference_data()
    table = routing()
    assert table["特种设备"] == "市场监管所"
    assert table["林业"] == "国土局"
    assert table["道路交通"] == "派出所"
    assert table["消防"] == "派出所"
    assert table["校园"] == "中心校"
    assert table["危化品"] == "镇应急办"
    assert table["液化气"] == "住建所"
    assert table["粮油储备"] is None  # §14: the office assigns one
    campus = Sector.objects.get(name="校园")
    assert [u.name for u in campus.participating_units.all()] == ["中学"]
    lpg = Sector.objects.get(name="液化气")
    assert {u.name for u in lpg.participating_units.all()} == {"派出所", "交管站", "市场监管所"}


def test_it_marks_the_high_risk_sectors_of_measure_22():
    load_reference_data()
    high = set(Sector.objects.filter(is_high_risk=True).values_list("name", flat=True))
    assert high == {"危化品", "烟花爆竹", "建筑施工", "道路运输"}


def test_it_loads_twice_without_duplicating_or_undoing_the_offices_edits():
    load_reference_data()
    counts = (Township.objects.count(), Unit.objects.count(), Sector.objects.count())
    assert counts == (1, len(UNITS), len(SECTORS))
    unit = Unit.objects.get(name="国土局")
    unit.name = "自然资源所"
    unit.save()
    Sector.objects.filter(name="粮油储备").update(lead_unit=Unit.objects.get(name="农经站"))
    call_command("load_reference_data")
    assert (Township.objects.count(), Unit.objects.count(), Sector.objects.count()) == counts
    assert routing()["林业"] == "自然资源所"
    assert routing()["粮油储备"] == "农经站"


def test_it_gives_supervision_duties_to_the_office_and_regulators_only():
    load_reference_data()
    assert Unit.objects.get(name="镇应急办").duty_kind == "supervision"
    assert Unit.objects.get(name="镇应急办").is_safety_office
    assert Unit.objects.get(name="供电站").duty_kind == "other"


def test_it_ships_the_other_names_rosters_use_and_no_name_twice():
    load_reference_data()
    trade = Sector.objects.get(name="商贸服务(含餐饮业、住宿业)")
    assert "商贸服务" in trade.alias_list
    names = [n for s in Sector.objects.all() for n in [s.name, *s.alias_list]]
    assert len(names) == len(set(names))


def test_the_migration_gives_existing_reference_sectors_their_other_names(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("units.migrations.0004_sector_reference_aliases")
    trade = Sector.objects.create(township=world.township, name="商贸", ref_key="商贸服务(含餐饮业、住宿业)")
    chem = Sector.objects.create(township=world.township, name="危化品", ref_key="危化品", aliases="危化")
    migration.add_aliases(apps, None)
    trade.refresh_from_db()
    chem.refresh_from_db()
    # Renamed by the office to 商贸: that name is its own, so only the others are added; edits stay as they are.
    assert trade.alias_list == ["商贸服务", "餐饮业", "住宿业"]
    assert chem.alias_list == ["危化"]


# -- one township's reference at a time --------------------------------------------------------------------


def test_it_puts_the_built_in_township_into_its_county():
    load_reference_data()
    township = Township.objects.get(code=TOWNSHIP_CODE)
    assert township.county is not None and township.county.code == "341324"


def test_it_loads_another_township_from_its_reference_file_by_code_or_name():
    call_command("load_reference_data", "--township", "341324990", stdout=StringIO())
    township = Township.objects.get(code="341324990")
    assert township.county is not None and township.county.code == "341324"
    assert Village.objects.filter(township=township).count() == 3
    assert Sector.objects.get(township=township, name="消防").lead_unit.name == "派出所"
    Unit.objects.filter(township=township, name="农经站").update(name="农业服务中心")
    counts = (Village.objects.count(), Unit.objects.count(), Sector.objects.count())
    call_command("load_reference_data", "--township", township.name, stdout=StringIO())
    assert (Village.objects.count(), Unit.objects.count(), Sector.objects.count()) == counts
    assert Sector.objects.get(township=township, name="农业").lead_unit.name == "农业服务中心"
    assert not Township.objects.filter(code=TOWNSHIP_CODE).exists()  # the other township untouched


def test_it_loads_a_reference_file_given_by_path(tmp_path):
    path = tmp_path / "town.json"
    path.write_text(
        json.dumps(
            {
                "name": "测试镇",
                "code": "341324998",
                "villages": [{"name": "甲村", "code": "341324998201"}],
                "units": [{"name": "应急办", "kind": "office", "duty": "supervision", "office": True}],
                "sectors": [{"name": "工贸", "lead": "应急办", "aliases": ["工业"]}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("load_reference_data", "--file", str(path), stdout=out)
    township = Township.objects.get(code="341324998")
    assert township.county is None
    assert Sector.objects.get(township=township).alias_list == ["工业"]
    assert "4 created" in out.getvalue()  # the township, its village, unit and sector


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"name": "测试镇"}',
        '{"name": "测试镇", "code": "1", "units": [{"name": "站", "kind": "castle"}]}',
        '{"name": "测试镇", "code": "1", "units": [], "sectors": [{"name": "工贸", "lead": "无此单位"}]}',
    ],
)
def test_it_refuses_a_file_that_is_no_township_reference(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.json"):
        call_command("load_reference_data", "--file", str(path), stdout=StringIO())
    assert not Township.objects.exists()


def test_it_names_the_known_townships_for_an_unknown_one():
    with pytest.raises(CommandError, match="341324990"):
        call_command("load_reference_data", "--township", "无此镇", stdout=StringIO())
