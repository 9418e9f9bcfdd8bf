"""Uploaded evidence: checked by content (not by name), size and pixel count; images re-encoded.

Photos from phone cameras arrive as JPEG, PNG or WebP (HEIC is converted by the phone's browser when the input
asks for image/*); documents as PDF. Whatever the uploader called the file, we keep only what we could decode,
under a name we choose.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; anything bigger is refused before it is decoded
MAX_EDGE = 2560  # stored images are scaled down to this, which keeps every detail an inspector needs
MAX_FILES = 9
IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}


class EvidenceError(ValueError):
    """A file that cannot be accepted; the message says why, in the user's language."""


@dataclass
class CheckedFile:
    content: ContentFile[bytes]
    content_type: str
    extension: str
    original_name: str
    size: int
    width: int | None = None
    height: int | None = None

    @property
    def token(self) -> str:
        return secrets.token_hex(16)


def check_upload(upload: UploadedFile, *, images_only: bool = False) -> CheckedFile:
    """The upload as we keep it; `images_only` refuses documents where only a photo makes sense (inspections)."""
    name = (upload.name or "")[-200:]
    if upload.size is not None and upload.size > MAX_BYTES:
        raise EvidenceError(
            _("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise EvidenceError(
            _("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise EvidenceError(_("“%(name)s” is empty.") % {"name": name})
    if data.startswith(b"%PDF-"):
        if images_only:
            raise EvidenceError(_("“%(name)s” is not a photo (JPEG, PNG, WebP).") % {"name": name})
        return _checked_pdf(data, name)
    return _checked_image(data, name)


def _checked_pdf(data: bytes, name: str) -> CheckedFile:
    # A PDF is kept as it is (we do not rewrite documents), but it must at least end like one.
    if b"%%EOF" not in data[-2048:]:
        raise EvidenceError(_("“%(name)s” is not a complete PDF document.") % {"name": name})
    return CheckedFile(ContentFile(data), "application/pdf", ".pdf", name, len(data))


def _checked_image(data: bytes, name: str) -> CheckedFile:
    unsupported = _("“%(name)s” is neither a photo (JPEG, PNG, WebP) nor a PDF document.") % {"name": name}
    try:
        with Image.open(BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            if fmt not in IMAGE_FORMATS:
                raise EvidenceError(unsupported)
            if width * height > MAX_PIXELS:
                raise EvidenceError(
                    _("“%(name)s” has too many pixels (%(w)d × %(h)d).") % {"name": name, "w": width, "h": height}
                )
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.load()
            return _reencoded(image, fmt, name)
    except EvidenceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise EvidenceError(unsupported) from exc


def _reencoded(image: Image.Image, fmt: str, name: str) -> CheckedFile:
    """Turn the photo upright, drop its metadata (GPS, device), scale it down, and write it anew."""
    upright = ImageOps.exif_transpose(image) or image
    upright.thumbnail((MAX_EDGE, MAX_EDGE))
    out = BytesIO()
    if fmt == "JPEG":
        upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "WEBP":
        upright.save(out, "WEBP", quality=85)
    else:
        upright.save(out, "PNG", optimize=True)
    content_type, extension = IMAGE_FORMATS[fmt]
    data = out.getvalue()
    return CheckedFile(ContentFile(data), content_type, extension, name, len(data), upright.width, upright.height)


def check_uploads(uploads: list[UploadedFile], *, images_only: bool = False) -> list[CheckedFile]:
    """Check every file before anything is stored: one bad file refuses the whole step."""
    if len(uploads) > MAX_FILES:
        raise EvidenceError(_("At most %(n)d files can be added at once.") % {"n": MAX_FILES})
    return [check_upload(u, images_only=images_only) for u in uploads]


def store_checked(instance: Any, checked: CheckedFile) -> None:
    """Put a checked file on an Evidence-like row (token, extension, content_type, original_name, size, file)
    under a name we choose, and save the row."""
    instance.token = checked.token
    instance.extension = checked.extension
    instance.content_type = checked.content_type
    instance.original_name = checked.original_name
    instance.size = checked.size
    instance.file.save(f"{instance.token}{instance.extension}", checked.content, save=False)
    instance.save()


def hazard_file_label(hazard_id: int) -> str:
    """How a hazard is named in the names of its downloaded files. The register's id for now; the one place to
    switch to the hazard number (隐患编号) once hazards carry one."""
    return f"{_('hazard')}{hazard_id}"
