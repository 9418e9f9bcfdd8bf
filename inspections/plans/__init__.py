"""Plans and obligations: quarterly supervision visits (§1), handed-over work problems (交办单, 限期交办、跟踪问效),
referrals to the discipline office (§1), enterprise self-inspections due (§4) and places at risk (§13).

One module per seam; their names are importable from here. Services (writes) take keyword-only arguments, run in
one transaction and refuse with a WorkflowError whose message tells the user why. Who sees what is
inspections.access. Quarters and months are those of the calendar in Asia/Shanghai (core.dates).
"""

from .periods import Periods, periods_around, quarter_shift
from .places import PLACE_FIELDS, place_create, place_patrol_start, place_set_active, place_update
from .problems import problem_accept, problem_actions, problem_create, problem_reply, problem_return, problems_overdue_q
from .referrals import referral_create
from .self_inspections import (
    DONE,
    DUE,
    OVERDUE,
    SelfInspectionStatus,
    self_inspection_checklist,
    self_inspection_start,
    self_inspection_states,
    self_inspection_status,
    status_from_annotations,
    with_self_inspection_state,
)
from .visits import (
    GroupBoard,
    quarter_board,
    quarter_plan_create,
    quarter_plans_create_all,
    visit_order,
    visits_to_do,
)

__all__ = [
    "DONE",
    "DUE",
    "OVERDUE",
    "PLACE_FIELDS",
    "GroupBoard",
    "Periods",
    "SelfInspectionStatus",
    "periods_around",
    "place_create",
    "place_patrol_start",
    "place_set_active",
    "place_update",
    "problem_accept",
    "problem_actions",
    "problem_create",
    "problem_reply",
    "problem_return",
    "problems_overdue_q",
    "quarter_board",
    "quarter_plan_create",
    "quarter_plans_create_all",
    "quarter_shift",
    "referral_create",
    "self_inspection_checklist",
    "self_inspection_start",
    "self_inspection_states",
    "self_inspection_status",
    "status_from_annotations",
    "visit_order",
    "visits_to_do",
    "with_self_inspection_state",
]
