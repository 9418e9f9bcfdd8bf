"""A place where higher apps register what a lower one shows or calls, so the lower one never imports them.

Each app registers its entries in its own `hooks.py`, which its AppConfig.ready imports; the lowest layer then
assembles menus, work queues and page panels from whatever is there (see liuwei_safety/layers.py for the layers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured


class Entry(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def order(self) -> int: ...


E = TypeVar("E", bound=Entry)


class Registry(Generic[E]):
    """Entries by key, read in their order. A key registered twice is a programming error, caught at start-up."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, E] = {}

    def add(self, entry: E) -> E:
        if entry.key in self._entries:
            raise ImproperlyConfigured(f"The {self.what} {entry.key!r} is registered twice.")
        self._entries[entry.key] = entry
        return entry

    def get(self, key: str) -> E:
        try:
            return self._entries[key]
        except KeyError:
            raise ImproperlyConfigured(f"No {self.what} {key!r} is registered.") from None

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[E]:
        return iter(sorted(self._entries.values(), key=lambda e: (e.order, e.key)))

    def __len__(self) -> int:
        return len(self._entries)
