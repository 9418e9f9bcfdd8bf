"""Uploads are checked by content, size and pixel count, re-encoded, and served only within scope."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core import files as ev
from hazards import services
from tests.hazards.conftest import checked, image_bytes, upload

pytestmark = pytest.mark.django_db


def test_it_accepts_jpeg_png_and_webp_by_content_whatever_the_name():
    for fmt in ("JPEG", "PNG", "WEBP"):
        result = ev.check_upload(SimpleUploadedFile("whatever.txt", image_bytes(fmt)))
        assert result.content_type.startswith("image/")


def test_it_refuses_a_script_named_like_a_photo():
    with pytest.raises(ev.UploadError, match=r"“evil.jpg”"):
        ev.check_upload(SimpleUploadedFile("evil.jpg", b"<script>alert(1)</script>"))


def test_it_refuses_gif_and_other_formats():
    out = BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ev.UploadError):
        ev.check_upload(SimpleUploadedFile("a.gif", out.getvalue()))


def test_it_refuses_too_many_pixels(monkeypatch):
    monkeypatch.setattr(ev, "MAX_PIXELS", 100)
    with pytest.raises(ev.UploadError):
        ev.check_upload(upload(size=(20, 20)))


def test_it_refuses_files_that_are_too_large(monkeypatch):
    monkeypatch.setattr(ev, "MAX_BYTES", 100)
    with pytest.raises(ev.UploadError):
        ev.check_upload(upload(size=(200, 200)))


def test_it_accepts_a_pdf_and_refuses_a_truncated_one():
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert ev.check_upload(SimpleUploadedFile("plan.pdf", pdf)).content_type == "application/pdf"
    with pytest.raises(ev.UploadError):
        ev.check_upload(SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj"))


def test_it_re_encodes_and_drops_metadata():
    out = BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    Image.new("RGB", (30, 20), "blue").save(out, "JPEG", exif=exif)
    result = ev.check_upload(SimpleUploadedFile("p.jpg", out.getvalue()))
    with Image.open(BytesIO(result.content.read())) as img:
        assert not img.getexif()


def test_it_scales_down_huge_photos(monkeypatch):
    monkeypatch.setattr(ev, "MAX_EDGE", 50)
    result = ev.check_upload(upload(size=(200, 100)))
    assert (result.width, result.height) == (50, 25)


def test_it_serves_evidence_only_to_users_in_scope(world, client_for, hazard_a):
    services.hazard_add_evidence(
        hazard_id=hazard_a.pk, actor=world.village_a_officer, kind="problem", photos=[checked()]
    )
    token = hazard_a.evidence.get().token
    url = reverse("hazards:evidence", args=[token])
    response = client_for(world.village_a_officer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    for who in ("village_b_officer", "dept_b", "ent_a", "other_office"):
        assert client_for(getattr(world, who)).get(url).status_code == 404
    assert client_for(world.leader).get(url).status_code == 200


def test_it_never_exposes_evidence_under_a_public_media_url(settings):
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    with pytest.raises(Resolver404):
        resolve("/media/evidence/2026/01/x.jpg")
