"""Names of downloaded files: made by the server, never the uploader's.

An uploaded file's own name may carry a path, a misleading extension or text meant to mislead the reader (and it
would leak whatever the uploader called it); the stored extension comes from the type detected in the content.
"""

from __future__ import annotations

import re

# Anything that is not a letter, a digit or one of these becomes "_": no separators, quotes or control characters.
_UNSAFE = re.compile(r"[^\w.\-]+")


def download_name(*parts: object, extension: str) -> str:
    """`download_name("隐患12", "问题", 1, extension=".jpg")` → "隐患12-问题-1.jpg"."""
    stem = "-".join(_UNSAFE.sub("_", str(part)).strip("_") for part in parts if part not in (None, ""))
    suffix = extension if re.fullmatch(r"\.[a-z0-9]{1,7}", extension or "") else ".bin"
    return f"{stem or 'file'}{suffix}"
