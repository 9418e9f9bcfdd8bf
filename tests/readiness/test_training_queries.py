"""The session list, a session's page and the certificate list take as many queries with many rows as with few."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AttendeeFactory, CertificateFactory, EnterpriseFactory, TrainingSessionFactory


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n: int, grown=None):
    """n more sessions with n attendees each of n enterprises (added to `grown` too), and n certificates."""
    enterprises = [
        EnterpriseFactory(township=world.township, village=world.village_a, primary_sector=world.sector_a)
        for _ in range(n)
    ]
    sessions = []
    for _ in range(n):
        session = TrainingSessionFactory(
            township=world.township, organiser=world.unit_a, sector=world.sector_a, created_by=world.office
        )
        for enterprise in enterprises:
            AttendeeFactory(session=session, enterprise=enterprise, created_by=world.office)
        sessions.append(session)
    for enterprise in enterprises if grown is not None else []:
        AttendeeFactory(session=grown, enterprise=enterprise, created_by=world.office, role="fire_officer")
    for enterprise in enterprises:
        CertificateFactory(enterprise=enterprise, created_by=world.office)
    return sessions


def test_the_pages_take_the_same_queries_with_more_rows(world, client_for):
    first = _grow(world, 1)[0]
    pages = {
        "sessions": reverse("readiness:training_list"),
        "session": first.get_absolute_url(),
        "certificates": reverse("readiness:certificate_list"),
    }
    users = (world.office, world.dept_a, world.village_a_officer)
    clients = {user.username: client_for(user) for user in users}
    for client in clients.values():
        for url in pages.values():  # warm the session and the per-user caches
            client.get(url)

    def measure() -> dict[tuple[str, str], int]:
        return {(u, name): _queries(c, url) for u, c in clients.items() for name, url in pages.items()}

    few = measure()
    _grow(world, 5, grown=first)
    assert first.attendees.count() == 6
    many = measure()
    assert many == few
    assert max(few.values()) <= 30, few
