"""§27: the reporter is never exposed. The enterprise never sees a hazard's source channel; the finder of a
reported hazard (群众举报查实) is seen by the confidential-report officer (举报保密员) only — on every page, print,
export, filter and history."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hazards import supervision_services
from hazards.access import REPORT_CHANNELS, hidden_source_fields, may_see_finder, may_see_source
from hazards.ledger_export import run_export_job
from hazards.models import Channel, ExportJob
from tests.factories import HazardFactory
from units.access import get_scope

pytestmark = pytest.mark.django_db

SENTINEL = "举报人哨兵甲"
CHANNEL_WORDS = ("群众举报", "public report", "部门检查", "department inspection", "来源渠道", "source channel")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reported(world):
    """A hazard that came from a public report, registered and being rectified, with a notice issued."""
    hazard = HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        channel=Channel.PUBLIC,
        found_by=SENTINEL,
        status="rectifying",
        deadline=timezone.localdate() - dt.timedelta(days=3),  # overdue: on the overdue page too
        title="仓库违规住人",
    )
    hazard.notice = supervision_services.notice_issue(
        hazard_id=hazard.pk,
        actor=world.office,
        issued_on=timezone.localdate(),
        terms=supervision_services.NoticeTerms(deadline=timezone.localdate() + dt.timedelta(days=7)),
    )
    return hazard


def pages(hazard) -> list[str]:
    return [
        hazard.get_absolute_url(),
        reverse("hazards:list"),
        reverse("hazards:list") + "?q=仓库",
        reverse("hazards:notice_print", args=[hazard.notice.pk]),
        reverse("hazards:enterprise_list", args=[hazard.enterprise_id]),
        reverse("hazards:overdue"),
    ]


def export_text(client: Any) -> str:
    response = client.get(reverse("hazards:ledger_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def test_report_channels_are_channels():
    assert set(REPORT_CHANNELS) <= set(Channel.values)


@pytest.mark.parametrize("who", ["ent_a", "village_a_officer", "dept_a", "office", "leader"])
def test_it_never_shows_the_finder_of_a_reported_hazard_but_to_the_custodian(world, client_for, reported, who):
    client = client_for(getattr(world, who))
    for url in pages(reported):
        response = client.get(url)
        if response.status_code == 404:
            continue  # a page this role does not have (the overdue page is everyone's; kept for completeness)
        assert response.status_code == 200, url
        assert SENTINEL not in response.content.decode(), url
    assert client.get(reported.get_absolute_url()).status_code == 200
    assert SENTINEL not in export_text(client)


def test_it_shows_the_channel_to_the_office_and_the_finder_to_its_custodian(world, client_for, reported):
    client = client_for(world.office)
    page = client.get(reported.get_absolute_url()).content.decode()
    assert SENTINEL not in page and 'data-testid="hazard-channel"' in page
    text = export_text(client)
    assert SENTINEL not in text and "群众举报查实" in text
    client = client_for(world.office_custodian)
    assert SENTINEL in client.get(reported.get_absolute_url()).content.decode()
    assert SENTINEL in export_text(client)


def test_it_never_shows_the_channel_to_the_enterprise(world, client_for, reported):
    HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, status="confirmed",
        channel=Channel.DEPARTMENT, found_by="检查员乙", title="灭火器过期",
    )  # fmt: skip
    client = client_for(world.ent_a)
    for url in pages(reported):
        page = client.get(url).content.decode()
        assert not any(word in page for word in CHANNEL_WORDS), url
        assert 'name="channel"' not in page, url
    text = export_text(client)
    assert not any(word in text for word in CHANNEL_WORDS)
    # Nor the finder of any hazard: a blank one beside a filled one would point at the report.
    assert "检查员乙" not in text and "检查员乙" not in client.get(reported.get_absolute_url()).content.decode()


def test_it_ignores_a_channel_filter_from_the_enterprise(world, client_for, reported):
    other = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, status="confirmed",
        channel=Channel.DEPARTMENT, title="灭火器过期",
    )  # fmt: skip
    page = client_for(world.ent_a).get(reverse("hazards:list"), {"channel": "public"}).content.decode()
    # Both hazards: the list cannot be used to find out which one was reported.
    assert reported.title in page and other.title in page


def test_it_shows_the_channel_to_village_and_department_staff(world, client_for, reported):
    for user in (world.village_a_officer, world.dept_a):
        page = client_for(user).get(reported.get_absolute_url()).content.decode()
        assert 'data-testid="hazard-channel"' in page and SENTINEL not in page


def test_it_keeps_the_finder_of_other_channels_for_staff(world, client_for):
    hazard = HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, status="confirmed",
        channel=Channel.SUPERVISION, found_by="督导组长丙",
    )  # fmt: skip
    for user in (world.office, world.village_a_officer, world.dept_a):
        assert "督导组长丙" in client_for(user).get(hazard.get_absolute_url()).content.decode()


def test_it_leaves_the_source_out_of_a_background_export(world, reported):
    job = ExportJob.objects.create(user=world.ent_a, township=world.township, query="")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    with job.file.open("rb") as handle:
        sheet = load_workbook(handle).active
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert SENTINEL not in text and "群众举报" not in text and "来源渠道" not in text


def test_it_names_the_fields_a_history_must_leave_out(world, reported):
    # For any field history of a hazard (simple-history keeps found_by and channel changes).
    assert hidden_source_fields(get_scope(world.office_custodian), reported) == frozenset()
    assert hidden_source_fields(get_scope(world.office), reported) == {"found_by"}
    assert hidden_source_fields(get_scope(world.ent_a), reported) == {"channel", "found_by"}
    assert hidden_source_fields(get_scope(world.village_a_officer), reported) == {"found_by"}
    assert hidden_source_fields(get_scope(world.leader), reported) == {"found_by"}
    assert may_see_source(get_scope(world.leader), reported) and not may_see_finder(get_scope(world.leader), reported)


def test_the_enterprise_reports_without_choosing_a_channel(world, client_for):
    page = client_for(world.ent_a).get(reverse("hazards:report")).content.decode()
    assert 'name="channel"' not in page


def test_the_notice_never_names_the_channel_or_the_reporter_even_printed_by_the_office(world, client_for, reported):
    """The notice is the enterprise's paper: printed by the office, it still leaves out the channel and the finder
    of a reported hazard, and the issue form does not propose the reporter as inspector."""
    client = client_for(world.office)
    page = client.get(reverse("hazards:notice_print", args=[reported.notice.pk])).content.decode()
    notice_doc = page[page.index('data-testid="notice-doc"') : page.index("</article>")]
    assert SENTINEL not in notice_doc
    assert not any(word in notice_doc for word in CHANNEL_WORDS)
    assert reported.notice.inspectors == ""
    supervision_services.notice_void(notice_id=reported.notice.pk, actor=world.office, reason="更正")
    form = client.get(reverse("hazards:notice_issue", args=[reported.pk])).content.decode()
    assert SENTINEL not in form
