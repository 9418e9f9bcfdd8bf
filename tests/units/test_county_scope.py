"""Two townships of one county: nothing of one is visible or writable from the other; the county bureau reads every
township and writes nothing of theirs; a county department reads its sectors in every township."""

from __future__ import annotations

import pytest

from units.access import Scope, build_scope
from units.models import Enterprise

pytestmark = pytest.mark.django_db


def enterprise_names(scope: Scope) -> set[str]:
    return set(scope.filter_enterprises(Enterprise.objects.all()).values_list("name", flat=True))


def test_it_gives_the_county_every_township_of_the_county_to_read(world):
    scope = build_scope(world.county)
    assert scope.all_townships == {world.township.pk, world.other_township.pk}
    assert enterprise_names(scope) == {world.enterprise_a.name, world.enterprise_b.name, world.enterprise_other.name}
    assert scope.is_read_only and scope.is_county and scope.may_list_at_county
    assert not scope.office_townships


def test_it_gives_a_county_department_its_sectors_in_every_township_by_name_or_other_name(world):
    scope = build_scope(world.county_dept)
    assert scope.sector_ids == {world.sector_a.pk, world.other_building_sector.pk}
    assert not scope.all_townships
    assert scope.is_read_only and scope.is_county and not scope.may_list_at_county
    assert enterprise_names(scope) == {world.enterprise_a.name}


def test_it_keeps_the_township_roles_writing_and_out_of_the_county(world):
    for user in (world.office, world.dept_a, world.village_a_officer, world.ent_a, world.admin):
        scope = build_scope(user)
        assert not scope.is_read_only and not scope.is_county and not scope.may_list_at_county
    assert build_scope(world.leader).is_read_only
