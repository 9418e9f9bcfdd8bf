"""The phone page's answer endpoint (issue 10): any body gets a JSON reply, never a 500; only a flat object with the
expected keys and types is an answer; a phone's time is believed within [received − 30 days, received]; a reply of
success means this very answer is stored."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import InspectionAnswer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def item(planned):
    return planned.checklist.items.order_by("order").first()


@pytest.fixture
def post(client_for, world, planned):
    """post(body, content_type=JSON) -> response, as the village officer filling in the planned inspection."""
    client = client_for(world.village_a_officer)
    url = reverse("inspections:answer", args=[planned.pk])

    def send(body, content_type="application/json"):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return client.post(url, data, content_type=content_type)

    return send


def refused(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["ok"] is False and response.json()["error"]
    return response.json()["error"]


def stored(planned, item):
    return InspectionAnswer.objects.filter(inspection=planned, item=item).values("result", "note", "client_time").get()


class TestShape:
    @pytest.mark.parametrize("body", [
        "not json", "", "[]", '"pass"', "null", "1", "{", '{"item": 1, "result": "pass"',
    ])  # fmt: skip
    def test_it_refuses_what_is_not_a_json_object(self, post, body):
        refused(post(body))

    def test_it_refuses_nested_values_and_unknown_or_missing_keys(self, post, item):
        refused(post({"item": item.pk, "result": "pass", "note": {"text": "x"}}))
        refused(post({"item": item.pk, "result": ["pass"]}))
        refused(post({"item": item.pk, "result": "pass", "extra": 1}))
        refused(post({"result": "pass"}))
        refused(post({"item": item.pk}))

    @pytest.mark.parametrize(("field", "value"), [
        ("item", "1"), ("item", True), ("item", 1.5), ("item", 0), ("item", 10**30), ("item", None),
        ("result", 1), ("result", True), ("result", "passed"),
        ("note", 123), ("note", False), ("note", "x" * 501), ("note", "a\x00b"),
        ("client_time", 1718000000), ("client_time", True), ("client_time", "yesterday"),
        ("client_time", "2025-13-01T00:00:00Z"), ("client_time", "2025-06-10T09:00:00+99:00"),
    ])  # fmt: skip
    def test_it_refuses_wrong_types_and_values(self, post, item, field, value):
        refused(post({"item": item.pk, "result": "pass", field: value}))
        assert not InspectionAnswer.objects.exists()

    def test_it_refuses_a_lone_surrogate_and_bytes_that_are_not_utf8(self, post, item):
        refused(post('{"item": ' + str(item.pk) + ', "result": "pass", "note": "\\ud800"}'))
        refused(post(b'{"item": 1, "result": "pass", "note": "\xff"}'))
        assert not InspectionAnswer.objects.exists()

    def test_it_refuses_a_body_over_16_kb(self, post, item):
        body = json.dumps({"item": item.pk, "result": "pass"})

        def padded(size):
            return body[:-1] + " " * (size - len(body)) + "}"

        assert post(padded(16 * 1024)).status_code == 200
        refused(post(padded(16 * 1024 + 1)))

    def test_it_refuses_deep_nesting_without_a_500(self, post, item):
        # Small enough to be read, too deep for the parser; and nested inside a key.
        refused(post("[" * 8000 + "]" * 8000))
        refused(post(f'{{"item": {item.pk}, "result": {"[" * 5000 + "]" * 5000}}}'))

    def test_it_refuses_a_multipart_or_form_body(self, client_for, world, planned, item):
        client = client_for(world.village_a_officer)
        url = reverse("inspections:answer", args=[planned.pk])
        refused(client.post(url, {"item": item.pk, "result": "pass"}))  # multipart, the test client's default
        refused(client.post(url, f"item={item.pk}&result=pass", content_type="application/x-www-form-urlencoded"))
        assert not InspectionAnswer.objects.exists()

    def test_it_accepts_null_note_and_time(self, post, planned, item):
        response = post({"item": item.pk, "result": "na", "note": None, "client_time": None})
        assert response.status_code == 200 and response.json()["ok"] is True
        assert stored(planned, item)["note"] == ""


class TestClientTime:
    def test_it_keeps_a_late_offline_answer_as_given(self, post, planned, item):
        with time_machine.travel(NOW, tick=False):
            given = NOW - dt.timedelta(days=2)
            assert post({"item": item.pk, "result": "fail", "client_time": given.isoformat()}).status_code == 200
        assert stored(planned, item)["client_time"] == given

    @pytest.mark.parametrize("ancient", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+08:00", "0001-01-01T00:00:00"])
    def test_it_stores_an_ancient_time_as_30_days_old_and_every_page_still_opens(
        self, post, client_for, world, planned, item, ancient
    ):
        with time_machine.travel(NOW, tick=False):
            response = post({"item": item.pk, "result": "pass", "client_time": ancient})
            assert response.status_code == 200
        assert stored(planned, item)["client_time"] == NOW - dt.timedelta(days=30)
        for viewer in (world.village_a_officer, world.office):
            client = client_for(viewer)
            assert client.get(reverse("inspections:fill", args=[planned.pk])).status_code == 200
            assert client.get(reverse("inspections:detail", args=[planned.pk])).status_code == 200
            assert client.get(reverse("inspections:list")).status_code == 200

    def test_it_never_lets_a_far_future_answer_block_later_answers(self, post, planned, item):
        with time_machine.travel(NOW, tick=False):
            ok = post({"item": item.pk, "result": "fail", "client_time": "9999-12-31T23:59:59Z"})
            assert ok.status_code == 200
        assert stored(planned, item)["client_time"] == NOW
        later = NOW + dt.timedelta(minutes=1)
        with time_machine.travel(later, tick=False):
            response = post({"item": item.pk, "result": "pass", "note": "已整改", "client_time": later.isoformat()})
        assert response.status_code == 200 and response.json()["result"] == "pass"
        assert stored(planned, item)["result"] == "pass" and stored(planned, item)["note"] == "已整改"

    def test_it_says_so_when_a_newer_answer_is_kept_and_sends_the_kept_one(self, post, planned, item):
        with time_machine.travel(NOW, tick=False):
            post({"item": item.pk, "result": "fail", "note": "上锁", "client_time": NOW.isoformat()})
            late = post({"item": item.pk, "result": "pass", "client_time": (NOW - dt.timedelta(hours=1)).isoformat()})
        assert late.status_code == 409
        assert late.json() == {
            "ok": False, "error": late.json()["error"], "superseded": True, "item": item.pk, "result": "fail",
            "note": "上锁",
        }  # fmt: skip
        assert stored(planned, item)["result"] == "fail"

    def test_it_takes_the_same_answer_twice_harmlessly(self, post, planned, item):
        body = {"item": item.pk, "result": "fail", "note": "上锁", "client_time": "2025-06-10T00:59:00Z"}
        with time_machine.travel(NOW, tick=False):
            first, again = post(body), post(body)
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
        assert planned.answers.count() == 1 and stored(planned, item)["note"] == "上锁"

    def test_it_bounds_the_time_in_the_service_too(self, world, planned, item):
        with time_machine.travel(NOW, tick=False):
            services.answer_save(
                inspection_id=planned.pk, actor=world.office, item_id=item.pk, result="pass",
                client_time=NOW + dt.timedelta(days=3650),
            )  # fmt: skip
            assert stored(planned, item)["client_time"] == timezone.now()
            services.answer_save(inspection_id=planned.pk, actor=world.office, item_id=item.pk, result="na")
        assert stored(planned, item)["result"] == "na"


def test_it_opens_the_pages_and_saves_again_over_a_time_stored_before_the_rule(post, client_for, world, planned, item):
    """A year-1 time stored with a +08:05 offset is 1 BC in UTC: PostgreSQL keeps it, the driver cannot read it."""
    with time_machine.travel(NOW, tick=False):
        post({"item": item.pk, "result": "fail"})
        InspectionAnswer.objects.filter(item=item).update(
            client_time=dt.datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
        )
        client = client_for(world.office)
        assert client.get(reverse("inspections:detail", args=[planned.pk])).status_code == 200
        assert client.get(reverse("inspections:fill", args=[planned.pk])).status_code == 200
        assert post({"item": item.pk, "result": "pass", "client_time": NOW.isoformat()}).status_code == 200
    assert stored(planned, item) == {"result": "pass", "note": "", "client_time": NOW}
