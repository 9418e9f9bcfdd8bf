"""One township at a time: a person who works in two townships picks one in the header, and every list, export and
figure shows that township's records alone until they pick the other. The county's staff are not narrowed."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.factories import AssignmentFactory, HazardFactory
from units.access import CURRENT_TOWNSHIP_KEY, act_in_township, build_scope
from units.models import Role

pytestmark = pytest.mark.django_db


def current_in_header(client: Client) -> str:
    page = client.get(reverse("home")).content.decode()
    found = re.search(r'data-testid="current-township"[^>]*>([^<]*)<', page)
    return found.group(1) if found else ""


@pytest.fixture
def hazards(world: World) -> dict[str, str]:
    """An open general hazard in each township, by the township's name."""
    HazardFactory(village=world.village_a, sector=world.sector_a, title="刘圩的隐患")
    HazardFactory(village=world.other_village, sector=world.other_sector, title="邻镇的隐患")
    return {"here": "刘圩的隐患", "there": "邻镇的隐患"}


def switch(client: Client, township_id: object, next_url: str = "") -> object:
    return client.post(reverse("units:switch_township"), {"township": township_id, "next": next_url})


def listed(client: Client) -> str:
    return client.get(reverse("hazards:list")).content.decode()


def ledger_titles(client: Client) -> set[str]:
    response = client.get(reverse("hazards:ledger_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    return {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}


def open_hazards(client: Client) -> int:
    board = client.get(reverse("dashboard:index")).context["board"]
    tile = next(t for t in board.tiles if t.key == "open_general")
    return int(tile.main.value)


def test_it_shows_a_person_of_two_townships_only_the_chosen_one(world, hazards, client_for):
    client = client_for(world.two_townships)
    # Until they choose, the township whose office they are.
    assert "刘圩的隐患" in listed(client) and "邻镇的隐患" not in listed(client)
    assert "邻镇的隐患" not in ledger_titles(client)
    assert open_hazards(client) == 1

    assert current_in_header(client) == world.township.name
    assert switch(client, world.other_township.pk, reverse("hazards:list")).url == reverse("hazards:list")
    assert client.session[CURRENT_TOWNSHIP_KEY] == world.other_township.pk
    assert current_in_header(client) == world.other_township.name
    assert "邻镇的隐患" in listed(client) and "刘圩的隐患" not in listed(client)
    titles = ledger_titles(client)
    assert "邻镇的隐患" in titles and "刘圩的隐患" not in titles
    assert open_hazards(client) == 1

    switch(client, world.township.pk)
    assert "刘圩的隐患" in listed(client) and "邻镇的隐患" not in listed(client)


def test_it_acts_with_the_roles_of_the_chosen_township_only(world, hazards, client_for):
    client = client_for(world.two_townships)
    assert client.get(reverse("units:village_create")).status_code == 200
    switch(client, world.other_township.pk)
    # In the other township they are a village officer: no office page, their village's records only.
    assert client.get(reverse("units:village_create")).status_code == 404
    assert client.get(reverse("units:enterprise_list")).status_code == 200
    village_hazard = HazardFactory(village=world.village_b, sector=world.sector_b, title="新集村隐患")
    assert client.get(reverse("hazards:detail", args=[village_hazard.pk])).status_code == 404


def test_it_builds_the_scope_of_the_township_acted_in(world):
    user = world.two_townships
    assert build_scope(user).office_townships == {world.township.pk}  # no choice: every assignment
    act_in_township(user, world.other_township.pk)
    scope = build_scope(user)
    assert (scope.office_townships, scope.village_ids) == (frozenset(), {world.other_village.pk})
    assert scope.township_ids == {world.other_township.pk}
    act_in_township(user, world.township.pk)
    assert build_scope(user).village_ids == frozenset()


def test_it_offers_the_picker_only_to_people_of_several_townships(world, client_for):
    page = client_for(world.two_townships).get(reverse("home")).content.decode()
    assert 'data-testid="township-picker"' in page
    assert world.other_township.name in page
    client = Client()
    client.force_login(world.office)
    assert 'data-testid="township-picker"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "1.5", "1" * 30])
def test_it_refuses_a_township_that_is_not_one_of_the_users(world, client_for, value):
    client = client_for(world.office)
    assert switch(client, value).status_code == 404
    assert switch(client, world.other_township.pk).status_code == 404  # not theirs
    assert CURRENT_TOWNSHIP_KEY not in client.session


def test_it_switches_only_by_post(world, client_for):
    response = client_for(world.two_townships).get(reverse("units:switch_township"), {"township": 1})
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/hazards/?status=open", "/hazards/?status=open"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/hazards/", "/"),
        ("/no/such/page/", "/"),
    ],
)
def test_it_goes_back_to_the_page_the_user_was_on_when_it_is_safe(world, client_for, next_url, expected):
    response = switch(client_for(world.two_townships), world.other_township.pk, next_url)
    assert response.status_code == 302 and response.url == expected


def test_it_goes_home_rather_than_to_a_record_of_the_township_left(world, hazards, client_for):
    client = client_for(world.two_townships)
    hazard_here = HazardFactory(village=world.village_a, sector=world.sector_a)
    response = switch(client, world.other_township.pk, reverse("hazards:detail", args=[hazard_here.pk]))
    assert response.url == reverse("home")


def test_it_lets_the_county_look_at_one_township_without_narrowing_its_lists(world, hazards, client_for):
    client = client_for(world.county)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="township-picker"' in page
    switch(client, world.other_township.pk)
    assert "刘圩的隐患" in listed(client) and "邻镇的隐患" in listed(client)
    assert current_in_header(client) == world.other_township.name


def test_it_records_the_township_a_ledger_export_job_was_started_in(world, hazards, client_for, monkeypatch):
    from hazards import excel_views
    from hazards.ledger_export import run_export_job
    from hazards.models import ExportJob

    monkeypatch.setattr(excel_views, "EXPORT_SYNC_LIMIT", 0)
    monkeypatch.setattr(excel_views, "_enqueue", lambda job_id: None)
    client = client_for(world.two_townships)
    switch(client, world.other_township.pk)
    client.get(reverse("hazards:ledger_export"))
    job = ExportJob.objects.get()
    assert job.township == world.other_township
    # The worker loads the user afresh: it must still act in the township the export was started in.
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    titles = {str(c.value) for row in load_workbook(job.file.open("rb")).active.iter_rows() for c in row if c.value}
    assert "邻镇的隐患" in titles and "刘圩的隐患" not in titles


def test_it_keeps_a_county_role_beside_a_township_role(world, hazards):
    AssignmentFactory(user=world.county, role=Role.OFFICE, township=world.other_township)
    act_in_township(world.county, world.other_township.pk)
    scope = build_scope(world.county)
    assert scope.office_townships == {world.other_township.pk}
    assert scope.all_townships == {world.township.pk, world.other_township.pk}
