"""The starter checklists: loaded once per township, every item sourced, no invented clause numbers."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from hazards.models import HazardType
from inspections.models import ChecklistItem, ChecklistTemplate
from inspections.starter import STARTER_CHECKLISTS, load_starter_checklists
from tests.factories import SectorFactory
from units.models import Township
from units.reference import SECTORS, load_reference_data

ALL_ITEMS = [item for spec in STARTER_CHECKLISTS for item in spec.items]


def test_it_loads_the_starter_set_once(world):
    assert load_starter_checklists(world.township, actor=world.office) == len(STARTER_CHECKLISTS)
    assert load_starter_checklists(world.township) == 0
    templates = ChecklistTemplate.objects.filter(township=world.township)
    assert templates.count() == len(STARTER_CHECKLISTS)
    assert ChecklistItem.objects.filter(version__template__township=world.township).count() == len(ALL_ITEMS)
    for template in templates:
        version = template.current_version()
        assert (version.number, version.created_by) == (1, world.office)
        assert template.versions.count() == 1


def test_it_keeps_the_offices_edits_when_loaded_again(world):
    load_starter_checklists(world.township)
    template = ChecklistTemplate.objects.get(ref_key="starter:fire")
    template.name = "消防检查表（本镇）"
    template.save()
    assert load_starter_checklists(world.township) == 0
    assert ChecklistTemplate.objects.filter(township=world.township, ref_key="starter:fire").count() == 1


def test_it_loads_per_township(world):
    load_starter_checklists(world.township)
    assert load_starter_checklists(world.other_township) == len(STARTER_CHECKLISTS)


def test_it_cites_each_township_s_own_plan(world):
    load_starter_checklists(world.township)
    load_starter_checklists(world.other_township)
    plans = ChecklistItem.objects.filter(standard__contains="三年行动实施方案")
    by_township = {
        township.name: set(plans.filter(version__template__township=township).values_list("standard", flat=True))
        for township in (world.township, world.other_township)
    }
    assert by_township == {
        "刘圩镇": {"《刘圩镇安全生产治本攻坚三年行动实施方案（2024-2026年）》"},
        "邻镇": {"《邻镇安全生产治本攻坚三年行动实施方案（2024-2026年）》"},
    }


def test_it_sets_the_reference_sectors_found_by_name(world):
    SectorFactory(township=world.township, name="消防", ref_key="消防")
    load_starter_checklists(world.township)
    assert ChecklistTemplate.objects.get(ref_key="starter:fire").sector.name == "消防"
    assert ChecklistTemplate.objects.get(ref_key="starter:building").sector == world.sector_a  # 建筑施工
    assert ChecklistTemplate.objects.get(ref_key="starter:gas").sector is None  # no 液化气 sector in this world


def test_it_finds_every_sector_of_the_reference_data(db):
    load_reference_data()
    township = Township.objects.get(code="341324106")
    load_starter_checklists(township)
    assert not ChecklistTemplate.objects.filter(township=township, sector__isnull=True).exists()


def test_it_runs_as_a_command_twice(world, capsys):
    call_command("load_checklists")
    call_command("load_checklists")
    assert ChecklistTemplate.objects.filter(township=world.township).count() == len(STARTER_CHECKLISTS)
    assert "0 checklist(s) created" in capsys.readouterr().out


@pytest.mark.parametrize("spec", STARTER_CHECKLISTS, ids=lambda s: s.ref_key)
def test_it_ships_6_to_20_items_per_checklist_each_with_a_standard(spec):
    assert 6 <= len(spec.items) <= 20
    assert spec.sources
    for item in spec.items:
        assert item.text.strip()
        assert item.standard.startswith("《"), item.text


def test_it_never_ships_a_placeholder_clause():
    placeholder = re.compile(r"[XxＸ?？]|第[一二三四五六七八九十]*X")
    for item in ALL_ITEMS:
        assert not placeholder.search(item.clause), item.clause


def test_it_fits_the_model_and_the_reference_data_and_flags_what_it_could_not_quote():
    sector_names = {spec.name for spec in SECTORS}
    for spec in STARTER_CHECKLISTS:
        assert spec.sector in sector_names
        assert spec.hazard_type in HazardType.values
        assert len(spec.name) <= 100 and len(spec.ref_key) <= 50
    for item in ALL_ITEMS:
        assert len(item.standard) <= 200 and len(item.clause) <= 100
    assert any(item.needs_check for item in ALL_ITEMS)


def test_it_shows_the_to_be_checked_badge_for_flagged_starter_items(world, client_for):
    load_starter_checklists(world.township)
    template = ChecklistTemplate.objects.get(ref_key="starter:gas")
    flagged = template.current_version().items.filter(needs_check=True).count()
    page = client_for(world.leader).get(template.get_absolute_url()).content.decode()
    assert flagged > 0
    assert page.count('data-testid="needs-check"') == flagged
