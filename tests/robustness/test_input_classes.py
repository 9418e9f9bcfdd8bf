"""Issue 10: each class of bad input found by the hostile run, refused at the edge with a clear message.

The walk (test_bad_input.py) checks every page for server errors; these tests pin what the user gets instead.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard
from reminders.models import Reminder
from tests.factories import HazardFactory, UnitFactory, VillageFactory
from units.forms import EARLIEST_DATE, LATEST_DATE
from units.models import Sector, Unit, Village

pytestmark = pytest.mark.django_db


def _codes(response, field: str) -> list[str]:
    form = response.context["form"]
    return [e.code for e in form.errors.as_data()[field]]


# -- NUL characters and lone surrogates: a 400 page for every request ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/units/villages/?q=%00", "/units/enterprises/?q=a%00b", "/hazards/?q=%00", "/units/villages/?%00=1"],
)
def test_it_refuses_a_nul_character_in_the_query_string_with_the_400_page(world, client_for, url):
    response = client_for(world.office).get(url)
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]


def test_it_refuses_a_nul_character_in_a_posted_field_and_writes_nothing(world, client_for):
    response = client_for(world.office).post(
        reverse("units:village_create"), {"name": "新\x00村", "code": "341324106209"}
    )
    assert response.status_code == 400
    assert not Village.objects.filter(code="341324106209").exists()


def test_it_refuses_a_lone_surrogate_in_a_json_body(world, client_for):
    # Refused before any view runs: the inspection need not exist.
    response = client_for(world.office).post(
        reverse("inspections:answer", args=[1]), data=b'{"note": "\\ud800"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False  # the phone page reads the error from JSON


def test_it_shows_the_400_page_when_django_refuses_a_request_itself(world, client_for):
    # More parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django's own 400, rendered without a request.
    response = client_for(world.office).get("/hazards/?" + "&".join(f"p{i}=1" for i in range(1100)))
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]


# -- hand-parsed parameters: now form fields, a bad value is ignored or refused, never a 500 -------------------------


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("inspections:draw_list", "year=²"),
        ("inspections:draw_list", "year=１２"),
        ("dashboard:monthly_report", "township=²"),
        ("dashboard:monthly_report", "month=9999-12"),
        ("dashboard:statistics", "start=0001-01-01&end=9999-12-31"),
        ("dashboard:trend", "year=²&by=x&figure=y"),
        ("hazards:list", "closed_to=9999-12-31"),
        ("hazards:list", "closed_from=0001-01-01&found_from=9999-12-31"),
        ("hazards:list", "enterprise=9999999999999999999999"),
        ("hazards:escalation_create", "hazard=²"),
        ("hazards:escalations", "rung=²&target_kind=%E2%80%AE"),
        ("inspections:checklist_list", "sector=²&status=x"),
        ("inspections:inspector_list", "pool=²&status=x&q=" + "x" * 300),
        ("units:village_list", "status=²&q=" + "x" * 300),
        ("reminders:inbox", "unread=²"),
    ],
)
def test_it_answers_a_hand_parsed_parameter_gone_bad_with_the_page(world, client_for, name, query):
    response = client_for(world.office).get(f"{reverse(name)}?{query}")
    assert response.status_code == 200


def test_it_shows_the_plausible_years_when_the_month_is_out_of_range(world, client_for):
    response = client_for(world.office).get(reverse("dashboard:monthly_report") + "?month=9999-12")
    assert response.context["document"] is None
    assert _codes(response, "month") == ["implausible_date"]


def test_it_marks_nothing_read_for_a_reminder_id_that_is_not_a_number(world, client_for):
    reminder = Reminder.objects.create(
        rule="r",
        object_key="hazard:1",
        period="p",
        recipient_key=f"user:{world.office.pk}",
        user=world.office,
        title="t",
    )
    client = client_for(world.office)
    response = client.post(reverse("reminders:mark_read"), {"id": "abc"})
    assert response.status_code == 302
    assert Reminder.objects.get(pk=reminder.pk).read_at is None
    client.post(reverse("reminders:mark_read"), {"id": str(reminder.pk)})
    assert Reminder.objects.get(pk=reminder.pk).read_at is not None


# -- values the database cannot hold: refused at the field -----------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1989-12-31"])
def test_it_refuses_an_implausible_date_when_reporting_a_hazard(world, client_for, day):
    data = {"title": "通道堵塞", "description": "堵塞", "location": "仓库", "village": world.village_a.pk,
            "sector": world.sector_a.pk, "hazard_type": "fire", "level": "general", "channel": "department",
            "found_on": day}  # fmt: skip
    response = client_for(world.office).post(reverse("hazards:report"), data)
    assert response.status_code == 200
    assert _codes(response, "found_on") == ["implausible_date"]
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01"])
def test_it_refuses_a_rectification_deadline_out_of_range(world, client_for, deadline):
    hazard = HazardFactory(village=world.village_a, sector=world.sector_a, status="confirmed")
    response = client_for(world.office).post(
        reverse("hazards:step", args=[hazard.pk, "start_rectification"]),
        {"expected_status": "confirmed", "deadline": deadline, "measures": "整改"},
    )
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == "confirmed"


def test_it_names_the_plausible_range_in_the_message():
    from units.forms import PlausibleDateValidator

    with pytest.raises(Exception) as caught:
        PlausibleDateValidator()(dt.date(9999, 12, 31))
    assert caught.value.params == {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()}


@pytest.mark.parametrize("field", ["deaths", "injuries", "serious_injuries"])
def test_it_refuses_a_count_of_people_beyond_the_column(world, client_for, field):
    data = {"occurred_on": timezone.localdate().isoformat(), "place": "刘圩村道", "kind": "road", "deaths": "0",
            "injuries": "0", "serious_injuries": "0", "direct_loss": "0", field: "9999999999999999999999"}  # fmt: skip
    response = client_for(world.office).post(reverse("dashboard:accident_create"), data)
    assert response.status_code == 200
    assert "max_value" in _codes(response, field)


def test_it_refuses_a_user_name_longer_than_any_account_without_recording_a_failed_login(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "u" * 256, "password": "x"})
    assert response.status_code == 200
    assert "max_length" in _codes(response, "username")
    assert not AccessAttempt.objects.exists()


def test_it_still_records_a_failed_login_of_an_ordinary_name(world):
    Client().post(reverse("login"), {"username": "office", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="office").exists()


# -- uniqueness: a name taken in the township is a form error ----------------------------------------------------------


def test_it_refuses_a_second_village_of_the_same_name(world, client_for):
    response = client_for(world.office).post(
        reverse("units:village_create"), {"name": world.village_a.name, "code": "341324106209"}
    )
    assert response.status_code == 200
    assert _codes(response, "name") == ["unique_name"]
    assert Village.objects.filter(name=world.village_a.name).count() == 1


def test_it_allows_the_same_village_name_in_another_township(world, client_for):
    VillageFactory(township=world.other_township, name="同名村")
    response = client_for(world.office).post(
        reverse("units:village_create"), {"name": "同名村", "code": "341324106209"}
    )
    assert response.status_code == 302
    assert Village.objects.filter(name="同名村").count() == 2


def test_it_refuses_renaming_a_unit_to_a_name_taken(world, client_for):
    data = {"name": world.unit_b.name, "kind": world.unit_a.kind, "duty_kind": world.unit_a.duty_kind}
    response = client_for(world.office).post(reverse("units:unit_edit", args=[world.unit_a.pk]), data)
    assert response.status_code == 200
    assert _codes(response, "name") == ["unique_name"]
    assert Unit.objects.get(pk=world.unit_a.pk).name == "住建所"


def test_it_keeps_a_unit_its_own_name_on_saving(world, client_for):
    data = {"name": world.unit_a.name, "kind": world.unit_a.kind, "duty_kind": world.unit_a.duty_kind}
    response = client_for(world.office).post(reverse("units:unit_edit", args=[world.unit_a.pk]), data)
    assert response.status_code == 302


def test_it_refuses_a_second_sector_of_the_same_name(world, client_for):
    data = {"name": world.sector_a.name, "lead_unit": world.unit_b.pk, "sort_order": "5"}
    response = client_for(world.office).post(reverse("units:sector_create"), data)
    assert response.status_code == 200
    assert _codes(response, "name") == ["unique_name"]
    assert Sector.objects.filter(name=world.sector_a.name).count() == 1


def test_it_answers_a_name_taken_meanwhile_with_a_form_error(world, client_for, monkeypatch):
    # The check passed, then someone else took the name before the insert: the constraint's error is a form error.
    from units.forms import UniqueNameInTownshipMixin

    monkeypatch.setattr(UniqueNameInTownshipMixin, "clean_name", lambda self: self.cleaned_data["name"])
    UnitFactory(township=world.township, name="安监站")
    response = client_for(world.office).post(
        reverse("units:unit_create"), {"name": "安监站", "kind": "station", "duty_kind": "supervision"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Unit.objects.filter(name="安监站").count() == 1


def test_it_refuses_an_admin_bulk_action_on_a_selection_that_is_no_key(world, client_for):
    """Django's admin turned a non-integer `_selected_action` into a server error; it is refused at the edge."""
    client = client_for(world.admin)
    url = reverse("admin:units_village_changelist")
    response = client.post(url, {"action": "delete_selected", "_selected_action": ["²"], "index": "0"})
    assert response.status_code == 400
    ok = client.post(url, {"action": "delete_selected", "_selected_action": [str(world.village_a.pk)], "index": "0"})
    assert ok.status_code < 500


def test_it_shows_the_beat_schedule_in_the_admin_without_letting_its_forms_be_posted(world, client_for):
    from django_celery_beat.models import PeriodicTask

    client = client_for(world.admin)
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200
    task = PeriodicTask.objects.first()
    if task is not None:
        url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
        assert client.post(url, {"name": "x", "task": "", "crontab": "-1"}).status_code == 403
    assert client.get(reverse("admin:django_celery_beat_crontabschedule_add")).status_code == 403
