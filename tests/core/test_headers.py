"""Deployment details: private pages are not stored, device access is limited, dead connections are noticed
(issue 10 §4)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from hazards import services
from tests.hazards.conftest import checked

POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"


def test_it_forbids_storing_a_page_behind_the_login(world, client_for):
    response = client_for(world.office).get(reverse("hazards:list"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Permissions-Policy"] == POLICY


def test_it_forbids_storing_evidence_files(world, client_for, hazard_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.hazard_add_evidence(
        hazard_id=hazard_a.pk, actor=world.village_a_officer, kind="problem", photos=[checked()]
    )
    response = client_for(world.office).get(reverse("hazards:evidence", args=[hazard_a.evidence.get().token]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_it_sends_the_permissions_policy_to_anonymous_visitors_too(db, client):
    response = client.get(reverse("login"))
    assert response["Permissions-Policy"] == POLICY
    # Django's own never_cache on the login page is kept as it is (it already says no-store).
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_it_checks_a_reused_database_connection_before_using_it():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("variable", "value"),
    [("AXES_PROXY_COUNT", "-1"), ("AXES_PROXY_COUNT", "one"), ("LOGIN_FAILURES_PER_ADDRESS", "3"),
     ("CONN_HEALTH_CHECKS", "perhaps")],
)  # fmt: skip
def test_it_stops_start_up_on_an_invalid_deployment_variable(variable, value):
    env = os.environ | {"DEBUG": "true", "DATABASE_URL": "sqlite:////tmp/unused.sqlite3", variable: value}
    result = subprocess.run(
        [sys.executable, "-c", "import liuwei_safety.settings.base"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert f"{variable}=" in result.stderr.splitlines()[-1]
