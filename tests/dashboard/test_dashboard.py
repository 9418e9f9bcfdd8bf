"""The dashboard (issue 6): every figure against numbers written out by hand on a small fixed data set — the stock /
increment boundary (2024-01-01), year boundaries in Asia/Shanghai, the rate definitions — plus the plan's phases and
goals, the charts, slow progress, who may see it, and a fixed number of queries.

The data set (build_plan_data) is shared with test_dashboard_scope.py and test_tiles_agree.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import phases
from dashboard.models import Accident
from dashboard.selectors import Dashboard
from hazards.models import Hazard, Listing
from inspections import plans
from inspections.models import Inspection, SupervisionVisit, WorkProblem
from tests.factories import EnterpriseFactory, HazardFactory, SupervisionGroupFactory
from units.models import Enterprise

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 15 March 2026, 10:00 in Liuwei: the consolidation phase (巩固提升), 2026 Q1.
NOW = dt.datetime(2026, 3, 15, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _hazard(world: Any, title: str, *, village: str = "a", sector: str = "a", **fields: Any) -> Any:
    fields.setdefault("level", "general")
    fields.setdefault("status", "reported")
    fields.setdefault("channel", "department")
    return HazardFactory(
        title=title,
        village=world.village_a if village == "a" else world.village_b,
        sector=world.sector_a if sector == "a" else world.sector_b,
        **fields,
    )


# The hazards of the data set, as a ledger. Village and sector: "ab" = village A, sector B; closed_at is local
# time in Liuwei (UTC+8).
# fmt: off
HAZARDS = [
    # name   vs    level      status        found_on      deadline      completed     closed_at           channel
    # -- major hazards: stock (found before 2024-01-01) and increment per year
    ("H1",  "aa", "major",   "rectifying", "2023-12-31", "2024-06-30", None,         None,               "supervision"),
    ("H2",  "aa", "major",   "closed",     "2024-01-01", "2024-03-01", "2024-02-20", "2024-03-01 09:00", "department"),
    ("H3",  "aa", "major",   "dismissed",  "2024-06-01", None,         None,         None,               "department"),
    ("H16", "aa", "major",   "closed",     "2024-12-31", "2025-01-31", "2025-01-20", "2025-01-22 09:00", "department"),
    ("H4",  "bb", "major",   "rectifying", "2025-05-05", "2026-04-30", None,         None,               "department"),
    ("H14", "aa", "major",   "confirmed",  "2026-02-01", "2026-03-01", None,         None,               "department"),
    # -- general hazards found in 2026: 整改率 and on-time rate
    ("H5",  "aa", "general", "closed",     "2026-01-01", "2026-01-15", "2026-01-10", "2026-01-12 09:00", "department"),
    ("H15", "ab", "general", "closed",     "2026-01-20", "2026-01-30", "2026-01-25", "2026-01-26 15:00", "department"),
    ("H6",  "ba", "general", "closed",     "2026-02-10", "2026-02-20", "2026-03-01", "2026-03-02 09:00", "department"),
    ("H7",  "aa", "general", "verified",   "2026-02-11", "2026-02-28", "2026-02-25", None,               "department"),
    ("H8",  "bb", "general", "rectifying", "2026-03-01", "2026-03-10", None,         None,               "public"),
    ("H9",  "ab", "general", "reported",   "2026-03-05", None,         None,         None,               "self_report"),
    ("H10", "aa", "general", "dismissed",  "2026-03-06", None,         None,         None,               "department"),
    # -- closed around New Year's midnight in Liuwei: H11 at 00:30 on 1 January 2026 (16:30 UTC the day before) is
    #    closed in 2026 though found in 2025; H12 at 23:30 on 31 December is closed in 2025
    ("H11", "aa", "general", "closed",     "2025-12-31", "2026-01-10", "2025-12-31", "2026-01-01 00:30", "department"),
    ("H12", "aa", "general", "closed",     "2025-12-20", "2025-12-31", "2025-12-30", "2025-12-31 23:30", "department"),
]
# fmt: on


def build_plan_data(world: Any) -> dict[str, Any]:
    """The fixed data set, as of NOW. Numbers in the tests are what the dashboard must show for the office:

    Open (reported … pending acceptance): H1, H4, H8, H9, H14 — major H1 H4 H14, general H8 H9.
    Overdue (registered … pending acceptance, deadline before 15 March): H1, H8, H14 — major H1 H14.
    Stock (found before 2024-01-01) and open and major: H1 only (H2 was found on 2024-01-01: increment).
    Overdue for confirmation (reported more than 5 days ago, the township's limit): H9, entered on 5 March.
    Deadlines extended: H4 (major) twice, 60 days; H6 once, 10 days.
    H13 lies in another township and is never counted here.
    """
    h: dict[str, Any] = {}
    for name, where, level, status, found, deadline, completed, closed, channel in HAZARDS:
        h[name] = HazardFactory(
            title=f"{name} 隐患",
            village=world.village_a if where[0] == "a" else world.village_b,
            sector=world.sector_a if where[1] == "a" else world.sector_b,
            level=level,
            status=status,
            found_on=d(found),
            deadline=d(deadline) if deadline else None,
            completed_on=d(completed) if completed else None,
            closed_at=dt.datetime.fromisoformat(closed).replace(tzinfo=SHANGHAI) if closed else None,
            channel=channel,
        )
    Hazard.objects.filter(pk=h["H9"].pk).update(created_at=at(2026, 3, 5, 9))
    Hazard.objects.filter(pk=h["H4"].pk).update(extension_count=2, extension_days=60)
    Hazard.objects.filter(pk=h["H6"].pk).update(extension_count=1, extension_days=10)
    other = world.enterprise_other
    h["H13"] = HazardFactory(
        title="H13 邻镇",
        village=other.village,
        sector=other.primary_sector,
        level="major",
        status="rectifying",
        found_on=d("2023-06-01"),
        deadline=d("2024-01-01"),
    )

    # 挂牌督办: H1 by the township, H14 by the county; H4's city listing was lifted (not active).
    def listing(hazard: Any, level: str, **extra: Any) -> Listing:
        return Listing.objects.create(
            hazard=hazard,
            level=level,
            document_number=f"泗安办〔2026〕{hazard.pk}号",
            supervising_leader="王镇长",
            listed_on=d("2026-01-05"),
            required_by=d("2026-06-30"),
            listed_by=world.office,
            **extra,
        )

    listing(h["H1"], "township")
    listing(h["H14"], "county")
    listing(h["H4"], "city", delisted_on=d("2026-02-01"), delisted_by=world.office)
    listing(h["H13"], "province")

    _accidents(world)
    visits = _visits(world)
    _problems(world, visits)
    _self_inspections(world)
    return h


def _accidents(world: Any) -> None:
    """2024: 4 accidents, 3 deaths; 2025: 3 accidents, 2 deaths; 2026 so far: 1 accident, 0 deaths."""
    rows = [
        ("2024-02-01", 1, "a"), ("2024-05-01", 1, "a"), ("2024-08-01", 1, "b"), ("2024-12-31", 0, "b"),
        ("2025-01-01", 2, "a"), ("2025-07-01", 0, "b"), ("2025-12-31", 0, "b"),
        ("2026-02-02", 0, "a"),
    ]  # fmt: skip
    for day, deaths, village in rows:
        Accident.objects.create(
            township=world.township,
            occurred_on=d(day),
            place="路口",
            kind="road",
            deaths=deaths,
            injuries=1,
            village=world.village_a if village == "a" else world.village_b,
            created_by=world.office,
        )
    other = world.enterprise_other
    Accident.objects.create(
        township=other.township,
        occurred_on=d("2026-01-05"),
        place="邻镇",
        kind="fire",
        deaths=5,
        village=other.village,
        created_by=world.office,
    )


def _visits(world: Any) -> list[SupervisionVisit]:
    """2026 Q1: the group visits 刘圩村, 新集村 and 住建所; only the visit of 刘圩村 is done (1 of 3)."""
    group = SupervisionGroupFactory(township=world.township, leader=world.leader, name="第一督导组")
    group.villages.add(world.village_a, world.village_b)
    group.units.add(world.unit_a)
    assert plans.quarter_plan_create(township=world.township, year=2026, quarter=1) == 3
    visits = list(SupervisionVisit.objects.order_by("pk"))
    done = next(v for v in visits if v.village_id == world.village_a.pk)
    Inspection.objects.filter(visit=done).update(status="submitted", done_on=d("2026-02-10"))
    return visits


def _problems(world: Any, visits: list[SupervisionVisit]) -> None:
    """Open: 刘圩村 (overdue) and 新集村; replied: 刘圩村; accepted: 新集村."""
    inspection = visits[0].inspection
    assert inspection is not None
    rows = [
        (world.village_a, "open", "2026-03-10"),
        (world.village_b, "open", "2026-04-01"),
        (world.village_a, "replied", "2026-03-01"),
        (world.village_b, "accepted", "2026-02-01"),
    ]
    for village, state, deadline in rows:
        WorkProblem.objects.create(
            township=world.township,
            inspection=inspection,
            description="台账不全",
            village=village,
            deadline=d(deadline),
            state=state,
            created_by=world.office,
        )


def _self_inspections(world: Any) -> None:
    """Enterprise A (建筑施工, high-risk: monthly) never inspected itself: overdue. Enterprise B (quarterly) did this
    quarter: done. A third enterprise, registered this month, is only due."""
    EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b, name="新登记农场")
    Enterprise.objects.exclude(name="新登记农场").update(created_at=at(2025, 1, 1))
    Inspection.objects.create(
        township=world.township,
        kind="self",
        channel="self_report",
        status="submitted",
        planned_on=d("2026-01-10"),
        done_on=d("2026-01-10"),
        enterprise=world.enterprise_b,
        village=world.village_b,
        created_by=world.office,
    )


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def data(travel, world):
    return build_plan_data(world)


def figures_of(board: Dashboard) -> dict[str, Any]:
    """Every figure on the page by key: tiles, their parts and the goals."""
    result: dict[str, Any] = {}
    for tile in board.tiles:
        for figure in [tile.main, *tile.parts]:
            result[figure.key] = figure.value
    for goal in board.goals:
        for figure in goal.figures:
            result[figure.key] = figure.value
    return result


def page(client: Any, user: Any) -> Any:
    client.force_login(user)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    return response


# -- the figures -------------------------------------------------------------------------------------------------


def test_it_shows_every_figure_as_written_out_by_hand(client, world, data):
    board = page(client, world.office).context["board"]
    assert figures_of(board) == {
        "open_major": 3,  # H1 H4 H14
        "open_general": 2,  # H8 H9
        "overdue": 3,  # H1 H8 H14
        "overdue_major": 2,  # H1 H14
        "listed": 2,  # H1 (township) H14 (county); H4's listing lifted; H13 is the other township's
        "listed_county_plus": 1,
        "listed_township": 1,
        "listed_county": 1,
        "listed_city": 0,
        "listed_province": 0,
        "closed_year": 4,  # H5 H15 H6 and H11 (00:30 on 1 January in Liuwei); not H12 (23:30 on 31 December)
        "rectification_rate": Decimal("57.1"),  # 4 ÷ 7
        "rectified_year": 4,  # H5 H15 H6 (closed) H7 (verified)
        "found_year": 7,  # H5 H15 H6 H7 H8 H9 H14; not H10 (dismissed), not H11 (found 2025-12-31)
        # 按期整改率: completed (acceptance requested) by the deadline, of the rectified — H7 counts though not
        # closed; H6 was completed after its deadline; when the office closed does not matter.
        "on_time_rate": Decimal("75.0"),  # 3 ÷ 4
        "rectified_on_time_year": 3,  # H5 H15 H7
        "rectified_of_found_year": 4,
        "confirmation_overdue": 1,  # H9
        "goal_confirmation_overdue": 1,
        "extended": 2,  # H4 H6
        "extended_major": 1,  # H4
        "extension_count": 3,
        "extension_days": 70,
        "visits_done": 1,
        "visits_planned": 3,
        "problems_open": 2,
        "problems_overdue": 1,
        "self_overdue": 1,  # enterprise A; B did this quarter; the new farm is only due
        "stock_open_major": 1,  # H1 (found 2023-12-31); H13 is the other township's
        "new_major_2024": 2,  # H2 (2024-01-01) and H16 (2024-12-31); not H3 (dismissed)
        "new_major_2025": 1,  # H4
        "new_major_2026": 1,  # H14
        # 同比: 1 January – 15 March of each year
        "accidents_2026": 1,
        "deaths_2026": 0,
        "accidents_2025": 1,  # 2025-01-01; not 2025-07-01 or 2025-12-31
        "deaths_2025": 2,
    }


def test_it_counts_closing_by_the_local_date_around_new_year(client, world, data):
    board = page(client, world.office).context["board"]
    trend = next(c for c in board.charts if c.key == "trend")
    closed = dict(zip(trend.categories, [item["value"] for item in trend.series[1]["data"]], strict=True))
    found = dict(zip(trend.categories, [item["value"] for item in trend.series[0]["data"]], strict=True))
    assert trend.categories[0] == "2025年4月" and trend.categories[-1] == "2026年3月"
    assert closed["2025年12月"] == 1  # H12 at 23:30 on 31 December
    assert closed["2026年1月"] == 3  # H5, H15 and H11 at 00:30 on 1 January
    assert closed["2026年3月"] == 1  # H6
    assert sum(closed.values()) == 5
    expected = {"2025年5月": 1, "2025年12月": 2, "2026年1月": 2, "2026年2月": 3, "2026年3月": 2}
    assert found == {**dict.fromkeys(trend.categories, 0), **expected}


def test_it_states_each_rates_definition_beside_it(client, world, data):
    from dashboard import stats

    response = page(client, world.office)
    tiles = {t.key: t for t in response.context["board"].tiles}
    assert tiles["rectification_rate"].note == stats.RECTIFICATION_RATE_DEFINITION
    assert tiles["on_time_rate"].note == stats.ON_TIME_RATE_DEFINITION
    html = response.content.decode()
    assert 'data-testid="tile-note-rectification_rate"' in html and 'data-testid="tile-note-on_time_rate"' in html
    assert str(stats.ON_TIME_RATE_DEFINITION) in html


def test_it_shows_no_rate_when_nothing_was_found(client, world, travel):
    _hazard(world, "去年的", found_on=d("2025-06-01"))
    board = page(client, world.office).context["board"]
    figures = figures_of(board)
    assert figures["rectification_rate"] is None and figures["on_time_rate"] is None
    assert 'data-testid="figure-rectification_rate" data-value="">—' in page(client, world.office).content.decode()


# -- where the plan stands -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        ("2024-01-31", None),
        ("2024-02-01", "mobilisation"),
        ("2024-04-30", "mobilisation"),
        ("2024-05-01", "special_rectification"),
        ("2025-12-31", "special_rectification"),
        ("2026-01-01", "consolidation"),
        ("2026-09-30", "consolidation"),
        ("2026-10-01", "evaluation"),
        ("2026-12-31", "evaluation"),
        ("2027-01-01", None),
    ],
)
def test_it_knows_the_phase_of_each_day(day, phase):
    current = phases.current_phase(d(day))
    assert (current.key if current else None) == phase


def test_it_shows_the_current_phase_with_its_dates(client, world, data):
    response = page(client, world.office)
    assert response.context["board"].phase.key == "consolidation"
    html = response.content.decode()
    assert 'data-phase="consolidation"' in html
    assert "2026-01-01 – 2026-09-30" in html


def test_it_judges_the_goals(client, world, data):
    goals = {g.goal.key: g.status for g in page(client, world.office).context["board"].goals}
    assert goals == {
        "stock_zero": "not_met",  # H1 still open after the end of 2024
        "increment_down": "met",  # 2025: 1 < 2024: 2, and 2025 is over
        "dynamic_zero": "not_met",  # H1 and H14 are past their deadline; H9 is overdue for confirmation
        # 同比: 1 accident and 0 deaths to 15 March 2026 against 1 and 2 to 15 March 2025: deaths down, accidents not
        "double_decline": "not_met",
    }


def test_it_judges_the_goals_before_they_are_due(client, world, data, travel):
    travel.move_to(dt.datetime(2024, 10, 8, 9, tzinfo=SHANGHAI))
    goals = {g.goal.key: g for g in page(client, world.office).context["board"].goals}
    assert goals["stock_zero"].status == "in_progress"  # H1 open, the end of 2024 not reached
    assert goals["increment_down"].status == "not_yet"
    assert goals["dynamic_zero"].status == "not_yet"
    # 2024 so far: 4 accidents, 3 deaths against none in 2023: not both declining.
    assert goals["double_decline"].status == "not_met"


def test_it_marks_dynamic_zeroing_met_when_no_major_hazard_is_overdue(client, world, travel):
    _hazard(world, "未逾期", level="major", status="rectifying", found_on=d("2026-03-01"), deadline=d("2026-03-31"))
    goals = {g.goal.key: g.status for g in page(client, world.office).context["board"].goals}
    assert goals["dynamic_zero"] == "met"
    assert goals["stock_zero"] == "met"


def test_it_loses_the_increment_goal_once_2025_reaches_2024(client, world, travel):
    travel.move_to(dt.datetime(2025, 6, 1, 9, tzinfo=SHANGHAI))
    _hazard(world, "2024", level="major", status="closed", found_on=d("2024-03-01"))
    _hazard(world, "2025", level="major", status="reported", found_on=d("2025-03-01"))
    assert {g.goal.key: g.status for g in page(client, world.office).context["board"].goals}["increment_down"] == (
        "not_met"
    )


# -- charts and slow progress ----------------------------------------------------------------------------------


def test_it_draws_open_hazards_by_village_sector_unit_and_channel(client, world, data):
    response = page(client, world.office)
    charts = {c.key: c for c in response.context["board"].charts}

    def bars(key: str) -> dict[str, int]:
        chart = charts[key]
        return dict(zip(chart.categories, [i["value"] for i in chart.series[0]["data"]], strict=True))

    assert bars("village") == {"刘圩村": 3, "新集村": 2}
    assert bars("sector") == {"农业": 3, "建筑施工": 2}
    assert bars("lead_unit") == {"农经站": 3, "住建所": 2}
    assert bars("channel") == {
        "企业自查上报": 1, "督导检查发现": 1, "部门检查发现": 2, "执法检查发现": 0, "群众举报查实": 1, "上级交办": 0,
    }  # fmt: skip
    village_bar = charts["village"].series[0]["data"][0]
    assert village_bar["url"] == f"/hazards/?village={world.village_a.pk}&open=true"
    # The data reach the page as a JSON block (CSP: no inline script), with each bar's URL.
    html = response.content.decode()
    assert '<script id="chart-data-village" type="application/json">' in html
    start = html.index('<script id="chart-data-village" type="application/json">')
    block = html[html.index(">", start) + 1 : html.index("</script>", start)]
    assert json.loads(block)["series"][0]["data"][0] == {
        "value": 3,
        "url": village_bar["url"],
        "pk": world.village_a.pk,
    }


def test_it_ranks_slow_progress_by_overdue_major_hazards_then_age(client, world, data):
    board = page(client, world.office).context["board"]
    villages = [
        (r.name, r.overdue_major.value, r.open_major.value, r.oldest_found, r.age_days) for r in board.slow_villages
    ]
    assert villages == [
        ("刘圩村", 2, 2, d("2023-12-31"), 805),  # H1, H14
        ("新集村", 0, 1, d("2025-05-05"), 314),  # H4
    ]
    units = [(r.name, r.overdue_major.value, r.open_major.value) for r in board.slow_units]
    assert units == [("住建所", 2, 2), ("农经站", 0, 1)]
    first = board.slow_villages[0]
    assert first.overdue_major.url == f"/hazards/?village={world.village_a.pk}&level=major&overdue=true"


def test_it_ranks_by_age_when_overdue_counts_tie(client, world, travel):
    _hazard(world, "甲", level="major", status="reported", found_on=d("2025-01-01"))
    _hazard(world, "乙", village="b", level="major", status="reported", found_on=d("2024-06-01"))
    board = page(client, world.office).context["board"]
    assert [r.name for r in board.slow_villages] == ["新集村", "刘圩村"]


# -- access and cost ---------------------------------------------------------------------------------------------


def test_it_is_not_for_enterprise_contacts(client, world):
    client.force_login(world.ent_a)
    assert client.get(reverse("dashboard:index")).status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client, world):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["office", "leadership", "department", "village"])
def test_it_runs_the_same_number_of_queries_for_3_and_30_hazards(client, world, travel, role):
    user = world.users_by_role()[role]
    client.force_login(user)
    url = reverse("dashboard:index")

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            _hazard(
                world,
                f"批量{i}",
                village="ab"[i % 2],
                sector="ab"[i % 3 % 2],
                level=("general", "major")[i % 4 == 0],
                status=("reported", "rectifying", "closed")[i % 3],
                found_on=d("2026-01-01") + dt.timedelta(days=i),
                deadline=d("2026-02-01"),
                closed_at=at(2026, 2, 1),
                channel=("public", "department")[i % 2],
            )

    add(3, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(27, 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many]
    assert len(few) <= 20


def test_it_has_no_inline_script_or_style(client, world, data):
    """The CSP allows neither: the chart data travel in JSON blocks that the browser does not execute."""
    html = page(client, world.office).content.decode()
    assert " style=" not in html and "<style" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "hx-on" not in html
