"""Many phones saving answers at the same moment on the quick-start SQLite file (issue 10: "database is locked").

Run as a separate process (the test suite itself runs on PostgreSQL):
    python -m tests.inspections.sqlite_writers /tmp/file.sqlite3 [--plain]
--plain drops the quick-start SQLite options, to show what they prevent. Prints one JSON line: the connection's
pragmas, the errors the requests met and the answers stored.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from typing import Any

WRITERS = 20
ROUNDS = 4


def _setup(path: str, plain: bool) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuwei_safety.settings.test")
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver"]
    if plain:
        settings.DATABASES["default"]["OPTIONS"] = {}
    # The tables straight from the models: running every migration would take longer than the test itself.
    from django.apps import apps
    from django.core.management import call_command

    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)


def _world() -> tuple[Any, list[Any], Any]:
    from django.utils import timezone

    from inspections import services
    from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
    from tests.factories import AssignmentFactory, TownshipFactory, UserFactory, VillageFactory
    from units.models import Role

    township = TownshipFactory(name="测试镇", code="000000001")
    village = VillageFactory(township=township, name="测试村", code="000000001201")
    office = UserFactory(username="office")
    AssignmentFactory(user=office, role=Role.OFFICE, township=township)
    template = ChecklistTemplate.objects.create(township=township, name="检查表")
    version = ChecklistVersion.objects.create(template=template, number=1, published_at=timezone.now())
    items = [ChecklistItem.objects.create(version=version, order=n, text=f"第{n}项") for n in range(1, WRITERS + 1)]
    inspection = services.inspection_plan(
        actor=office, township=township, kind="special", village=village, checklist=template
    )
    return inspection, items, office


def _pragmas() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy = cursor.fetchone()[0]
    return {"journal_mode": journal, "busy_timeout_ms": busy, "transaction_mode": connection.transaction_mode}


def main(path: str, plain: bool = False) -> dict[str, Any]:
    _setup(path, plain)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    inspection, items, office = _world()
    url = reverse("inspections:answer", args=[inspection.pk])
    page = reverse("inspections:fill", args=[inspection.pk])
    results = ("pass", "fail", "na", "pass")
    errors: list[str] = []
    start = threading.Barrier(WRITERS)

    def phone(item: Any) -> None:
        client = Client(raise_request_exception=True)
        client.force_login(office)
        start.wait()
        try:
            for n in range(ROUNDS):
                body = json.dumps({"item": item.pk, "result": results[n], "note": f"第{n}次"})
                response = client.post(url, body, content_type="application/json")
                if response.status_code != 200:
                    errors.append(f"HTTP {response.status_code}")
                client.get(page)  # another phone reloads the page meanwhile
        except Exception:
            errors.append(traceback.format_exc(limit=1).strip().splitlines()[-1])
        finally:
            connection.close()

    threads = [threading.Thread(target=phone, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = {a.item_id: (a.result, a.note) for a in inspection.answers.all()}
    expected = {item.pk: (results[ROUNDS - 1], f"第{ROUNDS - 1}次") for item in items}
    return {
        "pragmas": _pragmas(),
        "errors": len(errors),
        "kinds": sorted(set(errors)),
        "all_stored": stored == expected,
        "stored": len(stored),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], plain="--plain" in sys.argv)))  # noqa: T201
