"""双随机 (§28): draw N targets and teams of K inspectors from two pools, reproducibly, and plan the inspections.

The draw itself (`draw_random`) is a pure function of a seed and two lists of ids, so a recorded draw can be
replayed and checked by anyone (`draw_replay`). Everything it depends on is recorded on the RandomDraw row: the
seed, both pools in the order they were drawn from, the weights of the targets, and which draw came before it.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from units.access import get_scope
from units.models import Enterprise, Township, Unit, User

from .models import Inspection, Inspector, Kind, RandomDraw, RandomShareTarget, Status
from .services import inspection_plan

__all__ = [
    "CREDENTIAL_SEATS",
    "RandomShare",
    "credential_holders",
    "draw_create",
    "draw_random",
    "draw_replay",
    "draw_replay_matches",
    "draw_result_rows",
    "random_share",
    "share_target_set",
    "target_pool",
    "target_weight",
]

# §26: enterprises that reached a standardisation grade are inspected less often (减少检查频次). In a draw this
# means a lower chance of being drawn, never zero: an ungraded enterprise counts 1.0; grade 3 and small/micro
# (小微企业 meeting the basic standard) 0.7; grade 2 0.5; grade 1 0.3; a benchmark (标杆) enterprise half again.
GRADE_WEIGHTS: dict[str, float] = {"": 1.0, "small": 0.7, "3": 0.7, "2": 0.5, "1": 0.3}
BENCHMARK_FACTOR = 0.5
# Bounded effort to find teams without a pair of the previous draw; the best assignment found is kept.
TEAM_ATTEMPTS = 20
DEFAULT_SHARE_TARGET = 70
# §28: a draw team has at least this many inspectors holding an enforcement credential (执法证); social
# supervisors, technical inspectors and contracted experts may accompany them in the other seats.
CREDENTIAL_SEATS = 2

Team = list[int]


# -- the pure draw ---------------------------------------------------------------------------------------------


def target_weight(enterprise: Enterprise) -> float:
    """The relative chance of being drawn (§26 incentive: standardised enterprises are inspected less often)."""
    weight = GRADE_WEIGHTS.get(enterprise.standardisation_grade, 1.0)
    if enterprise.is_benchmark:
        weight *= BENCHMARK_FACTOR
    return round(weight, 4)


def _weighted_sample(rng: random.Random, targets: Sequence[int], weights: Sequence[float], n: int) -> list[int]:
    """Weighted sampling without replacement (Efraimidis–Spirakis): each target gets the key u^(1/w) with u drawn
    in the pool's order; the n largest keys win. Ties are broken by position, so the result is fully determined."""
    keys = [rng.random() ** (1.0 / w) for w in weights]
    order = sorted(range(len(targets)), key=lambda i: (-keys[i], i))
    return [targets[i] for i in order[:n]]


def _clashes(candidate: int, team: Sequence[int], avoid_pairs: set[frozenset[int]]) -> int:
    return sum(frozenset((candidate, member)) in avoid_pairs for member in team)


def _greedy_teams(
    rng: random.Random,
    inspectors: Sequence[int],
    n: int,
    k: int,
    avoid_pairs: set[frozenset[int]],
    certified: frozenset[int] | None,
) -> list[Team]:
    """One assignment: inspectors in a shuffled order; each seat goes to the least-used inspector (so they rotate
    when n*k exceeds the pool), then the one forming fewest avoided pairs with the team so far, then by the order.
    With `certified` (credential holders), the first CREDENTIAL_SEATS seats of every team go to holders only."""
    order = list(inspectors)
    rng.shuffle(order)
    rank = {p: i for i, p in enumerate(order)}
    load = dict.fromkeys(order, 0)
    teams: list[Team] = []
    for _team in range(n):
        team: Team = []
        for seat in range(k):
            holders_only = certified is not None and seat < CREDENTIAL_SEATS
            pick = min(
                (p for p in order if p not in team and (not holders_only or p in certified)),  # type: ignore[operator]
                key=lambda p: (load[p], _clashes(p, team, avoid_pairs), rank[p]),
            )
            team.append(pick)
            load[pick] += 1
        teams.append(sorted(team))
    return teams


def _team_cost(teams: Iterable[Team], avoid_pairs: set[frozenset[int]]) -> int:
    return sum(frozenset(pair) in avoid_pairs for team in teams for pair in combinations(team, 2))


def _teams(
    rng: random.Random,
    inspectors: Sequence[int],
    n: int,
    k: int,
    avoid_pairs: set[frozenset[int]],
    certified: frozenset[int] | None,
) -> list[Team]:
    best: list[Team] = []
    best_cost = -1
    for _attempt in range(TEAM_ATTEMPTS):
        teams = _greedy_teams(rng, inspectors, n, k, avoid_pairs, certified)
        cost = _team_cost(teams, avoid_pairs)
        if best_cost < 0 or cost < best_cost:
            best, best_cost = teams, cost
        if cost == 0:
            break
    return best


def draw_random(
    *,
    seed: str,
    targets: list[int],
    weights: list[float],
    inspectors: list[int],
    n: int,
    k: int,
    avoid_pairs: set[frozenset[int]],
    certified: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Draw n targets (weighted, without replacement) and a team of k inspectors for each.

    Pure: the same arguments give the same result on every run and Python version (`random.Random` seeded with a
    str hashes it with SHA-512; the generator and `shuffle` are stable). No inspector sits twice in one team; a
    pair in `avoid_pairs` (teammates of the previous draw) is avoided where the pool allows it. With `certified`
    (the credential holders among the inspectors), every team has at least two of them (§28); draws recorded before
    that rule pass None and replay as they were made.
    """
    if len(targets) != len(weights) or any(w <= 0 for w in weights):
        raise ValueError("every target needs a positive weight")
    if not 1 <= n <= len(targets):
        raise ValueError(f"cannot draw {n} targets from a pool of {len(targets)}")
    if not 1 <= k <= len(set(inspectors)) or len(set(inspectors)) != len(inspectors):
        raise ValueError(f"cannot form teams of {k} from {len(inspectors)} distinct inspectors")
    holders = None if certified is None else frozenset(certified)
    if holders is not None and (
        not holders <= set(inspectors) or len(holders) < CREDENTIAL_SEATS or k < CREDENTIAL_SEATS
    ):
        raise ValueError(f"every team needs {CREDENTIAL_SEATS} credential holders among the inspectors")
    rng = random.Random(seed)  # noqa: S311 — reproducible by design, not a secret
    chosen = _weighted_sample(rng, targets, weights, n)
    teams = _teams(rng, inspectors, n, k, avoid_pairs, holders)
    return [{"target": target, "inspectors": team} for target, team in zip(chosen, teams, strict=True)]


def _pairs_of(result: Iterable[dict[str, Any]]) -> set[frozenset[int]]:
    return {frozenset(pair) for row in result for pair in combinations(row["inspectors"], 2)}


# -- pools -----------------------------------------------------------------------------------------------------


def _ids(objs: Iterable[Any]) -> list[int]:
    return sorted({int(getattr(o, "pk", o)) for o in objs})


def target_pool(
    *, township: Township, villages: Iterable[Any] = (), sectors: Iterable[Any] = (), high_risk: bool | None = None
) -> list[Enterprise]:
    """The active enterprises of the township matching the filters, ordered by id (the draw depends on order)."""
    qs = Enterprise.objects.active().filter(township=township)
    village_ids, sector_ids = _ids(villages), _ids(sectors)
    if village_ids:
        qs = qs.filter(village__in=village_ids)
    if sector_ids:
        in_other = Enterprise.other_sectors.through.objects.filter(sector_id__in=sector_ids)
        qs = qs.filter(Q(primary_sector__in=sector_ids) | Q(pk__in=in_other.values("enterprise_id")))
    if high_risk is not None:
        high = Enterprise.objects.high_risk().values("pk")
        qs = qs.filter(pk__in=high) if high_risk else qs.exclude(pk__in=high)
    return list(qs.select_related("village", "primary_sector").order_by("pk"))


def _inspector_pool(township: Township, inspector_ids: Iterable[Any]) -> list[int]:
    ids = _ids(inspector_ids)
    found = Inspector.objects.filter(pk__in=ids, township=township, is_active=True).count()
    if found != len(ids):
        raise WorkflowError(_("Choose active inspectors of this township's inspector pool."))
    return ids


def credential_holders(inspector_ids: Iterable[int], on: dt.date) -> list[int]:
    """The inspectors holding an enforcement credential (执法证) valid on that day, ordered by id."""
    rows = Inspector.objects.filter(pk__in=list(inspector_ids)).order_by("pk")
    return [i.pk for i in rows if i.holds_credential(on)]


def _check_credentials(*, holders: int, k: int) -> None:
    """§28: every team needs two inspectors holding an enforcement credential; the others may only accompany."""
    if k < CREDENTIAL_SEATS:
        raise WorkflowError(
            _(
                "A draw team has at least %(n)d inspectors holding an enforcement credential (执法证): make teams"
                " of %(n)d or more."
            )
            % {"n": CREDENTIAL_SEATS}
        )
    if holders < CREDENTIAL_SEATS:
        raise WorkflowError(
            _(
                "The pool cannot staff every team: each needs %(n)d inspectors holding a valid enforcement credential"
                " (执法证), and the inspectors chosen include %(holders)d. Social supervisors and contracted experts"
                " may only accompany them."
            )
            % {"n": CREDENTIAL_SEATS, "holders": holders}
        )


def _drawing_unit(township: Township, unit: Unit | None) -> Unit | None:
    """The unit that carries the drawn inspections out: the one named, else the township's safety office."""
    if unit is None:
        return Unit.objects.filter(township=township, is_safety_office=True, is_active=True).order_by("pk").first()
    if unit.township_id != township.pk:
        raise WorkflowError(_("The inspecting unit is not in this township."))
    return unit


def _check_sizes(*, pool: int, inspectors: int, n: int, k: int) -> None:
    if pool == 0:
        raise WorkflowError(_("No enterprise matches these filters: the target pool is empty."))
    if not 1 <= n <= pool:
        raise WorkflowError(
            _("The number of targets must be between 1 and the size of the target pool (%(pool)d).") % {"pool": pool}
        )
    if not 1 <= k <= inspectors:
        raise WorkflowError(
            _("Each team needs between 1 and %(n)d inspectors (the number chosen for the pool).") % {"n": inspectors}
        )


# -- creating and replaying a draw -----------------------------------------------------------------------------


def _previous_draw(township_id: int, before_pk: int | None = None) -> RandomDraw | None:
    qs = RandomDraw.objects.filter(township_id=township_id)
    if before_pk is not None:
        qs = qs.filter(pk__lt=before_pk)
    return qs.order_by("-pk").first()


def _new_seed(seed: str | None) -> str:
    seed = (seed or "").strip()
    if len(seed) > 64:
        raise WorkflowError(_("A seed has at most 64 characters."))
    return seed or secrets.token_hex(8)


def _recorded_conditions(
    villages: Iterable[Any],
    sectors: Iterable[Any],
    high_risk: bool | None,
    pool: Sequence[Enterprise],
    previous: Any,
    holders: list[int],
) -> dict[str, Any]:
    """The filters, plus what replay needs besides the pools: the weights (grades change later), the previous
    draw whose pairs were avoided, and the credential holders (credentials expire later)."""
    return {
        "villages": _ids(villages),
        "sectors": _ids(sectors),
        "high_risk": high_risk,
        "weights": [target_weight(e) for e in pool],
        "previous_draw": previous.pk if previous else None,
        "credential_holders": holders,
    }


def _plan_inspections(draw: RandomDraw, actor: User, pool: Sequence[Enterprise]) -> None:
    """One inspection per target; a law-enforcement inspection (执法检查) when the drawing unit holds the power."""
    enterprises = {e.pk: e for e in pool}
    inspectors = Inspector.objects.in_bulk(draw.inspector_pool)
    unit = draw.inspecting_unit
    for row in draw.result:
        inspection_plan(
            actor=actor,
            township=draw.township,
            kind=Kind.RANDOM,
            enterprise=enterprises[row["target"]],
            inspectors=[inspectors[pk] for pk in row["inspectors"]],
            draw=draw,
            planned_on=draw.planned_on,
            inspecting_unit=unit,
            is_law_enforcement=unit is not None and unit.has_enforcement_power,
        )


@transaction.atomic
def draw_create(
    *,
    actor: User,
    township: Township,
    name: str,
    year: int,
    seed: str | None = None,
    villages: Iterable[Any] = (),
    sectors: Iterable[Any] = (),
    high_risk: bool | None = None,
    inspector_ids: Iterable[Any],
    n: int,
    k: int,
    planned_on: dt.date,
    inspecting_unit: Unit | None = None,
) -> RandomDraw:
    """Make a double-random draw and plan its inspections (office only).

    1. Lock the township row: draws of one township are made one at a time, so "the previous draw" is well defined.
    2. Build both pools (targets by the filters, ordered by id; the chosen active inspectors) and check N and K,
       and that the inspectors include two holding a credential valid on the day (§28: two in every team).
    3. Draw with the seed (a fresh one unless given), avoiding teammates of the previous draw.
    4. Record seed, filters, weights, pools, credential holders, the previous draw and the result; plan one
       inspection per target, carried out by the inspecting unit (default: the safety office).
    """
    if not get_scope(actor).is_office_for(township.pk):
        raise WorkflowError(_("Only the township safety office makes random draws."))
    if planned_on.year != year:
        raise WorkflowError(_("The planned date must fall in the year of the draw."))
    Township.objects.select_for_update().get(pk=township.pk)
    villages, sectors = _ids(villages), _ids(sectors)
    pool = target_pool(township=township, villages=villages, sectors=sectors, high_risk=high_risk)
    inspectors = _inspector_pool(township, inspector_ids)
    _check_sizes(pool=len(pool), inspectors=len(inspectors), n=n, k=k)
    holders = credential_holders(inspectors, max(planned_on, local_today()))
    _check_credentials(holders=len(holders), k=k)
    unit = _drawing_unit(township, inspecting_unit)
    previous = _previous_draw(township.pk)
    draw = RandomDraw(
        township=township,
        year=year,
        name=name.strip() or _("Random draw"),
        seed=_new_seed(seed),
        target_filters=_recorded_conditions(villages, sectors, high_risk, pool, previous, holders),
        inspecting_unit=unit,
        target_pool=[e.pk for e in pool],
        inspector_pool=inspectors,
        target_count=n,
        team_size=k,
        planned_on=planned_on,
        created_by=actor,
    )
    draw.result = _replay(draw, previous)
    draw.save()
    _plan_inspections(draw, actor, pool)
    return draw


def _replay(draw: RandomDraw, previous: RandomDraw | None) -> list[dict[str, Any]]:
    weights = draw.target_filters.get("weights")
    if weights is None:  # a draw recorded without weights: take today's
        current = Enterprise.objects.in_bulk(draw.target_pool)
        weights = [target_weight(current[pk]) for pk in draw.target_pool]
    return draw_random(
        seed=draw.seed,
        targets=list(draw.target_pool),
        weights=list(weights),
        inspectors=list(draw.inspector_pool),
        n=draw.target_count,
        k=draw.team_size,
        avoid_pairs=_pairs_of(previous.result) if previous else set(),
        certified=draw.target_filters.get("credential_holders"),
    )


def _recorded_previous(draw: RandomDraw) -> RandomDraw | None:
    if "previous_draw" in draw.target_filters:
        pk = draw.target_filters["previous_draw"]
        return RandomDraw.objects.filter(pk=pk).first() if pk else None
    return _previous_draw(draw.township_id, before_pk=draw.pk)


def draw_replay(draw: RandomDraw) -> list[dict[str, Any]]:
    """The draw computed again from its recorded seed, pools, weights and previous draw."""
    return _replay(draw, _recorded_previous(draw))


def draw_replay_matches(draw: RandomDraw) -> bool:
    try:
        return draw_replay(draw) == draw.result
    except (ValueError, KeyError):
        return False


# -- the share of random inspections ---------------------------------------------------------------------------


class RandomShare(NamedTuple):
    """§28 双随机 share: drawn law-enforcement inspections of enterprises ÷ all of them, done in the year."""

    drawn: int
    total: int
    percent: float
    target: int

    @property
    def is_met(self) -> bool:
        return self.total > 0 and self.percent >= self.target


def _share_target(township: Township, year: int) -> int:
    row = RandomShareTarget.objects.filter(township=township, year=year).first()
    return row.percent if row else DEFAULT_SHARE_TARGET


def random_share(*, township: Township, year: int) -> RandomShare:
    """Of the law-enforcement inspections (执法检查) of enterprises done (submitted) in the year, how many came from
    a double-random draw. Grid patrols, door-knocking, self-inspections, supervision of work and any inspection
    not flagged as law enforcement are outside both numbers; a 四不两直 or 专项 law-enforcement inspection counts
    in the denominator only (§28)."""
    done = Inspection.objects.law_enforcement().filter(township=township, status=Status.SUBMITTED, done_on__year=year)
    total = done.count()
    drawn = done.filter(draw__isnull=False).count()
    percent = round(100 * drawn / total, 1) if total else 0.0
    return RandomShare(drawn, total, percent, _share_target(township, year))


@transaction.atomic
def share_target_set(*, actor: User, township: Township, year: int, percent: int) -> RandomShareTarget:
    """The office sets the year's target share of random inspections (0–100%)."""
    if not get_scope(actor).is_office_for(township.pk):
        raise WorkflowError(_("Only the township safety office sets the target share."))
    if not 0 <= percent <= 100:
        raise WorkflowError(_("The target share is a percentage between 0 and 100."))
    target, _created = RandomShareTarget.objects.update_or_create(
        township=township, year=year, defaults={"percent": percent}
    )
    return target


# -- selectors -------------------------------------------------------------------------------------------------


def draw_result_rows(draw: RandomDraw) -> list[dict[str, Any]]:
    """The result as rows for the page: the enterprise, its team and the planned inspection."""
    enterprises = Enterprise.objects.select_related("village").in_bulk([r["target"] for r in draw.result])
    inspectors = Inspector.objects.in_bulk(draw.inspector_pool)
    planned = {i.enterprise_id: i for i in draw.inspections.order_by("pk")}  # type: ignore[attr-defined]
    return [
        {
            "enterprise": enterprises.get(row["target"]),
            "target_id": row["target"],
            "team": [inspectors.get(pk) for pk in row["inspectors"]],
            "inspection": planned.get(row["target"]),
        }
        for row in draw.result
    ]
