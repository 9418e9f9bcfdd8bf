"""Demo tasks and quarterly reports on the 刘圩镇 plan (invented, marked as demo by the demo logins that file them).

Idempotent: nothing is added once the plan has any task. Dates follow today, so the demo always shows a report
waiting for review, one returned, one accepted, and a task with a report missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from core.dates import local_today, previous_quarter, quarter_bounds, quarter_of
from units.models import Township, Unit, User, Village

from . import services
from .loading import DEFAULT_FILE, load_plan, read_plan_file
from .models import Measure, Plan, Target, Task


@dataclass
class DemoPlanResult:
    tasks: int = 0
    reports: int = 0


@transaction.atomic
def load_demo_plan(township_code: str = "341324106") -> DemoPlanResult:
    result = DemoPlanResult()
    township = Township.objects.get(code=township_code)
    data = read_plan_file(DEFAULT_FILE)
    plan = Plan.objects.filter(township=township, key=data["key"]).first() or load_plan(data, township).plan
    if Task.objects.filter(measure__plan=plan).exists():
        return result
    office = User.objects.get(username="office")
    department = User.objects.get(username="department")
    village_officer = User.objects.get(username="village")
    today = local_today()
    this_q = quarter_of(today)
    last_q = previous_quarter(*this_q)
    before_q = previous_quarter(*last_q)
    start = quarter_bounds(*before_q)[0]
    deadline = today + dt.timedelta(days=120)
    measure = {m.number: m for m in Measure.objects.filter(plan=plan)}

    def task(number: int, title: str, *, unit: Unit | None = None, village: Village | None = None) -> Task:
        result.tasks += 1
        return services.task_create(
            measure=measure[number], actor=office, title=title, unit=unit, village=village,
            starts_on=start, deadline=deadline,
        )  # fmt: skip

    zhujian = Unit.objects.get(township=township, name="住建所")
    lpg = task(8, "餐饮场所液化气安全专项检查（可燃气体探测器、紧急切断阀安装）", unit=zhujian)
    houses = task(21, "经营性自建房安全隐患排查整治", unit=zhujian)
    villages = list(Village.objects.filter(pk__in=village_officer.assignments.values("village_id")).order_by("code"))
    per_village = services.tasks_per_village(
        measure=measure[31], actor=office, title="消防安全“敲门行动”入户宣传", starts_on=start, deadline=deadline
    )
    result.tasks += len(per_village)

    def report(t: Task, q: tuple[int, int], text: str, by: User, figures: str = "") -> int:
        result.reports += 1
        return services.report_submit(
            task_id=t.pk, actor=by, year=q[0], quarter=q[1], work_done=text, figures=figures
        ).pk

    first = report(lpg, before_q, "检查餐饮场所23家，督促安装可燃气体探测器。", department, "检查23家，整改问题9处")
    services.report_accept(report_id=first, actor=office, note="")
    second = report(lpg, last_q, "继续开展液化气专项检查。", department)
    services.report_return(report_id=second, actor=office, note="请补充本季度检查家数和整改情况，并附检查照片。")
    report(houses, before_q, "摸排经营性自建房41户，建立台账。", department, "摸排41户")
    mine = [t for t in per_village if t.village in villages]
    if mine:
        report(mine[0], before_q, "入户宣传312户，发放宣传资料。", village_officer, "入户312户")
        report(mine[0], last_q, "入户宣传285户。", village_officer, "入户285户")
    tractors = Target.objects.filter(plan=plan, key="converted_tractors").first()
    if tractors is not None and not tractors.entries.exists():
        services.target_enter(
            target=tractors, actor=office, value=Decimal(14), as_of=quarter_bounds(*last_q)[1],
            source_note="农机站变型拖拉机登记台账（演示数据）",
        )  # fmt: skip
    return result
