"""The demo data set: shaped like 刘圩镇, one working login per role, and safe to load twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count

from units.access import build_scope
from units.credit_code import validate_credit_code
from units.demo import DEMO_PASSWORD, DemoResult, load_demo_data
from units.demo_county import INVENTED_TOWNSHIP_CODE
from units.models import Assignment, Enterprise, Role, Sector, SupervisionGroup, Township, User, Village
from units.reference import TOWNSHIP_CODE

pytestmark = pytest.mark.django_db

LOGINS = {
    "office": Role.OFFICE,
    "department": Role.DEPARTMENT,
    "village": Role.VILLAGE,
    "enterprise": Role.ENTERPRISE,
    "leader": Role.LEADERSHIP,
    "admin": Role.ADMIN,
    "county": Role.COUNTY,
    "county_dept": Role.COUNTY_DEPARTMENT,
    "shili_office": Role.OFFICE,
    "two_townships": Role.OFFICE,
}


@pytest.fixture
def demo() -> DemoResult:
    return load_demo_data()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Village, Enterprise, User, Assignment, SupervisionGroup)
    } | {
        "EnterpriseHistory": Enterprise.history.count(),
        "UserPasswords": len({u.password for u in User.objects.all()}),
    }


def test_it_creates_ten_villages_with_enterprises_in_each(demo: DemoResult) -> None:
    villages = list(Village.objects.filter(township__code=TOWNSHIP_CODE))
    assert demo.villages == 10
    assert len(villages) == 10
    assert villages[0].name == "刘圩村"
    assert all(len(v.code) == 12 and v.code.startswith("341324106") for v in villages)
    assert 140 <= Enterprise.objects.filter(township__code=TOWNSHIP_CODE).count() <= 170
    assert demo.enterprises == Enterprise.objects.count()
    per_village = Village.objects.annotate(n=Count("enterprises")).values_list("n", flat=True)
    assert all(n > 0 for n in per_village)


def test_it_shapes_the_sectors_like_the_town(demo: DemoResult) -> None:
    industry = Enterprise.objects.filter(primary_sector__name="工贸", township__code=TOWNSHIP_CODE)
    assert industry.count() == 18
    assert industry.filter(is_above_scale=True).count() == 10
    assert 2 <= industry.filter(is_dust_explosion=True).count() <= 3
    assert Enterprise.objects.filter(is_benchmark=True).exclude(standardisation_grade="").count() >= 2
    assert Enterprise.objects.filter(is_lpg_user=True, other_sectors__name="液化气").count() >= 15
    assert Enterprise.objects.filter(is_lpg_business=True, primary_sector__name="液化气").count() == 3
    assert Enterprise.objects.filter(is_self_built_house=True, credit_code=None).count() >= 3
    assert Enterprise.objects.filter(primary_sector__name="校园", name="刘圩中心小学").exists()


def test_it_gives_valid_unique_credit_codes_or_none(demo: DemoResult) -> None:
    codes = [c for c in Enterprise.objects.values_list("credit_code", flat=True) if c is not None]
    assert len(codes) == len(set(codes)) > 100
    for code in codes:
        try:
            validate_credit_code(code)
        except ValidationError:
            pytest.fail(f"invalid credit code {code}")


def test_it_creates_a_user_per_role_who_can_log_in(demo: DemoResult) -> None:
    for username, role in LOGINS.items():
        user = User.objects.get(username=username)
        assert user.is_active
        assert user.check_password(DEMO_PASSWORD)
        assert user.assignments.filter(role=role, is_active=True).exists(), username
        assert user.full_name
        assert len(user.phone) == 11
        assert user.phone[:2] in ("13", "15", "18")
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert {login[0] for login in demo.logins} >= set(LOGINS)


def test_it_gives_the_village_officer_two_villages(demo: DemoResult) -> None:
    officer = User.objects.get(username="village")
    names = set(officer.assignments.filter(role=Role.VILLAGE).values_list("village__name", flat=True))
    assert len(names) == 2
    assert "刘圩村" in names


def test_it_binds_the_enterprise_contact_to_an_industrial_enterprise_in_liuwei(demo: DemoResult) -> None:
    assignment = Assignment.objects.get(user__username="enterprise")
    assert assignment.enterprise is not None
    assert assignment.enterprise.primary_sector.name == "工贸"
    assert assignment.enterprise.village.name == "刘圩村"


def test_it_splits_the_villages_among_three_led_groups(demo: DemoResult) -> None:
    groups = list(SupervisionGroup.objects.all())
    assert len(groups) == 3
    covered = [v.pk for g in groups for v in g.villages.all()]
    assert sorted(covered) == sorted(Village.objects.filter(township__code=TOWNSHIP_CODE).values_list("pk", flat=True))
    assert all(g.leader.assignments.filter(role=Role.LEADERSHIP).exists() for g in groups)
    first = SupervisionGroup.objects.get(leader__username="leader")
    members = set(first.members.values_list("username", flat=True))
    assert {"office", "jiwei"} <= members
    assert all(g.units.exists() for g in groups)


def test_it_creates_and_changes_nothing_on_a_second_run(demo: DemoResult) -> None:
    office = User.objects.get(username="office")
    office.set_password("changed-by-the-office")
    office.save()
    before = _counts()

    again = load_demo_data()

    assert _counts() == before
    assert (again.villages, again.enterprises, again.users, again.assignments, again.groups) == (0, 0, 0, 0, 0)
    assert User.objects.get(username="office").check_password("changed-by-the-office")
    assert again.logins == demo.logins


def test_it_refuses_without_debug_or_force(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo_data", stdout=StringIO())
    assert not Enterprise.objects.exists()


def test_it_prints_the_banner_and_logins_when_forced(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo_data", "--force", stdout=out)
    text = out.getvalue()
    assert "演示数据 (demo data) — not for production" in text
    assert DEMO_PASSWORD in text
    assert all(username in text for username in LOGINS)


def test_it_records_which_unit_runs_the_schools_and_health_centres(demo):
    from units.models import Enterprise

    schools = Enterprise.objects.filter(primary_sector__name="校园")
    assert schools.exists()
    assert set(schools.values_list("operated_by__name", flat=True)) == {"中心校"}
    assert set(Enterprise.objects.filter(name__contains="卫生院").values_list("operated_by__name", flat=True)) == {
        "卫生院"
    }


def test_it_puts_the_demo_township_and_an_invented_one_into_the_county(demo: DemoResult) -> None:
    liuwei, invented = Township.objects.get(code=TOWNSHIP_CODE), Township.objects.get(code=INVENTED_TOWNSHIP_CODE)
    assert liuwei.county is not None and liuwei.county == invented.county
    assert (liuwei.county.name, liuwei.county.code) == ("泗县", "341324")
    assert "虚构" in invented.name
    assert Village.objects.filter(township=invented).count() >= 2
    assert all("虚构" in v.name for v in Village.objects.filter(township=invented))
    invented_enterprises = Enterprise.objects.filter(township=invented)
    assert invented_enterprises.count() >= 2 and all("演示" in e.name for e in invented_enterprises)


def test_it_gives_the_county_logins_their_reach(demo: DemoResult) -> None:
    townships = set(Township.objects.values_list("pk", flat=True))
    county = build_scope(User.objects.get(username="county"))
    assert county.all_townships == townships and county.is_read_only
    department = build_scope(User.objects.get(username="county_dept"))
    sectors = set(Sector.objects.filter(pk__in=department.sector_ids).values_list("name", flat=True))
    assert {"建筑施工", "房屋建筑施工", "液化气"} <= sectors
    two = User.objects.get(username="two_townships")
    assert set(two.assignments.values_list("township__code", flat=True)) == {TOWNSHIP_CODE, INVENTED_TOWNSHIP_CODE}


def test_it_generates_load_test_hazards_for_the_invented_township_by_name(demo: DemoResult, settings) -> None:  # type: ignore[no-untyped-def]
    from hazards.models import Hazard

    settings.DEBUG = True
    invented = Township.objects.get(code=INVENTED_TOWNSHIP_CODE)
    call_command("generate_hazards", "30", "--seed", "1", "--township", invented.name, stdout=StringIO())
    assert Hazard.objects.filter(township=invented).count() == 30
    assert not Hazard.objects.exclude(township=invented).exists()
    assert not Hazard.objects.exclude(village__township=invented).exists()
