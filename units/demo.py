"""Demo data for 刘圩镇: villages, ~150 enterprises and places, one login per role, three supervision groups.

THIS IS DEMO DATA, NOT REAL DATA. Only the shape follows the real town (82.5 km², about 50,000 people,
10 administrative villages with the town government at 刘圩村; in 2019 18 industrial enterprises of which
10 above designated size; 73 shops and supermarkets over 50 m²). The village names other than 刘圩村,
every enterprise name, address, credit code, person and phone number are invented. Everything is generated
deterministically (a seeded `random.Random(2024)`), so loading again finds the same rows and creates nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .credit_code import ALPHABET, make_credit_code
from .models import Assignment, Enterprise, Role, Sector, SupervisionGroup, Township, Unit, User, Village
from .reference import TOWNSHIP_CODE, UNITS, load_reference_data

DEMO_PASSWORD = "Liuwei@2024"  # noqa: S105 - published demo password, refused outside DEBUG by the command
SEED = 2024

VILLAGE_NAMES = ["刘圩村", "大何村", "朱集村", "魏营村", "孙庄村", "张湖村", "后圩村", "新集村", "王桥村", "蒋庙村"]
# Index into VILLAGE_NAMES for readability of the catalogue below.
LW, DH, ZJ, WY, SZ, ZH, HW, XJ, WQ, JM = range(10)

TRADE = "工贸"
COMMERCE = "商贸服务(含餐饮业、住宿业)"
LPG = "液化气"
SCHOOL = "校园"
HEALTH = "医疗卫生托育机构"
ELDERLY = "养老服务"
CONSTRUCTION = "建筑施工"
LIVESTOCK = "畜禽养殖"
FARMING = "农业"
AGRI_MACHINERY = "农机"
FORESTRY = "林业"
WATER = "水利"
POSTAL = "邮政快递"
ROAD_TRANSPORT = "道路运输"
GRAIN = "粮油储备"
FIREWORKS = "烟花爆竹"
FUEL = "成品油流通"
HAZCHEM = "危化品"
SELF_BUILT = "自建房"
SHARED_RENTAL = "群租房"
RECYCLING = "再生资源回收"
CULTURE = "文化旅游场所"
SPORTS = "体育场馆和设施"
FIRE = "消防"
SPECIAL_EQUIPMENT = "特种设备"

# Places whose people are separate persons; elsewhere the owner is principal, controller and fire officer at once.
ORGANISED_SECTORS = {TRADE, SCHOOL, HEALTH, ELDERLY, CONSTRUCTION, FUEL, HAZCHEM, LPG, ROAD_TRANSPORT, GRAIN}


@dataclass(frozen=True)
class Place:
    name: str
    sector: str
    village: int
    others: tuple[str, ...] = ()
    code: bool = True
    above: bool = False
    grade: str = ""
    benchmark: bool = False
    dust: bool = False
    confined: bool = False
    lpg_business: bool = False
    lpg_user: bool = False
    crowded: bool = False
    three_in_one: bool = False
    self_built: bool = False
    # The township unit that runs the place (reference key), which never accepts its rectification (§17).
    operator: str = ""


def _shop(name: str, village: int, *, crowded: bool = False, code: bool = True) -> Place:
    return Place(name, COMMERCE, village, others=(FIRE,) if crowded else (), crowded=crowded, code=code)


def _restaurant(name: str, village: int, *, crowded: bool = False) -> Place:
    return Place(name, COMMERCE, village, others=(LPG,), lpg_user=True, crowded=crowded)


def _school(name: str, village: int) -> Place:
    return Place(name, SCHOOL, village, others=(FIRE,), crowded=True, operator="中心校")


# The enterprise contact's enterprise: industrial, in 刘圩村.
CONTACT_ENTERPRISE = "泗县刘圩鑫源食品有限公司"

INDUSTRY = [
    Place(CONTACT_ENTERPRISE, TRADE, LW, above=True, confined=True, grade=Enterprise.Grade.THREE),
    Place("泗县刘圩丰华面粉有限公司", TRADE, LW, above=True, dust=True, grade=Enterprise.Grade.THREE, benchmark=True),
    Place(
        "泗县刘圩永兴机械制造有限公司",
        TRADE,
        LW,
        others=(SPECIAL_EQUIPMENT,),
        above=True,
        grade=Enterprise.Grade.TWO,
        benchmark=True,
    ),
    Place("泗县华宇服饰有限公司", TRADE, LW, above=True, crowded=True),
    Place("泗县恒泰木业有限公司", TRADE, DH, above=True, dust=True),
    Place("安徽泗州新型建材有限公司", TRADE, ZJ, above=True, grade=Enterprise.Grade.THREE),
    Place("泗县刘圩宏达塑业有限公司", TRADE, WY, above=True),
    Place("泗县金穗米业有限公司", TRADE, SZ, above=True, grade=Enterprise.Grade.SMALL),
    Place("泗县润丰饲料有限公司", TRADE, ZH, above=True, dust=True, confined=True),
    Place("泗县天成纸制品有限公司", TRADE, HW, above=True, confined=True),
    Place("泗县刘圩福源酿造厂", TRADE, XJ, confined=True),
    Place("泗县顺达包装材料厂", TRADE, WQ, grade=Enterprise.Grade.SMALL),
    Place("泗县刘圩兴旺新型墙材厂", TRADE, JM),
    Place("泗县明辉五金加工厂", TRADE, DH, grade=Enterprise.Grade.SMALL),
    Place("泗县刘圩绿源农产品加工有限公司", TRADE, ZJ),
    Place("泗县刘圩鑫盛商品混凝土有限公司", TRADE, WY, others=(SPECIAL_EQUIPMENT,)),
    Place("泗县刘圩嘉禾粮油加工厂", TRADE, SZ),
    Place("泗县瑞丰家具厂", TRADE, ZH),
]

SHOPS = [
    _shop("刘圩镇万家福购物广场", LW, crowded=True),
    _shop("刘圩镇百佳惠超市", LW, crowded=True),
    _shop("刘圩镇乐购生活超市", LW, crowded=True),
    _shop("刘圩镇家家乐超市", LW),
    _shop("刘圩镇惠民平价超市", LW),
    _shop("刘圩镇农贸市场", LW, crowded=True),
    _shop("刘圩镇苏皖家电商场", LW),
    _shop("刘圩镇鸿运建材五金店", LW),
    _shop("刘圩镇丰收农资店", LW),
    _shop("刘圩镇天天鲜水果超市", LW),
    _shop("刘圩镇金鑫宾馆", LW, crowded=True),
    _shop("刘圩镇悦来宾馆", LW, crowded=True),
    _shop("刘圩镇清泉浴池", LW, crowded=True),
    _shop("刘圩镇时尚服装店", LW),
    _shop("刘圩镇名品鞋城", LW),
    _shop("刘圩镇康泰大药房", LW),
    _shop("刘圩镇通讯手机卖场", LW),
    _shop("刘圩镇美家家具城", LW, crowded=True),
    _shop("刘圩镇母婴生活馆", LW),
    _shop("刘圩镇福满堂金店", LW),
    _shop("刘圩镇鑫隆电动车行", LW),
    _shop("刘圩镇永安副食批发部", LW),
    _shop("刘圩镇大何村便民超市", DH),
    _shop("刘圩镇大何村农资服务站", DH),
    _shop("刘圩镇朱集村万家乐超市", ZJ),
    _shop("刘圩镇朱集村百货商店", ZJ, code=False),
    _shop("刘圩镇魏营村惠客多超市", WY),
    _shop("刘圩镇魏营村五金电器店", WY),
    _shop("刘圩镇孙庄村平价超市", SZ),
    _shop("刘圩镇孙庄村农资门市部", SZ),
    _shop("刘圩镇张湖村便民超市", ZH),
    _shop("刘圩镇张湖村日杂百货店", ZH, code=False),
    _shop("刘圩镇后圩村好邻居超市", HW),
    _shop("刘圩镇后圩村建材门市部", HW),
    _shop("刘圩镇新集村新集商贸超市", XJ, crowded=True),
    _shop("刘圩镇新集村家电门市部", XJ),
    _shop("刘圩镇王桥村便民超市", WQ),
    _shop("刘圩镇王桥村农资店", WQ, code=False),
    _shop("刘圩镇蒋庙村便利超市", JM),
    _shop("刘圩镇蒋庙村百货商店", JM),
]

RESTAURANTS = [
    _restaurant("刘圩镇聚福楼饭店", LW, crowded=True),
    _restaurant("刘圩镇好运来大酒店", LW, crowded=True),
    _restaurant("刘圩镇金满堂酒楼", LW, crowded=True),
    _restaurant("刘圩镇老刘家羊肉汤馆", LW),
    _restaurant("刘圩镇泗州土菜馆", LW),
    _restaurant("刘圩镇兰州拉面馆", LW),
    _restaurant("刘圩镇香满园快餐店", LW),
    _restaurant("刘圩镇小胖烧烤店", LW),
    _restaurant("刘圩镇宏福酒家", LW),
    _restaurant("刘圩镇老街面馆", LW),
    _restaurant("刘圩镇学府快餐店", LW),
    _restaurant("刘圩镇一品鲜饺子馆", LW),
    _restaurant("刘圩镇大何村农家饭庄", DH),
    _restaurant("刘圩镇朱集村家常菜馆", ZJ),
    _restaurant("刘圩镇魏营村喜宴大厨房", WY, crowded=True),
    _restaurant("刘圩镇孙庄村农家乐", SZ),
    _restaurant("刘圩镇张湖鱼庄", ZH),
    _restaurant("刘圩镇后圩村小吃部", HW),
    _restaurant("刘圩镇新集老字号烧鸡店", XJ),
    _restaurant("刘圩镇王桥饭店", WQ),
    _restaurant("刘圩镇蒋庙村早餐店", JM),
    _restaurant("刘圩镇新集村牛肉汤馆", XJ),
]

LPG_BUSINESSES = [
    Place("泗县刘圩液化气充装站", LPG, LW, others=(SPECIAL_EQUIPMENT,), lpg_business=True),
    Place("刘圩镇朱集液化气供应点", LPG, ZJ, lpg_business=True),
    Place("刘圩镇新集液化气供应点", LPG, XJ, lpg_business=True),
]

INSTITUTIONS = [
    _school("刘圩中心小学", LW),
    _school("刘圩中学", LW),
    _school("刘圩镇中心幼儿园", LW),
    _school("刘圩镇大何小学", DH),
    _school("刘圩镇魏营小学", WY),
    _school("刘圩镇张湖小学", ZH),
    _school("刘圩镇后圩小学", HW),
    _school("刘圩镇王桥小学", WQ),
    _school("刘圩镇蒋庙小学", JM),
    _school("刘圩镇朱集幼儿园", ZJ),
    _school("刘圩镇孙庄阳光幼儿园", SZ),
    Place("刘圩镇卫生院朱集分院", HEALTH, ZJ, others=(FIRE,), crowded=True, operator="卫生院"),
    Place("刘圩镇卫生院蒋庙分院", HEALTH, JM, others=(FIRE,), crowded=True, operator="卫生院"),
    Place("刘圩镇刘圩村卫生室", HEALTH, LW),
    Place("刘圩镇大何村卫生室", HEALTH, DH),
    Place("刘圩镇魏营村卫生室", HEALTH, WY, code=False),
    Place("刘圩镇孙庄村卫生室", HEALTH, SZ),
    Place("刘圩镇张湖村卫生室", HEALTH, ZH, code=False),
    Place("刘圩镇后圩村卫生室", HEALTH, HW),
    Place("刘圩镇新集村卫生室", HEALTH, XJ),
    Place("刘圩镇王桥村卫生室", HEALTH, WQ, code=False),
    Place("刘圩镇仁和诊所", HEALTH, LW),
    Place("刘圩镇小天使托育园", HEALTH, LW, crowded=True),
    Place("刘圩镇敬老院", ELDERLY, LW, others=(FIRE,), crowded=True),
    Place("刘圩镇孙庄村农村互助幸福院", ELDERLY, SZ, code=False, crowded=True),
    Place("刘圩镇全民健身中心", SPORTS, LW, crowded=True),
]

CONSTRUCTION_SITES = [
    Place("刘圩中学综合楼建设工程项目部", CONSTRUCTION, LW, others=(SPECIAL_EQUIPMENT,)),
    Place("刘圩镇安置小区二期工程项目部", CONSTRUCTION, LW, others=(SPECIAL_EQUIPMENT,)),
    Place("刘圩镇污水处理站提标改造工程项目部", CONSTRUCTION, HW),
    Place("刘圩镇魏营村高标准农田建设项目部", CONSTRUCTION, WY),
]

FARMS = [
    Place("泗县刘圩兴农生猪养殖场", LIVESTOCK, DH, confined=True),
    Place("泗县刘圩丰盛生猪养殖有限公司", LIVESTOCK, ZH, confined=True),
    Place("泗县刘圩金鸡蛋鸡养殖场", LIVESTOCK, ZJ),
    Place("泗县刘圩兴旺肉羊养殖场", LIVESTOCK, WY),
    Place("泗县刘圩鑫牛肉牛养殖专业合作社", LIVESTOCK, WQ),
    Place("泗县刘圩绿野养鸭场", LIVESTOCK, JM),
    Place("泗县刘圩绿丰家庭农场", FARMING, SZ),
    Place("泗县刘圩硕丰种植专业合作社", FARMING, HW),
    Place("泗县刘圩润禾果蔬种植专业合作社", FARMING, XJ),
    Place("泗县刘圩惠农蔬菜种植家庭农场", FARMING, JM),
    Place("泗县刘圩农机专业合作社", AGRI_MACHINERY, LW),
    Place("泗县刘圩丰收农机服务专业合作社", AGRI_MACHINERY, WQ),
    Place("泗县刘圩苗木种植专业合作社", FORESTRY, DH),
    Place("刘圩镇新濉河电灌站", WATER, XJ),
]

LOGISTICS = [
    Place("刘圩镇邮政快递综合服务站", POSTAL, LW),
    Place("泗县刘圩通达物流有限公司", POSTAL, LW, others=(ROAD_TRANSPORT,)),
    Place("刘圩镇大何村快递服务点", POSTAL, DH, code=False),
    Place("刘圩镇新集村快递驿站", POSTAL, XJ, code=False),
    Place("泗县刘圩丰收粮食仓储有限公司", GRAIN, HW, confined=True),
    Place("泗县顺安货运有限公司", ROAD_TRANSPORT, XJ),
    Place("刘圩镇汽车站", ROAD_TRANSPORT, LW, crowded=True),
]

SPECIAL_PLACES = [
    Place("刘圩镇福喜烟花爆竹零售点", FIREWORKS, LW),
    Place("泗县刘圩宏运加油站", FUEL, LW, others=(FIRE,)),
    Place("泗县刘圩华远净水材料有限公司", HAZCHEM, ZJ, others=(TRADE,), confined=True),
    Place("泗县刘圩绿环再生资源回收站", RECYCLING, ZH),
    Place("刘圩镇星空网吧", CULTURE, LW, crowded=True),
    Place("刘圩镇金嗓子KTV", CULTURE, LW, others=(FIRE,), crowded=True),
    Place("刘圩镇工业集中区出租公寓", SHARED_RENTAL, LW, others=(FIRE,), code=False, crowded=True),
    # 经营性自建房: no licence of their own.
    Place("刘圩街东段沿街商住楼", SELF_BUILT, LW, others=(COMMERCE,), code=False, self_built=True),
    Place("人民路沿街自建门面房", SELF_BUILT, LW, others=(COMMERCE,), code=False, self_built=True),
    Place("刘圩街西段自建宾馆", SELF_BUILT, LW, others=(COMMERCE, FIRE), code=False, self_built=True, crowded=True),
    Place("大何村沿街商住房", SELF_BUILT, DH, others=(COMMERCE,), code=False, self_built=True),
    Place("新集村村口商住楼", SELF_BUILT, XJ, others=(COMMERCE,), code=False, self_built=True),
    # "三合一": living, storage and business under one roof.
    Place("刘圩镇老街百货店", COMMERCE, LW, others=(FIRE,), code=False, three_in_one=True),
    Place("刘圩镇鑫达电动车维修部", COMMERCE, LW, others=(FIRE,), code=False, three_in_one=True),
    Place("刘圩镇魏营村便民百货部", COMMERCE, WY, others=(FIRE,), code=False, three_in_one=True),
    Place("刘圩镇后圩村粮油门市部", COMMERCE, HW, others=(FIRE,), three_in_one=True),
]

PLACES: list[Place] = [
    *INDUSTRY,
    *SHOPS,
    *RESTAURANTS,
    *LPG_BUSINESSES,
    *INSTITUTIONS,
    *CONSTRUCTION_SITES,
    *FARMS,
    *LOGISTICS,
    *SPECIAL_PLACES,
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    description: str
    unit: str | None = None  # reference key of the unit
    villages: tuple[int, ...] = ()
    enterprise: str | None = None
    superuser: bool = False


DEMO_USERS = [
    DemoUser("office", "王建国", Role.OFFICE, "镇应急办（安委办）工作人员：全部数据、主数据维护", unit="镇应急办"),
    DemoUser("department", "李卫东", Role.DEPARTMENT, "住建所工作人员：建筑施工、液化气、自建房等行业", unit="住建所"),
    DemoUser("village", "张秀兰", Role.VILLAGE, "包村干部：刘圩村、大何村", villages=(LW, DH)),
    # The enterprise contact is that enterprise's safety manager: name and phone come from the plan.
    DemoUser(
        "enterprise", "", Role.ENTERPRISE, f"企业安全管理人员：{CONTACT_ENTERPRISE}", enterprise=CONTACT_ENTERPRISE
    ),
    DemoUser("leader", "赵文华", Role.LEADERSHIP, "分管安全生产副镇长，第一督导组组长"),
    DemoUser("leader2", "孙立新", Role.LEADERSHIP, "镇领导，第二督导组组长"),
    DemoUser("leader3", "周海峰", Role.LEADERSHIP, "镇领导，第三督导组组长"),
    DemoUser("jiwei", "马丽", Role.DEPARTMENT, "镇纪委工作人员，各督导组成员", unit="镇纪委"),
    DemoUser("admin", "徐磊", Role.ADMIN, "系统管理员（含 Django 后台）", superuser=True),
    DemoUser("custodian", "陈静", Role.REPORT_CUSTODIAN, "举报保密员：群众举报及举报人身份（仅此）"),
]


@dataclass(frozen=True)
class DemoGroup:
    name: str
    leader: str
    members: tuple[str, ...]
    villages: tuple[int, ...]


DEMO_GROUPS = [
    DemoGroup("第一督导组", "leader", ("office", "jiwei"), (LW, DH, ZJ, WY)),
    DemoGroup("第二督导组", "leader2", ("department", "jiwei"), (SZ, ZH, HW)),
    DemoGroup("第三督导组", "leader3", ("village", "jiwei"), (XJ, WQ, JM)),
]


@dataclass
class DemoResult:
    villages: int = 0
    enterprises: int = 0
    users: int = 0
    assignments: int = 0
    groups: int = 0
    # (username, role label, description)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


# -- deterministic generation (no database) ------------------------------------------------

SURNAMES = "刘王张李陈杨赵孙朱周魏蒋何徐马胡吴郭高黄丁姚邵"
GIVEN = "建国明华军伟强勇刚平芳红丽敏静海峰杰涛磊超波辉林东文德玉兰秀志春永成学庆立新宏光"
STREETS = ["刘圩街", "人民路", "振兴路", "S303省道刘圩段"]
MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + [f"15{d}" for d in "01235789"] + [f"18{d}" for d in range(10)]


@dataclass(frozen=True)
class Person:
    name: str
    phone: str


@dataclass(frozen=True)
class PlannedEnterprise:
    place: Place
    credit_code: str | None
    address: str
    principal: Person
    controller: Person
    safety_manager: Person
    fire_officer: Person


def _person(rng: random.Random) -> Person:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    phone = rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))
    return Person(rng.choice(SURNAMES) + given, phone)


def _credit_code(rng: random.Random, taken: set[str]) -> str:
    while True:
        # "4" completes the division code 341324 (泗县) in characters 3–8.
        code = make_credit_code("9134132" + "4" + "".join(rng.choice(ALPHABET) for _ in range(9)))
        if code not in taken:
            taken.add(code)
            return code


def _address(rng: random.Random, place: Place) -> str:
    village = VILLAGE_NAMES[place.village]
    if place.village == LW:
        street = "刘圩工业集中区" if place.sector == TRADE else rng.choice(STREETS)
        return f"泗县刘圩镇{village}{street}{rng.randint(1, 199)}号"
    return f"泗县刘圩镇{village}{rng.randint(1, 12)}组"


def plan_enterprises(seed: int = SEED) -> list[PlannedEnterprise]:
    """The catalogue with codes, addresses and people filled in; the same on every call."""
    rng = random.Random(seed)
    taken: set[str] = set()
    planned = []
    for place in PLACES:
        code = _credit_code(rng, taken) if place.code else None
        address = _address(rng, place)
        principal = _person(rng)
        if place.sector in ORGANISED_SECTORS or place.above:
            controller, safety, fire = _person(rng), _person(rng), principal
        else:
            controller = safety = fire = principal
        planned.append(PlannedEnterprise(place, code, address, principal, controller, safety, fire))
    return planned


# -- loading ----------------------------------------------------------------------------------


@transaction.atomic
def load_demo_data(*, password: str = DEMO_PASSWORD) -> DemoResult:
    """Create the demo data set; what already exists is left exactly as it is.

    1. Reference data (township, units, sectors).
    2. The ten villages, by division code.
    3. The enterprises and places, by credit code (or by name and village when they have none).
    4. One user per role plus further leaders and a discipline-office member, by username, with assignments.
    5. Three supervision groups, by name; members, villages and units only when the group is new.
    6. The county and a second, invented township with their people (units.demo_county).
    """
    # demo_county builds on this module's catalogue and helpers, so it is imported only once this one is loaded.
    from .demo_county import load_county_demo_data

    load_reference_data()
    township = Township.objects.get(code=TOWNSHIP_CODE)
    result = DemoResult()
    villages = _load_villages(township, result)
    planned = plan_enterprises()
    enterprises = _load_enterprises(township, villages, planned, result)
    units = {u.ref_key: u for u in Unit.objects.filter(township=township).exclude(ref_key="")}
    contact = next(p for p in planned if p.place.name == CONTACT_ENTERPRISE).safety_manager
    users = _load_users(township, villages, units, enterprises, contact, password, result)
    _load_groups(township, villages, units, users, result)
    load_county_demo_data(demo_township=township, set_password=_password_setter(password), result=result)
    return result


def _load_villages(township: Township, result: DemoResult) -> list[Village]:
    villages = []
    for number, name in enumerate(VILLAGE_NAMES, start=201):
        code = f"{township.code}{number}"
        # By code first; by name too, so a village the office entered with another code is not duplicated.
        village = (
            Village.objects.filter(code=code).first() or Village.objects.filter(township=township, name=name).first()
        )
        if village is None:
            village = Village.objects.create(township=township, name=name, code=code)
            result.villages += 1
        villages.append(village)
    return villages


def _load_enterprises(
    township: Township, villages: list[Village], planned: list[PlannedEnterprise], result: DemoResult
) -> dict[str, Enterprise]:
    sectors = {s.ref_key: s for s in Sector.objects.filter(township=township).exclude(ref_key="")}
    codes = [p.credit_code for p in planned if p.credit_code]
    by_code = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    by_name = {
        (e.name, e.village_id): e
        for e in Enterprise.objects.filter(township=township, name__in=[p.place.name for p in planned])
    }
    enterprises: dict[str, Enterprise] = {}
    for plan in planned:
        village = villages[plan.place.village]
        found = by_code.get(plan.credit_code) if plan.credit_code else by_name.get((plan.place.name, village.pk))
        if found is None:
            found = _create_enterprise(township, village, sectors, plan)
            result.enterprises += 1
        enterprises[plan.place.name] = found
    return enterprises


def _create_enterprise(
    township: Township, village: Village, sectors: dict[str, Sector], plan: PlannedEnterprise
) -> Enterprise:
    place = plan.place
    enterprise = Enterprise.objects.create(
        township=township,
        village=village,
        name=place.name,
        credit_code=plan.credit_code,
        primary_sector=sectors[place.sector],
        address=plan.address,
        principal_name=plan.principal.name,
        principal_phone=plan.principal.phone,
        controller_name=plan.controller.name,
        controller_phone=plan.controller.phone,
        safety_manager_name=plan.safety_manager.name,
        safety_manager_phone=plan.safety_manager.phone,
        fire_officer_name=plan.fire_officer.name,
        fire_officer_phone=plan.fire_officer.phone,
        is_above_scale=place.above,
        is_dust_explosion=place.dust,
        is_confined_space=place.confined,
        is_lpg_business=place.lpg_business,
        is_lpg_user=place.lpg_user,
        is_crowded_place=place.crowded,
        is_three_in_one=place.three_in_one,
        is_self_built_house=place.self_built,
        standardisation_grade=place.grade,
        is_benchmark=place.benchmark,
        operated_by=Unit.objects.filter(township=township, ref_key=place.operator).first() if place.operator else None,
    )
    if place.others:
        enterprise.other_sectors.set([sectors[name] for name in place.others])
    return enterprise


def _load_users(
    township: Township,
    villages: list[Village],
    units: dict[str, Unit],
    enterprises: dict[str, Enterprise],
    contact: Person,
    password: str,
    result: DemoResult,
) -> dict[str, User]:
    rng = random.Random(SEED + 1)
    set_password = _password_setter(password)
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        person = contact if spec.role == Role.ENTERPRISE else Person(spec.full_name, _person(rng).phone)
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                full_name=person.name,
                phone=person.phone,
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            set_password(user)
            user.save()
            result.users += 1
        users[spec.username] = user
        for target in _assignment_targets(spec, villages, units, enterprises):
            _, created = Assignment.objects.get_or_create(user=user, role=spec.role, township=township, **target)
            result.assignments += created
        result.logins.append((spec.username, str(spec.role.label), spec.description))
    return users


def _assignment_targets(
    spec: DemoUser, villages: list[Village], units: dict[str, Unit], enterprises: dict[str, Enterprise]
) -> list[dict[str, Any]]:
    """One assignment per village covered; otherwise one, naming the unit or enterprise the role requires."""
    if spec.villages:
        return [{"village": villages[i]} for i in spec.villages]
    if spec.unit:
        return [{"unit": units[spec.unit]}]
    if spec.enterprise:
        return [{"enterprise": enterprises[spec.enterprise]}]
    return [{}]


def _password_setter(password: str) -> Callable[[User], None]:
    """set_password on the first new user, its hash reused for the rest.

    Hashing with the production hasher takes ~0.5 s per call; the demo accounts share one password anyway.
    """
    hashed: list[str] = []

    def apply(user: User) -> None:
        if hashed:
            user.password = hashed[0]
        else:
            user.set_password(password)
            hashed.append(user.password)

    return apply


def _load_groups(
    township: Township, villages: list[Village], units: dict[str, Unit], users: dict[str, User], result: DemoResult
) -> None:
    # Every unit but the discipline office (it sits in every group) is covered by exactly one group.
    covered = [units[name] for name, *_ in UNITS if name in units and name != "镇纪委"]
    for index, spec in enumerate(DEMO_GROUPS):
        group, created = SupervisionGroup.objects.get_or_create(
            township=township, name=spec.name, defaults={"leader": users[spec.leader]}
        )
        if created:
            group.members.set([users[name] for name in spec.members])
            group.villages.set([villages[i] for i in spec.villages])
            group.units.set(covered[index :: len(DEMO_GROUPS)])
            result.groups += 1
