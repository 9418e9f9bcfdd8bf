"""How a hazard's files are named when downloaded. Checking and storing uploads is core.files."""

from __future__ import annotations

from django.utils.translation import gettext as _


def hazard_file_label(hazard_id: int) -> str:
    """How a hazard is named in the names of its downloaded files. The register's id for now; the one place to
    switch to the hazard number (隐患编号) once hazards carry one."""
    return f"{_('hazard')}{hazard_id}"
