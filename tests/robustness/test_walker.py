"""The walk's own machinery notices what it is there to notice (a server error, a write on an error answer)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.robustness.walker import Walker, baseline, load_corpus, page_forms, project_tables, urlencoded
from units.models import Village

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.robustness.walker_urls")]


@pytest.fixture
def walker(world) -> Walker:
    return Walker(clients={"anonymous": Client(raise_request_exception=False)}, tables=project_tables())


def test_it_records_a_server_error_with_its_exception(walker):
    walker.send("anonymous", "GET", "/crashes/?year=%C2%B2")
    [finding] = walker.findings
    assert finding.status == 500 and "ValueError" in finding.detail


def test_it_records_a_write_on_an_error_answer_and_undoes_it(world, walker):
    walker.send("anonymous", "GET", f"/refuses/?pk={world.village_a.pk}")
    [finding] = walker.findings
    assert "units_village" in finding.detail
    assert Village.objects.get(pk=world.village_a.pk).name == "刘圩村"  # the savepoint was rolled back


def test_it_accepts_a_write_on_a_successful_answer(world, walker):
    walker.send("anonymous", "GET", f"/writes/?pk={world.village_a.pk}")
    assert walker.findings == []
    assert Village.objects.get(pk=world.village_a.pk).name == "刘圩村"


def test_it_reads_a_pages_forms_as_a_browser_would_fill_them():
    html = Client().get("/form/").content.decode()
    post, search = page_forms(html, "http://testserver/form/")
    assert (post.method, post.action, post.files) == ("post", "http://testserver/writes/", ["photo"])
    assert (search.method, [f.name for f in search.fields]) == ("get", ["q"])
    assert baseline(post, "2026-05-01") == [
        ("csrfmiddlewaretoken", "t"), ("title", "测试"), ("day", "2026-05-01"), ("level", "major"), ("note", "旧"),
        ("go", "yes"),
    ]  # fmt: skip


def test_it_sends_a_lone_surrogate_as_its_broken_bytes():
    assert urlencoded([("q", "\ud800")]) == "q=%ED%A0%80"
    corpus = load_corpus()
    assert any(bad.values == ("\ud800",) for bad in corpus)
    assert any(len(bad.values) == 2 for bad in corpus)
