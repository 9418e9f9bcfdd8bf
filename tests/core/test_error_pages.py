"""With DEBUG (the quick start), not found, not allowed and failing pages are the project's own (Chinese) pages,
never Django's English debug page."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEBUG_PAGE = ("Using the URLconf", "Traceback", "You're seeing this error because you have")


def templates(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.name for t in response.templates]


def assert_own_page(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert f"{status}.html" in templates(response)
    text = response.content.decode()
    assert not any(marker in text for marker in DEBUG_PAGE)
    assert '<html lang="zh-hans"' in text


@override_settings(DEBUG=True)
def test_it_shows_the_404_page_for_an_unknown_url(client_for, world):
    assert_own_page(client_for(world.office).get("/no-such-page/"), 404)


@override_settings(DEBUG=True)
def test_it_shows_the_404_page_to_an_anonymous_visitor(client):
    assert_own_page(client.get("/no-such-page/"), 404)


@override_settings(DEBUG=True)
def test_it_shows_the_404_page_for_a_record_out_of_reach(client_for, world):
    """The department has no places at risk: the view raises Http404."""
    assert_own_page(client_for(world.dept_a).get(reverse("inspections:places")), 404)


@override_settings(DEBUG=True)
def test_it_still_adds_the_missing_slash(client_for, world):
    response = client_for(world.office).get("/hazards")
    assert response.status_code == 301 and response["Location"] == "/hazards/"


@override_settings(DEBUG=True, ROOT_URLCONF="tests.core.error_urls")
def test_it_shows_the_403_page(client_for, world):
    assert_own_page(client_for(world.office).get("/test-forbidden/"), 403)


@override_settings(DEBUG=True, ROOT_URLCONF="tests.core.error_urls")
def test_it_shows_the_500_page_and_logs_the_traceback(client_for, world, caplog):
    client = client_for(world.office)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert_own_page(client.get("/test-broken/"), 500)
    assert any(r.exc_info and "a bug" in str(r.exc_info[1]) for r in caplog.records)


@override_settings(DEBUG=False)
def test_without_debug_django_shows_the_same_page(client_for, world):
    assert_own_page(client_for(world.office).get("/no-such-page/"), 404)
