"""The plan as tracked work (SPEC S9): loading, deadlines, the report workflow, targets, scope, bad input, reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.errors import WorkflowError
from core.work_queue import work_queue_for
from plan import services
from plan.models import Action, Measure, ProgressReport, Target, Task
from plan.progress import (
    MeasureStatus,
    measure_status,
    missing_quarters,
    quarters_between,
    report_due,
    task_progress,
)
from plan.targets import SOURCES, figure_of, status_of, target_rows
from reminders.engine import RULES
from tests.factories import EnterpriseFactory, HazardFactory
from tests.hazards.conftest import image_bytes
from tests.plan.builders import build_plan_world, load_world_plan, measure

pytestmark = pytest.mark.django_db

TZ = "Asia/Shanghai"


# -- loading ---------------------------------------------------------------------------------------------------


def test_it_loads_8_actions_and_32_measures_with_the_named_leads(world: Any) -> None:
    plan = load_world_plan(world.township)
    assert Action.objects.filter(plan=plan).count() == 8
    assert list(Measure.objects.filter(plan=plan).values_list("number", flat=True)) == list(range(1, 33))
    first = measure(plan, 1)
    assert first.text.startswith("强化安全生产督导检查。由安委会办公室会同镇纪委成立安全生产专项督导组")
    assert first.lead_unit == world.office_unit  # 安委会办公室 → 镇应急办 by the file's alias
    assert first.named_participants == "镇纪委"  # the world has no 镇纪委: named, left unassigned
    lpg = measure(plan, 8)
    assert lpg.lead_unit == world.unit_a  # 住建部门 → 住建所
    assert lpg.heading == "深化液化气专项治理"
    assert Measure.objects.filter(plan=plan, lead_unit__isnull=True).count() == 30
    assert measure(plan, 30).text.endswith("推动保险机构积极参与高危行业领域企业重大事故隐患排查整治工作。")


def test_it_loads_again_without_duplicates_or_undoing_the_office(world: Any) -> None:
    plan = load_world_plan(world.township)
    services.measure_update(
        measure=measure(plan, 5), actor=world.office, heading="一件事", text="改过的文字",
        lead_unit=world.unit_b, participating_units=[world.unit_a],
    )  # fmt: skip
    call_command("load_plan", township=world.township.code, stdout=StringIO())
    assert Measure.objects.filter(plan=plan).count() == 32
    assert Target.objects.filter(plan=plan).count() == 11
    edited = measure(plan, 5)
    assert (edited.text, edited.lead_unit) == ("改过的文字", world.unit_b)
    assert list(edited.participating_units.all()) == [world.unit_a]


def test_another_township_loads_its_own_plan(world: Any) -> None:
    mine, theirs = load_world_plan(world.township), load_world_plan(world.other_township)
    assert mine.pk != theirs.pk
    assert measure(theirs, 8).lead_unit is None  # no 住建所 there: unassigned


# -- deadlines across quarter and year boundaries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "quarter", "due"),
    [(2026, 1, dt.date(2026, 4, 5)), (2026, 3, dt.date(2026, 10, 5)), (2025, 4, dt.date(2026, 1, 5))],
)
def test_it_makes_a_quarters_report_due_on_day_5_of_the_next(year: int, quarter: int, due: dt.date) -> None:
    assert report_due(year, quarter) == due


def test_it_counts_quarters_across_the_year() -> None:
    assert quarters_between(dt.date(2025, 11, 10), dt.date(2026, 2, 1)) == [(2025, 4), (2026, 1)]
    assert quarters_between(dt.date(2026, 3, 31), dt.date(2026, 4, 1)) == [(2026, 1), (2026, 2)]


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (dt.date(2026, 1, 5), []),  # Q4's report is due today
        (dt.date(2026, 1, 6), [(2025, 4)]),
        (dt.date(2026, 4, 6), [(2025, 4), (2026, 1)]),
        (dt.date(2026, 7, 6), [(2025, 4), (2026, 1), (2026, 2)]),  # past the deadline: Q3 not reported on
    ],
)
def test_it_finds_missing_reports_after_their_due_day(today: dt.date, missing: list[tuple[int, int]]) -> None:
    task = Task(state=Task.State.ACTIVE, starts_on=dt.date(2025, 12, 1), deadline=dt.date(2026, 6, 30))
    assert missing_quarters(task, set(), today) == missing
    assert missing_quarters(task, {(2025, 4)}, today) == [q for q in missing if q != (2025, 4)]


def test_it_makes_a_measure_late_done_or_on_track(world: Any) -> None:
    pw = build_plan_world(world)
    today = pw.unit_task.starts_on + dt.timedelta(days=400)  # both tasks past their deadline
    progress = task_progress(Task.objects.filter(pk=pw.unit_task.pk), today)
    assert progress[0].overdue and measure_status(progress) == MeasureStatus.LATE
    assert measure_status([]) == MeasureStatus.NOT_BROKEN_DOWN


# -- the report workflow ------------------------------------------------------------------------------------------

# state, step, who, allowed
TABLE = [
    ("submitted", "accept", "office", True),
    ("submitted", "return", "office", True),
    ("submitted", "accept", "dept_a", False),
    ("submitted", "return", "leader", False),
    ("submitted", "resubmit", "dept_a", False),
    ("returned", "resubmit", "dept_a", True),
    ("returned", "resubmit", "office", False),
    ("returned", "resubmit", "dept_b", False),
    ("returned", "accept", "office", False),
    ("accepted", "return", "office", False),
    ("accepted", "resubmit", "dept_a", False),
]


@pytest.mark.parametrize(("state", "step", "who", "allowed"), TABLE)
def test_the_transition_table(world: Any, state: str, step: str, who: str, allowed: bool) -> None:
    pw = build_plan_world(world)
    report = pw.unit_task.reports.get(state=state) if state != "submitted" else _unit_submitted(world, pw)
    actor = getattr(world, who)
    call = {
        "accept": lambda: services.report_accept(report_id=report.pk, actor=actor),
        "return": lambda: services.report_return(report_id=report.pk, actor=actor, note="补充"),
        "resubmit": lambda: services.report_resubmit(report_id=report.pk, actor=actor, work_done="补充了"),
    }[step]
    if allowed:
        assert call().state == {"accept": "accepted", "return": "returned", "resubmit": "submitted"}[step]
        assert report.events.filter(action=step, actor=actor).exists()
    else:
        with pytest.raises(WorkflowError):
            call()
        report.refresh_from_db()
        assert report.state == state


def _unit_submitted(world: Any, pw: Any) -> ProgressReport:
    services.report_resubmit(report_id=pw.returned.pk, actor=world.dept_a, work_done="补充了")
    return ProgressReport.objects.get(pk=pw.returned.pk)


def test_a_final_report_accepted_completes_the_task_and_the_measure(world: Any) -> None:
    pw = build_plan_world(world)
    services.report_resubmit(report_id=pw.returned.pk, actor=world.dept_a, work_done="全部完成", is_final=True)
    services.report_accept(report_id=pw.returned.pk, actor=world.office)
    pw.unit_task.refresh_from_db()
    assert pw.unit_task.state == Task.State.DONE
    progress = task_progress(Task.objects.filter(measure=pw.unit_task.measure), pw.unit_task.deadline)
    assert measure_status(progress) == MeasureStatus.DONE


def test_a_report_refuses_a_quarter_outside_the_task_or_not_begun_or_filed_twice(world: Any) -> None:
    pw = build_plan_world(world)
    task = pw.village_task
    for year, quarter in ((2000, 1), (task.deadline.year + 1, 1)):
        with pytest.raises(WorkflowError):
            services.report_submit(
                task_id=task.pk, actor=world.village_a_officer, year=year, quarter=quarter, work_done="x"
            )
    with pytest.raises(WorkflowError):  # filed already
        services.report_submit(
            task_id=task.pk, actor=world.village_a_officer, year=pw.submitted.year, quarter=pw.submitted.quarter,
            work_done="x",
        )  # fmt: skip
    with pytest.raises(WorkflowError):  # not the village's officer
        services.report_submit(task_id=task.pk, actor=world.village_b_officer, year=2026, quarter=1, work_done="x")


def test_it_creates_one_task_per_village_once(world: Any) -> None:
    plan = load_world_plan(world.township)
    args = {"measure": measure(plan, 31), "actor": world.office, "title": "敲门", "starts_on": dt.date(2026, 1, 1)}
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)):
        assert len(services.tasks_per_village(**args, deadline=dt.date(2026, 12, 31))) == 2
        assert services.tasks_per_village(**args, deadline=dt.date(2026, 12, 31)) == []
        with pytest.raises(WorkflowError):
            services.tasks_per_village(**{**args, "actor": world.dept_a}, deadline=dt.date(2026, 12, 31))


# -- targets -----------------------------------------------------------------------------------------------------


def test_computed_targets_count_the_records(world: Any) -> None:
    plan = load_world_plan(world.township)
    today = dt.date(2026, 5, 1)
    world.township.stock_cutoff = dt.date(2024, 1, 1)
    world.township.save()
    HazardFactory(village=world.village_a, sector=world.sector_a, level="major", status="rectifying",
                  found_on=dt.date(2023, 6, 1), deadline=dt.date(2026, 4, 1))  # fmt: skip
    HazardFactory(village=world.village_a, sector=world.sector_a, level="major", status="closed",
                  found_on=dt.date(2023, 6, 1))  # fmt: skip
    HazardFactory(village=world.other_village, sector=world.other_sector, level="major", status="rectifying",
                  found_on=dt.date(2023, 6, 1), deadline=dt.date(2026, 4, 1))  # the other township  # fmt: skip
    EnterpriseFactory(village=world.village_a, primary_sector=world.sector_a, is_benchmark=True,
                      is_above_scale=True, standardisation_grade="3")  # fmt: skip
    EnterpriseFactory(village=world.village_b, primary_sector=world.sector_b, is_above_scale=True)
    rows = {r.target.key: r for r in target_rows(plan.targets.select_related("plan"), today)}
    assert rows["stock_zero"].figure.value == 1
    assert rows["stock_zero"].status == "missed"  # deadline end-2024 passed, one still open
    assert rows["dynamic_zero"].figure.value == 1 and rows["dynamic_zero"].status == "in_progress"
    assert rows["benchmark_enterprises"].figure.value == 1
    assert rows["standardised_enterprises"].figure.value == Decimal("50.0")
    assert rows["converted_tractors"].status == "no_figure"
    assert set(SOURCES) >= {t.source for t in Target.objects.filter(plan=plan) if t.source}


def test_typed_targets_keep_their_history(world: Any) -> None:
    plan = load_world_plan(world.township)
    tractors = Target.objects.get(plan=plan, key="converted_tractors")
    services.target_enter(target=tractors, actor=world.office, value=Decimal(14), as_of=dt.date(2025, 6, 30),
                          source_note="农机站台账")  # fmt: skip
    services.target_enter(target=tractors, actor=world.office, value=Decimal(0), as_of=dt.date(2025, 12, 20),
                          source_note="农机站台账")  # fmt: skip
    figure = figure_of(tractors, dt.date(2026, 1, 1), tractors.entries.first())
    assert figure.value == 0 and status_of(tractors, figure, dt.date(2026, 1, 1)) == "met"
    assert tractors.entries.count() == 2
    with pytest.raises(WorkflowError):  # computed: not typed
        services.target_enter(target=Target.objects.get(plan=plan, key="stock_zero"), actor=world.office,
                              value=Decimal(0), as_of=dt.date(2025, 1, 1), source_note="x")  # fmt: skip
    with pytest.raises(WorkflowError):
        services.target_enter(target=tractors, actor=world.dept_a, value=Decimal(1), as_of=dt.date(2025, 1, 1),
                              source_note="x")  # fmt: skip


# -- pages, scope and bad input ---------------------------------------------------------------------------------


def _urls(pw: Any) -> dict[str, str]:
    target = pw.plan.targets.first()
    return {
        "overview": reverse("plan:overview"),
        "measure": reverse("plan:measure", args=[pw.unit_task.measure_id]),
        "tasks": reverse("plan:tasks"),
        "unit_task": reverse("plan:task", args=[pw.unit_task.pk]),
        "village_task": reverse("plan:task", args=[pw.village_task.pk]),
        "report": reverse("plan:report", args=[pw.returned.pk]),
        "reports": reverse("plan:reports"),
        "target": reverse("plan:target", args=[target.pk]),
        "export": reverse("plan:export"),
        "measure_edit": reverse("plan:measure_edit", args=[pw.unit_task.measure_id]),
    }


# Who gets what: 200, or 404 (out of scope or not theirs).
SCOPE = {
    "office": dict.fromkeys(
        (
            "overview",
            "measure",
            "tasks",
            "unit_task",
            "village_task",
            "report",
            "reports",
            "target",
            "export",
            "measure_edit",
        ),
        200,
    ),
    "leader": {"overview": 200, "unit_task": 200, "report": 200, "export": 200, "measure_edit": 404},
    "county": {"overview": 200, "unit_task": 200, "target": 200, "measure_edit": 404},
    "dept_a": {
        "overview": 404,
        "measure": 200,
        "tasks": 200,
        "unit_task": 200,
        "village_task": 404,
        "report": 200,
        "target": 404,
        "export": 404,
        "measure_edit": 404,
    },
    "dept_b": {"measure": 404, "unit_task": 404, "report": 404, "tasks": 200},
    "village_a_officer": {"village_task": 200, "unit_task": 404, "report": 404, "overview": 404},
    "village_b_officer": {"village_task": 404},
    "ent_a": {"overview": 404, "tasks": 404, "unit_task": 404, "reports": 404},
    "other_office": {"measure": 404, "unit_task": 404, "report": 404, "target": 404},
    "county_dept": {"overview": 404, "tasks": 404},
}


def test_scope_per_role_and_township(world: Any, client_for: Any) -> None:
    pw = build_plan_world(world)
    urls = _urls(pw)
    for who, expected in SCOPE.items():
        client = client_for(getattr(world, who))
        for name, status in expected.items():
            assert client.get(urls[name]).status_code == status, (who, name)


def test_the_other_townships_office_sees_its_own_plan_only(world: Any, client_for: Any) -> None:
    build_plan_world(world)
    theirs = load_world_plan(world.other_township)
    page = client_for(world.other_office).get(reverse("plan:overview"))
    assert page.context["plan"] == theirs
    assert b"\xe6\x95\xb2\xe9\x97\xa8\xe8\xa1\x8c\xe5\x8a\xa8" not in page.content  # 敲门行动 is not theirs


def test_the_plan_page_shows_statuses_with_bounded_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    build_plan_world(world)
    client = client_for(world.office)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("plan:overview"))
    statuses = {row["measure"].number: row["status"] for branch in page.context["tree"] for row in branch["measures"]}
    assert statuses[8] == MeasureStatus.ON_TRACK  # its reports are filed (one returned)
    assert statuses[1] == MeasureStatus.NOT_BROKEN_DOWN
    assert len(statuses) == 32


def test_the_unit_files_a_report_with_a_photo_and_the_office_returns_and_accepts(world: Any, client_for: Any) -> None:
    plan = load_world_plan(world.township)
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)):
        task = services.task_create(measure=measure(plan, 8), actor=world.office, title="液化气", unit=world.unit_a,
                                    starts_on=dt.date(2025, 11, 1), deadline=dt.date(2026, 6, 30))  # fmt: skip
        client = client_for(world.dept_a)
        upload = SimpleUploadedFile("现场.jpg", image_bytes(), content_type="image/jpeg")
        response = client.post(
            reverse("plan:report_file", args=[task.pk]),
            {"quarter": "2025-4", "work_done": "检查10家", "figures": "10家", "photos": upload},
        )
        assert response.status_code == 302
        report = task.reports.get()
        assert (report.year, report.quarter, report.attachments.count()) == (2025, 4, 1)
        token = report.attachments.get().token
        assert client.get(reverse("plan:attachment", args=[token])).status_code == 200
        assert client_for(world.dept_b).get(reverse("plan:attachment", args=[token])).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"quarter": "2031-1", "work_done": "x"},
        {"quarter": "abc", "work_done": "x"},
        {"quarter": "2026-1", "work_done": ""},
        {"quarter": "2026-1", "work_done": "x" * 6000},
    ],
)
def test_bad_report_input_is_refused_clearly(world: Any, client_for: Any, data: dict[str, str]) -> None:
    pw = build_plan_world(world)
    response = client_for(world.village_a_officer).post(reverse("plan:report_file", args=[pw.village_task.pk]), data)
    assert response.status_code in (200, 302)
    assert pw.village_task.reports.count() == 1  # nothing half-saved


def test_bad_task_dates_and_figures_are_refused(world: Any, client_for: Any) -> None:
    pw = build_plan_world(world)
    client = client_for(world.office)
    url = reverse("plan:task_create", args=[pw.unit_task.measure_id])
    page = client.post(
        url, {"unit": world.unit_a.pk, "title": "x", "starts_on": "2026-05-01", "deadline": "2026-01-01"}
    )
    assert page.status_code == 200 and page.context["form"].errors
    page = client.post(url, {"village": world.village_a.pk, "unit": world.unit_a.pk, "title": "x",
                             "starts_on": "2026-05-01", "deadline": "2099-01-01"})  # fmt: skip
    assert page.status_code == 200 and page.context["form"].errors
    target = Target.objects.get(plan=pw.plan, key="converted_tractors")
    page = client.post(reverse("plan:target", args=[target.pk]), {"value": "-3", "as_of": "2026-01-01",
                                                                  "source_note": "x"})  # fmt: skip
    assert page.status_code == 200 and not target.entries.exists()


def test_the_export_holds_every_measure_task_and_target(world: Any, client_for: Any) -> None:
    pw = build_plan_world(world)
    response = client_for(world.county).get(reverse("plan:export"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["措施", "任务", "目标"]
    assert book["措施"].max_row == 3 + 32
    assert book["任务"].max_row == 3 + 2
    assert book["目标"].max_row == 3 + pw.plan.targets.count()


# -- work queue and reminders -------------------------------------------------------------------------------------


def _queue(user: Any) -> dict[str, Any]:
    return {item.key: item for item in work_queue_for(user)}


def test_someone_can_act_on_every_pending_item_and_the_queue_agrees_with_its_lists(world: Any, client_for: Any) -> None:
    pw = build_plan_world(world)
    office, dept, village = _queue(world.office), _queue(world.dept_a), _queue(world.village_a_officer)
    assert office["plan.to_review"].count == ProgressReport.objects.filter(state="submitted").count() == 1
    assert dept["plan.returned"].count == 1
    for user, item in ((world.office, office["plan.to_review"]), (world.dept_a, dept["plan.returned"])):
        page = client_for(user).get(item.url)
        assert page.context["page_obj"].paginator.count == item.count
    # every open report has someone with a step on it
    from plan.access import report_actions

    for report in ProgressReport.objects.exclude(state="accepted"):
        actors = [u for u in (world.office, world.dept_a, world.village_a_officer) if report_actions(u, report)]
        assert actors, report
    # every active task with a quarter to report on is in its village's or unit's queue
    if "plan.to_report" in village:
        assert (
            client_for(world.village_a_officer).get(village["plan.to_report"].url).context["page_obj"].paginator.count
            == village["plan.to_report"].count
        )
    assert pw.village_task.state == Task.State.ACTIVE


def test_reminders_for_overdue_tasks_and_missing_reports(world: Any) -> None:
    plan = load_world_plan(world.township)
    with time_machine.travel(dt.datetime(2026, 1, 2, 9, tzinfo=dt.UTC)):
        task = services.task_create(
            measure=measure(plan, 31), actor=world.office, title="敲门", village=world.village_a,
            starts_on=dt.date(2025, 12, 1), deadline=dt.date(2026, 3, 31),
        )  # fmt: skip
    missing = RULES["plan_report_missing"]
    overdue = RULES["plan_task_overdue"]
    at = lambda day: dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC)  # noqa: E731
    assert list(missing.due(at(dt.date(2026, 1, 5)))) == []
    (due,) = list(missing.due(at(dt.date(2026, 1, 6))))
    assert due.period == "2025Q4-missing" and [r.user for r in due.recipients] == [world.village_a_officer]
    assert list(overdue.due(at(dt.date(2026, 3, 31)))) == []
    (late,) = list(overdue.due(at(dt.date(2026, 4, 1))))
    assert late.object_id == task.pk and late.url == task.get_absolute_url()
