"""The site menu, assembled for each user from what the apps register in their hooks.py.

An app registers its groups (a dropdown of the navigation bar), the entries it adds to any group (label, URL name,
who sees it, order), and shortcuts: links computed per user, each shown on its own (an enterprise contact's own
enterprise). The home page shows the same entries as cards. core names no app's URL: it only reverses what it was
given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from .registry import Registry

Label = str | Promise
# Who sees an entry: the signed-in user → yes or no. Apps build it from their access rules (units.navigation).
Visible = Callable[[Any], bool]


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: Label
    order: int


@dataclass(frozen=True)
class MenuEntry:
    group: str  # the key of a MenuGroup, registered by this app or a lower one
    label: Label
    url_name: str
    visible: Visible
    order: int

    @property
    def key(self) -> str:
        return self.url_name


@dataclass(frozen=True)
class MenuLink:
    label: Label
    url: str


@dataclass(frozen=True)
class Shortcut:
    """Links made for the user (e.g. to their own records); each shows as a group of one, before the groups."""

    key: str
    order: int
    links: Callable[[Any], Sequence[MenuLink]]


groups: Registry[MenuGroup] = Registry("menu group")
entries: Registry[MenuEntry] = Registry("menu entry")
shortcuts: Registry[Shortcut] = Registry("menu shortcut")


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The groups of the navigation bar the user may use, each with its items; a group with one item shows as a
    plain link (base.html). The item of the current page is active: the one whose URL is the longest start of the
    path (on /hazards/overdue/, "Overdue", not also the ledger at /hazards/)."""
    menu: list[dict[str, Any]] = [
        {"label": link.label, "items": [{"label": link.label, "url": link.url}]}
        for shortcut in shortcuts
        for link in shortcut.links(user)
    ]
    by_group: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        groups.get(entry.group)  # an entry in a group nobody registered is a mistake, not a hidden link
        if entry.visible(user):
            by_group.setdefault(entry.group, []).append({"label": entry.label, "url": reverse(entry.url_name)})
    menu += [{"label": g.label, "items": by_group[g.key]} for g in groups if g.key in by_group]
    current = max((i["url"] for i in flat_menu(menu) if path.startswith(i["url"])), key=len, default=None)
    for group in menu:
        for item in group["items"]:
            item["active"] = item["url"] == current
        group["active"] = any(item["active"] for item in group["items"])
    return menu


def flat_menu(menu: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every item of the menu in its order: the home page's cards."""
    return [item for group in menu for item in group["items"]]
