"""Fill the database with realistic demo hazards for load tests (SPEC S2: the register must stay fast at scale).

THIS IS LOAD-TEST DATA, NOT REAL DATA. Rows are written with bulk inserts in batches and without history rows
(simple_history records nothing for bulk_create); each hazard gets one event saying it was generated.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.ledger_import import hazard_type_for
from hazards.models import Channel, Hazard, HazardEvent, HazardType, Level, Status
from hazards.numbering import NumberBook, is_numbered_status, registration_year
from units.models import Enterprise, Sector, Township, Village
from units.offices import township_short_name, township_unit_name
from units.reference import TOWNSHIP_CODE, township_named

START = dt.date(2023, 1, 1)
MAJOR_SHARE = 0.10
NO_ENTERPRISE_SHARE = 0.2
CHANNEL_WEIGHTS = {
    Channel.SELF_REPORT: 20,
    Channel.SUPERVISION: 20,
    Channel.DEPARTMENT: 30,
    Channel.ENFORCEMENT: 15,
    Channel.PUBLIC: 8,
    Channel.ASSIGNED: 7,
}
DEADLINE_DAYS = (7, 15, 30, 30, 45, 60, 90)
SURNAMES = "刘王张李陈杨赵孙朱周魏蒋何徐马胡吴郭高黄"
GIVEN = "建国明华军伟强勇刚平芳红丽敏静海峰杰涛磊超波辉林东文德玉兰秀志春永成学庆立新宏光"


@dataclass(frozen=True)
class Problem:
    """One kind of hazard as inspectors write it up: title, what was found, the standard, the fix."""

    title: str
    description: str
    basis: str
    measures: str


FIRE_STANDARD = "《重大火灾隐患判定方法》（GB 35181-2017）"
GAS_STANDARD = "《城镇燃气经营安全重大隐患判定标准》"
BUILD_STANDARD = "《房屋市政工程生产安全重大事故隐患判定标准》"
TRADE_STANDARD = "《工贸企业重大事故隐患判定标准》"
HAZCHEM_STANDARD = "《危险化学品企业重大事故隐患判定标准》"
ROAD_STANDARD = "《中华人民共和国道路交通安全法》"
FIREWORKS_STANDARD = "《烟花爆竹零售经营安全规范》"

PROBLEMS: dict[str, list[Problem]] = {
    HazardType.FIRE: [
        Problem(
            "安全出口锁闭", "安全出口上锁，发生火灾时无法正常开启", FIRE_STANDARD, "立即拆除锁具，保持安全出口畅通"
        ),
        Problem("疏散通道堵塞", "疏散通道堆放货物和杂物，有效宽度不足", FIRE_STANDARD, "清理通道内堆放物品"),
        Problem(
            "灭火器过期", "配置的灭火器已超过有效期，压力指针位于红区", "《建筑灭火器配置设计规范》", "更换合格灭火器"
        ),
        Problem("消火栓缺少水带水枪", "室内消火栓箱内水带、水枪缺失，无法正常使用", FIRE_STANDARD, "配齐水带水枪"),
        Problem(
            "电动自行车违规充电",
            "电动自行车在楼道和安全出口处停放充电",
            "《高层民用建筑消防安全管理规定》",
            "设置集中充电区",
        ),
        Problem("应急照明失效", "疏散指示标志和应急照明灯损坏不亮", FIRE_STANDARD, "维修更换应急照明和疏散指示"),
        Problem("电气线路私拉乱接", "电气线路私拉乱接，未穿管保护", "《低压配电设计规范》", "由电工重新敷设线路并穿管"),
        Problem(
            "“三合一”场所住人",
            "生产、储存、经营场所与员工住宿设置在同一建筑内",
            FIRE_STANDARD,
            "住宿人员搬离，实施防火分隔",
        ),
    ],
    HazardType.GAS: [
        Problem("未安装可燃气体报警装置", "厨房使用液化气未安装可燃气体报警装置", GAS_STANDARD, "安装可燃气体报警装置"),
        Problem("液化气软管老化", "液化气钢瓶连接软管老化龟裂，长度超过2米", GAS_STANDARD, "更换金属波纹管"),
        Problem("未安装紧急切断阀", "餐饮场所用气未安装燃气紧急切断阀", GAS_STANDARD, "加装紧急切断阀并与报警器联动"),
        Problem("使用过期钢瓶", "使用超过检验期限的液化石油气钢瓶", GAS_STANDARD, "退回过期钢瓶，使用合格气瓶"),
        Problem(
            "钢瓶存放位置不当", "液化气钢瓶存放在地下室和人员密集处", GAS_STANDARD, "将钢瓶移至通风良好的独立气瓶间"
        ),
    ],
    HazardType.HAZCHEM: [
        Problem("危化品超量储存", "危险化学品储存量超过仓库设计储量", HAZCHEM_STANDARD, "清理超量物品，按设计储量储存"),
        Problem("仓库未设防泄漏设施", "危险化学品仓库未设置防泄漏围堰", HAZCHEM_STANDARD, "修建防泄漏围堰"),
        Problem("静电接地失效", "易燃液体储罐静电接地装置损坏", HAZCHEM_STANDARD, "修复静电接地并检测"),
        Problem("未落实双人双锁", "剧毒化学品未执行双人收发、双人保管制度", HAZCHEM_STANDARD, "建立双人双锁管理制度"),
    ],
    HazardType.ROAD: [
        Problem("农用车违法载人", "农用三轮车违法载人通行", ROAD_STANDARD, "劝导教育并依法处罚"),
        Problem(
            "临水路段缺少护栏", "临水临沟路段未设置护栏和警示标志", "《公路安全保护条例》", "增设波形护栏和警示标志"
        ),
        Problem(
            "交叉路口视距不良", "村道交叉路口树木遮挡视线，未设减速带", "《公路安全保护条例》", "修剪树木，设置减速带"
        ),
        Problem("变型拖拉机上路行驶", "变型拖拉机未淘汰，仍上路行驶", ROAD_STANDARD, "督促报废淘汰"),
        Problem(
            "车辆动态监控失效",
            "营运车辆卫星定位装置不在线，动态监控缺失",
            "《道路运输车辆动态监督管理办法》",
            "维修监控终端",
        ),
    ],
    HazardType.CONSTRUCTION: [
        Problem("脚手架未设连墙件", "外脚手架未按规定设置连墙件", BUILD_STANDARD, "按方案补设连墙件"),
        Problem("基坑未设临边防护", "深基坑周边未设置临边防护栏杆", BUILD_STANDARD, "设置防护栏杆和警示标志"),
        Problem("塔吊限位装置失效", "塔式起重机起重量限制器失效", BUILD_STANDARD, "停止使用，修复限位装置并检测"),
        Problem("高处作业未系安全带", "作业人员高处作业未系挂安全带", BUILD_STANDARD, "停工整顿，开展安全教育"),
        Problem("模板支撑未经验算", "高大模板支撑体系无专项施工方案", BUILD_STANDARD, "编制专项方案并组织论证"),
        Problem(
            "临时用电不规范",
            "施工现场临时用电未做到三级配电两级保护",
            "《施工现场临时用电安全技术规范》",
            "整改配电系统",
        ),
    ],
    HazardType.INDUSTRY: [
        Problem("除尘系统不规范", "粉尘涉爆除尘系统未设置锁气卸灰装置", TRADE_STANDARD, "加装锁气卸灰装置"),
        Problem(
            "有限空间作业未审批", "有限空间未设置警示标识，作业未执行审批", TRADE_STANDARD, "设置警示标识，落实作业审批"
        ),
        Problem("设备防护罩缺失", "机械设备传动部位防护罩缺失", "《机械安全 防护装置》", "加装防护罩"),
        Problem(
            "特种作业人员无证上岗",
            "电工、焊工无特种作业操作证上岗作业",
            "《特种作业人员安全技术培训考核管理规定》",
            "停止作业，送培取证",
        ),
        Problem("叉车未定期检验", "场内机动车辆超期未检验", "《特种设备安全法》", "报检并取得合格证"),
    ],
    HazardType.FIREWORKS: [
        Problem("零售点与居住场所未隔离", "烟花爆竹零售点与居住场所未有效隔离", FIREWORKS_STANDARD, "实施有效隔离"),
        Problem("烟花爆竹超量储存", "零售点超量储存烟花爆竹", FIREWORKS_STANDARD, "清理超量产品"),
        Problem("店外摆放烟花爆竹", "在店外摆放销售烟花爆竹", FIREWORKS_STANDARD, "收回店内规范摆放"),
    ],
    HazardType.OTHER: [
        Problem(
            "自建房擅自拆改承重结构", "经营性自建房擅自拆改承重墙", "《经营性自建房安全管理规定》", "委托鉴定并加固"
        ),
        Problem("外墙广告牌松动", "外墙广告牌固定件锈蚀松动", "《城市户外广告设施技术规范》", "拆除或加固广告牌"),
        Problem("河道护栏缺失", "河道临水步道护栏缺失", "《水利工程管理条例》", "补设护栏"),
        Problem("电梯超期未检", "电梯定期检验已过期", "《特种设备安全法》", "停用并报检"),
        Problem("农机带病作业", "收割机制动失灵仍下田作业", "《农业机械安全监督管理条例》", "停止作业并维修"),
    ],
}
# Hazards of no enterprise: a road, a self-built house, a street stall.
OPEN_AIR = [
    (HazardType.ROAD, "道路交通", "{village}村道"),
    (HazardType.ROAD, "道路交通", "S303省道{town}段"),
    (HazardType.OTHER, "自建房", "{village}经营性自建房"),
    (HazardType.FIRE, "消防", "{village}居民楼"),
    (HazardType.GAS, "液化气", "{village}集市流动摊点"),
    (HazardType.CONSTRUCTION, "建筑施工", "{village}农村自建房施工现场"),
]
TYPE_SECTORS = {
    HazardType.FIRE: "消防",
    HazardType.GAS: "液化气",
    HazardType.HAZCHEM: "危化品",
    HazardType.ROAD: "道路交通",
    HazardType.CONSTRUCTION: "建筑施工",
    HazardType.INDUSTRY: "工贸",
    HazardType.FIREWORKS: "烟花爆竹",
}


@dataclass(frozen=True)
class Place:
    enterprise_id: int | None
    name: str
    village: Village
    sector: Sector
    hazard_type: str


class World:
    """One township's villages, sectors and enterprises, loaded once."""

    def __init__(self, township: Township) -> None:
        self.township = township
        self.town = township_short_name(township.name)  # the short name roads are signed with (…段)
        self.villages = list(Village.objects.filter(township=township, is_active=True).order_by("pk"))
        sectors = list(Sector.objects.filter(township=township, is_active=True).select_related("lead_unit"))
        self.sectors = {s.pk: s for s in sectors}
        self.by_key = {s.ref_key or s.name: s for s in sectors}
        self.enterprises: dict[int, list[Enterprise]] = {}
        qs = Enterprise.objects.filter(township=township, is_active=True).order_by("pk")
        for enterprise in qs.only("pk", "name", "village_id", "primary_sector_id", "is_lpg_user", "is_lpg_business"):
            self.enterprises.setdefault(enterprise.village_id, []).append(enterprise)

    def place(self, rng: random.Random) -> Place:
        village = rng.choice(self.villages)
        candidates = self.enterprises.get(village.pk)
        if not candidates or rng.random() < NO_ENTERPRISE_SHARE:
            hazard_type, sector_key, where = rng.choice(OPEN_AIR)
            sector = self.by_key.get(sector_key) or rng.choice(list(self.sectors.values()))
            return Place(None, where.format(village=village.name, town=self.town), village, sector, hazard_type)
        enterprise = rng.choice(candidates)
        own = self.sectors[enterprise.primary_sector_id]
        roll = rng.random()
        # A fire hazard in a factory is 消防 → 派出所, not the factory's sector (SPEC S2).
        if roll < 0.35:
            hazard_type = HazardType.FIRE
        elif roll < 0.55 and (enterprise.is_lpg_user or enterprise.is_lpg_business):
            hazard_type = HazardType.GAS
        else:
            hazard_type = hazard_type_for(own)
        sector = self.by_key.get(TYPE_SECTORS.get(hazard_type, ""), own) if hazard_type != hazard_type_for(own) else own
        return Place(enterprise.pk, enterprise.name, village, sector, hazard_type)


def _aware(day: dt.date, rng: random.Random, now: dt.datetime) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    return min(timezone.make_aware(moment, timezone.get_default_timezone()), now)


@dataclass
class Clock:
    today: dt.date
    now: dt.datetime
    stock_cutoff: dt.date  # the township's 存量/增量 date

    def days(self, start: dt.date, end: dt.date) -> int:
        return (end - start).days

    def add(self, day: dt.date, days: int) -> dt.date:
        return min(day + dt.timedelta(days=days), self.today)


def lifecycle(rng: random.Random, found_on: dt.date, clock: Clock) -> dict[str, Any]:
    """A status consistent with the dates: older hazards are mostly closed, stock (pre-2024) almost all."""
    age = clock.days(found_on, clock.today)
    confirmed_at = _aware(clock.add(found_on, rng.randint(0, 2)), rng, clock.now)
    deadline = found_on + dt.timedelta(days=rng.choice(DEADLINE_DAYS))
    if age > 3 and rng.random() < 0.02:
        return {"status": Status.DISMISSED}
    done_share = 0.96 if found_on < clock.stock_cutoff else min(0.9, age / 150)
    if rng.random() < done_share:
        return _finished(rng, found_on, deadline, confirmed_at, clock)
    if age <= 3 and rng.random() < 0.6:
        return {"status": Status.REPORTED}
    if rng.random() < 0.15:
        return {"status": Status.CONFIRMED, "confirmed_at": confirmed_at}
    # Deadlines already past make the overdue hazards the office must see at once.
    return {"status": Status.RECTIFYING, "confirmed_at": confirmed_at, "deadline": deadline}


def _finished(
    rng: random.Random, found_on: dt.date, deadline: dt.date, confirmed_at: dt.datetime, clock: Clock
) -> dict[str, Any]:
    age = clock.days(found_on, clock.today)
    # Most finish by the deadline, some late: the on-time rate is not 100 %.
    limit = max(0, min(age, clock.days(found_on, deadline) + (20 if rng.random() < 0.15 else 0)))
    completed_on = found_on + dt.timedelta(days=rng.randint(0, limit))
    values = {"confirmed_at": confirmed_at, "deadline": deadline, "completed_on": completed_on}
    roll = rng.random()
    if roll < 0.08:
        return {**values, "status": Status.PENDING_ACCEPTANCE}
    verified_at = max(_aware(clock.add(completed_on, rng.randint(0, 5)), rng, clock.now), confirmed_at)
    if roll < 0.16:
        return {**values, "status": Status.VERIFIED, "verified_at": verified_at}
    closed_at = max(_aware(clock.add(verified_at.date(), rng.randint(0, 3)), rng, clock.now), verified_at)
    return {**values, "status": Status.CLOSED, "verified_at": verified_at, "closed_at": closed_at}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _found_by(rng: random.Random, channel: str, sector: Sector) -> str:
    unit = sector.lead_unit.name if sector.lead_unit else "镇应急办"
    by_channel: dict[str, str] = {
        Channel.SELF_REPORT: f"企业安全管理人员{_person(rng)}",
        Channel.SUPERVISION: f"第{rng.randint(1, 3)}督导组",
        Channel.DEPARTMENT: f"{unit}{_person(rng)}",
        Channel.ENFORCEMENT: f"镇应急办执法队{_person(rng)}",
        Channel.PUBLIC: "群众举报（12350）",
        Channel.ASSIGNED: "县安委办",
    }
    return by_channel[channel]


class Generator:
    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed)  # noqa: S311 - load-test data, nothing secret
        # The acceptors' names draw from their own stream: the hazards of a seed stay those of earlier versions.
        self.acceptors = random.Random(seed + 1)  # noqa: S311 - load-test data, nothing secret
        self.clock = Clock(timezone.localdate(), timezone.now(), world.township.stock_cutoff)
        self.span = (self.clock.today - START).days
        self.channels = list(CHANNEL_WEIGHTS)
        self.weights = list(CHANNEL_WEIGHTS.values())

    def hazard(self) -> Hazard:
        rng = self.rng
        place = self.world.place(rng)
        problem = rng.choice(PROBLEMS[place.hazard_type])
        found_on = START + dt.timedelta(days=rng.randint(0, self.span))
        channel = rng.choices(self.channels, self.weights)[0]
        major = rng.random() < MAJOR_SHARE
        # §7: a 重大火灾隐患 is major and carries the fire-rescue authority's judgement.
        major_fire = major and place.hazard_type == HazardType.FIRE and rng.random() < 0.5
        hazard = Hazard(
            township=self.world.township,
            title=problem.title,
            description=f"{place.name}{problem.description}",
            location=place.name if place.enterprise_id is None else "",
            enterprise_id=place.enterprise_id,
            village=place.village,
            sector=place.sector,
            lead_unit_id=place.sector.lead_unit_id,
            hazard_type=place.hazard_type,
            level=Level.MAJOR if major else Level.GENERAL,
            is_major_fire=major_fire,
            fire_judged_by="县消防救援大队" if major_fire else "",
            fire_judgement_document=f"消重判〔{found_on.year}〕生成" if major_fire else "",
            channel=channel,
            found_on=found_on,
            found_by=_found_by(rng, channel, place.sector),
            basis=problem.basis,
            measures=problem.measures,
            responsible_person=_person(rng),
            responsible_phone=f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
            funds=Decimal(rng.choice((200, 500, 1000, 3000, 8000, 20000, 50000)) * (5 if major else 1)),
            contingency_plan="落实专人看护，设置警示标志，整改期间停止相关作业" if major else "",
            **lifecycle(rng, found_on, self.clock),
        )
        for field, value in self._acceptance(place.sector, hazard.verified_at).items():
            setattr(hazard, field, value)
        return hazard

    def _acceptance(self, sector: Sector, verified_at: dt.datetime | None) -> dict[str, Any]:
        """Accepted by the lead unit, as most are; the ledger's 验收 columns filled in like a real one's."""
        if verified_at is None or sector.lead_unit is None:
            return {}
        return {
            "accepted_by_unit": township_unit_name(self.world.township, sector.lead_unit.name),
            "accepted_by_person": _person(self.acceptors),
            "accepted_on": timezone.localdate(verified_at),
        }

    def batches(self, total: int, size: int) -> Iterator[list[Hazard]]:
        # One batch in memory at a time: a million rows need no more memory than five thousand.
        for start in range(0, total, size):
            yield [self.hazard() for _ in range(min(size, total - start))]


def _number(hazards: list[Hazard]) -> None:
    """Registered hazards get their numbers as registration would give them: in the order they were registered,
    after the township's numbers so far (its row locked for the batch)."""
    registered = [h for h in hazards if is_numbered_status(h.status)]
    if not registered:
        return
    book = NumberBook(registered[0].township_id)
    for hazard in sorted(registered, key=lambda h: (h.confirmed_at is None, h.confirmed_at, h.found_on)):
        hazard.number = book.take(registration_year(hazard.confirmed_at, hazard.found_on))


def _event(hazard: Hazard, note: str) -> HazardEvent:
    at = hazard.closed_at or hazard.verified_at or hazard.confirmed_at
    return HazardEvent(
        hazard_id=hazard.pk,
        action=HazardEvent.Action.IMPORTED,
        to_status=hazard.status,
        note=note,
        created_at=at or timezone.make_aware(dt.datetime.combine(hazard.found_on, dt.time(12))),
    )


class Command(BaseCommand):
    help = (
        "Generate N realistic demo hazards across the demo villages, sectors, states and years, for load tests. "
        "Needs the demo data (load_demo_data). Bulk inserts without history rows: THIS IS LOAD-TEST DATA. "
        "Refuses to run unless DEBUG or --force."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("count", type=int, help="How many hazards to create.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--batch", type=int, default=5000, help="Rows per bulk insert (default 5000).")
        parser.add_argument(
            "--township",
            default=TOWNSHIP_CODE,
            help="Division code or name of the township (default: %(default)s, the demo township).",
        )
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off. Never on production.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the township already has hazards (make run)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch = options["count"], options["batch"]
        if count < 1 or batch < 1:
            raise CommandError("N and --batch must be positive.")
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to generate hazards: DEBUG is off, so this may be a production database. "
                "Pass --force to generate load-test data anyway."
            )
        world = self._world(options["township"])
        if options["if_empty"] and Hazard.objects.filter(township=world.township).exists():
            self.stdout.write("The township already has hazards; nothing generated.")
            return
        seed = options["seed"] if options["seed"] is not None else random.SystemRandom().randrange(2**31)
        self.stdout.write(f"Generating {count} hazards (seed {seed}, batches of {batch}); no history rows.")
        started = time.monotonic()
        created = self._generate(Generator(world, seed), count, batch)
        elapsed = time.monotonic() - started
        rate = created / elapsed if elapsed else created
        self.stdout.write(
            self.style.SUCCESS(f"Created {created} hazards and {created} events in {elapsed:.1f} s ({rate:,.0f}/s).")
        )

    def _world(self, code_or_name: str) -> World:
        township = township_named(code_or_name)
        world = World(township) if township else None
        if world is None or not world.villages or not world.sectors:
            raise CommandError(
                f"No villages or sectors found for township {code_or_name}. Load the demo data first: "
                "python manage.py load_demo_data"
            )
        return world

    def _generate(self, generator: Generator, count: int, batch: int) -> int:
        note = _("Recorded as sample data (generate_hazards).")
        created = 0
        for hazards in generator.batches(count, batch):
            # One transaction per batch: an interrupted run leaves whole batches, each hazard with its event.
            with transaction.atomic():
                _number(hazards)
                Hazard.objects.bulk_create(hazards)
                HazardEvent.objects.bulk_create([_event(h, note) for h in hazards])
            created += len(hazards)
            if count > batch:
                self.stdout.write(f"  {created} / {count}")
        return created
