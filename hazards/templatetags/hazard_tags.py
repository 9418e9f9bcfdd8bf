from django import template

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
