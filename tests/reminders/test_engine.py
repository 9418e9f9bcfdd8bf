"""The engine: the rule registry, switched-off rules, one row per (rule, object, period, recipient), phone-only
recipients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from reminders import engine
from reminders.engine import Due, Recipient, Rule
from reminders.models import Delivery, Reminder, RuleSetting
from reminders.recipients import phones, users

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=SH)
HAZARD_RULES = {"rectification_deadline", "hazard_registered", "listing_overdue"}


class FakeRule(Rule):
    """A rule whose due items the test sets, to drive the engine without any real data."""

    key = "test_fake_rule"
    label = "fake"
    timing = "whenever the test says"
    recipients = "whoever the test says"

    def __init__(self) -> None:
        self.items: list[Due] = []
        self.calls: list[tuple[dt.datetime, dict[str, Any]]] = []

    def due(self, now: dt.datetime, **filters: Any) -> Iterator[Due]:
        self.calls.append((now, filters))
        yield from self.items


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeRule:
    monkeypatch.setitem(engine.RULES, FakeRule.key, None)  # undone after the test: the key is removed again
    assert engine.register(FakeRule) is FakeRule
    rule = engine.RULES[FakeRule.key]
    assert isinstance(rule, FakeRule)
    return rule


def item(township_id: int | None, recipients: list[Recipient], *, obj: str = "thing:1", period: str = "2026Q4") -> Due:
    return Due(
        township_id=township_id,
        object_key=obj,
        object_id=int(obj.split(":")[1]),
        period=period,
        title="季度检查未完成",
        body="请尽快完成",
        url="/hazards/",
        recipients=recipients,
    )


def rows() -> list[tuple[str, str, str, str]]:
    return sorted(Reminder.objects.values_list("rule", "object_key", "period", "recipient_key"))


def test_the_hazard_rules_are_registered_and_describe_themselves():
    assert set(engine.RULES) >= HAZARD_RULES
    for key in HAZARD_RULES:
        rule = engine.RULES[key]
        assert rule.key == key
        assert str(rule.label) and str(rule.timing) and str(rule.recipients)


def test_a_registered_rule_is_run_by_the_scan_with_the_moment_and_filters(world, fake):
    fake.items = [item(world.township.pk, users([world.office]))]
    result = engine.scan(NOW, rules=[fake.key], hazard_ids=[7])
    assert fake.calls == [(NOW, {"hazard_ids": [7]})]
    assert len(result.created) == 1
    assert rows() == [(fake.key, "thing:1", "2026Q4", f"user:{world.office.pk}")]


def test_a_scan_limited_to_some_rules_runs_only_those(world, fake):
    engine.scan(NOW, rules=["rectification_deadline"])
    assert fake.calls == []
    engine.scan(NOW)
    assert len(fake.calls) == 1


def test_scanning_twice_records_each_reminder_once(world, fake):
    fake.items = [item(world.township.pk, users([world.office, world.leader]) + phones("13900000001"))]
    first = engine.scan(NOW, rules=[fake.key])
    second = engine.scan(NOW, rules=[fake.key])
    assert (len(first.created), first.existing) == (3, 0)
    assert (second.created, second.existing) == ([], 3)
    assert Reminder.objects.count() == 3


def test_a_new_period_is_a_new_reminder(world, fake):
    fake.items = [item(world.township.pk, users([world.office]), period="2026Q4")]
    engine.scan(NOW, rules=[fake.key])
    fake.items = [item(world.township.pk, users([world.office]), period="2027Q1")]
    assert len(engine.scan(NOW, rules=[fake.key]).created) == 1
    assert [r[2] for r in rows()] == ["2026Q4", "2027Q1"]


def test_a_switched_off_rule_records_nothing_for_that_township_only(world, fake):
    engine.rule_set(township_id=world.township.pk, key=fake.key, enabled=False, actor=world.office)
    assert not engine.rule_is_on(world.township.pk, fake.key)
    assert engine.rule_is_on(world.other_township.pk, fake.key)
    fake.items = [
        item(world.township.pk, users([world.office])),
        item(world.other_township.pk, users([world.other_office]), obj="thing:2"),
    ]
    result = engine.scan(NOW, rules=[fake.key])
    assert result.switched_off == 1
    assert rows() == [(fake.key, "thing:2", "2026Q4", f"user:{world.other_office.pk}")]

    engine.rule_set(township_id=world.township.pk, key=fake.key, enabled=True, actor=world.office)
    assert len(engine.scan(NOW, rules=[fake.key]).created) == 1
    assert Reminder.objects.filter(user=world.office).count() == 1
    setting = RuleSetting.objects.get(township=world.township, rule=fake.key)
    assert (setting.enabled, setting.changed_by) == (True, world.office)


def test_switching_an_unknown_rule_is_refused(world):
    with pytest.raises(KeyError):
        engine.rule_set(township_id=world.township.pk, key="no_such_rule", enabled=False, actor=world.office)
    assert not RuleSetting.objects.exists()


def test_the_database_refuses_a_duplicate_reminder(world):
    fields = {"rule": "r", "object_key": "hazard:1", "period": "d-7:2026-12-10", "recipient_key": "user:1",
              "user": world.office, "title": "t"}  # fmt: skip
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**{**fields, "title": "another title, same reminder"})
    assert Reminder.objects.count() == 1


def test_the_database_refuses_a_reminder_for_nobody(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(rule="r", object_key="hazard:1", period="p", recipient_key="x", title="t")


def test_a_recipient_with_only_a_phone_gets_a_text_message_and_no_inbox_entry(world, fake):
    fake.items = [item(world.township.pk, phones("139-1234-5678", "13912345678", "", "123"))]
    engine.scan(NOW, rules=[fake.key])
    reminder = Reminder.objects.get()  # the same number written twice, and junk, make one recipient
    assert (reminder.user, reminder.phone, reminder.recipient_key) == (None, "13912345678", "phone:13912345678")
    assert (reminder.sms_state, reminder.email_state) == (Delivery.PENDING, Delivery.NONE)


def test_a_user_gets_e_mail_only_with_an_address_and_the_preference_on(world, fake):
    world.office.email = "office@liuwei.gov.cn"
    world.office.save()
    world.leader.email = "leader@liuwei.gov.cn"
    world.leader.email_notifications = False
    world.leader.save()
    fake.items = [item(world.township.pk, users([world.office, world.leader, world.dept_a]))]
    engine.scan(NOW, rules=[fake.key])
    states = {r.user.username: (r.email_state, r.sms_state) for r in Reminder.objects.select_related("user")}
    assert states == {
        "office": (Delivery.PENDING, Delivery.NONE),
        "leader": (Delivery.NONE, Delivery.NONE),
        "dept_a": (Delivery.NONE, Delivery.NONE),  # no address
    }


def test_recipients_are_listed_once_each_in_a_stable_order(world):
    listed = users([world.leader, world.office], [world.office], [world.dept_a])
    assert [r.user for r in listed] == sorted([world.leader, world.office, world.dept_a], key=lambda u: u.pk)
    assert [r.key for r in phones("13800000002", "138 0000 0001")] == ["phone:13800000001", "phone:13800000002"]


def test_the_new_reminders_are_handed_to_delivery_after_commit(world, fake, django_capture_on_commit_callbacks):
    fake.items = [item(world.township.pk, phones("13900000001"))]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        engine.scan(NOW, rules=[fake.key])
    assert len(callbacks) == 1
    assert Reminder.objects.get().sms_state == Delivery.PENDING  # nothing leaves before the commit
    callbacks[0]()
    assert Reminder.objects.get().sms_state == Delivery.SENT


def test_a_scan_with_nothing_new_schedules_no_delivery(world, fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        engine.scan(NOW, rules=[fake.key])
    assert callbacks == []


# -- per recipient, per object ------------------------------------------------------------------------------------


def test_it_records_the_missing_recipients_of_an_object_that_has_only_some(world, fake):
    """A scan that stopped part-way (or a recipient added since) left one of three: the next scan adds the two."""
    people = users([world.office, world.leader]) + phones("13900000001")
    fake.items = [item(world.township.pk, people)]
    Reminder.objects.create(rule=fake.key, object_key="thing:1", object_id=1, period="2026Q4",
                            recipient_key=f"user:{world.office.pk}", user=world.office, title="t")  # fmt: skip
    result = engine.scan(NOW, rules=[fake.key])
    assert (len(result.created), result.existing) == (2, 1)
    assert [r[3] for r in rows()] == sorted(p.key for p in people)


def test_it_writes_one_objects_reminders_together_so_a_crash_part_way_leaves_none(world, fake, monkeypatch):
    people = users([world.office, world.leader, world.dept_a])
    fake.items = [item(world.township.pk, people, obj="thing:1"), item(world.township.pk, people, obj="thing:2")]
    real, made = engine._new_reminder, []

    def dies_at_the_fifth(rule, due, recipient):  # the second object's second recipient
        made.append(recipient)
        if len(made) == 5:
            raise RuntimeError("the worker died here")
        return real(rule, due, recipient)

    monkeypatch.setattr(engine, "_new_reminder", dies_at_the_fifth)
    with pytest.raises(RuntimeError):
        engine.scan(NOW, rules=[fake.key])
    assert {r[1] for r in rows()} == {"thing:1"}  # the first object whole, nothing of the second
    assert len(rows()) == 3

    monkeypatch.setattr(engine, "_new_reminder", real)
    result = engine.scan(NOW, rules=[fake.key])
    assert (len(result.created), result.existing) == (3, 3)
    assert len(rows()) == 6


def test_a_recipient_added_later_gets_the_reminder_of_the_period_still_due(world, fake):
    fake.items = [item(world.township.pk, users([world.office]))]
    engine.scan(NOW, rules=[fake.key])
    fake.items = [item(world.township.pk, users([world.office, world.leader]))]
    assert len(engine.scan(NOW, rules=[fake.key]).created) == 1
    assert [r[3] for r in rows()] == sorted([f"user:{world.office.pk}", f"user:{world.leader.pk}"])
