"""Hazards in the shared world, and photos to upload."""

from __future__ import annotations

import datetime as dt
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from core.files import check_upload
from tests.factories import HazardFactory
from units.demo import load_demo_data
from units.models import Sector, Township
from units.reference import TOWNSHIP_CODE


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def upload(name: str = "photo.jpg", fmt: str = "JPEG", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type="image/jpeg")


def checked(name: str = "photo.jpg"):
    return check_upload(upload(name))


def checked_png(name: str = "signature.png"):
    """A drawn signature as the signature pad sends it: PNG, the only format signatures accept."""
    return check_upload(upload(name, fmt="PNG"))


@pytest.fixture
def hazard_a(world):
    """A reported general hazard in village A, sector A (lead unit A has supervision duties)."""
    return HazardFactory(
        village=world.village_a,
        sector=world.sector_a,
        enterprise=world.enterprise_a,
        reported_by=world.village_a_officer,
    )


@pytest.fixture
def hazard_b(world):
    """A reported hazard in village B, sector B (lead unit B has no supervision duties)."""
    return HazardFactory(village=world.village_b, sector=world.sector_b, enterprise=world.enterprise_b)


@pytest.fixture
def future() -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=30)


def make_demo_world(hazards: int) -> Township:
    """The demo township with `hazards` generated hazards, plus a fresh report in every sector routed to its lead
    unit (generated data has few unconfirmed ones)."""
    load_demo_data()
    call_command("generate_hazards", str(hazards), "--seed", "9", "--force", stdout=StringIO())
    township = Township.objects.get(code=TOWNSHIP_CODE)
    villages = list(township.villages.all())
    for i, sector in enumerate(Sector.objects.filter(township=township)):
        HazardFactory(village=villages[i % len(villages)], sector=sector, lead_unit=sector.lead_unit)
    return township


@pytest.fixture
def demo_world(db: None) -> Township:
    return make_demo_world(400)
