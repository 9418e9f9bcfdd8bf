"""Stored files, for every app: uploads checked by content (not by name), size and pixel count, images
re-encoded, kept under a name the server chooses.

Photos from phone cameras arrive as JPEG, PNG or WebP (HEIC is converted by the phone's browser when the input
asks for image/*); documents as PDF. Whatever the uploader called the file, we keep only what we could decode,
under a name we choose. Hazard evidence, inspection photos and signatures, listing acceptances and escalation
attachments are all stored this way: a row that is one file (evidence, an inspection photo) is a StoredFile; a file
that is one field of a larger row (a signature, an acceptance document, an attachment) goes in with save_checked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; anything bigger is refused before it is decoded
MAX_EDGE = 2560  # stored images are scaled down to this, which keeps every detail an inspector needs
MAX_FILES = 9
IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}


class UploadError(ValueError):
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


def check_upload(upload: UploadedFile, *, images_only: bool = False) -> CheckedFile:
    """The upload as we keep it; `images_only` refuses documents where only a photo makes sense (inspections)."""
    name = (upload.name or "")[-200:]
    if upload.size is not None and upload.size > MAX_BYTES:
        raise UploadError(_("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadError(_("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)})
    if not data:
        raise UploadError(_("“%(name)s” is empty.") % {"name": name})
    if data.startswith(b"%PDF-"):
        if images_only:
            raise UploadError(_("“%(name)s” is not a photo (JPEG, PNG, WebP).") % {"name": name})
        return _checked_pdf(data, name)
    return _checked_image(data, name)


def _checked_pdf(data: bytes, name: str) -> CheckedFile:
    # A PDF is kept as it is (we do not rewrite documents), but it must at least end like one.
    if b"%%EOF" not in data[-2048:]:
        raise UploadError(_("“%(name)s” is not a complete PDF document.") % {"name": name})
    return CheckedFile(ContentFile(data), "application/pdf", ".pdf", name, len(data))


def _checked_image(data: bytes, name: str) -> CheckedFile:
    unsupported = _("“%(name)s” is neither a photo (JPEG, PNG, WebP) nor a PDF document.") % {"name": name}
    try:
        with Image.open(BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            if fmt not in IMAGE_FORMATS:
                raise UploadError(unsupported)
            if width * height > MAX_PIXELS:
                raise UploadError(
                    _("“%(name)s” has too many pixels (%(w)d × %(h)d).") % {"name": name, "w": width, "h": height}
                )
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.load()
            return _reencoded(image, fmt, name)
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadError(unsupported) from exc


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
        raise UploadError(_("At most %(n)d files can be added at once.") % {"n": MAX_FILES})
    return [check_upload(u, images_only=images_only) for u in uploads]


def new_token() -> str:
    """A name for a stored file: random, so it cannot be guessed, and never the uploader's."""
    return secrets.token_hex(16)


def stored_path(folder: str, token: str, extension: str) -> str:
    """Where a file is kept: the folder, the month, and the name we chose."""
    return f"{folder}/{timezone.now():%Y/%m}/{token}{extension}"


def save_checked(field: FieldFile, checked: CheckedFile, token: str) -> None:
    """Put a checked file into a file field under the name we chose (the row itself is not saved)."""
    field.save(f"{token}{checked.extension}", checked.content, save=False)


class StoredFile(models.Model):
    """The fields of a row that describes one stored file. Each model declares its own `file` field (its folder:
    `upload_to=` a function calling stored_path); `store` fills both from a checked upload and saves the row."""

    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    content_type = models.CharField(max_length=50, editable=False)
    original_name = models.CharField(gettext_lazy("original file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(gettext_lazy("size (bytes)"), default=0)
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), default=timezone.now)

    file: FieldFile

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name or self.token

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def store(self, checked: CheckedFile) -> None:
        """Keep a checked upload on this row, under a name we choose, and save the row."""
        self.token = new_token()
        self.extension = checked.extension
        self.content_type = checked.content_type
        self.original_name = checked.original_name
        self.size = checked.size
        save_checked(self.file, checked, self.token)
        self.save()
