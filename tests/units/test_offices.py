"""The names a township's documents are signed with: its safety office, and the unit that fills in a form."""

from __future__ import annotations

import pytest

from tests.factories import AssignmentFactory, TownshipFactory, UnitFactory, UserFactory
from units.models import Role
from units.offices import filler_unit_name, safety_office_name, township_unit_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("township", "unit", "name"),
    [
        ("刘圩镇", "镇应急办", "刘圩镇应急办"),
        ("刘圩镇", "住建所", "刘圩镇住建所"),
        ("刘圩镇", "刘圩镇卫生院", "刘圩镇卫生院"),
        ("黄湾乡", "乡应急办", "黄湾乡应急办"),
        ("运河街道", "街道安监站", "运河街道安监站"),
    ],
)
def test_it_names_a_unit_with_its_township_once(township, unit, name):
    assert township_unit_name(TownshipFactory.build(name=township), unit) == name


def test_it_names_the_marked_safety_office_else_the_township_s_office(world):
    assert safety_office_name(world.township) == "刘圩镇应急办"
    assert safety_office_name(world.other_township) == "邻镇安委办"
    world.office_unit.is_active = False
    world.office_unit.save()
    assert safety_office_name(world.township) == "刘圩镇安委办"


def test_it_fills_in_for_the_user_s_own_unit_else_the_safety_office(world):
    assert filler_unit_name(world.dept_a, world.township) == "刘圩镇住建所"
    assert filler_unit_name(world.office, world.township) == "刘圩镇应急办"
    assert filler_unit_name(world.village_a_officer, world.township) == "刘圩镇应急办"
    assert filler_unit_name(world.leader, world.township) == "刘圩镇应急办"


def test_it_takes_the_user_s_unit_in_the_township_the_form_is_for(world):
    second = TownshipFactory(name="周庄镇", code="341324199")
    user = UserFactory(username="twin")
    AssignmentFactory(user=user, role=Role.DEPARTMENT, township=world.township, unit=world.unit_a)
    water = UnitFactory(township=second, name="水利站")
    AssignmentFactory(user=user, role=Role.DEPARTMENT, township=second, unit=water)
    assert filler_unit_name(user, world.township) == "刘圩镇住建所"
    assert filler_unit_name(user, second) == "周庄镇水利站"


def test_it_prefers_the_office_unit_of_someone_who_also_serves_a_department(world):
    AssignmentFactory(user=world.dept_a, role=Role.OFFICE, township=world.township, unit=world.office_unit)
    assert filler_unit_name(world.dept_a, world.township) == "刘圩镇应急办"
