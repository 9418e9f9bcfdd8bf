"""Log-in lockout behind the reverse proxy: the real client address counts, and one address cannot try passwords
on every account (issue 10 §4)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

PROXY = "10.0.0.2"


WRONG = "wrong"


def attempt(client: Client, username: str, password: str = WRONG, *, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.PROXY_COUNT = 1


def test_it_locks_two_clients_behind_the_proxy_independently(world, behind_proxy):
    for _ in range(5):
        attempt(Client(), "office", forwarded="198.51.100.7")
    assert attempt(Client(), "office", PASSWORD, forwarded="198.51.100.7").status_code == 429
    # The same account from another client behind the same proxy still logs in.
    assert attempt(Client(), "office", PASSWORD, forwarded="203.0.113.9").status_code == 302


def test_it_ignores_addresses_the_client_adds_to_the_header(world, behind_proxy):
    # The proxy appends the address it saw; whatever the client put before it changes nothing.
    for n in range(5):
        attempt(Client(), "office", forwarded=f"192.0.2.{n}, 198.51.100.7")
    response = attempt(Client(), "office", PASSWORD, forwarded="203.0.113.50, 198.51.100.7")
    assert response.status_code == 429


def test_it_uses_the_peer_address_without_a_proxy(world, settings):
    settings.PROXY_COUNT = 0
    for n in range(5):
        attempt(Client(), "office", forwarded=f"192.0.2.{n}")
    # Every attempt came from the peer (the proxy's address); the header was not trusted.
    assert attempt(Client(), "office", PASSWORD, forwarded="192.0.2.99").status_code == 429


def test_it_stops_one_address_trying_passwords_on_every_account(world, behind_proxy, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    accounts = ["office", "leader", "dept_a", "dept_b", "village_a", "village_b", "ent_a", "ent_b", "admin", "nobody"]
    # Four passwords on each account: one below the per-account limit every time.
    refused = [
        attempt(Client(), username, forwarded="198.51.100.7").status_code == 429
        for username in accounts
        for _ in range(4)
    ]
    # The 20th failure locks the address: every later attempt is refused, whatever the account.
    assert refused.index(True) == 19
    assert all(refused[19:])
    assert attempt(Client(), "other_office", PASSWORD, forwarded="198.51.100.7").status_code == 429
    # Another address is not affected, not even for the accounts tried.
    assert attempt(Client(), "office", PASSWORD, forwarded="203.0.113.9").status_code == 302


def test_it_keeps_an_address_under_its_limit_usable(world, behind_proxy, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    for username in ["office", "leader", "dept_a", "dept_b"]:
        for _ in range(4):
            attempt(Client(), username, forwarded="198.51.100.7")
    # 16 failures: below both limits, so a colleague at the same address still logs in.
    assert attempt(Client(), "village_a", PASSWORD, forwarded="198.51.100.7").status_code == 302
