"""The village poster (§27 举报制度): where to report, the phone lines, the promise of confidentiality and reward, and a
QR code of the public form with the village chosen, drawn on the server as SVG (segno, no script, no image file)."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from units.models import Village

QR_ERROR = "m"  # survives a crease or a smudge on a printed poster


def public_base_url(request: HttpRequest) -> str:
    """The site as the public reaches it: settings.PUBLIC_BASE_URL, else the address this request came in on."""
    configured: str = getattr(settings, "PUBLIC_BASE_URL", "")
    return configured.rstrip("/") if configured else request.build_absolute_uri("/").rstrip("/")


def report_url(request: HttpRequest, village: Village) -> str:
    """The public report form with the village chosen (reports.public_views reads ?village=)."""
    return f"{public_base_url(request)}{reverse('report:form')}?{urlencode({'village': village.pk})}"


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR, micro=False)


def qr_svg(url: str) -> str:
    """The QR code as an inline SVG element that scales with its box (no size of its own, no style attribute)."""
    return str(
        qr_code(url).svg_inline(
            scale=1, border=2, dark="#000", light="#fff", omitsize=True, svgclass="poster-qr", lineclass=None
        )
    )


def phone_lines() -> list[str]:
    """The telephone lines for reports (settings.PUBLIC_REPORT_LINES: 12345, and 12350 where it still runs)."""
    return [str(line).strip() for line in getattr(settings, "PUBLIC_REPORT_LINES", ["12345"]) if str(line).strip()]
