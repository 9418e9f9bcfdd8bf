"""The shared test world: users of every role across two villages and two sectors, a second township of the same
county with its own people, the county bureau and a county department, and a person who works in both townships."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import pytest
from celery._state import _set_task_join_will_block, task_join_will_block
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tests.factories import (
    AssignmentFactory,
    CountyDepartmentFactory,
    CountyFactory,
    EnterpriseFactory,
    SectorFactory,
    TownshipFactory,
    UnitFactory,
    UserFactory,
    VillageFactory,
)
from units.models import County, CountyDepartment, Enterprise, Role, Sector, Township, Unit, User, Village

PASSWORD = "pw-Liuwei-2024"


@dataclass
class World:
    the_county: County  # 泗县: both townships
    county_department: CountyDepartment  # 县住建局: oversees 建筑施工 (sector_a; other_building_sector by other name)
    township: Township
    other_township: Township
    village_a: Village
    village_b: Village
    office_unit: Unit
    unit_a: Unit  # leads sector_a, has supervision duties
    unit_b: Unit  # leads sector_b, no supervision duties
    sector_a: Sector
    sector_b: Sector
    enterprise_a: Enterprise  # village_a, sector_a
    enterprise_b: Enterprise  # village_b, sector_b
    enterprise_other: Enterprise  # the other township, other_village, other_sector
    other_village: Village
    other_unit: Unit  # leads other_sector
    other_sector: Sector  # 工贸
    other_building_sector: Sector  # 房屋建筑, also called 建筑施工
    office: User
    leader: User
    dept_a: User
    dept_b: User
    village_a_officer: User
    village_b_officer: User
    ent_a: User
    ent_b: User
    admin: User
    other_office: User  # the other township's office
    county: User  # 县应急管理局: reads both townships, writes nothing of theirs
    county_dept: User  # 县住建局 (county_department)

    # People created when a test first names them: each receives reminders, which tests of the first township's
    # reminders would otherwise have to leave out.
    @cached_property
    def other_village_officer(self) -> User:
        """The village officer of other_village (the other township)."""
        return _user("other_village", Role.VILLAGE, self.other_township, village=self.other_village)

    @cached_property
    def two_townships(self) -> User:
        """The office of the township, and the village officer of other_village in the other township."""
        user = _user("two_townships", Role.OFFICE, self.township)
        AssignmentFactory(user=user, role=Role.VILLAGE, township=self.other_township, village=self.other_village)
        return user

    @cached_property
    def custodian(self) -> User:
        """The township's confidential-report officer (举报保密员): that role alone."""
        return _user("custodian", Role.REPORT_CUSTODIAN, self.township)

    @cached_property
    def office_custodian(self) -> User:
        """An office member who is also the confidential-report officer (the usual case)."""
        user = _user("office_custodian", Role.OFFICE, self.township)
        AssignmentFactory(user=user, role=Role.REPORT_CUSTODIAN, township=self.township)
        return user

    @cached_property
    def other_custodian(self) -> User:
        """The other township's confidential-report officer, also in its office."""
        user = _user("other_custodian", Role.OFFICE, self.other_township)
        AssignmentFactory(user=user, role=Role.REPORT_CUSTODIAN, township=self.other_township)
        return user

    def users_by_role(self) -> dict[str, User]:
        return {
            "office": self.office,
            "leadership": self.leader,
            "department": self.dept_a,
            "village": self.village_a_officer,
            "enterprise": self.ent_a,
            "admin": self.admin,
        }


def _user(username: str, role: str, township: Township | None, **target: object) -> User:
    user: User = UserFactory.create(username=username, full_name=username)
    AssignmentFactory(user=user, role=role, township=township, **target)
    return user


@pytest.fixture
def world(db: None) -> World:
    county = CountyFactory(name="泗县", code="341324")
    county_department = CountyDepartmentFactory(county=county, name="县住建局", sector_names="建筑施工\n房屋市政工程")
    township = TownshipFactory(name="刘圩镇", code="341324106", county=county)
    other = TownshipFactory(name="邻镇", code="341324107", county=county)
    village_a = VillageFactory(township=township, name="刘圩村", code="341324106201")
    village_b = VillageFactory(township=township, name="新集村", code="341324106202")
    office_unit = UnitFactory(township=township, name="镇应急办", is_safety_office=True)
    unit_a = UnitFactory(township=township, name="住建所")
    unit_b = UnitFactory(township=township, name="农经站", duty_kind="other")
    sector_a = SectorFactory(township=township, name="建筑施工", lead_unit=unit_a, is_high_risk=True)
    sector_b = SectorFactory(township=township, name="农业", lead_unit=unit_b)
    enterprise_a = EnterpriseFactory(village=village_a, primary_sector=sector_a, name="刘圩建筑工程有限公司")
    enterprise_b = EnterpriseFactory(village=village_b, primary_sector=sector_b, name="新集农业合作社")
    other_village = VillageFactory(township=other, name="邻村", code="341324107201")
    other_sector = SectorFactory(township=other, name="工贸")
    other_building_sector = SectorFactory(
        township=other, name="房屋建筑", aliases="建筑施工", lead_unit=other_sector.lead_unit
    )
    enterprise_other = EnterpriseFactory(village=other_village, primary_sector=other_sector, name="邻镇工厂")
    admin = _user("admin", Role.ADMIN, township)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return World(
        the_county=county,
        county_department=county_department,
        township=township,
        other_township=other,
        village_a=village_a,
        village_b=village_b,
        office_unit=office_unit,
        unit_a=unit_a,
        unit_b=unit_b,
        sector_a=sector_a,
        sector_b=sector_b,
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
        enterprise_other=enterprise_other,
        other_village=other_village,
        other_unit=other_sector.lead_unit,
        other_sector=other_sector,
        other_building_sector=other_building_sector,
        office=_user("office", Role.OFFICE, township),
        leader=_user("leader", Role.LEADERSHIP, township),
        dept_a=_user("dept_a", Role.DEPARTMENT, township, unit=unit_a),
        dept_b=_user("dept_b", Role.DEPARTMENT, township, unit=unit_b),
        village_a_officer=_user("village_a", Role.VILLAGE, township, village=village_a),
        village_b_officer=_user("village_b", Role.VILLAGE, township, village=village_b),
        ent_a=_user("ent_a", Role.ENTERPRISE, township, enterprise=enterprise_a),
        ent_b=_user("ent_b", Role.ENTERPRISE, township, enterprise=enterprise_b),
        admin=admin,
        other_office=_user("other_office", Role.OFFICE, other),
        county=_user("county", Role.COUNTY, None, county=county),
        county_dept=_user("county_dept", Role.COUNTY_DEPARTMENT, None, county_department=county_department),
    )


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """client_for(user) -> a test client logged in as that user, in a fresh session: nothing of the previous user's
    session (the current township, messages) carries over to the next one."""

    def login(user: User) -> Client:
        client.logout()
        client.force_login(user)
        return client

    return login


class Migrator:
    """Moves the test database to given migrations and back: a data migration is tested on rows written as they were
    before it ran."""

    def migrate(self, targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
        """Migrate to `targets` (forwards or backwards); the models as they were there."""
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def to_latest(self) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def migrator(transactional_db: None):  # type: ignore[no-untyped-def]
    """Leaves every app at its latest migration afterwards, whichever app's history the test went back in: going
    back in one app also takes back the later migrations of others that depend on it."""
    moves = Migrator()
    yield moves
    moves.to_latest()


@pytest.fixture(autouse=True)
def _celery_join_flag() -> Iterator[None]:
    """Eager tasks run in two threads at once (the race tests) can leave Celery's process-wide "joining would block"
    flag set; a later test that waits for a real worker's result would then be refused. Each test starts with it as
    it found it."""
    before = task_join_will_block()
    yield
    _set_task_join_will_block(before)
