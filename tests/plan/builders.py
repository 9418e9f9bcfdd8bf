"""Shared builders of the plan's tests: the 刘圩镇 plan loaded into the test world, and tasks with reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core.dates import local_today, previous_quarter, quarter_bounds, quarter_of
from core.files import CheckedFile, check_upload
from plan import services
from plan.loading import DEFAULT_FILE, load_plan, read_plan_file
from plan.models import Measure, Plan, ProgressReport, Task
from tests.hazards.conftest import image_bytes


def photo(name: str = "photo.jpg") -> CheckedFile:
    return check_upload(SimpleUploadedFile(name, image_bytes(), content_type="image/jpeg"))


def load_world_plan(township: Any) -> Plan:
    return load_plan(read_plan_file(DEFAULT_FILE), township).plan


def measure(plan: Plan, number: int) -> Measure:
    return Measure.objects.get(plan=plan, number=number)


@dataclass
class PlanWorld:
    plan: Plan
    unit_task: Task  # §8, unit_a (dept_a reports)
    village_task: Task  # §31, village_a (village_a_officer reports)
    submitted: ProgressReport
    returned: ProgressReport
    accepted: ProgressReport


def build_plan_world(world: Any) -> PlanWorld:
    """The plan with a unit's task (reports: accepted, returned) and a village's task (report waiting for review)."""
    plan = load_world_plan(world.township)
    today = local_today()
    last_q = previous_quarter(*quarter_of(today))
    before_q = previous_quarter(*last_q)
    start, deadline = quarter_bounds(*before_q)[0], today + dt.timedelta(days=120)
    unit_task = services.task_create(
        measure=measure(plan, 8), actor=world.office, title="液化气专项检查", unit=world.unit_a,
        starts_on=start, deadline=deadline,
    )  # fmt: skip
    village_task = services.task_create(
        measure=measure(plan, 31), actor=world.office, title="敲门行动", village=world.village_a,
        starts_on=start, deadline=deadline,
    )  # fmt: skip

    def submit(task: Task, q: tuple[int, int], by: Any) -> ProgressReport:
        return services.report_submit(
            task_id=task.pk, actor=by, year=q[0], quarter=q[1], work_done="检查23家", files=[photo()]
        )

    accepted = submit(unit_task, before_q, world.dept_a)
    services.report_accept(report_id=accepted.pk, actor=world.office)
    returned = submit(unit_task, last_q, world.dept_a)
    services.report_return(report_id=returned.pk, actor=world.office, note="请补充照片")
    submitted = submit(village_task, before_q, world.village_a_officer)
    for report in (accepted, returned):
        report.refresh_from_db()
    return PlanWorld(plan, unit_task, village_task, submitted, returned, accepted)
