"""The Chinese of translations not yet merged into locale/zh_Hans (locale/pending/<name>.po), for tests that read a
page as the office does. Once merged and the pending file removed, the main catalogue serves and this does nothing."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def with_pending(name: str, settings, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Serve the main catalogue with locale/pending/<name>.po merged in (its entries first), from a temporary
    LOCALE_PATHS entry; Django's setting_changed receiver drops the cached catalogues on the way in and out."""
    pending = ROOT / "locale" / "pending" / f"{name}.po"
    if not pending.exists() or not shutil.which("msgcat"):
        yield
        return
    out = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    out.mkdir(parents=True)
    merged = out / "django.po"
    subprocess.run(["msgcat", "--use-first", "-o", str(merged), str(pending), str(MAIN)], check=True)
    subprocess.run(["msgfmt", "-o", str(out / "django.mo"), str(merged)], check=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    yield


@pytest.fixture
def listing_chinese(settings, tmp_path: Path) -> Iterator[None]:
    yield from with_pending("listing", settings, tmp_path)
