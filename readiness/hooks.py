"""What readiness adds to the lower layers: menu entries, panels and the work queue. Loaded by ReadinessConfig.ready.
The topics share one menu group (readiness.menu_group)."""

# -- training and certificates --
# -- work plans and monthly reports (三(一)) --
from . import (
    filing_hooks,  # noqa: F401
    training_hooks,  # noqa: F401
)

# -- drills and enforcement (§24, §28) --
from .drills import hooks as drills_hooks  # noqa: F401
