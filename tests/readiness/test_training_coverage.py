"""§4 coverage per year against a fixed data set, recomputed by hand here; the page, its scope and its export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from readiness.training_coverage import coverage
from tests.factories import AttendeeFactory, EnterpriseFactory, SectorFactory, TrainingSessionFactory
from units.models import Enterprise


@pytest.fixture
def data(world):
    """2024: three LPG enterprises (business, user, both flags off but in the 液化气 sector), one school, one elderly
    home; 2025: a hazchem and a 工贸 enterprise; attendance in several years and roles."""
    t = world.township
    lpg_sector = SectorFactory(township=t, name="液化气", lead_unit=world.unit_a)
    school = SectorFactory(township=t, name="校园", lead_unit=world.unit_b)
    care = SectorFactory(township=t, name="养老服务", lead_unit=world.unit_b)
    hazchem = SectorFactory(township=t, name="危险品", aliases="危险化学品", lead_unit=world.office_unit)
    trade = SectorFactory(township=t, name="工贸", lead_unit=world.office_unit)
    e = {
        "lpg_business": EnterpriseFactory(village=world.village_a, primary_sector=world.sector_a, is_lpg_business=True),
        "lpg_user": EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b, is_lpg_user=True),
        "lpg_sector": EnterpriseFactory(village=world.village_a, primary_sector=lpg_sector),
        "lpg_closed": EnterpriseFactory(village=world.village_a, primary_sector=lpg_sector, is_active=False),
        "school": EnterpriseFactory(village=world.village_a, primary_sector=school),
        "care": EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b),
        "hazchem": EnterpriseFactory(village=world.village_b, primary_sector=hazchem),
        "trade": EnterpriseFactory(village=world.village_a, primary_sector=trade),
    }
    e["care"].other_sectors.add(care)  # a further sector puts it in the group too
    s2024 = TrainingSessionFactory(township=t, held_on=dt.date(2024, 5, 1), organiser=world.office_unit)
    s2023 = TrainingSessionFactory(township=t, held_on=dt.date(2023, 12, 31), organiser=world.office_unit)
    s2025 = TrainingSessionFactory(township=t, held_on=dt.date(2025, 1, 1), organiser=world.office_unit)
    AttendeeFactory(session=s2024, enterprise=e["lpg_business"], role="principal")  # covered 2024
    AttendeeFactory(session=s2024, enterprise=e["lpg_user"], role="safety_manager")  # wrong role: not covered
    AttendeeFactory(session=s2023, enterprise=e["lpg_sector"], role="principal")  # wrong year: not covered
    AttendeeFactory(session=s2024, enterprise=e["school"], role="fire_officer")  # covered 2024
    AttendeeFactory(session=s2025, enterprise=e["care"], role="fire_officer")  # 2025, not 2024
    AttendeeFactory(session=s2025, enterprise=e["hazchem"], role="principal")  # covered 2025
    # The other township's session never covers this township's enterprise.
    other = TrainingSessionFactory(township=world.other_township, held_on=dt.date(2025, 3, 1))
    AttendeeFactory(session=other, enterprise=e["trade"], role="principal")
    return e


def _by_key(groups):
    return {g.group.key: g for g in groups}


def _hand_count(enterprises: list[Enterprise], covered: set[Enterprise]) -> tuple[int, int]:
    return len(enterprises), len([x for x in enterprises if x in covered])


def test_it_computes_each_focus_group_as_recounted_by_hand(world, data):
    e = data
    groups = _by_key(coverage(enterprises=Enterprise.objects.all(), township_id=world.township.pk, year=2024))
    assert set(groups) == {"lpg", "school_hospital_care"}
    lpg = [e["lpg_business"], e["lpg_user"], e["lpg_sector"]]
    assert (groups["lpg"].total, groups["lpg"].covered) == _hand_count(lpg, {e["lpg_business"]})
    assert groups["lpg"].rate == round(100 * 1 / 3, 1)
    assert {x.pk for x in groups["lpg"].uncovered} == {e["lpg_user"].pk, e["lpg_sector"].pk}
    care = [e["school"], e["care"]]
    assert (groups["school_hospital_care"].total, groups["school_hospital_care"].covered) == _hand_count(
        care, {e["school"]}
    )

    groups = _by_key(coverage(enterprises=Enterprise.objects.all(), township_id=world.township.pk, year=2025))
    assert (groups["hazchem"].total, groups["hazchem"].covered) == (1, 1)
    assert (groups["industry_trade"].total, groups["industry_trade"].covered) == (1, 0)
    assert groups["heritage"].total == 0 and groups["heritage"].rate is None


def test_it_counts_only_what_the_user_sees(world, data):
    from units.access import enterprises_visible_to

    groups = _by_key(
        coverage(enterprises=enterprises_visible_to(world.village_a_officer), township_id=world.township.pk, year=2024)
    )
    # village_a holds lpg_business and lpg_sector; lpg_user is of village_b.
    assert (groups["lpg"].total, groups["lpg"].covered) == (2, 1)


def test_the_page_quotes_the_plan_lists_the_uncovered_and_exports(world, data, client_for):
    client = client_for(world.office)
    response = client.get(reverse("readiness:training_coverage"), {"year": 2024})
    html = response.content.decode()
    assert response.status_code == 200
    assert "重点开展液化气经营使用单位主要负责人和学校、医院、养老机构消防安全责任人集中培训" in html
    assert data["lpg_user"].get_absolute_url() in html
    assert data["lpg_business"].get_absolute_url() not in html
    export = client.get(reverse("readiness:training_coverage_export"), {"year": 2024})
    book = load_workbook(io.BytesIO(export.content))
    names = [row[2] for row in book["未覆盖单位"].iter_rows(min_row=4, values_only=True)]
    assert set(names) == {data["lpg_user"].name, data["lpg_sector"].name, data["care"].name}


@pytest.mark.parametrize("year", ["1999", "abc", "2027", "9" * 30])
def test_a_bad_year_shows_the_plans_year(world, client_for, year):
    response = client_for(world.office).get(reverse("readiness:training_coverage"), {"year": year})
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["ent_a", "anonymous"])
def test_enterprises_and_strangers_have_no_coverage_page(world, client_for, client, role):
    c = client if role == "anonymous" else client_for(getattr(world, role))
    response = c.get(reverse("readiness:training_coverage"))
    assert response.status_code in (302, 404)


def test_the_other_townships_office_sees_its_own_township_only(world, data, client_for):
    response = client_for(world.other_office).get(reverse("readiness:training_coverage"), {"year": 2025})
    html = response.content.decode()
    assert data["trade"].name not in html and data["hazchem"].name not in html


def test_the_page_takes_a_constant_number_of_queries(world, data, client_for, django_assert_max_num_queries):
    client = client_for(world.office)
    client.get(reverse("readiness:training_coverage"))
    for _ in range(5):
        EnterpriseFactory(village=world.village_a, primary_sector=world.sector_a, is_lpg_user=True)
    with django_assert_max_num_queries(20):
        client.get(reverse("readiness:training_coverage"), {"year": 2024})
