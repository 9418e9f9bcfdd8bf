"""Project-wide guarantees: migrations, security headers, settings, translations."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from liuwei_safety.settings.base import env_bool


@pytest.mark.django_db
def test_it_has_no_model_change_without_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_it_sends_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_it_has_no_inline_script_or_style_on_the_login_page(client):
    body = client.get(reverse("login")).content.decode()
    assert "<script>" not in body
    assert " style=" not in body


def test_it_fails_loudly_on_a_boolean_that_is_not_one(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("LIUWEI_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("LIUWEI_TEST_FLAG", False)
    monkeypatch.setenv("LIUWEI_TEST_FLAG", "TRUE")
    assert env_bool("LIUWEI_TEST_FLAG", False) is True


def test_it_speaks_chinese_by_default(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    with translation.override("zh-hans"):
        assert translation.gettext("Enterprises") != "Enterprises"
        assert translation.gettext("Log in") == "登录"


def test_the_quick_start_stops_at_once_when_its_port_is_taken():
    import shutil
    import socket
    import subprocess
    from pathlib import Path

    make = shutil.which("make")
    assert make is not None
    root = Path(__file__).resolve().parents[1]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run([make, "-s", "port-free", f"PORT={port}"], cwd=root, capture_output=True, text=True)
    assert busy.returncode != 0 and f"Port {port} on 127.0.0.1 is taken" in busy.stderr
    free = subprocess.run([make, "-s", "port-free", f"PORT={port}"], cwd=root, capture_output=True, text=True)
    assert free.returncode == 0, free.stderr
