"""The shared test world: users of every role across two villages and two sectors, plus a second township."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tests.factories import (
    AssignmentFactory,
    EnterpriseFactory,
    SectorFactory,
    TownshipFactory,
    UnitFactory,
    UserFactory,
    VillageFactory,
)
from units.models import Enterprise, Role, Sector, Township, Unit, User, Village

PASSWORD = "pw-Liuwei-2024"


@dataclass
class World:
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
    enterprise_other: Enterprise  # the other township
    office: User
    leader: User
    dept_a: User
    dept_b: User
    village_a_officer: User
    village_b_officer: User
    ent_a: User
    ent_b: User
    admin: User
    other_office: User

    def users_by_role(self) -> dict[str, User]:
        return {
            "office": self.office,
            "leadership": self.leader,
            "department": self.dept_a,
            "village": self.village_a_officer,
            "enterprise": self.ent_a,
            "admin": self.admin,
        }


def _user(username: str, role: str, township: Township, **target: object) -> User:
    user: User = UserFactory.create(username=username, full_name=username)
    AssignmentFactory(user=user, role=role, township=township, **target)
    return user


@pytest.fixture
def world(db: None) -> World:
    township = TownshipFactory(name="刘圩镇", code="341324106")
    other = TownshipFactory(name="邻镇", code="341324107")
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
    enterprise_other = EnterpriseFactory(village=other_village, primary_sector=other_sector, name="邻镇工厂")
    admin = _user("admin", Role.ADMIN, township)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return World(
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
    )


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """client_for(user) -> a test client logged in as that user."""

    def login(user: User) -> Client:
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
