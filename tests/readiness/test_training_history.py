"""The history of sessions and certificates (who changed what), and deleting either after a confirmation step,
with the reason kept: the office; a department for the sessions it organised in its sectors; nobody else."""

from __future__ import annotations

from django.urls import reverse

from readiness.models import Attendee, Certificate, TrainingSession
from tests.factories import AttendeeFactory, CertificateFactory, TrainingSessionFactory


def _certificate_data(certificate, **changes):
    data = {
        "enterprise": certificate.enterprise_id,
        "holder": certificate.holder,
        "operation": certificate.operation,
        "number": certificate.number,
        "issued_on": f"{certificate.issued_on:%Y-%m-%d}",
        "expires_on": f"{certificate.expires_on:%Y-%m-%d}",
        "last_review_on": "",
    }
    return {**data, **changes}


def test_the_certificate_page_shows_who_changed_what(world, client_for):
    client = client_for(world.office)
    certificate = CertificateFactory(enterprise=world.enterprise_a, created_by=world.office, holder="李四")
    url = reverse("readiness:certificate_edit", args=[certificate.pk])
    assert client.post(url, _certificate_data(certificate, holder="李思")).status_code == 302
    review = reverse("readiness:certificate_review", args=[certificate.pk])
    assert client.post(review, {"review-reviewed_on": "2026-02-01"}).status_code == 302
    changes = certificate.history.order_by("history_id")
    assert [h.history_type for h in changes] == ["+", "~", "~"]
    assert [h.history_user for h in changes][1:] == [world.office, world.office]
    page = client.get(url).content.decode()
    assert 'data-testid="history"' in page and "李四 → 李思" in page


def test_the_session_page_shows_its_history_to_who_may_change_it(world, client_for):
    session = TrainingSessionFactory(township=world.township, organiser=world.unit_a, sector=world.sector_a)
    AttendeeFactory(session=session, enterprise=world.enterprise_a)
    data = {
        "held_on": "2024-06-01",
        "topic": "改过的主题",
        "organiser": world.unit_a.pk,
        "mode": "online",
        "sector": world.sector_a.pk,
        "hours": "3",
    }
    response = client_for(world.dept_a).post(reverse("readiness:training_edit", args=[session.pk]), data)
    assert response.status_code == 302
    assert session.history.latest("history_id").history_user == world.dept_a
    assert 'data-testid="history"' in client_for(world.office).get(session.get_absolute_url()).content.decode()
    assert 'data-testid="history"' not in client_for(world.ent_a).get(session.get_absolute_url()).content.decode()


def test_deleting_a_session_asks_first_and_keeps_the_reason(world, client_for):
    session = TrainingSessionFactory(township=world.township, organiser=world.unit_a, sector=world.sector_a)
    AttendeeFactory(session=session, enterprise=world.enterprise_a)
    url = reverse("readiness:training_delete", args=[session.pk])
    # Those who may not change the session do not reach the step.
    for role in ("dept_b", "village_a_officer", "ent_a", "leader", "county", "other_office"):
        client = client_for(getattr(world, role))
        assert client.get(url).status_code == 404, role
        assert client.post(url, {"reason": "录错了"}).status_code == 404, role
    office = client_for(world.office)
    page = office.get(url)
    assert page.status_code == 200 and 'data-testid="delete-confirm"' in page.content.decode()
    assert TrainingSession.objects.exists()  # asking deleted nothing
    assert office.post(url, {"reason": ""}).status_code == 400  # the reason is required
    assert office.post(url, {"reason": "x" * 201}).status_code == 400
    assert TrainingSession.objects.exists() and Attendee.objects.exists()
    assert office.post(url, {"reason": "重复录入"}).status_code == 302
    assert not TrainingSession.objects.exists() and not Attendee.objects.exists()
    deleted = TrainingSession.history.get(history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (world.office, "重复录入")


def test_a_department_deletes_only_the_sessions_it_organised_in_its_sectors(world, client_for):
    its_own = TrainingSessionFactory(township=world.township, organiser=world.unit_a, sector=world.sector_a)
    offices = TrainingSessionFactory(township=world.township, organiser=world.office_unit, sector=world.sector_a)
    client = client_for(world.dept_a)
    assert client.post(reverse("readiness:training_delete", args=[offices.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("readiness:training_delete", args=[its_own.pk]), {"reason": "x"}).status_code == 302
    assert list(TrainingSession.objects.all()) == [offices]


def test_deleting_a_certificate_asks_first_and_only_the_office_of_its_township_may(world, client_for):
    certificate = CertificateFactory(enterprise=world.enterprise_a, created_by=world.office)
    url = reverse("readiness:certificate_delete", args=[certificate.pk])
    for role in ("dept_a", "village_a_officer", "ent_a", "leader", "county", "other_office"):
        client = client_for(getattr(world, role))
        assert client.get(url).status_code == 404, role
        assert client.post(url, {"reason": "录错了"}).status_code == 404, role
    office = client_for(world.office)
    assert 'data-testid="certificate-delete"' in office.get(certificate.get_absolute_url()).content.decode()
    assert office.get(url).status_code == 200
    assert office.post(url, {"reason": " "}).status_code == 400
    assert Certificate.objects.exists()
    assert office.post(url, {"reason": "已调离本企业"}).status_code == 302
    assert not Certificate.objects.exists()
    deleted = Certificate.history.get(history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (world.office, "已调离本企业")
