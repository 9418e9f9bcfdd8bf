"""Issue 15: the reporter's identity never leaks.

A sentinel name, phone and contact are planted as the identity of reports in every state (web and staff-entered;
verified into a hazard, merged, dismissed, replied, being checked, received) in both townships, on top of the
bad-input walk's rich world (notices, listings, inspections, the month's snapshot …). Then, with the log captured at
DEBUG from the start:

* every staff and enterprise user of both townships (and the county's) walks every page reachable from its home
  page and menu, link by link, plus the report pages, the report hazards' pages, print views and exports named
  directly; every answer (HTML, Excel unzipped, any download) is searched;
* the reminder engine runs past the reply's due day (Reminder rows, the SMS outbox, mail.outbox);
* every text column of every table is searched (the history tables of django-simple-history included).

The sentinel is found in one place only: the custodian's identity view (which the test opens, to show the search
finds it). The tracking codes are found nowhere: not in any column of any table, nor in the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import zipfile
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from hazards import supervision_services as supervision
from hazards.ledger_export import run_export_job
from hazards.models import ExportJob, Notice
from reminders import engine
from reports import codes
from tests.core.test_link_walk import links_of
from tests.factories import AssignmentFactory, UserFactory
from tests.reports import data
from tests.robustness import rich_world
from units.models import Role

pytestmark = pytest.mark.django_db

# A route is opened at most this often per user (one hazard's page stands for the others, but a few are taken so
# that report hazards and other hazards are both seen).
PER_ROUTE = 4
SKIP = ("/accounts/logout", "/static/", "/report/")
# Where the sentinel may be, in the database: the sealed identity itself.
IDENTITY_TABLE = "reports_reporteridentity"


def texts_of(response: Any) -> str:
    """What a response shows, whatever it is: HTML, text, an Excel workbook (its XML parts), any other bytes."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def leaks(text: str) -> list[str]:
    return [s for s in data.SENTINELS if s in text]


def _route(url: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return url


def walk(client: Client, seeds: Iterable[str]) -> dict[str, list[str]]:
    """Every page reachable from the home page, the menu and the seeds, link by link (GET only, a few per route);
    returns the URLs whose answer shows any sentinel."""
    found: dict[str, list[str]] = {}
    queue = [reverse("home"), *seeds]
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    while queue:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        route = _route(url)
        per_route[route] = per_route.get(route, 0) + 1
        if per_route[route] > PER_ROUTE:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = texts_of(response)
        if hit := leaks(text):
            found[url] = hit
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(link for link in links_of(text) if link not in seen)
    assert len(seen) > 10
    return found


def text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')"
        )
        return list(cursor.fetchall())


def columns_containing(needles: Iterable[str]) -> set[tuple[str, str]]:
    """Every (table, column) of the database, of every app, where any needle occurs."""
    patterns = [f"%{n}%" for n in needles]
    found = set()
    with connection.cursor() as cursor:
        for table, column in text_columns():
            q = connection.ops.quote_name
            # Names from the catalogue, values as parameters.
            cursor.execute(
                f"SELECT 1 FROM {q(table)} WHERE {q(column)}::text LIKE ANY(%s) LIMIT 1",  # noqa: S608
                [patterns],
            )
            if cursor.fetchone():
                found.add((table, column))
    return found


def _seeds(made: dict[str, Any], hazards: Iterable[Any]) -> list[str]:
    seeds = []
    for report in made["reports"]:
        seeds += [reverse(f"reports:{v}", args=[report.pk]) for v in ("detail", "verify", "merge")]
        seeds += [reverse("reports:photo", args=[p.token]) for p in report.photos.all()]
    for hazard in hazards:
        seeds += [hazard.get_absolute_url(), reverse("hazards:list") + f"?q={hazard.number}"]
    seeds += [reverse("hazards:ledger_export"), reverse("hazards:ledger_export") + "?channel=public"]
    seeds += [reverse("hazards:notice_print", args=[n.pk]) for n in Notice.objects.all()]
    seeds += [reverse(f"dashboard:{name}") for name in ("monthly_report", "monthly_report_excel", "statistics")]
    seeds += [reverse(f"dashboard:{name}") for name in ("county_monthly_report", "county_monthly_report_excel")]
    seeds += [reverse("reminders:inbox")] if _has_route("reminders:inbox") else []
    return seeds


def _has_route(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_the_reporter_is_found_only_on_the_custodians_identity_view(world, caplog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    caplog.set_level(logging.DEBUG)
    rich = rich_world.build(world)  # reports of both townships included (tests/reports/data.py)
    made = rich["reports"]
    for hazard in made["hazards"]:
        # A notice of rectification on the hazard a report became: its print view is walked too.
        own = hazard.township_id == world.township.pk
        if hazard.enterprise_id is None:
            hazard.enterprise = world.enterprise_a if own else world.enterprise_other
            hazard.save(update_fields=["enterprise"])
        # A hazard not yet in a state for a notice has none; the others' print views are walked.
        with contextlib.suppress(WorkflowError):
            supervision.notice_issue(
                hazard_id=hazard.pk,
                actor=world.office if own else world.other_office,
                issued_on=timezone.localdate(),
                terms=supervision.NoticeTerms(deadline=timezone.localdate() + dt.timedelta(days=20)),
            )
    job = ExportJob.objects.create(user=world.office, township=world.township, kind="ledger", query="channel=public")
    run_export_job(str(job.pk))

    # The reminder engine past every reply's due day: the report reminders (and all others) are written and sent.
    with time_machine.travel(timezone.now() + dt.timedelta(days=11), tick=False):
        engine.scan(timezone.now())

    other_enterprise = UserFactory(username="ent_other", full_name="邻镇企业")
    AssignmentFactory(
        user=other_enterprise, role=Role.ENTERPRISE, township=world.other_township, enterprise=world.enterprise_other
    )
    people = {
        "office": world.office,
        "leader": world.leader,
        "dept_a": world.dept_a,
        "dept_b": world.dept_b,
        "village_a": world.village_a_officer,
        "village_b": world.village_b_officer,
        "ent_a": world.ent_a,
        "ent_b": world.ent_b,
        "ent_other": other_enterprise,
        "admin": world.admin,
        "county": world.county,
        "county_dept": world.county_dept,
        "other_office": world.other_office,
        "other_village": world.other_village_officer,
        "two_townships": world.two_townships,
        "custodian": world.custodian,
        "office_custodian": world.office_custodian,
        "other_custodian": world.other_custodian,
    }
    seeds = [*_seeds(made, made["hazards"]), reverse("hazards:export_download", args=[job.pk])]
    leaked = {}
    for name, user in people.items():
        client = Client()
        client.force_login(user)
        leaked[name] = walk(client, seeds)
    assert {name: found for name, found in leaked.items() if found} == {}

    # Where the custodian looks, the sentinel is (the search would find a leak): the identity view, after a reason.
    custodian = Client()
    custodian.force_login(world.custodian)
    report = made["reports"][0]
    page = custodian.post(reverse("reports:identity", args=[report.pk]), {"reason": "核实举报人"})
    assert page.status_code == 200 and set(leaks(texts_of(page))) == set(data.SENTINELS)
    # … and afterwards, nowhere else: the timeline says the identity was opened, not whose it is.
    assert walk(custodian, [report.get_absolute_url()]) == {}

    # Notifications: reminders were written and sent, none with the identity.
    assert any(r.rule == "report_reply_due" for r in engine_reminders())
    for message in mail.outbox:
        assert not leaks(f"{message.subject}\n{message.body}\n{message.alternatives}"), message.subject

    # The database: the identity table holds the sentinel, no other column of any table (history tables, reminders,
    # the SMS outbox, events, hazards, sessions …) does.
    assert {table for table, _column in columns_containing(data.SENTINELS)} == {IDENTITY_TABLE}

    # The tracking codes: nowhere in clear, in whatever form the reporter could type them; nor in the log.
    anonymous = Client()
    for code in made["codes"]:
        assert anonymous.post(reverse("report:track"), {"code": codes.grouped(code)}).status_code == 200
    forms_of_codes = [f for code in made["codes"] for f in (code, codes.grouped(code), code.lower())]
    assert columns_containing(forms_of_codes) == set()

    # The log of the whole run (DEBUG): neither the identity nor a code.
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert len(caplog.records) > 0
    assert not leaks(logged)
    assert not [c for c in forms_of_codes if c in logged]


def engine_reminders() -> list[Any]:
    from reminders.models import Reminder

    return list(Reminder.objects.all())
