"""factory_boy factories for the organisation."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from units.access import CURRENT_TOWNSHIP_KEY
from units.credit_code import ALPHABET, make_credit_code
from units.models import (
    Assignment,
    County,
    CountyDepartment,
    Enterprise,
    Role,
    Sector,
    SupervisionGroup,
    Township,
    Unit,
    User,
    Village,
)

_codes = itertools.count(1)


def next_credit_code() -> str:
    n = next(_codes)
    body = ""
    for _ in range(10):
        n, r = divmod(n, len(ALPHABET))
        body = ALPHABET[r] + body
    return make_credit_code("9134132" + body)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    name = "泗县"
    code = "341324"


class CountyDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountyDepartment

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"县测试局{n}")
    sector_names = "建筑施工"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("code",)

    name = "刘圩镇"
    code = factory.Sequence(lambda n: f"3413241{n:02d}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"测试{n}村")
    code = factory.Sequence(lambda n: f"3413241{n % 100000:05d}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"测试站{n}")
    kind = Unit.Kind.STATION
    duty_kind = "supervision"


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"测试行业{n}")
    lead_unit = factory.SubFactory(UnitFactory, township=factory.SelfAttribute("..township"))


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    village = factory.SubFactory(VillageFactory)
    township = factory.SelfAttribute("village.township")
    name = factory.Sequence(lambda n: f"泗县刘圩测试{n}有限公司")
    credit_code = factory.LazyFunction(next_credit_code)
    primary_sector = factory.SubFactory(SectorFactory, township=factory.SelfAttribute("..township"))
    address = "刘圩镇"
    principal_name = "张三"
    principal_phone = "13800000001"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Liuwei-2024")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICE
    township = factory.SubFactory(TownshipFactory)


class SupervisionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionGroup

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}督导组")
    leader = factory.SubFactory(UserFactory)


class HazardFactory(factory.django.DjangoModelFactory):
    """A hazard in a given state; pass village/sector/enterprise from the world."""

    class Meta:
        model = "hazards.Hazard"

    village = factory.SubFactory(VillageFactory)
    township = factory.SelfAttribute("village.township")
    sector = factory.SubFactory(SectorFactory, township=factory.SelfAttribute("..township"))
    lead_unit = factory.SelfAttribute("sector.lead_unit")
    title = factory.Sequence(lambda n: f"消防通道堵塞{n}")
    description = "安全出口被货物堵塞"
    hazard_type = "fire"
    level = "general"
    channel = "department"
    status = "reported"
    found_on = factory.LazyFunction(timezone.localdate)


def office_in_a_second_township(user: User, *, name: str = "周庄镇", code: str = "341324199") -> Township:
    """A second township, with its own safety office unit (周庄镇安监站) and a village, whose office `user` runs too."""
    township: Township = TownshipFactory.create(name=name, code=code)
    UnitFactory.create(township=township, name=f"{name}安监站", is_safety_office=True)
    VillageFactory.create(township=township, name=f"{name.removesuffix('镇')}村")
    AssignmentFactory.create(user=user, role=Role.OFFICE, township=township)
    return township


def act_in(client: Any, township: Township) -> None:
    """Pick the township the client's user acts in (as the township picker does), for the session."""
    session = client.session
    session[CURRENT_TOWNSHIP_KEY] = township.pk
    session.save()


# -- readiness: training and certificates ----------------------------------------------------------------------


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "readiness.TrainingSession"

    township = factory.SubFactory(TownshipFactory)
    held_on = dt.date(2024, 6, 1)
    topic = factory.Sequence(lambda n: f"安全培训{n}")
    organiser = factory.SubFactory(UnitFactory, township=factory.SelfAttribute("..township"))
    hours = Decimal("2.0")
    created_by = factory.SubFactory(UserFactory)


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "readiness.Attendee"

    session = factory.SubFactory(TrainingSessionFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "张三"
    role = "principal"
    created_by = factory.SelfAttribute("session.created_by")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "readiness.Certificate"

    enterprise = factory.SubFactory(EnterpriseFactory)
    township = factory.SelfAttribute("enterprise.township")
    holder = "李四"
    operation = "electrical"
    number = factory.Sequence(lambda n: f"T3413{n:013d}")
    issued_on = dt.date(2024, 3, 1)
    expires_on = dt.date(2030, 2, 28)
    created_by = factory.SubFactory(UserFactory)
