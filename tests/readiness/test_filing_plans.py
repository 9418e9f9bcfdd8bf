"""Work plans (三(一) 审核备案): rounds, filing, review, refiling, scope, and someone can act on every pending plan."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.errors import WorkflowError
from core.files import check_upload
from readiness import filing_selectors as sel
from readiness.filing_services import (
    filing_round_create,
    plan_actions,
    work_plan_approve,
    work_plan_file,
    work_plan_return,
)
from readiness.models.filing import WorkPlan, WorkPlanEvent
from units.access import get_scope

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PNG")
    return SimpleUploadedFile("page.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def round_(world):  # type: ignore[no-untyped-def]
    return filing_round_create(
        township=world.township, actor=world.office, title="三年行动工作计划", deadline=dt.date(2024, 3, 10),
        for_villages=True, for_units=True,
    )  # fmt: skip


def test_it_files_returns_refiles_and_approves_with_events(world, round_) -> None:
    plan = work_plan_file(
        round=round_, target=world.village_a, actor=world.village_a_officer, files=[check_upload(pdf())]
    )
    assert plan.state == WorkPlan.State.SUBMITTED
    with pytest.raises(WorkflowError):  # a comment is required
        work_plan_return(plan_id=plan.pk, actor=world.office, note=" ")
    with pytest.raises(WorkflowError):  # the filer does not review
        work_plan_approve(plan_id=plan.pk, actor=world.village_a_officer)
    work_plan_return(plan_id=plan.pk, actor=world.office, note="请补充时间表")
    with pytest.raises(WorkflowError):  # no document
        work_plan_file(round=round_, target=world.village_a, actor=world.village_a_officer, files=[])
    work_plan_file(round=round_, target=world.village_a, actor=world.village_a_officer, files=[check_upload(png())])
    plan = work_plan_approve(plan_id=plan.pk, actor=world.office, expected="submitted")
    assert plan.state == WorkPlan.State.APPROVED
    actions = list(WorkPlanEvent.objects.filter(plan=plan).values_list("action", "actor__username"))
    assert actions == [("file", "village_a"), ("return", "office"), ("refile", "village_a"), ("approve", "office")]
    with pytest.raises(WorkflowError):  # approved: nothing more to file
        work_plan_file(round=round_, target=world.village_a, actor=world.village_a_officer, files=[check_upload(pdf())])


def test_it_refuses_filing_for_another_village_or_outside_the_round(world) -> None:
    round_ = filing_round_create(
        township=world.township, actor=world.office, title="村级计划", deadline=dt.date(2024, 3, 10),
        for_villages=True, for_units=False,
    )  # fmt: skip
    with pytest.raises(WorkflowError):
        work_plan_file(round=round_, target=world.village_b, actor=world.village_a_officer, files=[check_upload(pdf())])
    with pytest.raises(WorkflowError):  # units do not file in this round
        work_plan_file(round=round_, target=world.unit_a, actor=world.dept_a, files=[check_upload(pdf())])
    with pytest.raises(WorkflowError):  # only the office sets rounds
        filing_round_create(
            township=world.township, actor=world.village_a_officer, title="x", deadline=dt.date(2024, 3, 10),
            for_villages=True, for_units=False,
        )  # fmt: skip


def test_someone_can_act_on_every_pending_plan(world, round_) -> None:
    for target, user in ((world.village_a, world.village_a_officer), (world.unit_a, world.dept_a)):
        work_plan_file(round=round_, target=target, actor=user, files=[check_upload(pdf())])
    work_plan_return(plan_id=WorkPlan.objects.get(unit=world.unit_a).pk, actor=world.office, note="补充")
    people = [world.office, world.village_a_officer, world.village_b_officer, world.dept_a, world.dept_b]
    for line in sel.round_lines(round_, sel.round_filers(round_)):
        if line.plan is None:
            # Not filed: some active user files for it.
            key = line.target.key
            assert any(
                (line.target.obj.pk in (sel_scope.village_ids if line.target.is_village else sel_scope.unit_ids))
                for sel_scope in (get_scope(u) for u in people)
            ), key
        elif line.plan.state != WorkPlan.State.APPROVED:
            assert any(plan_actions(u, line.plan) for u in people), line.target.key


def test_the_pages_follow_the_scope(world, round_, client_for) -> None:
    plan = work_plan_file(
        round=round_, target=world.village_a, actor=world.village_a_officer, files=[check_upload(pdf())]
    )
    document = plan.events.get().files.get()
    for user, status in (
        (world.office, 200), (world.leader, 200), (world.county, 200), (world.village_a_officer, 200),
        (world.village_b_officer, 404), (world.dept_a, 404), (world.ent_a, 404), (world.county_dept, 404),
        (world.other_office, 404),
    ):  # fmt: skip
        client = client_for(user)
        assert client.get(reverse("readiness:work_plan", args=[plan.pk])).status_code == status, user
        assert client.get(reverse("readiness:work_plan_document", args=[document.pk])).status_code == status, user
    # A village officer sees only their own line in the round.
    page = client_for(world.village_b_officer).get(reverse("readiness:filing_round", args=[round_.pk]))
    assert page.content.count(b'data-testid="line-') == 1
    assert client_for(world.ent_a).get(reverse("readiness:filing_round", args=[round_.pk])).status_code == 404


def test_the_office_returns_through_the_page_and_the_queue_follows(world, round_, client_for) -> None:
    client = client_for(world.village_a_officer)
    assert b'data-key="readiness.plans_to_file"' in client.get(reverse("home")).content
    response = client.post(
        reverse("readiness:work_plan_file", args=[round_.pk]), {"target": f"v:{world.village_a.pk}", "documents": pdf()}
    )
    plan = WorkPlan.objects.get()
    assert response.status_code == 302
    office = client_for(world.office)
    assert b'data-key="readiness.plans_to_review"' in office.get(reverse("home")).content
    office.post(reverse("readiness:work_plan_return", args=[plan.pk]), {"note": "", "expected": "submitted"})
    plan.refresh_from_db()
    assert plan.state == WorkPlan.State.SUBMITTED  # a return needs a comment
    office.post(reverse("readiness:work_plan_return", args=[plan.pk]), {"note": "请补充", "expected": "submitted"})
    plan.refresh_from_db()
    assert plan.state == WorkPlan.State.RETURNED
    # The village officer may not approve; a bad file is refused with a message and nothing stored.
    client = client_for(world.village_a_officer)
    assert client.post(reverse("readiness:work_plan_approve", args=[plan.pk]), {}).status_code == 404
    bad = SimpleUploadedFile("plan.docx", b"PK\x03\x04 not a pdf", content_type="application/msword")
    assert client.post(reverse("readiness:work_plan_refile", args=[plan.pk]), {"documents": bad}).status_code == 200
    plan.refresh_from_db()
    assert plan.state == WorkPlan.State.RETURNED
