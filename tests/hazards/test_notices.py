"""The rectification notice (隐患整改通知书) and its 送达回证 (§18: the principal and actual controller are told)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.dates import local_today
from core.errors import WorkflowError
from hazards import supervision_services as services
from hazards.models import HazardEvent, Notice, ServiceManner
from hazards.supervision_services import NoticeTerms, Service
from tests.factories import AssignmentFactory, EnterpriseFactory, HazardFactory, TownshipFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return local_today() + dt.timedelta(days=n)


def registered(world, **kw):
    fields = {
        "village": world.village_a,
        "sector": world.sector_a,
        "enterprise": world.enterprise_a,
        "level": "major",
        "status": "rectifying",
        "deadline": days(30),
        "found_on": days(-10),
        "basis": "《重大火灾隐患判定方法》GB 35181",
        "clause": "第5.1条",
        "measures": "清理疏散通道",
        "responsible_person": "赵六",
    }
    fields.update(kw)
    return HazardFactory(**fields)


@pytest.fixture
def names(world):
    world.enterprise_a.principal_name = "张主要"
    world.enterprise_a.controller_name = "钱实控"
    world.enterprise_a.save()


def issue(world, hazard, actor=None, on=None, **terms):
    return services.notice_issue(
        hazard_id=hazard.pk, actor=actor or world.office, issued_on=on or days(0), terms=NoticeTerms(**terms)
    )


def serve(world, notice, actor=None, at=None, **kw):
    fields = {
        "served_to": "张主要",
        "served_at": at or timezone.now(),
        "place": "企业办公室",
        "manner": ServiceManner.DIRECT,
        "signed_by": "张主要",
        "servers": "王五、赵六",
    }
    fields.update(kw)
    return services.notice_record_service(notice_id=notice.pk, actor=actor or world.office, service=Service(**fields))


def test_it_issues_a_numbered_notice_with_the_names_of_the_day(world, names):
    hazard = registered(world)
    notice = issue(world, hazard)
    assert notice.number == f"刘圩安隐改〔{days(0).year}〕第0001号"
    assert (notice.principal_name, notice.controller_name) == ("张主要", "钱实控")
    world.enterprise_a.principal_name = "新负责人"
    world.enterprise_a.save()
    notice.refresh_from_db()
    assert notice.principal_name == "张主要"  # the paper that was served does not change
    assert hazard.events.get(action=HazardEvent.Action.NOTICE_ISSUED).note == notice.number


def test_it_numbers_notices_in_sequence_per_year(world):
    year = days(0).year
    first = issue(world, registered(world, found_on=dt.date(year - 1, 12, 1)), on=dt.date(year - 1, 12, 30))
    second = issue(world, registered(world))
    serve(world, second)
    third = issue(world, registered(world))
    assert first.number == f"刘圩安隐改〔{year - 1}〕第0001号"
    assert second.number == f"刘圩安隐改〔{year}〕第0001号"
    assert third.number == f"刘圩安隐改〔{year}〕第0002号"


def second_township_hazard(name: str, code: str):
    """A hazard of an enterprise in another township, and that township's office."""
    enterprise = EnterpriseFactory(village__township=TownshipFactory(name=name, code=code))
    office = UserFactory(username=f"office-{code}")
    AssignmentFactory(user=office, role=Role.OFFICE, township=enterprise.township)
    hazard = HazardFactory(village=enterprise.village, sector=enterprise.primary_sector, enterprise=enterprise,
                           status="rectifying", deadline=days(30), found_on=days(-10))  # fmt: skip
    return hazard, office


def test_it_numbers_each_township_s_notices_from_one(world):
    year = days(0).year
    own = [issue(world, registered(world)) for _ in range(2)]
    hazard, office = second_township_hazard("周庄镇", "341324198")
    theirs = services.notice_issue(hazard_id=hazard.pk, actor=office, issued_on=days(0))
    assert [n.number for n in own] == [f"刘圩安隐改〔{year}〕第0001号", f"刘圩安隐改〔{year}〕第0002号"]
    assert theirs.number == f"周庄安隐改〔{year}〕第0001号"
    assert (own[0].township, theirs.township) == (world.township, hazard.township)


def test_it_counts_per_township_even_when_two_short_names_are_alike(world):
    year = days(0).year
    issue(world, registered(world))
    issue(world, registered(world))
    hazard, office = second_township_hazard("刘圩乡", "341324197")  # its short name is 刘圩 too
    theirs = services.notice_issue(hazard_id=hazard.pk, actor=office, issued_on=days(0))
    assert theirs.number == f"刘圩安隐改〔{year}〕第0001号"
    assert Notice.objects.filter(number=theirs.number).count() == 2


def test_it_lets_the_lead_department_issue(world):
    assert issue(world, registered(world), actor=world.dept_a).issued_by == world.dept_a


@pytest.mark.parametrize("who", ["village_a_officer", "ent_a", "leader", "dept_b", "other_office"])
def test_it_refuses_a_notice_from_others(world, who):
    with pytest.raises(WorkflowError):
        issue(world, registered(world), actor=getattr(world, who))
    assert not Notice.objects.exists()


@pytest.mark.parametrize("status", ["reported", "dismissed", "verified", "closed"])
def test_it_issues_only_from_registration_until_acceptance(world, status):
    with pytest.raises(WorkflowError):
        issue(world, registered(world, status=status))


def test_it_needs_an_enterprise_to_address(world):
    with pytest.raises(WorkflowError, match="企业"):
        issue(world, registered(world, enterprise=None, location="县道X032"))


def test_it_refuses_a_second_notice_while_the_first_is_not_served(world):
    hazard = registered(world)
    notice = issue(world, hazard)
    with pytest.raises(WorkflowError):
        issue(world, hazard, replace_reason="整改期限调整")
    serve(world, notice)
    assert issue(world, hazard, replace_reason="整改期限调整").number.endswith("第0002号")


def test_it_records_the_service_once(world):
    hazard = registered(world)
    notice = serve(world, issue(world, hazard))
    assert notice.is_served and notice.served_recorded_by == world.office
    assert hazard.events.filter(action=HazardEvent.Action.NOTICE_SERVED).count() == 1
    with pytest.raises(WorkflowError, match="已登记"):
        serve(world, notice)


def test_it_refuses_a_service_before_the_issue_or_in_the_future(world):
    notice = issue(world, registered(world))
    with pytest.raises(WorkflowError):
        serve(world, notice, at=timezone.now() - dt.timedelta(days=3))
    with pytest.raises(WorkflowError, match="晚于"):
        serve(world, notice, at=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(WorkflowError):
        serve(world, notice, served_to=" ")


def test_it_prints_the_notice_with_a_blank_receipt_then_the_recorded_one(world, names, client_for):
    hazard = registered(world, title="安全出口锁闭", description="二楼安全出口上锁")
    notice = issue(world, hazard)
    client = client_for(world.ent_a)  # the enterprise may print what it was served
    page = client.get(reverse("hazards:notice_print", args=[notice.pk])).content.decode()
    assert notice.number in page and "张主要" in page and "钱实控" in page
    assert "送达回证" in page and "二楼安全出口上锁" in page and "第5.1条" in page
    assert days(30).isoformat() in page and "清理疏散通道" in page
    assert page.count('class="fill-line"') == 7  # person, time, place, signature, relation, witness, servers
    serve(world, notice)
    page = client.get(reverse("hazards:notice_print", args=[notice.pk])).content.decode()
    assert 'class="fill-line"' not in page
    assert '<td class="receipt-signature" data-testid="receipt-signed-by">张主要</td>' in page


def issue_form(**changes):
    data = {
        "issued_on": days(0).isoformat(),
        "inspected_on": days(-10).isoformat(),
        "inspectors": "王五、赵六",
        "basis": "《消防法》",
        "clause": "第二十八条",
        "requirement": "清理疏散通道",
        "deadline": days(30).isoformat(),
        "review": "整改期限届满后五个工作日内组织复查",
    }
    data.update(changes)
    return data


def service_form(**changes):
    data = {
        "serving_unit": "刘圩镇安委办",
        "served_to": "张三",
        "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "served_place": "企业办公室",
        "service_manner": "direct",
        "signed_by": "张三",
        "servers": "王五、赵六",
    }
    data.update(changes)
    return data


def test_it_issues_and_records_service_through_the_pages(world, client_for):
    hazard = registered(world)
    client = client_for(world.office)
    url = reverse("hazards:notice_issue", args=[hazard.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, issue_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    notice = hazard.notices.get()
    url = reverse("hazards:notice_service", args=[notice.pk])
    assert client.get(url).status_code == 200
    data = service_form()
    assert client.post(url, data).status_code == 302
    notice.refresh_from_db()
    assert notice.served_to == "张三"
    response = client.post(url, {**data, "served_to": "李四", "signer_relation": "同事"})
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.served_to == "张三"
    assert client.get(url)["Location"] == reverse("hazards:detail", args=[hazard.pk])


def test_it_explains_a_refused_notice_by_a_message(world, client_for):
    hazard = registered(world, status="closed")
    response = client_for(world.office).post(
        reverse("hazards:notice_issue", args=[hazard.pk]), issue_form(), follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Notice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_gives_two_notices_issued_at_once_different_numbers(world):
    hazards = [registered(world), registered(world)]
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[Exception] = []

    def run(hazard):
        try:
            barrier.wait()
            numbers.append(issue(world, hazard).number)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(h,)) for h in hazards]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(n[-6:] for n in numbers) == ["第0001号", "第0002号"]
