"""Enterprise self-inspections (§4): quarterly, monthly in the high-risk sectors of §22; done / due / overdue per
period in Asia/Shanghai; "本次未发现隐患" still counts; the list runs a constant number of queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.errors import WorkflowError
from inspections import plans
from inspections.models import ChecklistTemplate, ChecklistVersion, Inspection
from tests.factories import EnterpriseFactory, SectorFactory, UserFactory
from units.models import Enterprise

SHANGHAI = ZoneInfo("Asia/Shanghai")
MID_MAY = dt.datetime(2026, 5, 15, 10, 0, tzinfo=SHANGHAI)
LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=SHANGHAI)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def kinds(world):
    """One enterprise of each kind that matters for §22, all registered long ago."""
    township = world.township
    chem = SectorFactory(township=township, name="危化品", is_high_risk=True)
    trade = SectorFactory(township=township, name="商贸服务")
    industry = SectorFactory(township=township, name="工贸")
    enterprises = {
        "chemicals": EnterpriseFactory(village=world.village_a, primary_sector=chem, name="化工商店"),
        "lpg_business": EnterpriseFactory(village=world.village_a, primary_sector=trade, is_lpg_business=True),
        "restaurant": EnterpriseFactory(village=world.village_a, primary_sector=trade, is_lpg_user=True),
        "dust": EnterpriseFactory(village=world.village_b, primary_sector=industry, is_dust_explosion=True),
        "farm": world.enterprise_b,
        "construction": world.enterprise_a,  # 建筑施工: a high-risk sector
    }
    other = EnterpriseFactory(village=world.village_b, primary_sector=trade, name="兼营危化品")
    other.other_sectors.add(chem)
    enterprises["chem_as_further_sector"] = other
    Enterprise.objects.update(created_at=LONG_AGO)
    return enterprises


@pytest.fixture
def inspect(world):
    """inspect(enterprise, done_on, status="submitted", no_findings=False): a self-inspection as filed."""

    def make(enterprise, done_on, **kwargs):
        return Inspection.objects.create(
            township=enterprise.township,
            kind="self",
            channel="self_report",
            status=kwargs.get("status", "submitted"),
            planned_on=done_on,
            done_on=done_on,
            enterprise=enterprise,
            village=enterprise.village,
            no_findings=kwargs.get("no_findings", False),
            created_by=world.office,
        )

    return make


# -- who is monthly ---------------------------------------------------------------------------------------------


@time_machine.travel(MID_MAY, tick=False)
def test_it_asks_monthly_only_of_the_high_risk_list(kinds):
    states = plans.self_inspection_states(kinds.values())

    monthly = {name for name, e in kinds.items() if states[e.pk].is_monthly}
    assert monthly == {"chemicals", "lpg_business", "dust", "construction", "chem_as_further_sector"}
    # A restaurant that only uses LPG is not high-risk (§22): quarterly.
    assert not states[kinds["restaurant"].pk].is_monthly
    for name, e in kinds.items():
        assert states[e.pk].is_monthly == e.is_high_risk, name


# -- quarterly -------------------------------------------------------------------------------------------------


@time_machine.travel(MID_MAY, tick=False)
def test_it_marks_a_quarterly_enterprise_overdue_when_last_quarter_had_none(kinds, inspect):
    restaurant = kinds["restaurant"]

    status = plans.self_inspection_status(restaurant)

    assert (status.state, status.is_monthly, status.last_done_on) == ("overdue", False, None)
    assert (status.period_start, status.period_end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


@time_machine.travel(MID_MAY, tick=False)
def test_it_marks_a_quarterly_enterprise_due_after_last_quarters_and_done_after_this_quarters(kinds, inspect):
    restaurant = kinds["restaurant"]
    inspect(restaurant, dt.date(2026, 2, 10))
    assert plans.self_inspection_status(restaurant).state == "due"

    inspect(restaurant, dt.date(2026, 4, 2))
    status = plans.self_inspection_status(restaurant)
    assert (status.state, status.last_done_on) == ("done", dt.date(2026, 4, 2))


@time_machine.travel(MID_MAY, tick=False)
def test_it_counts_a_self_inspection_without_findings_but_not_an_unsubmitted_one(kinds, inspect):
    farm = kinds["farm"]
    inspect(farm, dt.date(2026, 5, 3), status="in_progress")
    assert plans.self_inspection_status(farm).state == "overdue"

    inspect(farm, dt.date(2026, 5, 4), no_findings=True)  # 本次未发现隐患
    assert plans.self_inspection_status(farm).state == "done"


def test_it_turns_the_quarter_at_midnight_in_shanghai(kinds, inspect):
    restaurant = kinds["restaurant"]
    inspect(restaurant, dt.date(2026, 3, 31))

    with time_machine.travel(at(2026, 3, 31, 23, 30), tick=False):
        assert plans.self_inspection_status(restaurant).state == "done"
    with time_machine.travel(at(2026, 4, 1, 0, 30), tick=False):  # still 03-31 in UTC
        status = plans.self_inspection_status(restaurant)
        assert (status.state, status.period_start) == ("due", dt.date(2026, 4, 1))


# -- monthly ---------------------------------------------------------------------------------------------------


@time_machine.travel(MID_MAY, tick=False)
@pytest.mark.parametrize("name", ["chemicals", "lpg_business", "dust"])
def test_it_wants_a_high_risk_enterprise_every_month(kinds, inspect, name):
    enterprise = kinds[name]
    inspect(enterprise, dt.date(2026, 4, 2))  # this quarter, but last month
    assert plans.self_inspection_status(enterprise).state == "due"

    inspect(enterprise, dt.date(2026, 5, 2))
    status = plans.self_inspection_status(enterprise)
    assert (status.state, status.is_monthly) == ("done", True)
    assert (status.period_start, status.period_end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))


@time_machine.travel(MID_MAY, tick=False)
def test_it_marks_a_monthly_enterprise_overdue_when_last_month_had_none(kinds, inspect):
    chemicals = kinds["chemicals"]
    inspect(chemicals, dt.date(2026, 3, 20))

    assert plans.self_inspection_status(chemicals).state == "overdue"


def test_it_turns_the_month_at_midnight_in_shanghai(kinds, inspect):
    dust = kinds["dust"]
    inspect(dust, dt.date(2026, 4, 30))

    with time_machine.travel(at(2026, 4, 30, 23, 30), tick=False):
        assert plans.self_inspection_status(dust).state == "done"
    with time_machine.travel(at(2026, 5, 1, 0, 30), tick=False):  # still 04-30 in UTC
        status = plans.self_inspection_status(dust)
        assert (status.state, status.period_start) == ("due", dt.date(2026, 5, 1))


@time_machine.travel(MID_MAY, tick=False)
def test_it_does_not_hold_last_period_against_an_enterprise_registered_this_period(kinds):
    newcomer = EnterpriseFactory(village=kinds["restaurant"].village, primary_sector=kinds["restaurant"].primary_sector)

    assert plans.self_inspection_status(newcomer).state == "due"


# -- in bulk, in constant queries -----------------------------------------------------------------------------


@time_machine.travel(MID_MAY, tick=False)
def test_it_computes_many_states_in_one_query(kinds, inspect, django_assert_num_queries):
    inspect(kinds["farm"], dt.date(2026, 5, 1))
    enterprises = list(Enterprise.objects.filter(township=kinds["farm"].township))

    with django_assert_num_queries(1):
        states = plans.self_inspection_states(enterprises)

    assert states[kinds["farm"].pk] == plans.self_inspection_status(kinds["farm"])
    assert states[kinds["farm"].pk].state == "done"


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("inspections:self_inspections"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(MID_MAY, tick=False)
def test_it_lists_the_enterprises_in_a_constant_number_of_queries(world, kinds, inspect, client_for):
    client = client_for(world.office)
    few = list_queries(client)

    trade = kinds["restaurant"].primary_sector
    for i in range(12):
        enterprise = EnterpriseFactory(village=world.village_a, primary_sector=trade, is_dust_explosion=i % 2 == 0)
        inspect(enterprise, dt.date(2026, 5, 1))

    assert list_queries(client) == few


# -- pages ---------------------------------------------------------------------------------------------------------


@time_machine.travel(MID_MAY, tick=False)
def test_it_lists_and_filters_the_enterprises_in_scope(world, kinds, inspect, client_for):
    inspect(kinds["restaurant"], dt.date(2026, 4, 20))
    office = client_for(world.office)

    page = office.get(reverse("inspections:self_inspections")).content.decode()
    assert page.count('data-testid="self-row"') == len(kinds)
    assert f'data-enterprise="{kinds["restaurant"].pk}" data-state="done" data-monthly="0"' in page
    assert f'data-enterprise="{kinds["dust"].pk}" data-state="overdue" data-monthly="1"' in page

    overdue_monthly = office.get(reverse("inspections:self_inspections"), {"state": "overdue", "high_risk": "1"})
    assert overdue_monthly.content.decode().count('data-testid="self-row"') == 5

    village_b = client_for(world.village_b_officer).get(reverse("inspections:self_inspections")).content.decode()
    assert {kinds["farm"].pk, kinds["dust"].pk, kinds["chem_as_further_sector"].pk} == {
        e.pk for e in Enterprise.objects.filter(village=world.village_b)
    }
    assert village_b.count('data-testid="self-row"') == 3


@time_machine.travel(MID_MAY, tick=False)
def test_it_shows_an_enterprise_contact_only_its_own_status(world, kinds, client_for):
    response = client_for(world.ent_a).get(reverse("inspections:self_inspections"))

    html = response.content.decode()
    assert f'data-testid="own-enterprise" data-enterprise="{world.enterprise_a.pk}"' in html
    assert 'data-testid="self-row"' not in html
    assert 'data-testid="self-inspection-status" data-state="overdue" data-monthly="1"' in html


@pytest.fixture
def sector_checklist(world):
    template = ChecklistTemplate.objects.create(township=world.township, name="建筑施工自查表", sector=world.sector_a)
    ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    return ChecklistVersion.objects.create(template=template, number=2, published_at=timezone.now())


@time_machine.travel(MID_MAY, tick=False)
def test_it_files_this_periods_self_inspection_with_the_sectors_checklist(world, kinds, sector_checklist, client_for):
    client = client_for(world.ent_a)
    url = reverse("inspections:self_inspection_file", args=[world.enterprise_a.pk])

    response = client.post(url)

    inspection = Inspection.objects.get(kind="self")
    assert response["Location"] == reverse("inspections:fill", args=[inspection.pk])
    assert (inspection.enterprise, inspection.village, inspection.checklist) == (
        world.enterprise_a,
        world.village_a,
        sector_checklist,
    )
    assert (inspection.planned_on, inspection.created_by, inspection.channel) == (
        dt.date(2026, 5, 15),
        world.ent_a,
        "self_report",
    )
    # A second click goes back to the unfinished one.
    assert client.post(url)["Location"] == response["Location"]
    assert Inspection.objects.filter(kind="self").count() == 1


def test_it_picks_the_sector_checklist_then_a_general_one_then_none(world):
    assert plans.self_inspection_checklist(world.enterprise_a) is None
    general = ChecklistTemplate.objects.create(township=world.township, name="通用自查表")
    ChecklistVersion.objects.create(template=general, number=1)  # a draft is not used
    assert plans.self_inspection_checklist(world.enterprise_a) is None
    general_v = ChecklistVersion.objects.create(template=general, number=2, published_at=timezone.now())
    assert plans.self_inspection_checklist(world.enterprise_a) == general_v
    sector = ChecklistTemplate.objects.create(township=world.township, name="建筑施工", sector=world.sector_a)
    sector_v = ChecklistVersion.objects.create(template=sector, number=1, published_at=timezone.now())
    assert plans.self_inspection_checklist(world.enterprise_a) == sector_v
    assert plans.self_inspection_checklist(world.enterprise_b) == general_v


@pytest.mark.parametrize("username", ["ent_b", "office", "village_a_officer", "leader"])
def test_it_lets_only_the_enterprises_own_contacts_file(world, client_for, username):
    url = reverse("inspections:self_inspection_file", args=[world.enterprise_a.pk])

    assert client_for(getattr(world, username)).post(url).status_code == 404
    assert not Inspection.objects.exists()
    with pytest.raises(WorkflowError):
        plans.self_inspection_start(enterprise=world.enterprise_a, actor=getattr(world, username))


def test_it_hides_the_page_from_people_without_a_role(world, client_for):
    assert client_for(UserFactory(username="nobody")).get(reverse("inspections:self_inspections")).status_code == 404


@time_machine.travel(MID_MAY, tick=False)
def test_it_renders_the_badge_for_the_enterprise_page(kinds):
    status = plans.self_inspection_status(kinds["chemicals"])

    html = render_to_string("inspections/plans/_self_inspection_badge.html", {"status": status})

    assert 'data-state="overdue"' in html
    assert 'data-monthly="1"' in html
    assert "2026" in html
