"""Reference data shipped with the system: the township, its units and the sector routing (SPEC S1, 四(二)).

The routing follows the plan's "三管三必须" table as the plan writes the unit names;
the office may rename units and change the routing afterwards, and loading the
reference data again never undoes the office's changes to an existing row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import DutyKind, Sector, Township, Unit

TOWNSHIP_NAME = "刘圩镇"
TOWNSHIP_CODE = "341324106"

SUP, SEC, OTH = DutyKind.SUPERVISION, DutyKind.SECTOR, DutyKind.OTHER

# name, kind, §3 duty kind, is the safety office, holds enforcement power (执法权, §28).
# §3 and 安全生产法 第十条: transport, housing and construction and water are among the departments with supervision
# duties; schools, the health centre and the other stations manage their sectors; 供电站 and 镇纪委 support.
UNITS: list[tuple[str, str, str, bool, bool]] = [
    ("镇应急办", Unit.Kind.OFFICE, SUP, True, True),
    ("中心校", Unit.Kind.SCHOOL, SEC, False, False),
    ("中学", Unit.Kind.SCHOOL, SEC, False, False),
    ("民政办", Unit.Kind.OFFICE, SEC, False, False),
    ("住建所", Unit.Kind.STATION, SUP, False, False),
    ("派出所", Unit.Kind.POLICE, SUP, False, True),
    ("交管站", Unit.Kind.STATION, SUP, False, True),
    ("农经站", Unit.Kind.STATION, SEC, False, False),
    ("农机站", Unit.Kind.STATION, SUP, False, False),
    ("畜牧站", Unit.Kind.STATION, SEC, False, False),
    ("水利站", Unit.Kind.STATION, SUP, False, False),
    ("文广站", Unit.Kind.STATION, SEC, False, False),
    ("卫生院", Unit.Kind.HOSPITAL, SEC, False, False),
    ("市场监管所", Unit.Kind.STATION, SUP, False, True),
    ("国土局", Unit.Kind.STATION, SEC, False, False),
    ("供电站", Unit.Kind.STATION, OTH, False, False),
    ("镇纪委", Unit.Kind.OFFICE, OTH, False, False),
]


@dataclass(frozen=True)
class SectorSpec:
    name: str
    lead: str | None
    participants: tuple[str, ...] = ()
    high_risk: bool = False
    # Other names rosters and ledgers use (Sector.aliases); the office edits them.
    aliases: tuple[str, ...] = ()


# 四(二) 三管三必须 routing. §8: LPG is led by 住建 with 公安、交通运输、市场监管、消防 taking part
# (here 派出所 stands for both 公安 and 消防). §22 high-risk: 危化品, 烟花爆竹, 建筑施工, 道路运输;
# LPG *businesses* and dust-explosion enterprises are high-risk by their enterprise flags.
SECTORS: list[SectorSpec] = [
    SectorSpec("校园", "中心校", ("中学",)),
    SectorSpec("体育场馆和设施", "中心校", ("中学",)),
    SectorSpec("体育行业活动", "中心校", ("中学",)),
    SectorSpec("养老服务", "民政办"),
    SectorSpec("民政机构", "民政办"),
    SectorSpec("环保设备设施", "住建所"),
    SectorSpec("废弃危险化学品", "住建所"),
    SectorSpec("建筑施工", "住建所", high_risk=True),
    SectorSpec("液化气", "住建所", ("派出所", "交管站", "市场监管所")),
    SectorSpec("自建房", "住建所"),
    SectorSpec("群租房", "住建所"),
    SectorSpec("大跨度建(构)筑物", "住建所", aliases=("大跨度建筑物", "大跨度建构筑物")),
    SectorSpec("道路交通", "派出所"),
    SectorSpec("消防", "派出所"),
    SectorSpec("道路运输", "交管站", high_risk=True, aliases=("交通运输",)),
    SectorSpec("农业", "农经站"),
    SectorSpec("农机", "农机站"),
    SectorSpec("畜禽养殖", "畜牧站"),
    SectorSpec("水利", "水利站"),
    SectorSpec("文化旅游场所", "文广站"),
    SectorSpec("职业卫生", "卫生院"),
    SectorSpec("医疗卫生托育机构", "卫生院"),
    SectorSpec("危化品", "镇应急办", high_risk=True, aliases=("危险化学品",)),
    SectorSpec("烟花爆竹", "镇应急办", high_risk=True),
    SectorSpec("工贸", "镇应急办"),
    SectorSpec("商贸服务(含餐饮业、住宿业)", "镇应急办", aliases=("商贸服务", "商贸", "餐饮业", "住宿业")),
    SectorSpec("再生资源回收", "镇应急办"),
    SectorSpec("成品油流通", "镇应急办"),
    SectorSpec("邮政快递", "镇应急办"),
    SectorSpec("特种设备", "市场监管所"),
    SectorSpec("林业", "国土局"),
    SectorSpec("电力", "供电站"),
    # §14 sectors the plan names without a lead unit: the office assigns one.
    SectorSpec("渔业", None),
    SectorSpec("粮油储备", None),
    SectorSpec("电信通信", None),
    SectorSpec("公用设施", None),
]


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0


@transaction.atomic
def load_reference_data(*, township_name: str = TOWNSHIP_NAME, township_code: str = TOWNSHIP_CODE) -> LoadResult:
    """Create what is missing; leave every existing row (and the office's edits to it) alone.

    1. The township, by division code.
    2. Each unit, by its reference key (its name as the plan writes it), so a renamed unit is still found.
    3. Each sector, by its reference key, with its lead unit and participants — only when the sector is new.
    """
    result = LoadResult()
    township, created = Township.objects.get_or_create(code=township_code, defaults={"name": township_name})
    _count(result, created)

    units: dict[str, Unit] = {}
    for name, kind, duty, is_office, enforcement in UNITS:
        unit, created = Unit.objects.get_or_create(
            township=township,
            ref_key=name,
            defaults={
                "name": name,
                "kind": kind,
                "duty_kind": duty,
                "is_safety_office": is_office,
                "has_enforcement_power": enforcement,
            },
        )
        units[name] = unit
        _count(result, created)

    for order, spec in enumerate(SECTORS, start=1):
        sector, created = Sector.objects.get_or_create(
            township=township,
            ref_key=spec.name,
            defaults={
                "name": spec.name,
                "lead_unit": units[spec.lead] if spec.lead else None,
                "is_high_risk": spec.high_risk,
                "aliases": "\n".join(spec.aliases),
                "sort_order": order * 10,
            },
        )
        if created:
            sector.participating_units.set([units[p] for p in spec.participants])
        _count(result, created)
    return result


def _count(result: LoadResult, created: bool) -> None:
    if created:
        result.created += 1
    else:
        result.existing += 1
