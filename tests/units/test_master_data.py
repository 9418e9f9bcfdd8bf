"""The office's master-data pages: create, edit, history, deactivate, filters and pagination."""

from __future__ import annotations

from itertools import groupby

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EnterpriseFactory
from units.credit_code import make_credit_code
from units.models import Enterprise, Sector, Unit, Village

pytestmark = pytest.mark.django_db


def enterprise_data(world, **overrides):
    data = {
        "name": "泗县刘圩新材料有限公司",
        "credit_code": make_credit_code("91341324MA2N0001X"),
        "village": world.village_a.pk,
        "primary_sector": world.sector_a.pk,
        "standardisation_grade": "",
        "principal_name": "王五",
        "principal_phone": "13900000000",
    }
    data.update(overrides)
    return data


def test_it_creates_an_enterprise_and_records_who_did_it(world, client_for):
    client = client_for(world.office)
    response = client.post(reverse("units:enterprise_create"), enterprise_data(world))
    enterprise = Enterprise.objects.get(name="泗县刘圩新材料有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("units:enterprise_detail", args=[enterprise.pk])
    assert enterprise.township == world.township
    assert enterprise.history.get().history_user == world.office


def test_it_shows_a_clear_error_and_saves_nothing_for_a_wrong_check_digit(world, client_for):
    client = client_for(world.office)
    good = make_credit_code("91341324MA2N0001X")
    wrong = good[:-1] + ("1" if good[-1] == "0" else "0")
    response = client.post(reverse("units:enterprise_create"), enterprise_data(world, credit_code=wrong))
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert not Enterprise.objects.filter(name="泗县刘圩新材料有限公司").exists()


def test_it_keeps_the_history_of_an_edit_and_shows_it(world, client_for):
    client = client_for(world.office)
    url = reverse("units:enterprise_edit", args=[world.enterprise_a.pk])
    data = enterprise_data(world, name=world.enterprise_a.name, credit_code=world.enterprise_a.credit_code)
    data["principal_phone"] = "13911112222"
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("units:enterprise_detail", args=[world.enterprise_a.pk])).content.decode()
    assert "13911112222" in page
    assert "office" in page  # who
    latest = world.enterprise_a.history.first()
    assert latest.history_user == world.office
    assert latest.diff_against(latest.prev_record).changed_fields.count("principal_phone") == 1


def test_it_records_the_unit_that_runs_a_place_and_shows_it(world, client_for):
    """§17: the unit that runs a place never accepts its rectification; the office says which unit that is."""
    client = client_for(world.office)
    url = reverse("units:enterprise_edit", args=[world.enterprise_a.pk])
    data = enterprise_data(world, name=world.enterprise_a.name, credit_code=world.enterprise_a.credit_code)
    data["operated_by"] = str(world.unit_b.pk)
    assert client.post(url, data).status_code == 302
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.operated_by == world.unit_b
    page = client.get(reverse("units:enterprise_detail", args=[world.enterprise_a.pk])).content.decode()
    assert 'data-testid="operated-by"' in page


def test_it_deactivates_instead_of_deleting_and_hides_it_from_new_choices(world, client_for):
    client = client_for(world.office)
    response = client.post(reverse("units:village_toggle", args=[world.village_b.pk]), {"active": "0"}, follow=True)
    assert "已停用" in response.content.decode()
    world.village_b.refresh_from_db()
    assert world.village_b.is_active is False
    assert Enterprise.objects.filter(village=world.village_b).exists()
    form_page = client.get(reverse("units:enterprise_create")).content.decode()
    assert "新集村" not in form_page
    assert client.get(reverse("units:village_toggle", args=[world.village_b.pk])).status_code == 405


def test_it_renames_a_unit_and_keeps_the_old_name_in_history(world, client_for):
    client = client_for(world.office)
    url = reverse("units:unit_edit", args=[world.unit_a.pk])
    response = client.post(url, {"name": "住建中心", "kind": "station", "duty_kind": "supervision"})
    assert response.status_code == 302
    assert Unit.objects.get(pk=world.unit_a.pk).name == "住建中心"
    page = client.get(url).content.decode()
    assert "住建所 → 住建中心" in page


def test_it_changes_a_sectors_lead_unit_and_keeps_who_was_responsible_when(world, client_for):
    client = client_for(world.office)
    url = reverse("units:sector_edit", args=[world.sector_a.pk])
    data = {"name": "建筑施工", "lead_unit": world.unit_b.pk, "participating_units": [world.unit_a.pk], "sort_order": 1}
    assert client.post(url, data).status_code == 302
    sector = Sector.objects.get(pk=world.sector_a.pk)
    assert sector.lead_unit == world.unit_b
    leads = [h.lead_unit_id for h in sector.history.order_by("history_date", "history_id")]
    assert [lead for lead, _ in groupby(leads)] == [world.unit_a.pk, world.unit_b.pk]


def test_it_refuses_a_lead_unit_that_also_participates(world, client_for):
    client = client_for(world.office)
    url = reverse("units:sector_edit", args=[world.sector_a.pk])
    data = {"name": "建筑施工", "lead_unit": world.unit_a.pk, "participating_units": [world.unit_a.pk], "sort_order": 1}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "牵头部门不能同时是配合部门" in response.content.decode()


def test_it_creates_a_village_in_the_offices_township_and_refuses_a_bad_code(world, client_for):
    client = client_for(world.office)
    bad = client.post(reverse("units:village_create"), {"name": "新村", "code": "12ab"})
    assert bad.status_code == 200
    assert "12 位" in bad.content.decode()
    good = client.post(reverse("units:village_create"), {"name": "新村", "code": "341324106299"})
    assert good.status_code == 302
    assert Village.objects.get(name="新村").township == world.township


def test_it_creates_a_supervision_group_with_leader_members_and_coverage(world, client_for):
    client = client_for(world.office)
    data = {
        "name": "第一督导组",
        "leader": world.leader.pk,
        "members": [world.office.pk, world.dept_a.pk],
        "villages": [world.village_a.pk],
        "units": [world.unit_a.pk],
    }
    response = client.post(reverse("units:group_create"), data)
    assert response.status_code == 302
    page = client.get(reverse("units:group_list")).content.decode()
    assert "第一督导组" in page and "刘圩村" in page


FILTERS = [
    ({"village": "village_a"}, {"刘圩建筑工程有限公司"}),
    ({"sector": "sector_b"}, {"新集农业合作社"}),
    ({"high_risk": "true"}, {"刘圩建筑工程有限公司"}),
    ({"high_risk": "false"}, {"新集农业合作社"}),
    ({"q": "新集"}, {"新集农业合作社"}),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_it_filters_the_enterprise_list(world, client_for, params, expected):
    resolved = {k: (getattr(world, v).pk if k in ("village", "sector") else v) for k, v in params.items()}
    page = client_for(world.office).get(reverse("units:enterprise_list"), resolved)
    names = {e.name for e in page.context["page_obj"]}
    assert names == expected


def test_it_finds_an_enterprise_by_a_pasted_credit_code(world, client_for):
    code = world.enterprise_b.credit_code
    page = client_for(world.office).get(reverse("units:enterprise_list"), {"q": f" {code.lower()} "})
    assert [e.name for e in page.context["page_obj"]] == ["新集农业合作社"]


def test_it_filters_by_flag_and_further_sector(world, client_for):
    Enterprise.objects.filter(pk=world.enterprise_b.pk).update(is_lpg_business=True)
    page = client_for(world.office).get(reverse("units:enterprise_list"), {"flag": "is_lpg_business"})
    assert [e.name for e in page.context["page_obj"]] == ["新集农业合作社"]
    world.enterprise_b.other_sectors.add(world.sector_a)
    page = client_for(world.office).get(reverse("units:enterprise_list"), {"sector": world.sector_a.pk})
    assert {e.name for e in page.context["page_obj"]} == {"刘圩建筑工程有限公司", "新集农业合作社"}


def test_it_paginates_with_the_filters_kept(world, client_for):
    EnterpriseFactory.create_batch(30, village=world.village_a, primary_sector=world.sector_a)
    client = client_for(world.office)
    first = client.get(reverse("units:enterprise_list"), {"village": world.village_a.pk})
    assert len(first.context["page_obj"]) == 25
    assert f"village={world.village_a.pk}&amp;page=2" in first.content.decode()
    second = client.get(reverse("units:enterprise_list"), {"village": world.village_a.pk, "page": 2})
    assert len(second.context["page_obj"]) == 6


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("units:enterprise_list")).status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_enterprises_in_a_constant_number_of_queries(world, client_for):
    client = client_for(world.office)
    small = list_queries(client)
    EnterpriseFactory.create_batch(40, village=world.village_b, primary_sector=world.sector_b)
    assert list_queries(client) == small
    assert small <= 10


def test_it_names_the_sectors_added_in_the_history(world, client_for):
    world.enterprise_a.other_sectors.add(world.sector_b)
    page = client_for(world.office).get(reverse("units:enterprise_detail", args=[world.enterprise_a.pk]))
    assert "其他行业领域：— → 农业" in page.content.decode()
