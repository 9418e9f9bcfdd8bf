"""Issue 10: every URL pattern of the URL conf, as every role, with a corpus of bad values — no 5xx, no partial write.

How the walk covers new pages without anyone remembering to:
1. Routes come from the URL conf itself (tests.robustness.walker.routes), admin included. A route with a path
   parameter needs to know which rows to name: PATH_VALUES below; the walk fails for a route missing there.
2. Each route is fetched as each role, with existing ids (every state the rich world holds, other townships' too)
   and with ids beyond every column. The forms each page renders are read from its HTML, as a browser would.
3. Query strings: every parameter a page's GET forms declare, every field of every form and filter class of the
   project, and the generic ones (q, page, year, …) get each corpus value (tests/data/bad_values.json) at once;
   when the page then answers differently, the parameters are halved until the one that did it is found.
4. Forms: each POST form found is sent as the page filled it (an empty required field gets a plausible value),
   then with one field at a time replaced by each corpus value, and as every other role. The endpoints that
   scripts call (JSON, uploads) are listed in SCRIPT_ENDPOINTS with the form that reads them.
5. Each request runs in a rolled-back savepoint; a request answered with an error (4xx, an error message, a form
   with errors) must not have written a row (walker.fingerprint).

The admin's pages are fetched (bad object ids included) and its lists get the corpus in their query strings, and its
login form is walked like ours; its change forms are not posted field by field: they are Django's and
django-celery-beat's own code (a malformed admin action or crontab still fails there, see the issue's report).

Sampling keeps the walk to a few minutes, deterministically: SAMPLE, FORM_BUDGET, OTHER_ROLES and the roles per
path variant (_roles_for).

The request count and time are printed (pytest -s); the walk is deterministic.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from itertools import zip_longest
from typing import Any

import django_filters
import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms import BaseForm
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone

from dashboard.models import Accident
from hazards.models import (
    DeadlineExtension,
    Escalation,
    Evidence,
    ExportJob,
    Hazard,
    Listing,
    Notice,
    Refusal,
    TypicalFireHazard,
)
from hazards.views import STEPS
from inspections.forms import AnswerForm, PhotoForm
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    Inspector,
    PlaceAtRisk,
    RandomDraw,
    WorkProblem,
)
from plan.models import Measure, ProgressReport, ReportAttachment, Target, Task
from readiness.models import Attendee, Certificate, Drill, DrillFile, Penalty, TrainingSession
from readiness.models.filing import FilingRound, MonthlyReport, WorkPlan, WorkPlanFile
from reminders.engine import RULES
from reminders.models import Reminder
from tests.hazards.conftest import image_bytes
from tests.robustness import rich_world
from tests.robustness.walker import (
    PROJECT_APPS,
    Bad,
    PageForm,
    Route,
    Walker,
    baseline,
    is_error,
    load_corpus,
    multipart,
    mutated,
    out_of_range,
    page_forms,
    project_tables,
    routes,
    urlencoded,
)
from units.middleware import unstorable
from units.models import Assignment, Enterprise, Sector, SupervisionGroup, Township, Unit, User, Village

pytestmark = pytest.mark.django_db

ROLES = (
    "office",
    "leadership",
    "department",
    "village",
    "enterprise",
    "admin",
    "other_office",
    "county",
    "anonymous",
)
# Parameters pages read by hand (or used to): sent to every page whatever its forms declare.
GENERIC_PARAMS = (
    "q",
    "page",
    "year",
    "month",
    "quarter",
    "township",
    "id",
    "sort",
    "status",
    "hazard",
    "rung",
    "target_kind",
    "by",
    "figure",
    "unread",
    "next",
    "sector",
    "village",
    "pool",
    "kind",
    "level",
    "start",
    "end",
    "preview",
    "dry_run",
    "active",
    "direction",
    "enabled",
    "e",
    "o",
    "p",
)
MAX_ROWS = 8  # existing rows named per path parameter
# A page without query-string forms of its own gets this many corpus values (a different slice for each page, so the
# whole corpus goes round); pages with their own GET forms get all of it.
SAMPLE = 8
BISECT_DEPTH = 3
# A POST form gets at most this many single-field mutations: every field its "any" values and the values of its
# input's type, taken round-robin over the fields so that every field gets its first values before any its last.
FORM_BUDGET = 20
# Besides the role that saw a form, this many other roles post it as it was filled (a different slice per form).
OTHER_ROLES = 3


def _rows(model: Any, attr: str = "pk") -> Callable[[], list[Any]]:
    return lambda: list(model._default_manager.order_by("pk").values_list(attr, flat=True)[:MAX_ROWS])


def _listed(values: list[Any]) -> Callable[[], list[Any]]:
    return lambda: values


# Which rows each path parameter names. A new route with a path parameter needs its line here (the test says so).
PATH_VALUES: dict[str, dict[str, Callable[[], list[Any]]]] = {
    **{
        f"units:{p}_{v}": {"pk": _rows(m)}
        for p, m in (("village", Village), ("unit", Unit), ("sector", Sector), ("group", SupervisionGroup))
        for v in ("edit", "toggle")
    },
    "units:group_detail": {"pk": _rows(SupervisionGroup)},
    "units:township_settings_save": {"pk": _rows(Township)},
    **{f"units:enterprise_{v}": {"pk": _rows(Enterprise)} for v in ("detail", "edit", "toggle")},
    **{
        f"units:person_{v}": {"pk": _rows(User)}
        for v in ("detail", "roles", "deactivate", "reactivate", "reset_password")
    },
    "units:person_role_end": {"pk": _rows(User), "assignment_pk": _rows(Assignment)},
    **{
        f"hazards:{v}": {"pk": _rows(Hazard)}
        for v in (
            "detail",
            "edit",
            "add_evidence",
            "extension_request",
            "list_hazard",
            "typical_fire_add",
            "refusal_create",
            "notice_issue",
        )
    },
    "hazards:step": {"pk": _rows(Hazard), "step": _listed(list(STEPS))},
    "hazards:extension_decide": {"pk": _rows(DeadlineExtension)},
    "hazards:evidence": {"token": _rows(Evidence, "token")},
    **{f"hazards:{v}": {"pk": _rows(Listing)} for v in ("listing_print", "delist", "listing_acceptance")},
    "hazards:typical_fire": {"year": lambda: [timezone.localdate().year, 1, 9999]},
    "hazards:typical_fire_remove": {"pk": _rows(TypicalFireHazard)},
    "hazards:escalation_attachment": {"pk": _rows(Escalation)},
    "hazards:refusal_update": {"pk": _rows(Refusal)},
    **{f"hazards:{v}": {"pk": _rows(Notice)} for v in ("notice_print", "notice_service", "notice_void")},
    "hazards:enterprise_list": {"pk": _rows(Enterprise)},
    **{f"hazards:{v}": {"pk": _rows(ExportJob)} for v in ("export_job", "export_download")},
    **{
        f"inspections:{v}": {"pk": _rows(Inspection)}
        for v in (
            "detail",
            "fill",
            "answer",
            "photo",
            "submit",
            "cancel",
            "signature",
            "leader_signature",
            "problem_create",
            "referral_create",
        )
    },
    "inspections:finding": {"pk": _rows(Inspection), "answer_pk": _rows(InspectionAnswer)},
    "inspections:photo_file": {"token": _rows(InspectionPhoto, "token")},
    **{
        f"inspections:{v}": {"pk": _rows(ChecklistTemplate)}
        for v in (
            "checklist_detail",
            "checklist_edit",
            "checklist_draft",
            "checklist_item_add",
            "checklist_publish",
            "checklist_discard",
            "checklist_import",
        )
    },
    **{
        f"inspections:{v}": {"pk": _rows(ChecklistTemplate), "number": _rows(ChecklistVersion, "number")}
        for v in ("checklist_version", "checklist_version_export")
    },
    **{f"inspections:checklist_item_{v}": {"item_pk": _rows(ChecklistItem)} for v in ("edit", "delete", "move")},
    **{f"inspections:problem_{v}": {"pk": _rows(WorkProblem)} for v in ("detail", "reply", "accept", "return")},
    "inspections:self_inspection_file": {"pk": _rows(Enterprise)},
    **{f"inspections:place_{v}": {"pk": _rows(PlaceAtRisk)} for v in ("detail", "edit", "toggle", "patrol")},
    "inspections:village_history": {"pk": _rows(Village)},
    "inspections:unit_history": {"pk": _rows(Unit)},
    "inspections:enterprise_history": {"pk": _rows(Enterprise)},
    "inspections:group_record": {"pk": _rows(SupervisionGroup)},
    "inspections:draw_detail": {"pk": _rows(RandomDraw)},
    **{f"inspections:inspector_{v}": {"pk": _rows(Inspector)} for v in ("edit", "toggle")},
    "reminders:open": {"pk": _rows(Reminder)},
    "reminders:check_resolve": {"pk": _rows(Reminder)},
    "reminders:rule_toggle": {"key": _listed(list(RULES))},
    **{f"dashboard:accident_{v}": {"pk": _rows(Accident)} for v in ("detail", "edit")},
    **{f"plan:{v}": {"pk": _rows(Measure)} for v in ("measure", "measure_edit", "task_create", "tasks_per_village")},
    **{f"plan:{v}": {"pk": _rows(Task)} for v in ("task", "task_edit", "report_file")},
    **{
        f"plan:{v}": {"pk": _rows(ProgressReport)}
        for v in ("report", "report_accept", "report_return", "report_resubmit")
    },
    "plan:attachment": {"token": _rows(ReportAttachment, "token")},
    "plan:target": {"pk": _rows(Target)},
    **{
        f"readiness:{v}": {"pk": _rows(TrainingSession)}
        for v in ("training_detail", "training_edit", "training_delete", "attendee_import", "attendee_import_template")
    },
    "readiness:attendee_remove": {"pk": _rows(TrainingSession), "attendee_pk": _rows(Attendee)},
    **{f"readiness:certificate_{v}": {"pk": _rows(Certificate)} for v in ("edit", "review", "delete")},
    **{
        f"readiness:{v}": {"pk": _rows(Enterprise)}
        for v in ("enterprise_drills", "drill_create", "plan_create", "drill_key_unit")
    },
    "readiness:drill_detail": {"pk": _rows(Drill)},
    "readiness:drill_file": {"pk": _rows(Drill), "token": _rows(DrillFile, "token")},
    "readiness:penalty_detail": {"pk": _rows(Penalty)},
    "readiness:monthly_report_correct": {"pk": _rows(MonthlyReport)},
    **{f"readiness:{v}": {"pk": _rows(FilingRound)} for v in ("filing_round", "work_plan_file")},
    **{f"readiness:work_plan{v}": {"pk": _rows(WorkPlan)} for v in ("", "_approve", "_return", "_refile")},
    "readiness:work_plan_document": {"pk": _rows(WorkPlanFile)},
    "readiness:penalty_void": {"pk": _rows(Penalty)},
}


def _first_answer_item() -> int:
    answer = InspectionAnswer.objects.order_by("pk").first()
    assert answer is not None
    return answer.item_id


# Endpoints called by scripts rather than by an HTML form: the form that reads them, and how they are sent.
SCRIPT_ENDPOINTS: dict[str, tuple[type[BaseForm], str, Callable[[], dict[str, Any]]]] = {
    "inspections:answer": (
        AnswerForm,
        "json",
        lambda: {"item": _first_answer_item(), "result": "pass", "note": "", "client_time": timezone.now().isoformat()},
    ),
    "inspections:photo": (PhotoForm, "multipart", lambda: {"item": str(_first_answer_item())}),
}


def _admin_values(route: Route, name: str) -> list[Any]:
    model_admin = getattr(route.callback, "model_admin", None)
    if name == "object_id" and model_admin is not None:
        return [str(pk) for pk in _rows(model_admin.model)()[:1]] or ["1"]
    if name == "app_label":
        return ["units", "hazards"]
    if name == "content_type_id":
        return [ContentType.objects.get_for_model(Hazard).pk]
    return ["1"]


def _kwargs(route: Route) -> list[tuple[str, dict[str, Any]]]:
    """The main instance first, then each parameter varied alone: other rows, then values naming nothing."""
    names = list(route.converters)
    if not names:
        return [("main", {})]
    sources: dict[str, Callable[..., list[Any]]]
    if route.is_admin:
        sources = {n: (lambda n=n: _admin_values(route, n)) for n in names}
    else:
        assert route.name in PATH_VALUES, f"{route.name} ({route.pattern}): add its path parameters to PATH_VALUES"
        sources = PATH_VALUES[route.name]
    values = {n: sources[n]() for n in names}
    main = {n: v[0] for n, v in values.items() if v}
    if len(main) < len(names):
        return []
    variants = [("main", main)]
    for n in names:
        variants += [("row", {**main, n: v}) for v in values[n][1:]]
        variants += [("nothing", {**main, n: v}) for v in out_of_range(route.converters.get(n))]
    return variants


def _url(route: Route, kwargs: dict[str, Any]) -> str | None:
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _form_field_names() -> set[str]:
    """Every field of every form and filter class of the project."""
    names: set[str] = set()

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(BaseForm):
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            names.update(getattr(cls, "base_fields", {}))
    for cls in subclasses(django_filters.FilterSet):
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            names.update(getattr(cls, "base_filters", {}))
    return names


class Walk:
    def __init__(self, walker: Walker, corpus: list[Bad]) -> None:
        self.w = walker
        self.corpus = corpus
        self.today = timezone.localdate().isoformat()
        self.pages: dict[str, list[tuple[str, str, list[PageForm]]]] = {}  # route -> [(role, url, forms)]
        self.forms: dict[tuple[Any, ...], tuple[str, PageForm]] = {}
        self.all_fields = sorted(_form_field_names())
        self.refused_baselines: list[str] = []

    # 1-2: every route, every role ------------------------------------------------------------------------------
    def fetch_all(self, all_routes: list[Route]) -> None:
        for index, route in enumerate(all_routes):
            for label, kwargs in _kwargs(route):
                url = _url(route, kwargs)
                if url is None:
                    continue
                for role in self._roles_for(route, label, index):
                    self._fetch(route, role, url, main=label == "main")

    def _roles_for(self, route: Route, label: str, index: int) -> list[str]:
        if route.is_admin:
            return ["admin", "anonymous"] if label == "main" else ["admin"]
        if label == "main":
            return list(ROLES)
        turn = [r for r in ROLES if r != "office"]
        if label == "row":
            return ["office", turn[index % len(turn)]]
        return [turn[index % len(turn)]]

    @staticmethod
    def _empty_post_roles(route: Route) -> set[str]:
        """An empty POST to every page as three roles (a different three for each route)."""
        start = sum(route.name.encode()) % len(ROLES)
        return {ROLES[(start + i) % len(ROLES)] for i in range(3)}

    def _fetch(self, route: Route, role: str, url: str, *, main: bool) -> None:
        response = self.w.send(role, "GET", url)
        if main and role in self._empty_post_roles(route):
            self.w.send(role, "POST", url, body=b"", content_type="application/x-www-form-urlencoded")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        forms = page_forms(response.content.decode(), "http://testserver" + url)
        if main:
            self.pages.setdefault(route.name, []).append((role, url, forms))
        for form in forms:
            key = self._form_key(form)
            if form.method == "post" and (not key[0].startswith("admin:") or key[0] == "admin:login"):
                # The admin's own forms (Django's and django-celery-beat's) are not walked field by field: see
                # the module docstring.
                self.forms.setdefault(key, (role, form))

    @staticmethod
    def _form_key(form: PageForm) -> tuple[Any, ...]:
        match = resolve(form.action.split("?")[0].replace("http://testserver", ""))
        others = tuple(sorted((k, str(v)) for k, v in match.kwargs.items() if k not in ("pk", "item_pk")))
        return (match.view_name, others, form.key()[2])

    # 3: query strings ---------------------------------------------------------------------------------------------
    def query_strings(self) -> None:
        for index, (name, seen) in enumerate(sorted(self.pages.items())):
            if name.startswith("admin:") and not name.endswith("_changelist"):
                continue
            role, url, forms = seen[index % len(seen)]
            own = {f.name for form in forms if form.method == "get" for f in form.fields}
            params = sorted(own | set(GENERIC_PARAMS))
            plain = self.w.send(role, "GET", url).status_code
            every = sorted(set(params) | set(self.all_fields)) if not name.startswith("admin:") else params
            corpus = self.corpus
            if not own or name.startswith("admin:"):
                start = index * SAMPLE % len(corpus)
                corpus = (corpus + corpus)[start : start + SAMPLE]
            for bad in corpus:
                wide = every if len(bad.values[0]) < 1000 else params
                self._probe(role, url, wide, bad, plain, BISECT_DEPTH)

    def _probe(self, role: str, url: str, params: list[str], bad: Bad, plain: int, depth: int) -> None:
        """All parameters at once; when the page then answers otherwise, each half again (a few levels deep)."""
        query = urlencoded([(p, v) for p in params for v in bad.values])
        status = self.w.send(role, "GET", f"{url}?{query}").status_code
        masked = status // 100 != plain // 100 and status < 500
        if masked and depth and len(params) > 1 and not any(unstorable(v) for v in bad.values):
            half = len(params) // 2
            self._probe(role, url, params[:half], bad, plain, depth - 1)
            self._probe(role, url, params[half:], bad, plain, depth - 1)

    # 4: forms -----------------------------------------------------------------------------------------------------
    def post_forms(self) -> None:
        others = list(ROLES)
        for index, (_key, (role, form)) in enumerate(sorted(self.forms.items(), key=lambda item: repr(item[0]))):
            pairs = baseline(form, self.today)
            if not self._post(role, form, pairs):
                self.refused_baselines.append(form.action)
            for step in range(OTHER_ROLES):
                other = others[(index * OTHER_ROLES + step) % len(others)]
                if other != role:
                    self._post(other, form, pairs)
            for name, bad in self._mutations(form, index):
                self._post(role, form, mutated(pairs, name, bad))

    def _mutations(self, form: PageForm, index: int) -> list[tuple[str, Bad]]:
        fields = list({f.name: f for f in form.fields if f.name != "csrfmiddlewaretoken"}.values())
        if not fields:
            return []
        per_field = []
        for position, f in enumerate(fields):
            kind = f.corpus_kind
            mine = [b for b in self.corpus if b.kind == "any" or (kind and b.kind == kind)]
            if kind == "text":  # a text box may be parsed as a number or a date behind the form
                extra = [b for b in self.corpus if b.kind in ("number", "date")]
                mine += [extra[(index + position) % len(extra)], extra[(index + position + 7) % len(extra)]]
            per_field.append([(f.name, b) for b in mine])
        # NUL and lone surrogates are refused for the whole request: once per form, in a field taken in turn.
        once = [b for b in self.corpus if b.kind == "once"]
        chosen = [(fields[(index + i) % len(fields)].name, b) for i, b in enumerate(once)]
        round_robin = [m for group in zip_longest(*per_field) for m in group if m is not None]
        return chosen + round_robin[: FORM_BUDGET - len(chosen)]

    def _post(self, role: str, form: PageForm, pairs: list[tuple[str, str]]) -> bool:
        """Posts the form; True when it was accepted (no error answer)."""
        url = form.action.replace("http://testserver", "")
        if form.multipart or form.files:
            files = [(name, "photo.jpg", image_bytes(), "image/jpeg") for name in form.files]
            body, content_type = multipart(pairs, files)
        else:
            body, content_type = urlencoded(pairs).encode("ascii"), "application/x-www-form-urlencoded"
        return not is_error(self.w.send(role, "POST", url, body=body, content_type=content_type))

    # 4b: endpoints called by scripts -----------------------------------------------------------------------------
    def script_endpoints(self, names: list[str]) -> None:
        for name in names:
            form_class, encoding, make_baseline = SCRIPT_ENDPOINTS[name]
            inspection = Inspection.objects.filter(answers__isnull=False).order_by("pk").first()
            assert inspection is not None
            url = reverse(name, args=[inspection.pk])
            base = make_baseline()
            for role in ROLES:
                self._script_post(role, url, encoding, base)
            for field in form_class.base_fields:
                for bad in self.corpus:
                    self._script_post(
                        "office",
                        url,
                        encoding,
                        {**base, field: list(bad.values) if len(bad.values) > 1 else bad.values[0]},
                    )
                if encoding == "json":
                    for shape in (None, 1, 1.5, True, [], {}, [1], {"a": 1}, 10**30):
                        self._script_post("office", url, encoding, {**base, field: shape})
            if encoding == "json":
                for raw in (b"", b"[]", b"null", b"{", b"\xff\xfe", b'{"item": 1}' * 1000, b'"\\ud800"'):
                    self.w.send("office", "POST", url, body=raw, content_type="application/json")

    def _script_post(self, role: str, url: str, encoding: str, data: dict[str, Any]) -> None:
        if encoding == "json":
            body = json.dumps(data, ensure_ascii=True).encode()
            self.w.send(role, "POST", url, body=body, content_type="application/json")
            return
        pairs = [(k, v) for k, value in data.items() for v in (value if isinstance(value, list) else [value])]
        body, content_type = multipart(pairs, [("photo", "photo.jpg", image_bytes(), "image/jpeg")])
        self.w.send(role, "POST", url, body=body, content_type=content_type)


def _clients(world: Any) -> dict[str, Client]:
    users = {**world.users_by_role(), "other_office": world.other_office, "county": world.county}
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    return clients


def _report(walker: Walker) -> str:
    lines = [f"{f.status} {f.what[:200]}\n    {f.detail[:200]}" for f in walker.findings[:80]]
    return f"{len(walker.findings)} bad answers:\n" + "\n".join(lines)


def test_it_answers_every_url_as_every_role_with_bad_values_without_server_errors_or_partial_writes(world):
    rich_world.build(world)
    started = time.monotonic()
    walker = Walker(clients=_clients(world), tables=project_tables())
    walk = Walk(walker, load_corpus())
    all_routes = routes()
    walk.fetch_all(all_routes)
    fetched = walker.sent
    walk.query_strings()
    queried = walker.sent - fetched
    walk.post_forms()
    walk.script_endpoints(list(SCRIPT_ENDPOINTS))
    elapsed = time.monotonic() - started
    fields = sum(len(form.fields) for _role, form in walk.forms.values())
    print(  # noqa: T201 — the walk's size, for the record (pytest -s)
        f"\nbad-input walk: {len(all_routes)} routes, {len(walk.forms)} POST forms with {fields} fields"
        f" ({len(walk.refused_baselines)} refused as the page filled them: {walk.refused_baselines}),"
        f" {walker.sent} requests ({fetched} fetches, {queried} query strings, {walker.sent - fetched - queried}"
        f" posts) in {elapsed:.0f}s"
    )
    assert not walker.findings, _report(walker)
