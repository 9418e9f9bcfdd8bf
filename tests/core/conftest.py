"""The hazards' and inspections' fixtures, for the tests of the deployment basics that serve their files."""

from tests.hazards.conftest import hazard_a  # noqa: F401
from tests.inspections.conftest import checklist, planned  # noqa: F401
