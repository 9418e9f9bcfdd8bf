"""The scoreboard (赛马比拼, plan 四(五)): villages and units ranked each quarter on transparent indicators.

Two boards per township and quarter, each ranked on its own: the villages, and the units (the township's departments
with supervision or sector duties, or leading a sector; the safety office itself aside).

The period. A quarter runs from its first to its last day. "Due in the period" means: due on a day of the quarter
that has passed — up to the quarter's last day once it has ended, up to yesterday while it runs (the cut-off).

The indicators (INDICATORS, each with its definition and default weight shown on the page):

* on-time rectification rate — hazards of the village (a unit: whose lead unit it is) with their deadline due in the
  period, dismissed reports aside: the share rectified (verified or closed) with the rectification completed by the
  deadline (the hazard list's "rectified by the deadline");
* overdue major hazards — major hazards of the village (unit) past their deadline and not yet accepted, on the last
  day of the period (a count: fewer is better);
* supervision visits completed — the quarter's planned supervision visits to the village (unit) whose inspection is
  submitted, of those planned (§1);
* self-inspections completed — the village's active enterprises with a submitted self-inspection dated in the
  period, of all of them (§4; villages only);
* drill coverage — the share of the village's enterprises (a unit: of its led sectors) not overdue with a drill on
  the period's last day (readiness.drills.due);
* training coverage — the share of the year's §4 focus enterprises of the village (a unit: of its led sectors)
  covered by a session of the year held by the period's last day (readiness.training_coverage);
* monthly reports on time — the monthly reports due in the period (due day in the quarter, readiness filing) filed
  by their due day, of those due; a month counts for the villages and units that had to report on it then;
* plan tasks on time — the plan tasks of the village (unit) with their deadline due in the period that were done by
  the deadline, of those due;
* escalations received — the escalation measures (督办, 约谈, 通报…) addressed to the village (unit) in the period
  (a count: fewer is better).

Not applicable (不适用): a rate whose denominator is 0 in the period (nothing was due), the hazard, drill and training
indicators of a unit that leads no sector, the self-inspections of a unit. The weights are then renormalised over
the indicators that apply to the row.

Normalisation: a rate counts as it is (0–1); a count is scaled min–max across the rows of the same board that it
applies to: the best row 1, the worst 0 ((max − x) ÷ (max − min) where fewer is better), all 1 when every row has the
same count. Score = 100 × Σ weight × normalised ÷ Σ weight, over the indicators that apply. Rank: by score, highest
first; equal scores (to one decimal) share a rank (1, 1, 3); a row with nothing that applies has no score and no rank.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.dates import quarter_bounds, year_bounds
from hazards.models import DEADLINE_STATUSES, RECTIFIED_STATUSES, Hazard, Level, Status
from hazards.models.supervision import Escalation
from inspections.models import Inspection, Kind, SupervisionVisit
from inspections.models import Status as InspectionStatus
from readiness import filing_selectors, training_coverage
from readiness.drills import due as drill_due
from readiness.models import Attendee, MonthlyReport
from units.models import DutyKind, Enterprise, Sector, Unit, Village

from .models import ScoreWeights, Task

RATE, COUNT = "rate", "count"
VILLAGE, UNIT = "village", "unit"


@dataclass(frozen=True)
class Indicator:
    key: str  # also the ScoreWeights field
    label: str | Promise
    definition: str | Promise
    kind: str  # RATE | COUNT
    lower_is_better: bool = False
    for_units: bool = True


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "on_time_rate",
        _("on-time rectification rate"),
        _(
            "Hazards with their deadline due in the quarter (dismissed aside): the share rectified with the "
            "rectification completed by the deadline. A unit: the hazards it leads."
        ),
        RATE,
    ),
    Indicator(
        "overdue_major",
        _("overdue major hazards"),
        _("Major hazards past their deadline and not yet accepted on the quarter's last day (today while it runs)."),
        COUNT,
        lower_is_better=True,
    ),
    Indicator(
        "supervision",
        _("supervision visits completed"),
        _("The quarter's planned supervision visits (§1) whose inspection was submitted, of those planned."),
        RATE,
    ),
    Indicator(
        "self_inspection",
        _("self-inspections completed"),
        _("The village's active enterprises with a submitted self-inspection dated in the quarter (§4)."),
        RATE,
        for_units=False,
    ),
    Indicator(
        "drill_coverage",
        _("drill coverage"),
        _("The share of enterprises not overdue with an emergency drill (§24). A unit: those of its led sectors."),
        RATE,
    ),
    Indicator(
        "training_coverage",
        _("training coverage"),
        _("The share of the year's §4 focus enterprises trained in a session of the year. A unit: its led sectors."),
        RATE,
    ),
    Indicator(
        "monthly_on_time",
        _("monthly reports on time"),
        _("Monthly hazard reports due in the quarter (due day in the quarter) filed by their due day."),
        RATE,
    ),
    Indicator(
        "plan_on_time",
        _("plan tasks on time"),
        _("Plan tasks with their deadline in the quarter done by the deadline, of those due."),
        RATE,
    ),
    Indicator(
        "escalations",
        _("escalations received"),
        _("Escalation measures (督办, 约谈, 通报…) addressed to the village or unit in the quarter."),
        COUNT,
        lower_is_better=True,
    ),
)
BY_KEY = {i.key: i for i in INDICATORS}
NORMALISATION = _(
    "Rates count as they are (0–100%). Counts are scaled across the rows of the same board: the best row 1, the "
    "worst 0, all 1 when every row has the same count. Score = 100 × Σ weight × normalised value ÷ Σ weight of the "
    "indicators that apply to the row: where one does not apply (不适用), the weights of the others are renormalised."
)

# Links are grouped by the list they open, so a page shows each viewer only the lists it may open.
HAZARDS, PLAN, INSPECTIONS, ESCALATIONS = "hazards", "plan", "inspections", "escalations"
DRILLS, TRAINING, FILING = "drills", "training", "filing"


# The weights until the office sets its own (the ScoreWeights fields' defaults): they add up to 100.
DEFAULT_WEIGHTS: dict[str, int] = {
    "on_time_rate": 20,
    "overdue_major": 15,
    "supervision": 10,
    "self_inspection": 10,
    "drill_coverage": 10,
    "training_coverage": 10,
    "monthly_on_time": 10,
    "plan_on_time": 10,
    "escalations": 5,
}


def default_weights() -> dict[str, int]:
    return dict(DEFAULT_WEIGHTS)


def weights_of(township_id: int) -> dict[str, int]:
    found = ScoreWeights.objects.filter(township_id=township_id).first()
    return {i.key: getattr(found, i.key) for i in INDICATORS} if found else default_weights()


# -- the board -------------------------------------------------------------------------------------------------


@dataclass
class Link:
    label: str
    url: str
    area: str


@dataclass
class Figure:
    key: str
    applies: bool = True
    value: float | None = None  # a rate 0–1 or a count
    numerator: int | None = None
    denominator: int | None = None
    normalised: float | None = None
    links: list[Link] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return BY_KEY[self.key]

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(100 * self.value, 1)


@dataclass
class Row:
    kind: str  # VILLAGE | UNIT
    pk: int
    name: str
    figures: dict[str, Figure]
    score: float | None = None
    rank: int | None = None

    @property
    def ordered(self) -> list[Figure]:
        return [self.figures[i.key] for i in INDICATORS]


@dataclass
class Board:
    township_id: int
    year: int
    quarter: int
    start: dt.date
    end: dt.date
    cutoff: dt.date  # the last day counted
    weights: dict[str, int]
    villages: list[Row]
    units: list[Row]
    frozen_at: str | None = None  # ISO time once frozen

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("start", "end", "cutoff"):
            data[name] = getattr(self, name).isoformat()
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Board:
        def row(raw: dict[str, Any]) -> Row:
            figures = {
                k: Figure(**{**f, "links": [Link(**link) for link in f["links"]]}) for k, f in raw["figures"].items()
            }
            return Row(**{**raw, "figures": figures})

        return cls(
            township_id=data["township_id"],
            year=data["year"],
            quarter=data["quarter"],
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            cutoff=dt.date.fromisoformat(data["cutoff"]),
            weights=data["weights"],
            villages=[row(r) for r in data["villages"]],
            units=[row(r) for r in data["units"]],
            frozen_at=data.get("frozen_at"),
        )


def cutoff_of(year: int, quarter: int, today: dt.date) -> dt.date:
    """The last day counted: the quarter's last day once it has ended, else yesterday."""
    return min(quarter_bounds(year, quarter)[1], today - dt.timedelta(days=1))


# -- figures -----------------------------------------------------------------------------------------------------


def _url(name: str, **query: Any) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in query.items() if v is not None})}"


def _rate(numerator: int, denominator: int, links: list[Link], key: str) -> Figure:
    if not denominator:
        return Figure(key, applies=False, numerator=0, denominator=0, links=links)
    return Figure(key, value=numerator / denominator, numerator=numerator, denominator=denominator, links=links)


@dataclass
class _Context:
    township_id: int
    year: int
    quarter: int
    start: dt.date
    end: dt.date
    cutoff: dt.date
    last_day: dt.date  # the last day of the period that has begun: min(end, today)
    led: dict[int, list[int]]  # unit → the sectors it leads


Counts = dict[tuple[str, int], tuple[int, int]]


def _hazards(c: _Context) -> tuple[Counts, dict[tuple[str, int], int]]:
    hazards = Hazard.objects.filter(township_id=c.township_id).exclude(status=Status.DISMISSED)
    on_time = Q(status__in=RECTIFIED_STATUSES, completed_on__isnull=False, completed_on__lte=F("deadline"))
    due = hazards.filter(deadline__gte=c.start, deadline__lte=c.cutoff)
    overdue = hazards.filter(level=Level.MAJOR, status__in=DEADLINE_STATUSES, deadline__lte=c.cutoff)
    rates: Counts = {}
    majors: dict[tuple[str, int], int] = {}
    for kind, column in ((VILLAGE, "village_id"), (UNIT, "lead_unit_id")):
        for row in due.values(column).annotate(n=Count("pk"), ok=Count("pk", filter=on_time)):
            rates[(kind, row[column])] = (row["ok"], row["n"])
        for row in overdue.values(column).annotate(n=Count("pk")):
            majors[(kind, row[column])] = row["n"]
    return rates, majors


def _visits(c: _Context) -> Counts:
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    visits = SupervisionVisit.objects.filter(township_id=c.township_id, year=c.year, quarter=c.quarter)
    for village_id, unit_id, status in visits.values_list("village_id", "unit_id", "inspection__status"):
        key = (VILLAGE, village_id) if village_id else (UNIT, unit_id)
        counts[key][1] += 1
        counts[key][0] += status == InspectionStatus.SUBMITTED
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _enterprises(c: _Context) -> Any:
    return Enterprise.objects.filter(township_id=c.township_id, is_active=True)


def _self_inspections(c: _Context) -> Counts:
    done = Inspection.objects.filter(
        enterprise=OuterRef("pk"),
        kind=Kind.SELF,
        status=InspectionStatus.SUBMITTED,
        done_on__gte=c.start,
        done_on__lte=c.last_day,
    )
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = _enterprises(c).filter(village__isnull=False).annotate(done=Exists(done)).values_list("village_id", "done")
    for village_id, is_done in rows:
        counts[(VILLAGE, village_id)][1] += 1
        counts[(VILLAGE, village_id)][0] += bool(is_done)
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _add(counts: dict[tuple[str, int], list[int]], village_id: int | None, unit_id: int | None, ok: bool) -> None:
    for kind, pk in ((VILLAGE, village_id), (UNIT, unit_id)):
        if pk is not None:
            counts[(kind, pk)][1] += 1
            counts[(kind, pk)][0] += ok


def _drills(c: _Context) -> Counts:
    """Enterprises not overdue with a drill on the period's last day (readiness.drills.due.with_drill_state)."""
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    qs: Any = drill_due.with_drill_state(_enterprises(c), today=c.last_day)
    for village_id, unit_id, state in qs.values_list("village_id", "primary_sector__lead_unit_id", "dr_state"):
        _add(counts, village_id, unit_id, state != drill_due.OVERDUE)
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _training(c: _Context) -> Counts:
    """The year's §4 focus groups (readiness.training_coverage): each (group, enterprise) pair is one; covered when
    a person of the enterprise attended, in the role the plan names, a session of the year held by the period's
    last day. One query per focus group."""
    year = training_coverage.plan_year(c.year)
    sectors = list(Sector.objects.filter(township_id=c.township_id).only("pk", "name", "aliases"))
    first = year_bounds(c.year)[0]
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for group in training_coverage.groups_of(year):
        attended = Attendee.objects.filter(
            enterprise=OuterRef("pk"),
            role=group.role,
            session__township_id=c.township_id,
            session__held_on__gte=first,
            session__held_on__lte=c.last_day,
        )
        members = _enterprises(c).filter(group.enterprise_q(sectors)).annotate(covered=Exists(attended))
        for village_id, unit_id, covered in members.values_list(
            "village_id", "primary_sector__lead_unit_id", "covered"
        ):
            _add(counts, village_id, unit_id, bool(covered))
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _monthly(c: _Context) -> tuple[Counts, set[tuple[str, int]]]:
    """Monthly reports due in the period: the months whose due day (under the settings in force then) falls in
    start … cut-off; each counts for the villages and units that had to report on it (readiness filing's
    Reporters: who existed by the month's end); on time when filed by the due day."""
    book = filing_selectors.Reporters(c.township_id)
    due_of: dict[dt.date, dt.date] = {}
    month = filing_selectors.previous_month(c.start)
    while month <= c.end:
        due = book.due(month)
        if c.start <= due <= c.cutoff:
            due_of[month] = due
        month = filing_selectors.next_month(month)
    on_time: set[tuple[str, dt.date]] = set()
    rows = MonthlyReport.objects.filter(township_id=c.township_id, month__in=list(due_of)).values_list(
        "village_id", "unit_id", "month", "reported_at"
    )
    for village_id, unit_id, month_of, at in rows:
        if timezone.localdate(at) <= due_of[month_of]:
            on_time.add((filing_selectors.target_key(village_id, unit_id), month_of))
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for month_of in due_of:
        for target in book.for_month(month_of):
            key = (VILLAGE if target.is_village else UNIT, target.obj.pk)
            counts[key][1] += 1
            counts[key][0] += (target.key, month_of) in on_time
    return {k: (v[0], v[1]) for k, v in counts.items()}, set(counts)


def _plan_tasks(c: _Context) -> Counts:
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    tasks = Task.objects.filter(township_id=c.township_id, deadline__gte=c.start, deadline__lte=c.cutoff)
    for village_id, unit_id, state, done_on, deadline in tasks.values_list(
        "village_id", "unit_id", "state", "done_on", "deadline"
    ):
        ok = state == Task.State.DONE and done_on is not None and done_on <= deadline
        _add(counts, village_id, unit_id, ok)
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _escalations(c: _Context) -> dict[tuple[str, int], int]:
    rows = (
        Escalation.objects.filter(township_id=c.township_id, taken_on__gte=c.start, taken_on__lte=c.last_day)
        .filter(target_kind__in=[Escalation.Target.VILLAGE, Escalation.Target.UNIT])
        .values("village_id", "unit_id")
        .annotate(n=Count("pk"))
    )
    return {((VILLAGE, r["village_id"]) if r["village_id"] else (UNIT, r["unit_id"])): r["n"] for r in rows}


# -- links -------------------------------------------------------------------------------------------------------


def _links(c: _Context, kind: str, pk: int) -> dict[str, list[Link]]:
    """The records behind each figure of a row, through the lists' own filters."""
    who = {"village": pk} if kind == VILLAGE else {"lead_unit": pk}
    period = {"deadline_from": c.start.isoformat(), "deadline_to": c.cutoff.isoformat(), "dismissed": "false"}
    hz = "hazards:list"
    on_time = [
        Link(str(_("hazards due")), _url(hz, **who, **period), HAZARDS),
        Link(str(_("rectified on time")), _url(hz, **who, **period, on_time="true"), HAZARDS),
    ]
    major = [Link(str(_("overdue major")), _url(hz, **who, level=Level.MAJOR, overdue="true"), HAZARDS)]
    board = _url("inspections:quarter_board", year=c.year, quarter=c.quarter)
    if kind == VILLAGE:
        span = {"date_from": c.start.isoformat(), "date_to": c.end.isoformat(), "village": pk}
        supervised = _url("inspections:list", kind=Kind.SUPERVISION, **span)
        visits = [Link(str(_("supervision inspections")), supervised, INSPECTIONS)]
        selfs = [
            Link(
                str(_("self-inspections")),
                _url("inspections:list", kind=Kind.SELF, status=InspectionStatus.SUBMITTED, **span),
                INSPECTIONS,
            )
        ]
        drills = [
            Link(str(_("enterprises")), _url("readiness:drill_list", village=pk), DRILLS),
            Link(str(_("overdue")), _url("readiness:drill_list", village=pk, state=drill_due.OVERDUE), DRILLS),
        ]
    else:
        visits = [Link(str(_("quarter's supervision plan")), board, INSPECTIONS)]
        selfs = []
        drills = [
            Link(str(_("sector")), _url("readiness:drill_list", sector=sector), DRILLS) for sector in c.led.get(pk, [])
        ]
    training = [Link(str(_("coverage")), _url("readiness:training_coverage", year=c.year), TRAINING)]
    monthly = [Link(str(_("misses per year")), _url("readiness:monthly_misses", year=c.year), FILING)]
    target = {"village": pk} if kind == VILLAGE else {"unit": pk}
    tasks = [
        Link(
            str(_("tasks due")),
            _url("plan:tasks", state="all", **target, deadline_from=c.start, deadline_to=c.cutoff),
            PLAN,
        )
    ]
    esc = {"target_kind": kind, kind: pk, "taken_from": c.start.isoformat(), "taken_to": c.end.isoformat()}
    escalations = [Link(str(_("escalations")), _url("hazards:escalations", **esc), ESCALATIONS)]
    return {
        "on_time_rate": on_time,
        "overdue_major": major,
        "supervision": visits,
        "self_inspection": selfs,
        "drill_coverage": drills,
        "training_coverage": training,
        "monthly_on_time": monthly,
        "plan_on_time": tasks,
        "escalations": escalations,
    }


# -- computing, normalising, ranking -----------------------------------------------------------------------------


def _normalise(rows: list[Row]) -> None:
    for indicator in INDICATORS:
        figures = [r.figures[indicator.key] for r in rows if r.figures[indicator.key].applies]
        if indicator.kind == RATE:
            for f in figures:
                f.normalised = f.value
            continue
        values = [f.value for f in figures if f.value is not None]
        if not values:
            continue
        low, high = min(values), max(values)
        for f in figures:
            value = f.value or 0.0
            if high == low:
                f.normalised = 1.0
            elif indicator.lower_is_better:
                f.normalised = (high - value) / (high - low)
            else:
                f.normalised = (value - low) / (high - low)


def score_of(row: Row, weights: dict[str, int]) -> float | None:
    parts = [
        (weights[f.key], f.normalised)
        for f in row.ordered
        if f.applies and f.normalised is not None and weights.get(f.key, 0) > 0
    ]
    total = sum(w for w, _n in parts)
    if not total:
        return None
    return round(100 * sum(w * n for w, n in parts) / total, 1)


def rank(rows: list[Row], weights: dict[str, int]) -> list[Row]:
    """Scores and ranks (competition ranking: 1, 1, 3); rows sorted by rank, those without a score last."""
    for row in rows:
        row.score = score_of(row, weights)
    ordered = sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), r.name))
    previous: float | None = None
    for position, row in enumerate(ordered, start=1):
        if row.score is None:
            row.rank = None
            continue
        row.rank = ordered[position - 2].rank if position > 1 and row.score == previous else position
        previous = row.score
    return ordered


def board_rows(township_id: int) -> tuple[list[Village], list[Unit]]:
    villages = list(Village.objects.filter(township_id=township_id, is_active=True).order_by("code"))
    led = Sector.objects.filter(township_id=township_id, is_active=True, lead_unit__isnull=False)
    units = list(
        Unit.objects.filter(township_id=township_id, is_active=True, is_safety_office=False)
        .filter(Q(duty_kind__in=[DutyKind.SUPERVISION, DutyKind.SECTOR]) | Q(pk__in=led.values("lead_unit_id")))
        .order_by("name")
    )
    return villages, units


def compute(township_id: int, year: int, quarter: int, today: dt.date) -> Board:
    """The board of a quarter from the records as they are now (a constant number of queries)."""
    start, end = quarter_bounds(year, quarter)
    led: dict[int, list[int]] = defaultdict(list)
    for sector_id, unit_id in Sector.objects.filter(
        township_id=township_id, is_active=True, lead_unit__isnull=False
    ).values_list("pk", "lead_unit_id"):
        led[unit_id].append(sector_id)
    c = _Context(township_id, year, quarter, start, end, cutoff_of(year, quarter, today), min(end, today), led)
    rectified, majors = _hazards(c)
    visits, selfs, drills, trained = _visits(c), _self_inspections(c), _drills(c), _training(c)
    monthly, reporters = _monthly(c)
    tasks, escalations = _plan_tasks(c), _escalations(c)
    villages, units = board_rows(township_id)

    def row(kind: str, obj: Village | Unit) -> Row:
        key = (kind, obj.pk)
        links = _links(c, kind, obj.pk)
        leads = kind == VILLAGE or bool(led.get(obj.pk))
        figures: dict[str, Figure] = {}

        def rate(name: str, counts: Counts, applies: bool = True) -> None:
            ok, n = counts.get(key, (0, 0))
            figures[name] = _rate(ok, n, links[name], name) if applies else Figure(name, applies=False)

        rate("on_time_rate", rectified, leads)
        figures["overdue_major"] = (
            Figure("overdue_major", value=majors.get(key, 0), links=links["overdue_major"])
            if leads
            else Figure("overdue_major", applies=False)
        )
        rate("supervision", visits)
        rate("self_inspection", selfs, kind == VILLAGE)
        rate("drill_coverage", drills, leads)
        rate("training_coverage", trained, leads)
        rate("monthly_on_time", monthly, key in reporters)
        rate("plan_on_time", tasks)
        figures["escalations"] = Figure("escalations", value=escalations.get(key, 0), links=links["escalations"])
        return Row(kind, obj.pk, obj.name, figures)

    weights = weights_of(township_id)
    boards = []
    for kind, objects in ((VILLAGE, villages), (UNIT, units)):
        rows = [row(kind, o) for o in objects]
        _normalise(rows)
        boards.append(rank(rows, weights))
    return Board(township_id, year, quarter, start, end, c.cutoff, weights, boards[0], boards[1])


def visible_rows(
    rows: Iterable[Row], *, all_rows: bool, village_ids: Iterable[int], unit_ids: Iterable[int]
) -> list[Row]:
    """All rows to those who see the whole township; else the user's own village's or unit's."""
    if all_rows:
        return list(rows)
    own = {(VILLAGE, v) for v in village_ids} | {(UNIT, u) for u in unit_ids}
    return [r for r in rows if (r.kind, r.pk) in own]
