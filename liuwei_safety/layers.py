"""The layer contract, checked by `make lint` and pre-commit: no app reaches into a higher one.

Layers, low → high (an app may use any lower layer, never a higher one, nor an app beside it in its own layer):

    core ← units ← hazards ← {inspections, reports} ← readiness ← plan ← {reminders, dashboard} ← api

`liuwei_safety` (the configuration) may use every app and no app uses it; tests may use anything. A lower layer learns
of a higher one only through what the higher one registers with it at start-up (`<app>/hooks.py`, loaded by its
AppConfig.ready): the menu and work queue (core.menu), page panels (core.panels), the hazard listeners
(hazards.listeners). Apps named here that do not exist yet have their place already.

What counts as reaching up, read from the source without importing it:
- any import, at module level or inside a function (`from inspections.plans import …`, `import dashboard`);
- in Python outside migrations, a string naming a URL (`"inspections:detail"`) or a model (`"inspections.Inspection"`)
  of a higher app;
- in `templates/<app>/`, a `{% url %}` of a higher app or an `{% include %}`/`{% extends %}` of its templates.

Run: `python -m liuwei_safety.layers` (exit status 1 and one line per breach, e.g.
"units/views.py:23 imports inspections (a higher layer)").
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("units",),
    ("hazards",),
    ("inspections", "reports"),
    # Readiness (training, drills, monthly reports …) and the plan's tracked work sit below the reminder engine and the
    # dashboard: their due dates are reminder rules, their records columns of the monthly report and the scoreboard.
    ("readiness",),
    ("plan",),
    ("reminders", "dashboard"),
    ("api",),
)
CONFIG = "liuwei_safety"  # may use everything; nothing uses it
UNCHECKED = frozenset({CONFIG, "tests"})

ROOT = Path(__file__).resolve().parent.parent

_URL_NAME = re.compile(r"^([a-z_]+):[\w-]+$")
_MODEL_LABEL = re.compile(r"^([a-z_]+)\.[A-Z]\w*$")
_TEMPLATE_TAG = re.compile(r"""\{%-?\s*(url|include|extends)\s+["']([a-z_]+)([:/])([^"']*)["']""")


@dataclass(frozen=True, order=True)
class Breach:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.text}"


class Contract:
    def __init__(self, layers: Sequence[Sequence[str]] = LAYERS) -> None:
        self.level = {app: n for n, layer in enumerate(layers) for app in layer}

    @property
    def apps(self) -> frozenset[str]:
        return frozenset(self.level)

    def why_not(self, importer: str, imported: str) -> str | None:
        """Why `importer` may not use `imported` (both top-level names), or None when it may."""
        if importer == imported or importer in UNCHECKED:
            return None
        if imported == CONFIG:
            return "the configuration, above every app"
        if imported not in self.level:
            return None  # the standard library, Django, third-party packages
        if self.level[imported] > self.level[importer]:
            return "a higher layer"
        if self.level[imported] == self.level[importer]:
            return "an app beside it in the same layer"
        return None


def check(root: Path = ROOT, contract: Contract | None = None) -> list[Breach]:
    """Every breach of the contract in the tree at `root`, in file and line order."""
    contract = contract or Contract()
    breaches = [*_undeclared_apps(root, contract)]
    for app in sorted(contract.apps | {p.parent.name for p in root.glob("*/apps.py")}):
        for path in sorted((root / app).rglob("*.py")):
            breaches.extend(_python_breaches(root, app, path, contract))
        for path in sorted((root / "templates" / app).rglob("*.html")):
            breaches.extend(_template_breaches(root, app, path, contract))
    return sorted(breaches)


def _undeclared_apps(root: Path, contract: Contract) -> Iterator[Breach]:
    for apps_py in sorted(root.glob("*/apps.py")):
        app = apps_py.parent.name
        if app not in contract.apps and app not in UNCHECKED:
            yield Breach(_rel(root, apps_py), 1, f"is the app {app}, which has no layer (declare it in LAYERS)")


def _python_breaches(root: Path, app: str, path: Path, contract: Contract) -> Iterator[Breach]:
    rel = _rel(root, path)
    tree = ast.parse(path.read_bytes(), filename=rel)
    package = ".".join(path.relative_to(root).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    in_migrations = "migrations" in path.relative_to(root).parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for imported in _imported_apps(node, package):
                why = contract.why_not(app, imported)
                if why:
                    yield Breach(rel, node.lineno, f"imports {imported} ({why})")
        if in_migrations or not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        for pattern, what in ((_URL_NAME, "names the URL"), (_MODEL_LABEL, "names the model")):
            match = pattern.match(node.value)
            if match and match.group(1) in contract.apps:
                why = contract.why_not(app, match.group(1))
                if why:
                    yield Breach(rel, node.lineno, f"{what} {node.value} of {match.group(1)} ({why})")


def _imported_apps(node: ast.Import | ast.ImportFrom, package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name.partition(".")[0]
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            yield (base or [""])[0]
        elif node.module:
            yield node.module.partition(".")[0]


def _template_breaches(root: Path, app: str, path: Path, contract: Contract) -> Iterator[Breach]:
    rel = _rel(root, path)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for tag, other, sep, rest in _TEMPLATE_TAG.findall(line):
            why = contract.why_not(app, other) if other in contract.apps else None
            if why:
                what = "names the URL" if tag == "url" else f"{tag}s the template"
                yield Breach(rel, number, f"{what} {other}{sep}{rest} of {other} ({why})")


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def main(argv: Sequence[str] = ()) -> int:
    root = Path(argv[0]) if argv else ROOT
    breaches = check(root)
    for breach in breaches:
        print(breach)  # noqa: T201
    if breaches:
        print(f"{len(breaches)} breach(es) of the layer contract (liuwei_safety/layers.py)", file=sys.stderr)  # noqa: T201
        return 1
    print("layers: no app reaches into a higher one")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
