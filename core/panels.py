"""Parts of a lower app's page that a higher app fills in: a panel is a template of the higher app with its context.

A lower app names the places on its pages (`{% panels "units.enterprise_actions" enterprise %}`, tag library
`core_panels`); a higher app registers, in its hooks.py, what it shows there: its own template and a function
(request, object) → the template's context, or None to show nothing for that object. So the enterprise page shows
its hazards link and self-inspection state without units importing, or naming the URLs of, hazards or inspections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from .registry import Registry

Context = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    place: str  # "<app>.<place>", named by the page that shows it
    name: str
    template: str
    context: Context
    order: int

    @property
    def key(self) -> str:
        return f"{self.place}:{self.name}"


panels: Registry[Panel] = Registry("page panel")


def render_panels(place: str, request: HttpRequest, obj: Any) -> SafeString:
    """The panels registered for `place`, in their order, each rendered with its own context."""
    rendered = []
    for panel in panels:
        if panel.place != place:
            continue
        context = panel.context(request, obj)
        if context is not None:
            rendered.append((render_to_string(panel.template, context, request=request),))  # escaped by its template
    return format_html_join("", "{}", rendered)
