"""Recording sessions and attendees: the office, a department in its sectors, scope, the attendee import."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import Workbook

from readiness.models import Attendee, TrainingSession
from tests.factories import AttendeeFactory, TrainingSessionFactory


def _post_session(client, **extra):
    data = {"held_on": "2024-05-06", "topic": "液化气安全培训", "mode": "offline", "hours": "2.5", **extra}
    return client.post(reverse("readiness:training_create"), data)


def test_the_office_records_a_session_and_an_attendee_matching_the_principal(world, client_for):
    client = client_for(world.office)
    response = _post_session(client, organiser=world.office_unit.pk)
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and session.township == world.township
    data = {
        "attendee-name": world.enterprise_a.principal_name,
        "attendee-enterprise": world.enterprise_a.pk,
        "attendee-role": "principal",
    }
    client.post(session.get_absolute_url(), data)
    client.post(session.get_absolute_url(), data)  # twice: listed once
    attendee = Attendee.objects.get()
    assert attendee.matches_record


def test_a_department_records_only_in_its_sectors(world, client_for):
    client = client_for(world.dept_a)
    assert _post_session(client, organiser=world.unit_a.pk, sector=world.sector_b.pk).status_code == 200
    assert _post_session(client, organiser=world.unit_b.pk, sector=world.sector_a.pk).status_code == 200
    assert not TrainingSession.objects.exists()
    assert _post_session(client, organiser=world.unit_a.pk, sector=world.sector_a.pk).status_code == 302
    assert client_for(world.village_a_officer).get(reverse("readiness:training_create")).status_code == 404


def test_sessions_are_seen_in_scope(world, client_for):
    mine = TrainingSessionFactory(township=world.township, organiser=world.unit_a, sector=world.sector_a)
    AttendeeFactory(session=mine, enterprise=world.enterprise_a)
    other = TrainingSessionFactory(township=world.other_township)
    for role, expected in (
        ("office", 200),
        ("dept_a", 200),
        ("village_a_officer", 200),
        ("ent_a", 200),
        ("dept_b", 404),
        ("village_b_officer", 404),
        ("ent_b", 404),
        ("other_office", 404),
    ):
        response = client_for(getattr(world, role)).get(mine.get_absolute_url())
        assert response.status_code == expected, role
    assert client_for(world.office).get(other.get_absolute_url()).status_code == 404
    assert client_for(world.ent_a).post(mine.get_absolute_url(), {"attendee-name": "x"}).status_code == 404


def _sheet(rows):
    book = Workbook()
    book.active.append(["姓名", "单位名称", "身份"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "list.xlsx"
    return out


def test_the_attendee_import_checks_imports_and_refuses_bad_rows(world, client_for):
    session = TrainingSessionFactory(township=world.township, organiser=world.office_unit)
    client = client_for(world.office)
    url = reverse("readiness:attendee_import", args=[session.pk])
    rows = [["张三", world.enterprise_a.name, "主要负责人"], ["李四", world.enterprise_b.name, "消防安全责任人"]]
    assert client.post(url, {"file": _sheet(rows), "dry_run": "1"}).status_code == 200
    assert not Attendee.objects.exists()
    assert client.post(url, {"file": _sheet(rows)}).status_code == 302
    assert Attendee.objects.count() == 2
    bad = [["王五", world.enterprise_other.name, "主要负责人"], ["", world.enterprise_a.name, "厨师"]]
    response = client.post(url, {"file": _sheet(bad)})
    assert response.status_code == 200 and Attendee.objects.count() == 2
    assert client_for(world.ent_a).get(url).status_code == 404
