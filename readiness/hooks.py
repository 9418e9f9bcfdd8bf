"""What readiness adds to the lower layers: menu entries, panels and the work queue. Loaded by ReadinessConfig.ready."""

# -- training and certificates ("training") --
from . import training_hooks  # noqa: F401

# -- drills and enforcement (§24, §28) --------------------------------------------------------------------------------
from .drills import hooks as drills_hooks  # noqa: F401
