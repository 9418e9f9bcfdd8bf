"""`{% panels "place" object %}`: what higher apps show on a lower app's page (core.panels)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, place: str, obj: Any) -> SafeString:
    return render_panels(place, context["request"], obj)
