"""Who receives a reminder, looked up once per scan (a few queries, whatever the number of objects)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from units.models import Assignment, Role, User

from .engine import Recipient


class Directory:
    def __init__(self) -> None:
        self.by_village: dict[int, list[User]] = defaultdict(list)
        self.by_enterprise: dict[int, list[User]] = defaultdict(list)
        self.by_unit: dict[int, list[User]] = defaultdict(list)
        self.office: dict[int, list[User]] = defaultdict(list)
        self.leaders: dict[int, list[User]] = defaultdict(list)
        rows = Assignment.objects.filter(is_active=True, user__is_active=True).select_related("user")
        for a in rows:
            if a.role == Role.VILLAGE:
                self.by_village[a.village_id].append(a.user)  # type: ignore[index]
            elif a.role == Role.ENTERPRISE:
                self.by_enterprise[a.enterprise_id].append(a.user)  # type: ignore[index]
            elif a.role == Role.DEPARTMENT:
                self.by_unit[a.unit_id].append(a.user)  # type: ignore[index]
            elif a.role == Role.OFFICE:
                self.office[a.township_id].append(a.user)  # type: ignore[index]
            elif a.role == Role.LEADERSHIP:
                self.leaders[a.township_id].append(a.user)  # type: ignore[index]

    def leader_named(self, township_id: int, name: str) -> list[User]:
        """The supervising leader of a listing is written as a name; find the leadership account it names."""
        name = name.strip()
        return [u for u in self.leaders[township_id] if name and name in (u.full_name, u.username)]


def users(*groups: Iterable[User]) -> list[Recipient]:
    """Recipients for these users, each once, in a stable order."""
    seen: dict[int, User] = {}
    for group in groups:
        for user in group:
            seen.setdefault(user.pk, user)
    return [Recipient(user=u) for _pk, u in sorted(seen.items())]


def phones(*numbers: str) -> list[Recipient]:
    cleaned = {"".join(ch for ch in n if ch.isdigit()) for n in numbers if n}
    return [Recipient(phone=p) for p in sorted(cleaned) if len(p) >= 7]
