"""Demo data beyond the demo township: the county (泗县) with its bureau and a county department, and a second,
INVENTED township (示例镇（演示虚构）) with a few villages, units, sectors, enterprises and people.

THIS IS DEMO DATA, NOT REAL DATA. The second township, its villages, enterprises and every person are invented; its
villages, units and sectors come from its reference file (units/reference_data/341324990.json). Loading again
finds every row and creates nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .demo import (
    SEED,
    DemoResult,
    Place,
    PlannedEnterprise,
    _create_enterprise,
    _credit_code,
    _person,
    plan_enterprises,
)
from .models import Assignment, CountyDepartment, Enterprise, Role, Sector, Township, User, Village
from .reference import find_reference, load_reference_data

INVENTED_TOWNSHIP_CODE = "341324990"


@dataclass(frozen=True)
class InventedPlace:
    name: str
    sector: str  # reference key in the invented township
    village: int  # index into its reference file's villages
    above: bool = False
    lpg_user: bool = False
    crowded: bool = False


INVENTED_PLACES = [
    InventedPlace("示例镇虚构机械厂（演示）", "工贸", 0, above=True),
    InventedPlace("示例镇虚构粮食加工厂（演示）", "工贸", 1),
    InventedPlace("示例镇虚构超市（演示）", "商贸服务", 0, crowded=True),
    InventedPlace("示例镇虚构饭店（演示）", "商贸服务", 1, lpg_user=True),
    InventedPlace("示例镇虚构安置房工地（演示）", "房屋建筑施工", 2),
    InventedPlace("示例镇虚构家庭农场（演示）", "农业", 2),
]


@dataclass(frozen=True)
class CountyDemoUser:
    username: str
    full_name: str
    role: Role
    description: str
    # Where the role is held: "county", "department", or a township's code with a village index (or None).
    township: str = ""
    village: int | None = None


COUNTY_DEPARTMENT = "县住建局"
COUNTY_DEPARTMENT_SECTORS = ("建筑施工", "液化气", "自建房", "群租房", "大跨度建(构)筑物")

COUNTY_USERS = [
    CountyDemoUser("county", "吴志强", Role.COUNTY, "县应急管理局工作人员：全县各乡镇数据（只读），县级挂牌督办"),
    CountyDemoUser(
        "county_dept", "郭明华", Role.COUNTY_DEPARTMENT, "县住建局工作人员：全县建筑施工、液化气等行业（只读）"
    ),
    CountyDemoUser(
        "shili_office", "高海涛", Role.OFFICE, "示例镇（演示虚构）应急办工作人员", township=INVENTED_TOWNSHIP_CODE
    ),
    CountyDemoUser(
        "shili_village",
        "丁秀芳",
        Role.VILLAGE,
        "示例镇（演示虚构）包村干部：东岗村",
        township=INVENTED_TOWNSHIP_CODE,
        village=0,
    ),
]
# A person who runs the invented township's office and is also 包村干部 in the demo township: picks one in the header.
TWO_TOWNSHIPS_USER = "two_townships"


def load_county_demo_data(*, demo_township: Township, set_password: Callable[[User], None], result: DemoResult) -> None:
    """1. The invented township from its reference file (it puts the township in the county).
    2. The demo township into the same county; the county department.
    3. The invented township's enterprises, by name and village.
    4. The county's and the invented township's people, and the person who works in both townships."""
    reference = find_reference(INVENTED_TOWNSHIP_CODE)
    if reference is None:
        raise LookupError(f"the reference file of the invented township {INVENTED_TOWNSHIP_CODE} is missing")
    load_reference_data(reference)
    township = Township.objects.select_related("county").get(code=INVENTED_TOWNSHIP_CODE)
    county = township.county
    if county is None:
        raise LookupError(f"the reference file of {INVENTED_TOWNSHIP_CODE} names no county")
    if demo_township.county_id is None:
        demo_township.county = county
        demo_township.save(update_fields=["county"])
    department, _ = CountyDepartment.objects.get_or_create(
        county=county, name=COUNTY_DEPARTMENT, defaults={"sector_names": "\n".join(COUNTY_DEPARTMENT_SECTORS)}
    )
    villages = [Village.objects.get(code=code) for _name, code in reference.villages]
    _load_invented_enterprises(township, villages, result)
    for spec in COUNTY_USERS:
        user = _demo_user(spec.username, spec.full_name, set_password, result)
        target: dict[str, Any]
        if spec.role == Role.COUNTY:
            target = {"county": county}
        elif spec.role == Role.COUNTY_DEPARTMENT:
            target = {"county_department": department}
        else:
            target = {"township": township, "village": villages[spec.village] if spec.village is not None else None}
        _assign(user, spec.role, target, result)
        result.logins.append((spec.username, str(spec.role.label), spec.description))
    _load_two_townships_user(township, demo_township, set_password, result)


def _load_invented_enterprises(township: Township, villages: list[Village], result: DemoResult) -> None:
    sectors = {s.ref_key: s for s in Sector.objects.filter(township=township).exclude(ref_key="")}
    rng = random.Random(SEED + 2)  # noqa: S311 - demo data, nothing secret
    taken = {p.credit_code for p in plan_enterprises() if p.credit_code}
    for place in INVENTED_PLACES:
        village = villages[place.village]
        people = [_person(rng) for _ in range(2)]
        code = _credit_code(rng, taken)
        if Enterprise.objects.filter(township=township, name=place.name, village=village).exists():
            continue
        plan = PlannedEnterprise(
            place=_as_place(place),
            credit_code=code,
            address=f"泗县示例镇（虚构）{village.name}{rng.randint(1, 12)}组",
            principal=people[0],
            controller=people[0],
            safety_manager=people[1],
            fire_officer=people[0],
        )
        _create_enterprise(township, village, sectors, plan)
        result.enterprises += 1


def _as_place(place: InventedPlace) -> Place:
    others = ("液化气",) if place.lpg_user else ()
    return Place(
        place.name,
        place.sector,
        place.village,
        others=others,
        above=place.above,
        lpg_user=place.lpg_user,
        crowded=place.crowded,
    )


def _demo_user(username: str, full_name: str, set_password: Callable[[User], None], result: DemoResult) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        rng = random.Random(f"{SEED}-{username}")  # noqa: S311 - demo data, nothing secret
        user = User(username=username, full_name=full_name, phone=_person(rng).phone)
        set_password(user)
        user.save()
        result.users += 1
    return user


def _assign(user: User, role: str, target: dict[str, Any], result: DemoResult) -> None:
    _, created = Assignment.objects.get_or_create(user=user, role=role, **target)
    result.assignments += created


def _load_two_townships_user(
    township: Township, demo_township: Township, set_password: Callable[[User], None], result: DemoResult
) -> None:
    user = _demo_user(TWO_TOWNSHIPS_USER, "蒋春林", set_password, result)
    home_village = Village.objects.filter(township=demo_township).order_by("code").first()
    _assign(user, Role.OFFICE, {"township": township}, result)
    if home_village is not None:
        _assign(user, Role.VILLAGE, {"township": demo_township, "village": home_village}, result)
    description = f"两个乡镇：{township.name}应急办、{demo_township.name}包村干部（页眉切换乡镇）"
    result.logins.append((TWO_TOWNSHIPS_USER, str(Role.OFFICE.label), description))
