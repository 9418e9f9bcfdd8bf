"""Each township's reminders are signed by its own safety office, in text messages and e-mails alike."""

from __future__ import annotations

import pytest
from django.core import mail

from reminders import delivery
from reminders.models import Delivery, Reminder, SmsMessage
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def reminder_in(township, *, phone: str = "", user=None, key: str = "hazard:1") -> Reminder:
    return Reminder.objects.create(
        rule="rectification_deadline", object_key=key, object_id=int(key.split(":")[1]), period="d-3:2026-12-10",
        recipient_key=f"phone:{phone}" if phone else f"user:{user.pk}", phone=phone, user=user, township=township,
        title="“配电箱无漏电保护”须在 3 天内（2026-12-10 前）整改完毕", body="某某商店：加装漏电保护器",
        sms_state=Delivery.PENDING if phone else Delivery.NONE,
        email_state=Delivery.NONE if phone else Delivery.PENDING,
    )  # fmt: skip


def texts() -> list[str]:
    return list(SmsMessage.objects.order_by("pk").values_list("text", flat=True))


def test_it_signs_a_text_with_the_township_s_safety_office_unit(world):
    delivery.send_sms(reminder_in(world.township, phone="13912345678").pk)
    assert texts() == [
        "【刘圩镇应急办】“配电箱无漏电保护”须在 3 天内（2026-12-10 前）整改完毕。某某商店：加装漏电保护器"
    ]


def test_it_signs_each_township_s_texts_with_its_own_office(world):
    second = world.other_township  # 邻镇, without a unit marked as its safety office
    delivery.send_sms(reminder_in(world.township, phone="13912345678", key="hazard:1").pk)
    delivery.send_sms(reminder_in(second, phone="13912345679", key="hazard:2").pk)
    assert [text.split("】")[0] for text in texts()] == ["【刘圩镇应急办", "【邻镇安委办"]


def test_it_follows_the_unit_the_office_marks_and_names(world):
    world.office_unit.is_safety_office = False
    world.office_unit.save()
    UnitFactory(township=world.township, name="安全生产委员会办公室", is_safety_office=True)
    delivery.send_sms(reminder_in(world.township, phone="13912345678").pk)
    assert texts()[0].startswith("【刘圩镇安全生产委员会办公室】")


def test_it_signs_the_e_mail_with_the_township_s_office(world):
    world.other_office.email = "office@linzhen.example"
    world.other_office.save()
    delivery.send_email(reminder_in(world.other_township, user=world.other_office).pk)
    [message] = mail.outbox
    assert "邻镇安委办" in message.body and "刘圩" not in message.body
