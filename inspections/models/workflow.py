"""The shape of a workflow table: one row per step, declared beside the model it moves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Transition:
    """A step: from which states, to which state, taken by which roles; whether it needs a reason and whether the
    page asks before it is taken (a step that cannot be undone)."""

    name: str
    source: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str | Promise
    needs_note: bool = False
    confirm: bool = False


@dataclass(frozen=True)
class Steps:
    """The steps a user may take on an object now; `"name" in steps` asks for one (templates too).

    `theirs` are the steps the user's roles take in any state: a page refuses (404) a step that is never the user's,
    and lets the service tell them when it is only not possible any more (someone else acted first).
    """

    steps: tuple[Transition, ...] = ()
    theirs: tuple[Transition, ...] = ()

    def __contains__(self, name: object) -> bool:
        return any(t.name == name for t in self.steps)

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.steps)

    def __bool__(self) -> bool:
        return bool(self.steps)

    def get(self, name: str) -> Transition | None:
        return next((t for t in self.steps if t.name == name), None)

    def holds_role_for(self, name: str) -> bool:
        return any(t.name == name for t in self.theirs)


def table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


def allowed(transitions: dict[str, Transition], status: str, roles: frozenset[str]) -> Steps:
    """The steps open from `status` to someone holding `roles` — what the pages offer and the services accept."""
    theirs = tuple(t for t in transitions.values() if roles & t.roles)
    return Steps(tuple(t for t in theirs if status in t.source), theirs)


def final_statuses(transitions: dict[str, Transition], statuses: list[str]) -> frozenset[str]:
    """The states no step leaves."""
    return frozenset(s for s in statuses if not any(s in t.source for t in transitions.values()))
