"""No link leads nowhere: for every role, every link in the menu and on the home page opens (200 or a download)."""

from __future__ import annotations

from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from units.demo import load_demo_data
from units.models import User

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """The internal GET targets of a page: <a href> and forms whose method is GET."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a":
            url = values.get("href") or ""
        elif tag == "form" and (values.get("method") or "get").lower() == "get":
            url = values.get("action") or ""
        else:
            return
        parts = urlsplit(url)
        if url.startswith("/") and not url.startswith("//") and not parts.path.startswith("/static/"):
            self.urls.append(url)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls))


ROLES = [
    "office",
    "leader",
    "dept_a",
    "village_a_officer",
    "ent_a",
    "admin",
    "county",
    "county_dept",
    "custodian",
]
SKIP = ("/accounts/logout",)


def _route(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return url


def _opens(response) -> bool:  # type: ignore[no-untyped-def]
    """200 at the end of any redirects (a year's list from its index), and not the login page."""
    last = response.redirect_chain[-1][0] if response.redirect_chain else ""
    return response.status_code == 200 and not urlsplit(last).path.startswith(reverse("login"))


def broken_links(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The home page and the menu (in base.html, on every page), then every link and GET form of the pages they
    open: the buttons of each list. A route is followed once (one hazard's page stands for all)."""
    home = client.get(reverse("home"))
    assert home.status_code == 200
    first = [u for u in links_of(home.content.decode()) if not u.startswith(SKIP)]
    assert len(first) > 3
    seen = {_route(reverse("home"))}
    broken: dict[str, int] = {}
    for url in first:
        if _route(url) in seen:
            continue
        seen.add(_route(url))
        response = client.get(url, follow=True)
        if not _opens(response):
            broken[url] = response.status_code
            continue
        if response.get("Content-Type", "").startswith("text/html"):
            for link in links_of(response.content.decode()):
                if link.startswith(SKIP) or _route(link) in seen:
                    continue
                seen.add(_route(link))
                followed = client.get(link, follow=True)
                if not _opens(followed):
                    broken[f"{url} -> {link}"] = followed.status_code
    return broken


@pytest.mark.parametrize("who", ROLES)
def test_it_opens_every_link_of_the_menu_and_the_home_page(client, world, who):
    client.force_login(getattr(world, who))
    assert broken_links(client) == {}


def test_every_demo_login_opens_every_link_of_its_menu_and_home_page(client):
    """The quick start's people (make run), with generated hazards: what a first-time visitor clicks."""
    result = load_demo_data()
    call_command("generate_hazards", "60", "--seed", "14", "--force", stdout=StringIO())
    broken = {}
    for username, _role, _description in result.logins:
        client.force_login(User.objects.get(username=username))
        broken[username] = broken_links(client)
    assert {user: links for user, links in broken.items() if links} == {}
    assert len(broken) > 5


def test_a_department_officer_sees_no_places_at_risk_entry(client, world):
    """重点场所 belong to the office and the villages: the department's menu no longer leads to a 404."""
    client.force_login(world.dept_a)
    assert reverse("inspections:places") not in links_of(client.get(reverse("home")).content.decode())
    assert client.get(reverse("inspections:places")).status_code == 404
    client.force_login(world.village_a_officer)
    assert reverse("inspections:places") in links_of(client.get(reverse("home")).content.decode())
