"""Reference data: a township, its county, villages, units and sector routing (SPEC S1, 四(二)).

The built-in reference is 刘圩镇's: the routing follows the plan's "三管三必须" table as the plan writes the unit
names. Every other township of the county brings its own reference file (REFERENCE_DIR/<division code>.json, or
any file given to `load_reference_data --file`), in the same shape:

    {"name": "…镇", "code": "341324…", "county": {"name": "泗县", "code": "341324"},
     "villages": [{"name": "…村", "code": "341324…201"}],
     "units": [{"name": "镇应急办", "kind": "office", "duty": "supervision", "office": true, "enforcement": true}],
     "sectors": [{"name": "工贸", "lead": "镇应急办", "participants": [], "high_risk": false, "aliases": []}]}

The office may rename units and change the routing afterwards: loading a reference again adds what is missing and
never undoes the office's changes to an existing row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from .models import County, DutyKind, Sector, Township, Unit, Village

TOWNSHIP_NAME = "刘圩镇"
TOWNSHIP_CODE = "341324106"
COUNTY_NAME = "泗县"
COUNTY_CODE = "341324"
# One reference file per township beyond the built-in one, named by its division code.
REFERENCE_DIR = Path(__file__).resolve().parent / "reference_data"

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
    # §4's 2025 and 2026 training focus names 文博单位 and 物流仓储场所: no other sector holds them.
    SectorSpec("文博单位", "文广站", aliases=("文博", "文物保护单位")),
    SectorSpec("物流仓储", "镇应急办", aliases=("仓储物流",)),
    SectorSpec("特种设备", "市场监管所"),
    SectorSpec("林业", "国土局"),
    SectorSpec("电力", "供电站"),
    # §14 sectors the plan names without a lead unit: the office assigns one.
    SectorSpec("渔业", None),
    SectorSpec("粮油储备", None),
    SectorSpec("电信通信", None),
    SectorSpec("公用设施", None),
]


@dataclass(frozen=True)
class UnitSpec:
    name: str
    kind: str
    duty: str
    is_office: bool = False
    enforcement: bool = False


@dataclass(frozen=True)
class TownshipReference:
    """What a township's reference data holds (see the module docstring for its file)."""

    name: str
    code: str
    county_name: str = ""
    county_code: str = ""
    villages: tuple[tuple[str, str], ...] = ()  # (name, division code)
    units: tuple[UnitSpec, ...] = ()
    sectors: tuple[SectorSpec, ...] = field(default=())


LIUWEI = TownshipReference(
    name=TOWNSHIP_NAME,
    code=TOWNSHIP_CODE,
    county_name=COUNTY_NAME,
    county_code=COUNTY_CODE,
    units=tuple(UnitSpec(*row) for row in UNITS),
    sectors=tuple(SECTORS),
)


class ReferenceError(ValueError):
    """A reference file that cannot be read, or names a unit it does not list."""


def read_reference(path: Path) -> TownshipReference:
    """A township's reference from its JSON file; a clear error for a file that is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        county = data.get("county") or {}
        reference = TownshipReference(
            name=str(data["name"]),
            code=str(data["code"]),
            county_name=str(county.get("name", "")),
            county_code=str(county.get("code", "")),
            villages=tuple((str(v["name"]), str(v["code"])) for v in data.get("villages", [])),
            units=tuple(_unit_spec(u) for u in data.get("units", [])),
            sectors=tuple(_sector_spec(s) for s in data.get("sectors", [])),
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReferenceError(f"{path}: not a township reference file ({type(exc).__name__}: {exc})") from exc
    _check(reference, path)
    return reference


def _unit_spec(row: dict[str, Any]) -> UnitSpec:
    kind, duty = str(row.get("kind", Unit.Kind.OFFICE)), str(row.get("duty", DutyKind.OTHER))
    if kind not in Unit.Kind.values or duty not in DutyKind.values:
        raise ValueError(f"unit {row.get('name')!r}: unknown kind {kind!r} or duty {duty!r}")
    return UnitSpec(str(row["name"]), kind, duty, bool(row.get("office", False)), bool(row.get("enforcement", False)))


def _sector_spec(row: dict[str, Any]) -> SectorSpec:
    return SectorSpec(
        name=str(row["name"]),
        lead=str(row["lead"]) if row.get("lead") else None,
        participants=tuple(str(p) for p in row.get("participants", [])),
        high_risk=bool(row.get("high_risk", False)),
        aliases=tuple(str(a) for a in row.get("aliases", [])),
    )


def _check(reference: TownshipReference, path: Path) -> None:
    units = {u.name for u in reference.units}
    for sector in reference.sectors:
        for name in [sector.lead, *sector.participants]:
            if name and name not in units:
                raise ReferenceError(f"{path}: sector {sector.name!r} names the unit {name!r}, which is not listed")


def reference_files() -> list[TownshipReference]:
    """The townships' reference files shipped in REFERENCE_DIR."""
    return [read_reference(path) for path in sorted(REFERENCE_DIR.glob("*.json"))]


def find_reference(code_or_name: str) -> TownshipReference | None:
    """The reference of the township with this division code or name: the built-in one or a shipped file."""
    wanted = code_or_name.strip()
    return next((r for r in [LIUWEI, *reference_files()] if wanted in (r.code, r.name)), None)


def township_named(code_or_name: str) -> Township | None:
    """The township with this division code or name."""
    wanted = code_or_name.strip()
    return Township.objects.filter(Q(code=wanted) | Q(name=wanted)).order_by("code").first()


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0


@transaction.atomic
def load_reference_data(reference: TownshipReference = LIUWEI) -> LoadResult:
    """Create what is missing; leave every existing row (and the office's edits to it) alone.

    1. The county by division code, and the township by division code (put in the county if it is in none).
    2. Each village, by division code (or by name within the township).
    3. Each unit, by its reference key (its name as the reference writes it), so a renamed unit is still found.
    4. Each sector, by its reference key, with its lead unit and participants — only when the sector is new.
    """
    result = LoadResult()
    township = _load_township(reference, result)
    for name, code in reference.villages:
        found = Village.objects.filter(Q(code=code) | Q(township=township, name=name)).exists()
        if not found:
            Village.objects.create(township=township, name=name, code=code)
        _count(result, not found)

    units: dict[str, Unit] = {}
    for spec in reference.units:
        unit, created = Unit.objects.get_or_create(
            township=township,
            ref_key=spec.name,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "duty_kind": spec.duty,
                "is_safety_office": spec.is_office,
                "has_enforcement_power": spec.enforcement,
            },
        )
        units[spec.name] = unit
        _count(result, created)

    for order, sector_spec in enumerate(reference.sectors, start=1):
        sector, created = Sector.objects.get_or_create(
            township=township,
            ref_key=sector_spec.name,
            defaults={
                "name": sector_spec.name,
                "lead_unit": units[sector_spec.lead] if sector_spec.lead else None,
                "is_high_risk": sector_spec.high_risk,
                "aliases": "\n".join(sector_spec.aliases),
                "sort_order": order * 10,
            },
        )
        if created:
            sector.participating_units.set([units[p] for p in sector_spec.participants])
        _count(result, created)
    return result


def _load_township(reference: TownshipReference, result: LoadResult) -> Township:
    county = None
    if reference.county_code:
        county, created = County.objects.get_or_create(
            code=reference.county_code, defaults={"name": reference.county_name or reference.county_code}
        )
        _count(result, created)
    township, created = Township.objects.get_or_create(
        code=reference.code, defaults={"name": reference.name, "county": county}
    )
    _count(result, created)
    if county is not None and township.county_id is None:
        township.county = county
        township.save(update_fields=["county"])
    return township


def _count(result: LoadResult, created: bool) -> None:
    if created:
        result.created += 1
    else:
        result.existing += 1
