"""The county dashboard (issue 12): the townships of the county side by side with the township dashboard's own
figures, the county total, who may see it (404 for everyone else), a county department's sectors, a fixed number of
queries however many townships, the menu and the hazard list's township filter.

The data set is the township dashboard's (tests/dashboard/test_dashboard.py, build_plan_data): 刘圩镇's ledger
written out by hand, and in 邻镇 one stock major hazard (H13, listed by the province) and one accident (5 deaths).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core import menu
from dashboard import stats
from dashboard.models import Accident
from dashboard.selectors.county import CountyBoard
from tests.dashboard.test_dashboard import NOW, build_plan_data, d, figures_of, page
from tests.factories import (
    AssignmentFactory,
    CountyFactory,
    HazardFactory,
    SectorFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)
from units.models import Role


@pytest.fixture
def data(world):
    with time_machine.travel(NOW, tick=False):
        yield build_plan_data(world)


def county_page(client: Any, user: Any, **params: Any) -> CountyBoard:
    client.force_login(user)
    response = client.get(reverse("dashboard:county"), params)
    assert response.status_code == 200
    board: CountyBoard = response.context["board"]
    return board


def values(row: Any) -> dict[str, Any]:
    return {cell.column.key: cell.figure.value for cell in row.cells}


def rows_by_name(board: CountyBoard) -> dict[str, dict[str, Any]]:
    return {row.name: values(row) for row in board.rows}


# -- the figures -------------------------------------------------------------------------------------------------

LIUWEI = {
    "found_year": 7, "rectified_year": 4, "rectification_rate": Decimal("57.1"),
    "rectified_on_time_year": 3, "on_time_rate": Decimal("75.0"),
    "open": 5, "open_major": 3, "overdue": 3, "overdue_major": 2, "stock_open_major": 1, "confirmation_overdue": 1,
    "listed": 2, "listed_county_plus": 1,
    "visits_done": 1, "visits_planned": 3,
    "accidents": 1, "deaths": 0,
}  # fmt: skip
NEIGHBOUR = {
    "found_year": 0, "rectified_year": 0, "rectification_rate": None,
    "rectified_on_time_year": 0, "on_time_rate": None,
    "open": 1, "open_major": 1, "overdue": 1, "overdue_major": 1, "stock_open_major": 1, "confirmation_overdue": 0,
    "listed": 1, "listed_county_plus": 1,
    "visits_done": 0, "visits_planned": 0,
    "accidents": 1, "deaths": 5,
}  # fmt: skip


def test_it_shows_each_township_with_the_figures_written_out_by_hand(client, world, data):
    board = county_page(client, world.county)
    assert board.county_label == "泗县"
    assert [row.name for row in board.rows] == ["刘圩镇", "邻镇"]  # by division code
    assert rows_by_name(board) == {"刘圩镇": LIUWEI, "邻镇": NEIGHBOUR}


def test_it_shows_each_township_as_its_own_dashboard_counts_it(client, world, data):
    """The same definitions as the township dashboard: 刘圩镇's row is the office's dashboard, figure by figure."""
    own = figures_of(page(client, world.office).context["board"])
    row = rows_by_name(county_page(client, world.county))["刘圩镇"]
    same_key = set(row) - {"open", "accidents", "deaths"}
    assert {key: row[key] for key in same_key} == {key: own[key] for key in same_key}
    assert row["open"] == own["open_major"] + own["open_general"]
    assert (row["accidents"], row["deaths"]) == (own["accidents_2026"], own["deaths_2026"])


def test_it_sums_the_townships_and_recomputes_the_rates(client, world, data):
    HazardFactory(village=world.enterprise_other.village, sector=world.other_sector, status="closed",
                  found_on=d("2026-02-01"), deadline=d("2026-02-10"), completed_on=d("2026-02-20"))  # fmt: skip
    board = county_page(client, world.county)
    total = values(board.total)
    counts = [key for key in LIUWEI if not key.endswith("rate")]
    assert {key: total[key] for key in counts} == {key: sum(values(r)[key] for r in board.rows) for key in counts}
    # Rates from the summed counts, not an average of 57.1 % and 100 %: (4 + 1) ÷ (7 + 1), (3 + 0) ÷ (4 + 1).
    assert total["rectification_rate"] == Decimal("62.5")
    assert total["on_time_rate"] == Decimal("60.0")
    assert board.total.name == "全县合计"


def test_it_links_each_figure_to_its_list_narrowed_to_the_township(client, world, data):
    board = county_page(client, world.county)
    neighbour = next(row for row in board.rows if row.name == "邻镇")
    assert neighbour.figure("open_major").url == (
        f"{reverse('hazards:list')}?level=major&open=true&township={world.other_township.pk}"
    )
    assert f"township={world.other_township.pk}" in neighbour.figure("visits_done").url
    assert f"township={world.other_township.pk}" in neighbour.figure("accidents").url
    assert "township=" not in board.total.figure("open_major").url
    assert neighbour.figure("rectification_rate").url == ""  # a rate links through its two counts


def test_it_renders_every_row_and_the_rate_definitions(client, world, data):
    client.force_login(world.county)
    html = client.get(reverse("dashboard:county")).content.decode()
    assert html.count('data-testid="county-row"') == 2
    assert 'data-testid="county-total"' in html
    with translation.override("zh-hans"):
        assert str(stats.RECTIFICATION_RATE_DEFINITION) in html and str(stats.ON_TIME_RATE_DEFINITION) in html
    assert f'href="{reverse("hazards:list")}?level=major&amp;open=true&amp;township={world.township.pk}"' in html


# -- who sees it -------------------------------------------------------------------------------------------------

TOWNSHIP_ROLES = ["office", "leader", "dept_a", "village_a_officer", "ent_a", "admin", "other_office", "two_townships"]


@pytest.mark.parametrize("who", TOWNSHIP_ROLES)
@pytest.mark.parametrize("name", ["dashboard:county", "dashboard:county_monthly_report"])
def test_it_does_not_exist_for_township_users(client, world, who, name):
    client.force_login(getattr(world, who))
    assert client.get(reverse(name)).status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client, world):
    response = client.get(reverse("dashboard:county"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_shows_another_county_nothing_of_this_one(client, world, data):
    county = CountyFactory(name="灵璧县", code="341323")
    township = TownshipFactory(name="外县镇", code="341323100", county=county)
    village = VillageFactory(township=township)
    HazardFactory(
        village=village, status="rectifying", level="major", found_on=d("2026-01-02"), deadline=d("2026-06-30")
    )
    user = UserFactory(username="other_county")
    AssignmentFactory(user=user, role=Role.COUNTY, township=None, county=county)
    board = county_page(client, user)
    assert board.county_label == "灵璧县"
    assert [row.name for row in board.rows] == ["外县镇"]
    assert values(board.total)["open_major"] == 1 and values(board.total)["found_year"] == 1
    # This county's township is no choice of theirs on the lists either: an invalid filter lists nothing.
    response = client.get(reverse("hazards:list"), {"township": world.township.pk})
    assert response.status_code == 200
    assert not response.context["filter"].is_valid()
    assert response.context["page_obj"].paginator.count == 0


def test_it_shows_a_county_department_only_its_sectors(client, world, data):
    """县住建局 oversees 建筑施工: sector A in 刘圩镇, and 邻镇's 房屋建筑 by its other name. Of the open hazards
    that is H1 and H14 (sector A); H13 lies in 邻镇's 工贸. The townships' supervision visits are not a
    department's."""
    HazardFactory(village=world.other_village, sector=world.other_building_sector, status="rectifying",
                  found_on=d("2026-03-01"), deadline=d("2026-04-01"))  # fmt: skip
    board = county_page(client, world.county_dept)
    rows = rows_by_name(board)
    assert {key: rows["刘圩镇"][key] for key in ("open", "open_major", "overdue", "found_year", "listed")} == {
        "open": 2,  # H1 H14
        "open_major": 2,
        "overdue": 2,
        "found_year": 4,  # H5 H6 H7 H14 (H15 H8 H9 lie in sector B)
        "listed": 2,  # H1 H14
    }
    assert {key: rows["邻镇"][key] for key in ("open", "open_major", "listed", "found_year")} == {
        "open": 1,  # the 房屋建筑 one, not H13 (工贸)
        "open_major": 0,
        "listed": 0,
        "found_year": 1,
    }
    assert "visits_done" not in rows["刘圩镇"]
    # Accidents of enterprises in its sectors only: the data set's accidents name no enterprise.
    assert (rows["刘圩镇"]["accidents"], rows["邻镇"]["deaths"]) == (0, 0)


# -- queries -----------------------------------------------------------------------------------------------------


def _township_with_hazards(county: Any, n: int, recorder: Any) -> None:
    township = TownshipFactory(name=f"新镇{n}", code=f"34132420{n}", county=county)
    village = VillageFactory(township=township)
    sector = SectorFactory(township=township)
    for i in range(3):
        HazardFactory(village=village, sector=sector, level=("major", "general")[i % 2], status="rectifying",
                      found_on=d("2026-01-05"), deadline=d("2026-02-01"))  # fmt: skip
    Accident.objects.create(township=township, occurred_on=d("2026-01-07"), place="路口", kind="road", deaths=1,
                            created_by=recorder)  # fmt: skip


@pytest.mark.parametrize("who", ["county", "county_dept"])
def test_it_runs_the_same_number_of_queries_for_2_and_6_townships(
    client, world, data, who, django_assert_max_num_queries
):
    """The session, the user and their scope, the townships, four grouped queries over the hazards (and the
    township table for the confirmation time limits), the visits, the accidents, the county and the menu's
    reminders: 20 at most, however many townships."""
    client.force_login(getattr(world, who))
    url = reverse("dashboard:county")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        _township_with_hazards(world.the_county, n, world.office)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(url)
    assert len(response.context["board"].rows) == 6
    assert len(many) == len(few)


# -- menu and home -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county", "county_dept"])
def test_it_offers_the_county_pages_in_the_menu_and_on_the_home_page(client, world, who):
    user = getattr(world, who)
    urls = [item["url"] for item in menu.flat_menu(menu.menu_for(user, "/"))]
    assert reverse("dashboard:county") in urls and reverse("dashboard:county_monthly_report") in urls
    client.force_login(user)
    assert f'href="{reverse("dashboard:county")}"' in client.get(reverse("home")).content.decode()


def test_it_keeps_the_county_pages_out_of_a_township_menu(world):
    urls = [item["url"] for item in menu.flat_menu(menu.menu_for(world.office, "/"))]
    assert reverse("dashboard:county") not in urls and reverse("dashboard:county_monthly_report") not in urls


# -- the lists' township filter ----------------------------------------------------------------------------------


def test_it_narrows_the_lists_to_one_township(client, world, data):
    client.force_login(world.county)
    hazards = client.get(reverse("hazards:list"), {"township": world.other_township.pk})
    assert [h.title for h in hazards.context["page_obj"]] == ["H13 邻镇"]
    assert 'name="township"' in hazards.content.decode()  # offered, with several townships to choose from
    accidents = client.get(reverse("dashboard:accidents"), {"township": world.other_township.pk})
    assert accidents.context["totals"]["deaths"] == 5
    board = client.get(reverse("inspections:quarter_board"), {"township": world.township.pk})
    assert (board.context["done"], board.context["total"]) == (1, 3)
    assert board.context["township"] == world.township
    board = client.get(reverse("inspections:quarter_board"), {"township": world.other_township.pk})
    assert (board.context["done"], board.context["total"]) == (0, 0)


def test_it_does_not_offer_a_township_choice_to_a_one_township_user(client, world):
    client.force_login(world.office)
    assert 'name="township"' not in client.get(reverse("hazards:list")).content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1.5", "", "0x10", "１"])
def test_it_answers_bad_township_values_without_an_error(client, world, data, value):
    client.force_login(world.county)
    hazards = client.get(reverse("hazards:list"), {"township": value})
    assert hazards.status_code == 200
    accidents = client.get(reverse("dashboard:accidents"), {"township": value})
    assert accidents.status_code == 200
    board = client.get(reverse("inspections:quarter_board"), {"township": value, "year": 2026, "quarter": 1})
    assert board.status_code == 200
    assert client.get(reverse("dashboard:county"), {"township": value}).status_code == 200


def test_it_lists_another_township_of_the_user_only_when_it_is_theirs(client, world, data):
    """A township office user may name only their own township: the other one is an invalid choice (nothing)."""
    client.force_login(world.office)
    mine = client.get(reverse("hazards:list"), {"township": world.township.pk})
    assert mine.context["page_obj"].paginator.count == 15  # every hazard of the data set but H13
    other = client.get(reverse("hazards:list"), {"township": world.other_township.pk})
    assert other.context["page_obj"].paginator.count == 0


def test_it_dates_the_page(client, world, data):
    assert county_page(client, world.county).today == dt.date(2026, 3, 15)
