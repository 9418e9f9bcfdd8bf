"""Checks on the vendored front-end libraries in static/vendor/.

These are plain tests: no Django settings or database are needed.
"""

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "static" / "vendor"
SUMS = VENDOR / "SHA256SUMS"
VENDOR_MD = VENDOR / "VENDOR.md"
NOT_LISTED = {"SHA256SUMS", "VENDOR.md"}
PACKAGES = ("bootstrap", "htmx", "echarts", "axe-core")
SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S+)$")
SOURCE_MAP = re.compile(r"sourceMappingURL=(\S+?)\s*(?:\*/)?\s*$", re.MULTILINE)


def read_sums():
    """Return {relative path: sha256 hex} from SHA256SUMS, checking each line's format."""
    entries = {}
    for number, line in enumerate(SUMS.read_text(encoding="utf-8").splitlines(), 1):
        match = SUM_LINE.match(line)
        assert match, f"SHA256SUMS line {number} is not in sha256sum format: {line!r}"
        digest, name = match.groups()
        assert name not in entries, f"SHA256SUMS lists {name} twice"
        entries[name] = digest
    assert entries, "SHA256SUMS is empty"
    return entries


def shipped_files():
    return {
        path.relative_to(VENDOR).as_posix()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.relative_to(VENDOR).as_posix() not in NOT_LISTED
    }


def read_text(relative):
    return (VENDOR / relative).read_text(encoding="utf-8")


def test_it_matches_every_checksum_in_sha256sums():
    for name, digest in read_sums().items():
        path = VENDOR / name
        assert path.is_file(), f"{name} is listed in SHA256SUMS but missing"
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        assert actual == digest, f"{name} has been changed: sha256 {actual} != {digest}"


def test_it_lists_every_shipped_file_in_sha256sums():
    listed = set(read_sums())
    unlisted = sorted(shipped_files() - listed)
    assert not unlisted, f"files in static/vendor missing from SHA256SUMS: {unlisted}"


def test_it_ships_a_license_for_each_package():
    for package in PACKAGES:
        license_file = VENDOR / package / "LICENSE"
        assert license_file.is_file(), f"{package} has no LICENSE"
        assert license_file.stat().st_size > 0, f"{package}/LICENSE is empty"
    assert (VENDOR / "echarts" / "NOTICE").is_file(), "echarts NOTICE is missing"


def test_it_ships_every_source_map_that_a_file_references():
    for name in shipped_files():
        if not name.endswith((".js", ".css")):
            continue
        for target in SOURCE_MAP.findall(read_text(name)):
            mapped = (VENDOR / name).parent / target
            assert mapped.is_file(), f"{name} references {target}, which is not shipped"


def shipped_versions():
    """Versions read from the shipped files themselves (banners and version constants)."""
    css = read_text("bootstrap/css/bootstrap.min.css")
    bundle = read_text("bootstrap/js/bootstrap.bundle.min.js")
    htmx = read_text("htmx/htmx.min.js")
    echarts = read_text("echarts/echarts.min.js")
    axe = read_text("axe-core/axe.min.js")

    css_version = re.search(r"\* Bootstrap\s+v(\d+\.\d+\.\d+) ", css)
    js_version = re.search(r"\* Bootstrap v(\d+\.\d+\.\d+) ", bundle)
    htmx_version = re.search(r'\bversion:"(\d+\.\d+\.\d+)"', htmx)
    echarts_version = re.search(r'\.version="(\d+\.\d+\.\d+)"', echarts)
    axe_banner = re.match(r"/\*! axe v(\d+\.\d+\.\d+)\n", axe)
    axe_version = re.search(r'\baxe\.version="(\d+\.\d+\.\d+)"', axe)
    for label, match in [
        ("bootstrap css banner", css_version),
        ("bootstrap js banner", js_version),
        ("htmx version", htmx_version),
        ("echarts version", echarts_version),
        ("axe-core banner", axe_banner),
        ("axe-core version", axe_version),
    ]:
        assert match, f"could not find the {label} in the shipped file"
    assert css_version.group(1) == js_version.group(1), "bootstrap css and js versions differ"
    assert axe_banner.group(1) == axe_version.group(1), "axe-core banner and version differ"
    return {
        "bootstrap": css_version.group(1),
        "htmx.org": htmx_version.group(1),
        "echarts": echarts_version.group(1),
        "axe-core": axe_version.group(1),
    }


def test_it_documents_the_shipped_versions_in_vendor_md():
    text = VENDOR_MD.read_text(encoding="utf-8")
    for package, version in shipped_versions().items():
        row = f"| `{package}` | {version} | `{package}-{version}.tgz` |"
        assert row in text, f"VENDOR.md has no table row starting {row!r}"
