"""The plan's time frame and goals, as data (三 进度安排 and 二 主要任务; SPEC S5, S9).

The phases are the plan's four; after the last one the work goes on as routine (常态化): dynamic zeroing and the
yearly "双下降" never end. Whether a goal is met is decided from live figures (the dashboard's selectors;
the plan's targets, plan.targets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Phase:
    key: str
    name: str | Promise
    start: dt.date
    end: dt.date
    summary: str | Promise

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


# 三 进度安排: 2024年2月至2026年12月, 分四个阶段.
PHASES: tuple[Phase, ...] = (
    Phase(
        "mobilisation",
        _("Mobilisation and deployment (动员部署)"),
        dt.date(2024, 2, 1),
        dt.date(2024, 4, 30),
        _("The implementation plan is issued; villages and units file their work plans by 10 March."),
    ),
    Phase(
        "special_rectification",
        _("Special rectification (专项治理)"),
        dt.date(2024, 5, 1),
        dt.date(2025, 12, 31),
        _("The eight actions: inspect and rectify in depth, build the major-hazard database, fix on the spot."),
    ),
    Phase(
        "consolidation",
        _("Consolidation and improvement (巩固提升)"),
        dt.date(2026, 1, 1),
        dt.date(2026, 9, 30),
        _("Keep the database current, tackle the hard cases, build the prevention system."),
    ),
    Phase(
        "evaluation",
        _("Summary and evaluation (总结评估)"),
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        _("Analyse the common problems and turn what worked into lasting rules."),
    ),
)


def current_phase(day: dt.date) -> Phase | None:
    """The phase `day` falls in; None before the plan starts and after it ends (then the work is routine)."""
    return next((phase for phase in PHASES if phase.contains(day)), None)


@dataclass(frozen=True)
class Goal:
    key: str
    name: str | Promise
    text: str | Promise  # the plan's target, in the plan's terms
    in_force_from: dt.date | None = None  # before this day the goal is shown but not judged
    deadline: dt.date | None = None  # the day by which the goal must be met (None: every year / continuously)


STOCK_ZERO = "stock_zero"
INCREMENT_DOWN = "increment_down"
DYNAMIC_ZERO = "dynamic_zero"
DOUBLE_DECLINE = "double_decline"

# 二 主要任务: 2024年底前基本消除2023年及以前排查发现的重大事故隐患存量, 2025年底前有效压减重大事故隐患增量,
# 2026年底前形成重大事故隐患动态清零的常态化机制; 继续保持事故起数和死亡人数"双下降".
GOALS: dict[str, Goal] = {
    goal.key: goal
    for goal in (
        Goal(
            STOCK_ZERO,
            _("Stock of major hazards eliminated (存量清零)"),
            _("Major hazards found in 2023 or earlier: none left open by the end of 2024."),
            deadline=dt.date(2024, 12, 31),
        ),
        Goal(
            INCREMENT_DOWN,
            _("New major hazards reduced (压减增量)"),
            _("Fewer new major hazards found in 2025 than in 2024."),
            in_force_from=dt.date(2025, 1, 1),
            deadline=dt.date(2025, 12, 31),
        ),
        Goal(
            DYNAMIC_ZERO,
            _("Dynamic zeroing (动态清零)"),
            _("From 2026 on, no major hazard is open past its deadline."),
            in_force_from=dt.date(2026, 1, 1),
        ),
        Goal(
            DOUBLE_DECLINE,
            _("Accidents and deaths both decline (双下降)"),
            _("Fewer accidents and fewer deaths than the year before, every year."),
        ),
    )
}

# The years the increment goal compares.
INCREMENT_BASE_YEAR, INCREMENT_GOAL_YEAR = 2024, 2025
