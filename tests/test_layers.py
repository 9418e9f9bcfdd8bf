"""The layer contract (liuwei_safety/layers.py) holds on the real tree, and fails the build — naming the file, the
line and the layer — when an app reaches into a higher one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from liuwei_safety import layers

ROOT = Path(layers.__file__).resolve().parent.parent


def write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def breaches(root: Path) -> list[str]:
    return [str(b) for b in layers.check(root)]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A synthetic project: every declared app, each with its apps.py."""
    for layer in layers.LAYERS:
        for app in layer:
            write(tmp_path, f"{app}/apps.py", "from django.apps import AppConfig\n")
    return tmp_path


def test_it_finds_no_breach_in_the_real_tree():
    assert breaches(ROOT) == []


def test_it_fails_a_copy_of_the_real_tree_given_an_upward_import_inside_a_function(tmp_path: Path, capsys):
    for app in {p.parent.name for p in ROOT.glob("*/apps.py")}:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    views = tmp_path / "units" / "views.py"
    lines = views.read_text(encoding="utf-8").splitlines()
    lines += ["", "", "def sneaky() -> None:", "    from inspections.plans import self_inspection_status  # noqa"]
    views.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert breaches(tmp_path) == [f"units/views.py:{len(lines)} imports inspections (a higher layer)"]
    assert layers.main([str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"units/views.py:{len(lines)} imports inspections (a higher layer)" in out
    assert "1 breach" in err


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "hazards/services.py",
            "import reminders.dispatch\n",
            "hazards/services.py:1 imports reminders (a higher layer)",
        ),
        ("core/x.py", "\n\nfrom units.models import Role\n", "core/x.py:3 imports units (a higher layer)"),
        (
            "reminders/x.py",
            "from dashboard import stats\n",
            "reminders/x.py:1 imports dashboard (an app beside it in the same layer)",
        ),
        (
            "reports/x.py",
            "from inspections.models import Inspection\n",
            "reports/x.py:1 imports inspections (an app beside it in the same layer)",
        ),
        (
            "units/x.py",
            "from liuwei_safety.settings import base\n",
            "units/x.py:1 imports liuwei_safety (the configuration, above every app)",
        ),
        (
            "units/navigation.py",
            'MENU = [("Dashboard", "dashboard:index")]\n',
            "units/navigation.py:1 names the URL dashboard:index of dashboard (a higher layer)",
        ),
        (
            "hazards/models.py",
            'inspection = ForeignKey(\n    "inspections.Inspection")\n',
            "hazards/models.py:2 names the model inspections.Inspection of inspections (a higher layer)",
        ),
        (
            "templates/units/page.html",
            "{% load i18n %}\n<a href=\"{% url 'hazards:list' %}\">\n",
            "templates/units/page.html:2 names the URL hazards:list of hazards (a higher layer)",
        ),
        (
            "templates/hazards/x.html",
            '{% include "inspections/_badge.html" %}\n',
            "templates/hazards/x.html:1 includes the template inspections/_badge.html of inspections (a higher layer)",
        ),
        (
            "newapp/apps.py",
            "",
            "newapp/apps.py:1 is the app newapp, which has no layer (declare it in LAYERS)",
        ),
    ],
)
def test_it_names_the_file_the_line_and_the_layer_of_each_breach(tree: Path, path: str, source: str, expected: str):
    write(tree, path, source)
    assert breaches(tree) == [expected]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("inspections/x.py", "from hazards.models import Hazard\nfrom units.access import get_scope\nimport core\n"),
        ("units/sub/x.py", "from .. import models\nfrom . import y\n"),  # relative imports stay in the app
        ("api/x.py", "from dashboard import stats\nfrom reminders import models\nfrom reports import views\n"),
        ("readiness/x.py", "from inspections import plans\n"),
        ("dashboard/x.py", "def f():\n    from inspections import plans\n"),
        ("liuwei_safety/urls.py", "import api.urls\nimport dashboard.urls\n"),
        ("tests/test_x.py", "from reminders import dispatch\n"),
        ("units/migrations/0002_x.py", 'dependencies = [("hazards", "0001_initial")]\nto = "hazards.Hazard"\n'),
        ("templates/base.html", "{% url 'reminders:inbox' %}\n"),  # project-wide templates belong to no app
        ("hazards/x.py", 'reverse("units:enterprise_detail")\nreverse("hazards:list")\n'),
    ],
)
def test_it_lets_an_app_use_the_layers_below_it(tree: Path, path: str, source: str):
    write(tree, path, source)
    assert breaches(tree) == []


def test_it_declares_the_apps_to_come_in_their_places():
    level = layers.Contract().level
    assert level["core"] < level["units"] < level["hazards"] < level["inspections"] == level["reports"]
    assert level["inspections"] < level["readiness"] < level["plan"] < level["reminders"] == level["dashboard"]
    assert level["api"] == max(level.values()) > level["dashboard"]


def _commands(lines: list[str]) -> list[str]:
    return [re.sub(r"^(\$\(BIN\)|\.venv/bin)/", "", line.strip()) for line in lines]


def test_pre_commit_runs_what_make_lint_runs():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint: (.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert lint is not None
    make_runs = _commands(lint.group(2).splitlines())
    if "typecheck" in lint.group(1).split():
        typecheck = re.search(r"^typecheck: .*\n((?:\t.*\n)+)", makefile, re.M)
        assert typecheck is not None
        make_runs += _commands(typecheck.group(1).splitlines())
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    hooks = _commands(re.findall(r"^\s+entry: (.*)$", config, re.M))
    assert "python -m liuwei_safety.layers" in make_runs
    assert sorted(hooks) == sorted(make_runs)
