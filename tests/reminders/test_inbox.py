"""The inbox: the bell on every page (one query), the list, opening a reminder, marking read; the office's rules
page; each person's e-mail preference; the send_reminders command."""

from __future__ import annotations

import copy
import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from reminders import engine
from reminders.models import Reminder, RuleSetting
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

BELL = re.compile(r'data-testid="bell-count">\s*(\d+)\s*<')
PAGES = ["home", "hazards:list", "reminders:inbox", "reminders:settings", "password_change"]
NOT_OFFICE = ["leader", "dept_a", "dept_b", "village_a_officer", "ent_a"]


def remind(user, n: int = 1, *, read: bool = False, url: str = "/hazards/", start: int = 0) -> list[Reminder]:
    return [
        Reminder.objects.create(
            rule="rectification_deadline",
            object_key=f"hazard:{i}",
            object_id=i,
            period="d-7:2026-12-10",
            recipient_key=f"user:{user.pk}",
            user=user,
            title=f"整改期限将到 {i}",
            body="请按期整改",
            url=url,
            read_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC) if read else None,
        )
        for i in range(start, start + n)
    ]


def no_bell(request) -> dict[str, int]:
    """The bell's context processor without its query, to measure what the query costs."""
    return {"unread_reminders": 0}


def bell(response) -> int | None:
    found = BELL.search(response.content.decode())
    return int(found.group(1)) if found else None


# -- the bell -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_the_bell_on_every_page_counts_the_unread_reminders_of_the_user_only(world, client_for, page):
    remind(world.village_a_officer, 2)
    remind(world.village_a_officer, 3, read=True, start=10)
    remind(world.village_b_officer, 4, start=20)
    response = client_for(world.village_a_officer).get(reverse(page))
    assert response.status_code == 200
    assert 'data-testid="bell"' in response.content.decode()
    assert bell(response) == 2


def test_the_bell_shows_no_count_when_everything_is_read(world, client_for):
    remind(world.office, 2, read=True)
    response = client_for(world.office).get(reverse("home"))
    assert 'data-testid="bell"' in response.content.decode()
    assert bell(response) is None


def test_the_login_page_has_no_bell_and_reads_no_reminders(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'data-testid="bell"' not in response.content.decode()
    assert not [q for q in queries.captured_queries if "reminders_reminder" in q["sql"]]


def test_the_bell_costs_one_query_whatever_the_number_of_reminders(world, client_for, settings):
    client = client_for(world.village_a_officer)
    url = reverse("hazards:list")

    def count_queries() -> tuple[int, list[str]]:
        client.get(url)  # warm up (session, caches)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries), [q["sql"] for q in queries.captured_queries if "reminders_reminder" in q["sql"]]

    few_count, few_sql = count_queries()
    remind(world.village_a_officer, 40)
    many_count, many_sql = count_queries()
    assert many_count == few_count
    assert len(few_sql) == 1
    assert len(many_sql) == 1 and "COUNT(" in many_sql[0].upper()

    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    processors[processors.index("reminders.context_processors.unread_reminders")] = f"{__name__}.no_bell"
    settings.TEMPLATES = templates
    without_count, without_sql = count_queries()
    assert without_sql == []
    assert many_count - without_count == 1


# -- the list, opening, marking read --------------------------------------------------------------------------


def test_the_inbox_lists_the_users_own_reminders_newest_first(world, client_for):
    remind(world.village_a_officer, 2)
    remind(world.village_a_officer, 1, read=True, start=5)
    remind(world.village_b_officer, 1, start=9)
    client = client_for(world.village_a_officer)
    page = client.get(reverse("reminders:inbox")).content.decode()
    assert 'data-testid="inbox"' in page
    assert page.count('data-testid="reminder"') == 3
    assert "整改期限将到 9" not in page
    unread = client.get(reverse("reminders:inbox"), {"unread": "1"}).content.decode()
    assert unread.count('data-testid="reminder"') == 2
    assert "整改期限将到 5" not in unread


def test_the_inbox_asks_for_a_login(client):
    response = client.get(reverse("reminders:inbox"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_opening_a_reminder_marks_it_read_and_goes_to_the_hazard(world, client_for):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, status="rectifying",
                           deadline=dt.date(2026, 12, 10))  # fmt: skip
    (reminder,) = remind(world.village_a_officer, url=hazard.get_absolute_url())
    client = client_for(world.village_a_officer)
    response = client.get(reverse("reminders:open", args=[reminder.pk]))
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    reminder.refresh_from_db()
    first_read = reminder.read_at
    assert first_read is not None
    assert client.get(response["Location"]).status_code == 200
    assert bell(client.get(reverse("home"))) is None
    client.get(reverse("reminders:open", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.read_at == first_read  # opened again: still read when it was first read


def test_another_users_reminder_does_not_exist_for_you(world, client_for):
    (reminder,) = remind(world.village_b_officer)
    client = client_for(world.village_a_officer)
    assert client.get(reverse("reminders:open", args=[reminder.pk])).status_code == 404
    client.post(reverse("reminders:mark_read"), {"id": reminder.pk})
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_a_reminder_pointing_off_site_opens_the_inbox_instead(world, client_for):
    (reminder,) = remind(world.office, url="https://evil.example.com/phish")
    response = client_for(world.office).get(reverse("reminders:open", args=[reminder.pk]))
    assert response["Location"] == reverse("reminders:inbox")
    assert Reminder.objects.get(pk=reminder.pk).read_at is not None


def test_mark_all_read_and_mark_one_read(world, client_for):
    mine = remind(world.office, 3)
    (theirs,) = remind(world.leader, start=7)
    client = client_for(world.office)
    assert client.get(reverse("reminders:mark_read")).status_code == 405
    response = client.post(reverse("reminders:mark_read"), {"id": mine[0].pk})
    assert response.status_code == 302
    assert Reminder.objects.filter(user=world.office, read_at__isnull=True).count() == 2
    client.post(reverse("reminders:mark_read"))
    assert not Reminder.objects.filter(user=world.office, read_at__isnull=True).exists()
    assert Reminder.objects.get(pk=theirs.pk).read_at is None
    assert bell(client.get(reverse("reminders:inbox"))) is None


# -- the rules page -------------------------------------------------------------------------------------------


def test_the_office_sees_every_rule_with_when_and_to_whom(world, client_for):
    page = client_for(world.office).get(reverse("reminders:rules")).content.decode()
    assert 'data-testid="rules"' in page
    with translation.override("zh-hans"):
        for key, rule in engine.RULES.items():
            row = page.split(f'data-testid="rule-{key}"')[1].split("</tr>")[0]
            for text in (rule.label, rule.timing, rule.recipients):
                assert escape(str(text)) in row


def test_each_townships_office_switches_its_own_rules(world, client_for):
    client_for(world.other_office).post(
        reverse("reminders:rule_toggle", args=["rectification_deadline"]), {"enabled": "0"}
    )
    assert list(RuleSetting.objects.values_list("township", "enabled")) == [(world.other_township.pk, False)]
    assert engine.rule_is_on(world.township.pk, "rectification_deadline")


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_the_rules_page_does_not_exist_for_anyone_else(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(reverse("reminders:rules")).status_code == 404
    toggle = client.post(reverse("reminders:rule_toggle", args=["rectification_deadline"]), {"enabled": "0"})
    assert toggle.status_code == 404
    assert not RuleSetting.objects.exists()


def test_the_office_switches_a_rule_off_and_on_again(world, client_for):
    client = client_for(world.office)
    url = reverse("reminders:rule_toggle", args=["rectification_deadline"])
    HazardFactory(village=world.village_a, sector=world.sector_a, status="rectifying", deadline=dt.date(2026, 12, 10))
    response = client.post(url, {"enabled": "0"})
    assert response.status_code == 302 and response["Location"] == reverse("reminders:rules")
    setting = RuleSetting.objects.get(township=world.township, rule="rectification_deadline")
    assert (setting.enabled, setting.changed_by) == (False, world.office)
    page = client.get(reverse("reminders:rules")).content.decode()
    row = page.split('data-testid="rule-rectification_deadline"')[1].split("</tr>")[0]
    assert 'name="enabled" value="1"' in row  # the button now offers to switch it on
    engine.scan(dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC), rules=["rectification_deadline"])
    assert not Reminder.objects.exists()

    client.post(url, {"enabled": "1"})
    assert RuleSetting.objects.get(township=world.township, rule="rectification_deadline").enabled
    engine.scan(dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC), rules=["rectification_deadline"])
    assert Reminder.objects.exists()


def test_an_unknown_rule_cannot_be_toggled(world, client_for):
    response = client_for(world.office).post(reverse("reminders:rule_toggle", args=["no_such_rule"]), {"enabled": "0"})
    assert response.status_code == 302
    assert not RuleSetting.objects.exists()


# -- settings -------------------------------------------------------------------------------------------------


def test_the_settings_page_saves_the_e_mail_preference(world, client_for):
    client = client_for(world.dept_a)
    assert client.get(reverse("reminders:settings")).status_code == 200
    response = client.post(
        reverse("reminders:settings"), {"email": "dept_a@liuwei.gov.cn", "email_notifications": "on"}
    )
    assert response.status_code == 302
    world.dept_a.refresh_from_db()
    assert (world.dept_a.email, world.dept_a.email_notifications) == ("dept_a@liuwei.gov.cn", True)
    client.post(reverse("reminders:settings"), {"email": "dept_a@liuwei.gov.cn"})
    world.dept_a.refresh_from_db()
    assert world.dept_a.email_notifications is False
    page = client.get(reverse("reminders:settings")).content.decode()
    assert 'value="dept_a@liuwei.gov.cn"' in page


def test_the_settings_page_refuses_a_bad_address(world, client_for):
    response = client_for(world.dept_a).post(reverse("reminders:settings"), {"email": "not an address"})
    assert response.status_code == 200
    assert response.context["form"].errors
    world.dept_a.refresh_from_db()
    assert world.dept_a.email == ""


# -- the command ----------------------------------------------------------------------------------------------


def test_the_send_reminders_command_runs_the_rules_at_the_moment_given(world):
    HazardFactory(village=world.village_a, sector=world.sector_a, status="rectifying", deadline=dt.date(2026, 12, 10),
                  responsible_phone="13912345678")  # fmt: skip
    out = StringIO()
    call_command("send_reminders", "--at", "2026-12-03T00:30", stdout=out)  # naive: Shanghai time
    assert set(Reminder.objects.filter(rule="rectification_deadline").values_list("period", flat=True)) == {
        "d-7:2026-12-10"
    }
    assert Reminder.objects.get(phone="13912345678").sms_state == "sent"
    assert "delivered" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", "--at", "2026-12-03T08:00+08:00", stdout=out)
    assert out.getvalue().startswith("0 reminders created")


def test_the_send_reminders_command_refuses_a_bad_moment():
    with pytest.raises(CommandError, match="ISO"):
        call_command("send_reminders", "--at", "next tuesday")
