from django import template

from hazards import access
from hazards.models import Hazard
from units.access import get_scope

register = template.Library()

STATUS_CLASSES = {
    "reported": "text-bg-secondary",
    "confirmed": "text-bg-info",
    "rectifying": "text-bg-warning",
    "pending_acceptance": "text-bg-primary",
    "verified": "text-bg-success",
    "closed": "text-bg-dark",
    "dismissed": "text-bg-light border",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def level_class(level: str) -> str:
    return "text-bg-danger" if level == "major" else "text-bg-light border"


@register.simple_tag(takes_context=True)
def may_see_source(context: template.Context, hazard: Hazard) -> bool:
    """{% may_see_source hazard as show_source %}: the source channel, never for the enterprise (§27)."""
    return access.may_see_source(get_scope(context["request"].user), hazard)


@register.simple_tag(takes_context=True)
def may_see_finder(context: template.Context, hazard: Hazard) -> bool:
    """{% may_see_finder hazard as show_finder %}: the finder of a reported hazard only for the office (§27)."""
    return access.may_see_finder(get_scope(context["request"].user), hazard)
