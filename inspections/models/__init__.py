from .checklists import ChecklistItem, ChecklistTemplate, ChecklistVersion
from .inspection import (
    DEFAULT_CHANNEL,
    NON_ENFORCEMENT_KINDS,
    UNANNOUNCED_KINDS,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionQuerySet,
    Inspector,
    Kind,
    PlaceAtRisk,
    Status,
)
from .links import InspectionHazard
from .plans import DisciplineReferral, RandomDraw, RandomShareTarget, SupervisionVisit, WorkProblem

__all__ = [
    "DEFAULT_CHANNEL",
    "NON_ENFORCEMENT_KINDS",
    "UNANNOUNCED_KINDS",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistVersion",
    "DisciplineReferral",
    "Inspection",
    "InspectionAnswer",
    "InspectionHazard",
    "InspectionPhoto",
    "InspectionQuerySet",
    "Inspector",
    "Kind",
    "PlaceAtRisk",
    "RandomDraw",
    "RandomShareTarget",
    "Status",
    "SupervisionVisit",
    "WorkProblem",
]
