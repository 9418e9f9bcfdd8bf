"""No township is named in the product: every text takes its township from the record (issue: one installation
for the whole county). Only the reference and demo data name townships; tests may too."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from units import demo, reference

ROOT = Path(settings.BASE_DIR)
SCANNED = {".py", ".html", ".txt", ".js", ".css", ".json", ".toml", ".cfg", ".ini", ".yml", ".yaml"}
# Not the product's own text: environments, tests, generated and third-party files, and the catalogue (read below,
# msgstrs only: the msgids are English).
SKIPPED_DIRS = {".venv", ".git", "node_modules", "tests", "test-artifacts", "staticfiles", "media", "locale"}
SKIPPED_PREFIXES = ("static/vendor/",)
# The reference and demo data: where a township's name belongs.
DATA_FILES = (
    "units/reference",
    "units/demo",
    "units/management/commands/load_demo_data.py",
    # the demo records of the higher apps, and the plan's own text (a data file of the township's plan)
    "readiness/drills/demo.py",
    "readiness/management/commands/load_demo_",
    "plan/demo.py",
    "plan/management/commands/load_demo_plan.py",
    "plan/data/",
)
CATALOGUES = ("locale/zh_Hans/LC_MESSAGES/django.po", "locale/pending/*.po")

TOWNSHIP = re.compile(r"[\u4e00-\u9fff]{2,8}(镇|乡|街道)")


def _strings(value: Any, seen: set[int]) -> Iterator[str]:
    """Every string in a module-level value: plain, in containers and in dataclass rows."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.items():
            yield from _strings(item, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for each in dataclasses.fields(value):
            yield from _strings(getattr(value, each.name), seen)


def township_names() -> set[str]:
    """The townships of the reference and demo data, and each one's short name (刘圩镇 → 刘圩)."""
    names = {"刘圩镇"}
    for module in (reference, demo):
        names |= {s for s in _strings(list(vars(module).values()), set()) if TOWNSHIP.fullmatch(s)}
    short = {TOWNSHIP.fullmatch(name).group(1) for name in names}  # type: ignore[union-attr]
    return names | {name.removesuffix(suffix) for name in names for suffix in short if name.endswith(suffix)}


def product_files() -> Iterator[Path]:
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if not path.is_file() or path.suffix not in SCANNED or SKIPPED_DIRS.intersection(relative.parts):
            continue
        text = relative.as_posix()
        if not text.startswith(SKIPPED_PREFIXES + DATA_FILES):
            yield path


def msgstrs(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every translation in a .po file; obsolete entries (#~) are not part of the catalogue."""
    current: list[str] | None = None
    start = 0
    for number, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        if line.startswith("msgstr"):
            if current:
                yield start, "".join(current)
            current, start = [line.split(" ", 1)[1].strip('"')], number
        elif line.startswith('"') and current is not None:
            current.append(line.strip('"'))
        else:
            if current:
                yield start, "".join(current)
            current = None


def found(names: Iterable[str], text: str) -> list[str]:
    return sorted(name for name in names if name in text)


def test_it_knows_the_reference_townships():
    names = township_names()
    assert {"刘圩镇", "刘圩"} <= names
    assert all(len(name) >= 2 for name in names)


def test_it_names_no_township_in_code_templates_or_static_files():
    names = township_names()
    hits = []
    for path in product_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if hit := found(names, line):
                hits.append(f"{path.relative_to(ROOT)}:{number} {'、'.join(hit)}: {line.strip()[:80]}")
    assert not hits, "Township names outside the reference and demo data:\n" + "\n".join(hits)


def test_it_names_no_township_in_the_translations():
    names = township_names()
    hits = []
    for pattern in CATALOGUES:
        for path in sorted(ROOT.glob(pattern)):
            for number, text in msgstrs(path):
                if hit := found(names, text):
                    hits.append(f"{path.relative_to(ROOT)}:{number} {'、'.join(hit)}: {text[:80]}")
    # A msgid no longer used keeps its entry until `make messages` drops it (--no-obsolete).
    assert not hits, "Township names in translations (run `make messages` if the msgid is gone):\n" + "\n".join(hits)
