"""The tiles: each figure with the list behind it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import dates
from dashboard import stats
from hazards.models import Level
from inspections import plans
from inspections.models import WorkProblem

from .figures import (
    OPEN,
    Figure,
    Figures,
    Tile,
    hazard_filters,
    hazards_url,
    is_major,
    list_url,
    quarter_board_url,
    sum_rows,
)

# -- tiles -----------------------------------------------------------------------------------------------------------


def _listing_tile(f: Figures) -> Tile:
    labels = {"township": _("township"), "county": _("county"), "city": _("city"), "province": _("province")}
    parts = [
        Figure(
            "listed_county_plus",
            _("county level and above"),
            sum(f.listings[level] for level in stats.COUNTY_PLUS),
            hazards_url(*hazard_filters(f.today.year)["listed_county_plus"]),
        )
    ]
    for level, label in labels.items():
        url = hazards_url(("listed", "true"), ("listing_level", level))
        parts.append(Figure(f"listed_{level}", label, f.listings[level], url))
    main = Figure("listed", _("listed"), sum(f.listings.values()), hazards_url(*hazard_filters(f.today.year)["listed"]))
    return Tile("listed", _("Listed for supervision (挂牌督办)"), main, parts)


def _rate_tiles(f: Figures) -> list[Tile]:
    """整改率 and 按期整改率 of the hazards found this year (SPEC S2), with the counts they divide and, beside each, its
    definition (issue 9.5)."""
    year = f.today.year
    filters = hazard_filters(year)
    found, rectified = f.this_year("found"), f.this_year("rectified")
    on_time = f.this_year("rectified_on_time")
    rectified_url = hazards_url(*filters["rectified_year"])
    rectification = Tile(
        "rectification_rate",
        _("整改率, found in %(year)d") % {"year": year},
        Figure("rectification_rate", _("rectified ÷ found"), stats.rate(rectified, found), ""),
        [
            Figure("rectified_year", _("rectified (verified or closed)"), rectified, rectified_url),
            Figure("found_year", _("found"), found, hazards_url(*filters["found_year"])),
        ],
        note=stats.RECTIFICATION_RATE_DEFINITION,
    )
    on_time_tile = Tile(
        "on_time_rate",
        _("按期整改率, found in %(year)d") % {"year": year},
        Figure("on_time_rate", _("rectified by the deadline ÷ rectified"), stats.rate(on_time, rectified), ""),
        [
            Figure(
                "rectified_on_time_year",
                _("rectified by the deadline"),
                on_time,
                hazards_url(*filters["rectified_on_time_year"]),
            ),
            Figure("rectified_of_found_year", _("rectified"), rectified, rectified_url),
        ],
        note=stats.ON_TIME_RATE_DEFINITION,
    )
    return [rectification, on_time_tile]


def _attention_tiles(f: Figures) -> list[Tile]:
    """Clocks that could flatter the figures (issue 9.5): reports nobody confirmed in time, and extended deadlines."""
    a = f.clocks
    extended_url = hazards_url(("extended", "true"))
    unconfirmed = Tile(
        "confirmation_overdue",
        _("Reports overdue for confirmation"),
        Figure(
            "confirmation_overdue",
            _("reports"),
            a["confirmation_overdue"],
            hazards_url(*hazard_filters(f.today.year)["confirmation_overdue"]),
        ),
    )
    extended = Tile(
        "extended",
        _("Deadlines extended"),
        Figure("extended", _("hazards"), a["extended"], extended_url),
        [
            Figure(
                "extended_major",
                _("of which major"),
                a["extended_major"],
                hazards_url(("extended", "true"), ("level", Level.MAJOR)),
            ),
            Figure("extension_count", _("extensions"), a["extensions_granted"], extended_url),
            Figure("extension_days", _("days added"), a["days_added"], extended_url),
        ],
    )
    return [unconfirmed, extended]


def hazard_tiles(f: Figures) -> list[Tile]:
    rows, year = f.breakdown, f.today.year
    filters = hazard_filters(year)
    major_url = hazards_url(*filters["open_major"])
    general_url = hazards_url(("level", Level.GENERAL), OPEN)
    general = sum_rows(rows, "open", lambda r: r["level"] == Level.GENERAL)
    overdue_major = Figure(
        "overdue_major",
        _("of which major"),
        sum_rows(rows, "overdue", is_major),
        hazards_url(*filters["overdue_major"]),
    )
    start, end = dates.year_bounds(year)
    closed_url = hazards_url(("closed_from", start.isoformat()), ("closed_to", end.isoformat()))
    closed = sum(n for m, n in f.closed_months.items() if m.year == year)
    return [
        Tile(
            "open_major",
            _("Open major hazards"),
            Figure("open_major", _("open"), sum_rows(rows, "open", is_major), major_url),
        ),
        Tile("open_general", _("Open general hazards"), Figure("open_general", _("open"), general, general_url)),
        Tile(
            "overdue",
            _("Overdue"),
            Figure("overdue", _("overdue"), sum_rows(rows, "overdue"), hazards_url(*filters["overdue"])),
            [overdue_major],
        ),
        *_attention_tiles(f),
        _listing_tile(f),
        Tile(
            "closed_year",
            _("Closed (销号) in %(year)d") % {"year": year},
            Figure("closed_year", _("closed"), closed, closed_url),
        ),
        *_rate_tiles(f),
    ]


def work_tiles(f: Figures) -> list[Tile]:
    year, quarter = dates.quarter_of(f.today)
    board = quarter_board_url(f.today)
    visits = Tile(
        "visits",
        _("Supervision visits, %(quarter)s") % {"quarter": dates.quarter_label(year, quarter)},
        Figure("visits_done", _("done"), f.visits["done"], board),
        [Figure("visits_planned", _("planned"), f.visits["total"], board)],
    )
    problems_url = list_url("inspections:problems", ("state", WorkProblem.State.OPEN))
    problems = Tile(
        "problems",
        _("Handed-over problems awaiting a reply"),
        Figure("problems_open", _("open"), f.problems["open"], problems_url),
        [
            Figure(
                "problems_overdue",
                _("past their deadline"),
                f.problems["overdue"],
                list_url("inspections:problems", ("state", WorkProblem.State.OPEN), ("overdue", "on")),
            )
        ],
    )
    self_url = list_url("inspections:self_inspections", ("state", plans.OVERDUE))
    self_tile = Tile(
        "self_overdue",
        _("Enterprise self-inspections overdue"),
        Figure("self_overdue", _("enterprises"), f.self_overdue, self_url),
    )
    return [visits, problems, self_tile]
