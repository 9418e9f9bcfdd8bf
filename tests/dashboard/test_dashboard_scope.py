"""The scoped dashboards: a village officer counts only their villages, a lead unit only its sectors, another
township's office only its own township — every figure through hazards_visible_to (units.access)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from tests.dashboard.test_dashboard import NOW, build_plan_data, figures_of, page


@pytest.fixture
def data(world):
    with time_machine.travel(NOW, tick=False):
        yield build_plan_data(world)


def test_it_counts_only_the_village_officers_villages(client, world, data):
    board = page(client, world.village_a_officer).context["board"]
    assert board.scope_label == "刘圩村"
    assert figures_of(board) == {
        "open_major": 2,  # H1 H14 (H4 is in 新集村)
        "open_general": 1,  # H9
        "overdue": 2,
        "overdue_major": 2,
        "listed": 2,
        "listed_county_plus": 1,
        "listed_township": 1,
        "listed_county": 1,
        "listed_city": 0,
        "listed_province": 0,
        "closed_year": 3,  # H5 H15 H11 (H6 is in 新集村)
        "rectification_rate": Decimal("60.0"),  # 3 ÷ 5
        "rectified_year": 3,  # H5 H15 H7
        "found_year": 5,  # H5 H15 H7 H9 H14
        "on_time_rate": Decimal("100.0"),  # 3 ÷ 3
        "rectified_on_time_year": 3,  # H5 H15 H7
        "rectified_of_found_year": 3,
        "confirmation_overdue": 1,  # H9
        "goal_confirmation_overdue": 1,
        "extended": 0,  # H4 and H6 lie in 新集村
        "extended_major": 0,
        "extension_count": 0,
        "extension_days": 0,
        "visits_done": 1,  # the visit of 刘圩村
        "visits_planned": 1,
        "problems_open": 1,
        "problems_overdue": 1,
        "self_overdue": 1,  # enterprise A is in 刘圩村
        "stock_open_major": 1,
        "new_major_2024": 2,
        "new_major_2025": 0,
        "new_major_2026": 1,
        "accidents_2026": 1,
        "deaths_2026": 0,
        "accidents_2025": 1,  # 1 January – 15 March 2025
        "deaths_2025": 2,
    }
    charts = {c.key: c for c in board.charts}
    assert charts["village"].categories == ["刘圩村"]
    assert [r.name for r in board.slow_villages] == ["刘圩村"]


def test_it_counts_only_the_lead_units_sectors(client, world, data):
    board = page(client, world.dept_b).context["board"]  # 农经站 leads 农业 (sector B)
    assert board.scope_label == "农经站"
    figures = figures_of(board)
    assert {k: figures[k] for k in ("open_major", "open_general", "overdue", "overdue_major", "listed")} == {
        "open_major": 1,  # H4
        "open_general": 2,  # H8 H9
        "overdue": 1,  # H8
        "overdue_major": 0,
        "listed": 0,  # H4's listing was lifted
    }
    assert {k: figures[k] for k in ("found_year", "rectified_year", "rectification_rate", "closed_year")} == {
        "found_year": 3,  # H15 H8 H9
        "rectified_year": 1,
        "rectification_rate": Decimal("33.3"),
        "closed_year": 1,
    }
    assert (figures["visits_planned"], figures["problems_open"], figures["self_overdue"]) == (0, 0, 0)
    assert [r.name for r in board.slow_units] == ["农经站"]


def test_it_keeps_each_township_to_itself(client, world, data):
    board = page(client, world.other_office).context["board"]
    figures = figures_of(board)
    assert (figures["open_major"], figures["stock_open_major"], figures["listed_province"]) == (1, 1, 1)  # H13
    assert (figures["open_general"], figures["found_year"], figures["visits_planned"]) == (0, 0, 0)
    assert (figures["accidents_2026"], figures["deaths_2026"]) == (1, 5)
    assert {c.key: c.categories for c in board.charts}["village"] == ["邻村"]


def test_it_shows_leadership_the_whole_township(client, world, data):
    office = figures_of(page(client, world.office).context["board"])
    leader = figures_of(page(client, world.leader).context["board"])
    assert leader == office
