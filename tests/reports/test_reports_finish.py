"""Public reports (§27), continued: the race of two verifications, the reply reminder, the work queue, the demo
reports, the query counts of the office's pages, the custodian's role on the people pages and in the hazard pages,
the client limit across processes."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core import work_queue
from core.dates import local_today
from core.errors import WorkflowError
from hazards.access import may_report
from hazards.models import Channel as HazardChannel
from hazards.models import Hazard
from reminders import engine
from reminders.models import Reminder
from reports import limits, services
from reports.models import Report, Status
from tests.reports import data
from units.access import get_scope
from units.models import Assignment, Role, User

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 8) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def web_report(world, township=None, village=None):  # type: ignore[no-untyped-def]
    fields = {"village": village or world.village_a, "place": "村东", "enterprise_name": "", "content": "仓库住人"}
    report, _code = services.submit_web_report(
        township=township or world.township, fields=fields, identity=data.identity()
    )
    return report


# -- the race --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_verifications_at_once_make_one_hazard_and_the_other_is_told_the_report_moved(world):
    report = web_report(world)
    second_office = User.objects.create(username="office2", full_name="office2")
    Assignment.objects.create(user=second_office, role=Role.OFFICE, township=world.township)
    barrier = threading.Barrier(2)
    done: list[Hazard] = []
    errors: list[str] = []

    def run(actor: User) -> None:
        try:
            with translation.override("zh-hans"):
                barrier.wait()
                fields = data.hazard_fields(world.village_a, world.sector_a, "仓库住人")
                try:
                    done.append(services.verify(actor=actor, report_id=report.pk, hazard_fields=fields))
                except WorkflowError as exc:
                    errors.append(str(exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in (world.office, second_office)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 1 and len(errors) == 1
    assert Hazard.objects.filter(channel=HazardChannel.PUBLIC).count() == 1
    assert Report.objects.get().hazard == done[0]
    # The Chinese message: the report has moved on (to 查实), this step is no longer possible.
    assert "查实" in errors[0] and "已无法" in errors[0], errors[0]


# -- the verify page -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_office_verifies_on_the_verify_page(world, client_for):
    report = web_report(world)
    client = client_for(world.office)
    page = client.get(reverse("reports:verify", args=[report.pk]))
    assert page.status_code == 200 and "channel" not in page.context["form"].fields
    form = {
        "title": "仓库住人",
        "description": "仓库内住人",
        "location": "村东",
        "village": world.village_a.pk,
        "sector": world.sector_a.pk,
        "hazard_type": "fire",
        "level": "general",
        "found_on": local_today().isoformat(),
    }
    response = client.post(reverse("reports:verify", args=[report.pk]), form)
    assert response.status_code == 302, response.context["form"].errors
    report.refresh_from_db()
    assert report.status == Status.VERIFIED and report.hazard.channel == HazardChannel.PUBLIC
    assert report.hazard.found_by == services.PUBLIC_FINDER
    assert client.get(reverse("reports:verify", args=[report.pk])).status_code == 404


# -- the reply reminder ----------------------------------------------------------------------------------------------


def scan_at(moment: dt.datetime) -> engine.ScanResult:
    with time_machine.travel(moment, tick=False):
        return engine.scan(moment, rules=["report_reply_due"])


def sent() -> set[tuple[str, str, str]]:
    return set(Reminder.objects.filter(rule="report_reply_due").values_list("user__username", "object_key", "period"))


@pytest.mark.django_db
def test_the_office_is_reminded_the_day_before_the_reply_is_due_and_once_overdue(world):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        report = web_report(world)
        services.dismiss(actor=world.office, report_id=report.pk, reason="未查实")
    report.refresh_from_db()
    assert report.feedback_due_on == dt.date(2026, 3, 12)
    key = f"report:{report.pk}"

    scan_at(at(2026, 3, 10, 23))  # two days before
    assert sent() == set()
    scan_at(at(2026, 3, 11, 0))  # the day before, in Shanghai
    assert sent() == {("office", key, "due-2026-03-12")}
    assert not scan_at(at(2026, 3, 12, 23)).created
    scan_at(at(2026, 3, 13, 0))
    assert sent() == {("office", key, "due-2026-03-12"), ("office", key, "overdue-2026-03-12")}
    assert not scan_at(at(2026, 3, 20)).created
    for reminder in Reminder.objects.filter(rule="report_reply_due"):
        assert reminder.url == report.get_absolute_url() and report.number in reminder.title
        assert not [s for s in (*data.SENTINELS, "仓库住人") if s in f"{reminder.title} {reminder.body}"]
    # Nobody else of the township, nor the custodian, nor the other township, is told.
    assert set(Reminder.objects.filter(rule="report_reply_due").values_list("user__username", flat=True)) == {"office"}


@pytest.mark.django_db
def test_a_12345_work_order_is_reminded_by_its_deadline_and_a_reply_stops_the_clock(world):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        fields = {
            "township": world.township,
            "received_via": "hotline_12345",
            "received_at": at(2026, 3, 2),
            "work_order_number": "GD1",
            "reply_due_on": dt.date(2026, 3, 5),
            "village": None,
            "place": "",
            "enterprise_name": "",
            "content": "液化气",
        }
        report, _code = services.enter_report(actor=world.office, fields=fields, identity=data.identity())
    scan_at(at(2026, 3, 4))
    assert sent() == {("office", f"report:{report.pk}", "due-2026-03-05")}
    with time_machine.travel(at(2026, 3, 5), tick=False):
        services.dismiss(actor=world.office, report_id=report.pk, reason="未查实")
        services.reply(actor=world.office, report_id=report.pk, text="感谢")
    assert not scan_at(at(2026, 3, 6)).created


# -- the work queue --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_offices_queue_counts_reports_to_check_and_replies_overdue(world, client_for):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        web_report(world)
        late = web_report(world)
        services.dismiss(actor=world.office, report_id=late.pk, reason="未查实")
        web_report(world, township=world.other_township, village=world.other_village)
    entries = {e.key: e for e in work_queue.entries}
    with time_machine.travel(at(2026, 3, 20), tick=False):
        to_check = entries["reports.to_check"].waiting(world.office)
        overdue = entries["reports.reply_overdue"].waiting(world.office)
        assert (to_check.count, overdue.count) == (1, 1)
        listing = client_for(world.office).get(overdue.url)
        assert list(listing.context["page_obj"]) == [late]
    for who in ("custodian", "leader", "dept_a", "village_a_officer", "ent_a", "county"):
        user = getattr(world, who)
        assert not entries["reports.to_check"].visible(user), who


# -- demo data -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_reports_load_after_the_demo_data_once(settings, tmp_path):
    from units.demo import load_demo_data

    result = load_demo_data()
    assert "custodian" in {login[0] for login in result.logins}
    call_command("generate_hazards", "10", "--seed", "3", "--force", stdout=StringIO())
    call_command("load_demo_reports", stdout=StringIO())
    made = {r.pk: r.status for r in Report.objects.all()}
    assert set(made.values()) == set(Status.values)
    call_command("load_demo_reports", stdout=StringIO())
    assert {r.pk: r.status for r in Report.objects.all()} == made
    custodian = User.objects.get(username="custodian")
    assert get_scope(custodian).custodian_townships == {Report.objects.first().township_id}
    # Someone can act on every open demo report.
    office = User.objects.get(username="office")
    for report in Report.objects.filter(status__in=["received", "checking"]):
        assert {"verify", "dismiss"} <= {s.name for s in services.allowed_steps(get_scope(office), report)}


def test_make_run_loads_the_demo_reports_after_the_demo_data():
    makefile = (django_settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert run.index("load_demo_data") < run.index("load_demo_reports") < run.index("send_reminders")


# -- query counts ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_and_the_report_page_take_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.office)
    made = data.build(world)
    report = made["reports"][0]

    def counts() -> tuple[int, int]:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as listing:
            assert client.get(reverse("reports:list")).status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert client.get(report.get_absolute_url()).status_code == 200
        return len(listing), len(page)

    before = counts()
    for _ in range(3):
        other = web_report(world)
        services.start_check(actor=world.office, report_id=other.pk)
        services.reply  # noqa: B018 — the timeline of `report` grows below
    services.set_enterprise(actor=world.office, report_id=made["reports"][4].pk, enterprise=world.enterprise_a)
    assert counts() == before
    with django_assert_max_num_queries(25):
        client.get(reverse("reports:list"))
    with django_assert_max_num_queries(25):
        client.get(report.get_absolute_url())


# -- the custodian's role --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_custodian_alone_reports_no_hazard_and_sees_no_report_a_hazard_button(world, client_for):
    assert not may_report(get_scope(world.custodian))
    assert may_report(get_scope(world.office_custodian))
    client = client_for(world.custodian)
    assert client.get(reverse("hazards:report")).status_code in (403, 404)
    home = client.get(reverse("home")).content.decode()
    assert reverse("reports:list") in home
    assert reverse("hazards:report") not in home and f'href="{reverse("hazards:list")}"' not in home
    leader_custodian = User.objects.create(username="leader_custodian")
    Assignment.objects.create(user=leader_custodian, role=Role.LEADERSHIP, township=world.township)
    Assignment.objects.create(user=leader_custodian, role=Role.REPORT_CUSTODIAN, township=world.township)
    assert not may_report(get_scope(leader_custodian))


@pytest.mark.django_db
def test_the_office_gives_and_takes_the_custodian_role_on_the_people_pages(world, client_for):
    client = client_for(world.office)
    roles_url = reverse("units:person_roles", args=[world.leader.pk])
    page = client.get(roles_url)
    assert Role.REPORT_CUSTODIAN.value in [value for value, _label in page.context["form"].fields["role"].choices]
    response = client.post(roles_url, {"role": Role.REPORT_CUSTODIAN})
    assert response.status_code == 302
    given = Assignment.objects.get(user=world.leader, role=Role.REPORT_CUSTODIAN, is_active=True)
    assert given.township == world.township and given.unit is None
    assert get_scope(User.objects.get(pk=world.leader.pk)).is_custodian_for(world.township.pk)
    response = client.post(reverse("units:person_role_end", args=[world.leader.pk, given.pk]))
    assert response.status_code == 302
    assert not Assignment.objects.filter(user=world.leader, role=Role.REPORT_CUSTODIAN, is_active=True).exists()


# -- the client limit across processes -------------------------------------------------------------------------------


def test_production_settings_share_the_cache_through_redis_when_redis_url_is_set(monkeypatch):
    import importlib

    import liuwei_safety.settings.base as base

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/11")
    monkeypatch.setenv("SECRET_KEY", "x")
    with_redis = importlib.reload(base).CACHES["default"]
    monkeypatch.setenv("REDIS_URL", "")
    without = importlib.reload(base).CACHES["default"]
    monkeypatch.undo()
    importlib.reload(base)
    assert with_redis["BACKEND"].endswith("RedisCache") and with_redis["LOCATION"] == "redis://127.0.0.1:6379/11"
    assert without["BACKEND"].endswith("LocMemCache")


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
def test_the_limit_holds_across_processes_sharing_redis(monkeypatch):
    """Two workers (two cache clients on one Redis) count one client's tries together; the key names no address."""
    prefix = f"test-{uuid.uuid4().hex}"
    workers = [RedisCache(django_settings.REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2)]
    request = RequestFactory().post("/report/track/", REMOTE_ADDR="203.0.113.9")
    answers = []
    for n in range(12):
        monkeypatch.setattr(limits, "cache", workers[n % 2])
        answers.append(limits.over_limit(request, "track", limits.TRACK_LIMIT))
    assert answers == [False] * 10 + [True] * 2
    client = workers[0]._cache.get_client(write=False)
    keys = [k.decode() for k in client.keys(f"{prefix}:*")]
    try:
        assert len(keys) == 1 and "203.0.113.9" not in keys[0]
        assert 0 < client.ttl(keys[0]) <= limits.TRACK_LIMIT[1]
    finally:
        client.delete(*keys)


# -- the public pages in a real browser's terms ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_forms_take_a_post_with_a_null_origin_and_set_no_cookie(world):
    """Under Referrer-Policy: no-referrer browsers send `Origin: null` with a form's POST: the public pages must take
    it (no CSRF check, no session there), and leave no cookie behind."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("report:form"))
    assert page.status_code == 200 and not page.cookies
    data_ = {"township": world.township.pk, "content": "仓库住人"}
    response = client.post(reverse("report:form"), data_, HTTP_ORIGIN="null")
    assert response.status_code == 200 and "code" in response.context and not response.cookies
    tracked = client.post(reverse("report:track"), {"code": response.context["code"]}, HTTP_ORIGIN="null")
    assert tracked.status_code == 200 and tracked.context["report"] is not None and not tracked.cookies
