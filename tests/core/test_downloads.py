"""Downloaded files are named by the server, never by the uploader; inspections take photos only and signatures
PNG only (issue 10 §4)."""

from __future__ import annotations

import base64
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.files import check_upload
from hazards import services as hazard_services
from hazards import supervision_services
from inspections import services
from inspections.models import InspectionPhoto
from tests.hazards.conftest import checked, checked_png, image_bytes, upload
from tests.hazards.test_delisting import acceptance, days, listed
from tests.hazards.test_supervision_escalation import PDF, escalate


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def filename(response) -> str:
    """The name the browser saves the file under (Django sends non-ASCII names as RFC 5987 filename*)."""
    disposition = response["Content-Disposition"]
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''")[1])
    return disposition.split('filename="')[1].rstrip('"')


def test_it_names_evidence_by_hazard_kind_and_order_with_the_detected_extension(world, client_for, hazard_a):
    hazard_services.hazard_add_evidence(
        hazard_id=hazard_a.pk,
        actor=world.village_a_officer,
        kind="problem",
        # A PNG that says it is a PDF, and a name with a path in it.
        photos=[checked("first.jpg"), check_upload(upload("../../伪造.pdf", fmt="PNG"))],
    )
    first, second = hazard_a.evidence.order_by("uploaded_at", "pk")
    client = client_for(world.office)
    assert filename(client.get(reverse("hazards:evidence", args=[first.token]))) == f"隐患{hazard_a.pk}-问题-1.jpg"
    response = client.get(reverse("hazards:evidence", args=[second.token]))
    assert filename(response) == f"隐患{hazard_a.pk}-问题-2.png"
    assert response["Content-Type"] == "image/png"
    assert "伪造" not in response["Content-Disposition"]


def test_it_names_the_listing_acceptance_and_the_escalation_attachment(world, client_for):
    listing = supervision_services.listing_delist(
        listing_id=listed(world).pk, actor=world.office, delisted_on=days(0), acceptance=acceptance()
    )
    response = client_for(world.office).get(reverse("hazards:listing_acceptance", args=[listing.pk]))
    assert filename(response) == f"隐患{listing.hazard_id}-验收文书.pdf"
    escalation = escalate(
        world, "letter", "unit", world.unit_b, attachment=check_upload(SimpleUploadedFile("../约谈记录.pdf", PDF))
    )
    response = client_for(world.office).get(reverse("hazards:escalation_attachment", args=[escalation.pk]))
    assert filename(response) == f"函告-{escalation.pk}.pdf"
    assert response["Content-Type"] == "application/pdf"


def test_it_names_inspection_photos_and_signatures(world, client_for, planned):
    services.photo_add(inspection_id=planned.pk, actor=world.office, photo=checked("IMG_0001.jpg"))
    services.photo_add(inspection_id=planned.pk, actor=world.office, photo=checked("IMG_0002.jpg"))
    second = InspectionPhoto.objects.filter(inspection=planned).order_by("pk").last()
    client = client_for(world.office)
    response = client.get(reverse("inspections:photo_file", args=[second.token]))
    assert filename(response) == f"检查{planned.pk}-照片-2.jpg"
    assert "IMG_0002" not in response["Content-Disposition"]
    submitted(world, planned)
    planned.refresh_from_db()
    response = client.get(reverse("inspections:signature", args=[planned.pk]))
    # 检查12-被检查单位签字.png once the pending translation is merged.
    name = filename(response)
    assert name.startswith(f"检查{planned.pk}-") and name.endswith(".png")
    assert planned.signature.name.rsplit("/", 1)[-1] not in name
    assert response["Content-Type"] == "image/png"


def submitted(world, inspection):
    for item in inspection.checklist.items.all():
        services.answer_save(inspection_id=inspection.pk, actor=world.office, item_id=item.pk, result="pass")
    return services.inspection_submit(
        inspection_id=inspection.pk, actor=world.office, conclusion="合格", signer_name="张三", signature=checked_png()
    )


def test_it_refuses_a_pdf_as_an_inspection_photo(world, client_for, planned):
    client = client_for(world.office)
    response = client.post(
        reverse("inspections:photo", args=[planned.pk]),
        {"photo": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert not planned.photos.exists()
    response = client.post(
        reverse("inspections:photo", args=[planned.pk]),
        {"photo": SimpleUploadedFile("p.jpg", image_bytes(), content_type="image/jpeg")},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and planned.photos.count() == 1


def test_it_refuses_a_document_in_the_photo_service(world, planned):
    with pytest.raises(hazard_services.WorkflowError):
        services.photo_add(
            inspection_id=planned.pk, actor=world.office, photo=check_upload(SimpleUploadedFile("a.pdf", PDF))
        )


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_it_accepts_only_png_signatures(world, planned, fmt):
    data_url = "data:image/png;base64," + base64.b64encode(image_bytes(fmt)).decode()
    with pytest.raises(hazard_services.WorkflowError):
        services.signature_from_data_url(data_url)
    png = "data:image/png;base64," + base64.b64encode(image_bytes("PNG")).decode()
    assert services.signature_from_data_url(png).content_type == "image/png"
    with pytest.raises(hazard_services.WorkflowError):
        services.inspection_submit(
            inspection_id=planned.pk,
            actor=world.office,
            conclusion="",
            signer_name="张三",
            signature=check_upload(upload("sig.png", fmt=fmt)),
        )
