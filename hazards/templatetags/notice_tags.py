"""The state of each rectification notice in a hazard's list (current, served, voided, replaced by N)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from hazards.models.supervision import Notice, NoticeRow, notice_rows

register = template.Library()


@register.simple_tag
def notice_chain(notices: Iterable[Notice]) -> list[NoticeRow]:
    return notice_rows(notices)
