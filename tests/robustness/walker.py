"""The machinery of the bad-input walk (issue 10): the URL conf's routes, the forms a page renders, the corpus,
raw request encoding, and "did this request write anything?".

Each request runs in a savepoint that is rolled back afterwards, so every request meets the same world and a
request that succeeded cannot change what the next one sees. Writes are detected by the visible row versions
(`ctid`) of every project table: PostgreSQL gives an updated row a new version, an inserted row a new one, and a
deleted row none, while a rolled-back savepoint leaves the old versions visible.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urljoin, urlsplit

from django.apps import apps
from django.contrib import messages
from django.db import connection, transaction
from django.forms import BaseForm
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, StringConverter, UUIDConverter
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

CORPUS_FILE = Path(__file__).resolve().parent.parent / "data" / "bad_values.json"
PROJECT_APPS = ("units", "hazards", "inspections", "reports", "reminders", "dashboard")
# Writes these tables may take on an error response, legitimately: a failed login is recorded (django-axes), and a
# session is saved with the messages of a refused request.
WRITES_ALLOWED_ON_ERROR = ("django_session", "axes_")


# -- the corpus ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """One corpus entry: the value(s) sent for one parameter."""

    values: tuple[str, ...]
    kind: str  # which form inputs get it: "any", "text", "number", "date", "once" (see the corpus file)
    label: str

    def __str__(self) -> str:
        return self.label


def load_corpus() -> list[Bad]:
    entries = json.loads(CORPUS_FILE.read_text(encoding="utf-8"))["values"]
    corpus = []
    for entry in entries:
        if "repeat" in entry:
            values: tuple[str, ...] = (entry["repeat"] * entry["times"],)
            label = f"{entry['repeat']!r}×{entry['times']}"
        elif "values" in entry:
            values = tuple(entry["values"])
            label = f"{values!r} (repeated parameter)"
        else:
            values = (entry["value"],)
            label = ascii(entry["value"])
        corpus.append(Bad(values=values, kind=entry["kinds"], label=label))
    return corpus


# -- encoding requests by hand (a lone surrogate cannot go through the test client's encoder) -----------------------


def _raw(text: str) -> bytes:
    # A lone surrogate becomes its (invalid) UTF-8 bytes %ED%A0%80, as it arrives from the wire.
    return text.encode("utf-8", "surrogatepass")


def urlencoded(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote_plus(_raw(k))}={quote_plus(_raw(v))}" for k, v in pairs)


def multipart(pairs: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "----liuwei-walker-boundary"
    parts: list[bytes] = []
    for name, value in pairs:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + _raw(value) + b"\r\n")
    for name, filename, content, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- the URL conf ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "hazards:detail"
    pattern: str
    converters: dict[str, Any]
    callback: Any

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def routes() -> list[Route]:
    """Every URL pattern of the URL conf, recursively, with its converters."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, converters: dict[str, Any]) -> None:
        for entry in resolver.url_patterns:
            convs = {**converters, **getattr(entry.pattern, "converters", {})}
            regex = getattr(entry.pattern, "_regex", None)
            if not isinstance(entry.pattern, RoutePattern) and regex is not None:
                # A regular-expression pattern (the admin's): its named groups, without a converter.
                convs.update(dict.fromkeys(entry.pattern.regex.groupindex))
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), ns, convs)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append(Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), convs, entry.callback))

    walk(get_resolver(), "", "", {})
    return found


def out_of_range(converter: Any) -> list[Any]:
    """Path values that name nothing: beyond every column, zero, and malformed text."""
    if isinstance(converter, IntConverter):
        return [0, 2**31, 2**63, 10**22]
    if isinstance(converter, UUIDConverter):
        return [uuid.UUID(int=0)]
    if isinstance(converter, StringConverter | PathConverter):
        return ["\x00", "x" * 300, "²", "9999999999999999999999"]
    return []


# -- the forms of a page ----------------------------------------------------------------------------------------------

# What each kind of input gets from the corpus besides the "any" values.
INPUT_KINDS = {"text": "text", "textarea": "text", "search": "text", "email": "text", "tel": "text", "url": "text",
               "password": "text", "number": "number", "date": "date", "month": "date", "datetime-local": "date",
               "time": "date", "week": "date"}  # fmt: skip


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str | None  # None: not sent unless mutated (an unchecked box)
    required: bool = False
    options: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def corpus_kind(self) -> str:
        return INPUT_KINDS.get(self.kind, "")


@dataclass
class PageForm:
    action: str  # path with query, resolved against the page
    method: str
    multipart: bool
    fields: list[FormField] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (urlsplit(self.action).path, self.method, tuple(sorted({f.name for f in self.fields})))


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self.select: FormField | None = None
        self.option_value: str | None = None
        self.textarea: FormField | None = None
        self.submitted_button = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            method = (attrs.get("method") or "get").lower()
            self.current = PageForm(action, method, "multipart" in attrs.get("enctype", ""))
            self.submitted_button = False
            self.forms.append(self.current)
            return
        form = self.current
        if form is None or "disabled" in attrs or not attrs.get("name"):
            if tag == "option" and self.select is not None:
                self._option(attrs)
            return
        name, required = attrs["name"], "required" in attrs
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("submit", "image", "button", "reset"):
                if kind == "submit" and not self.submitted_button:
                    form.fields.append(FormField(name, "hidden", attrs.get("value", "")))
                    self.submitted_button = True
            elif kind in ("checkbox", "radio"):
                checked = "checked" in attrs
                form.fields.append(FormField(name, kind, attrs.get("value", "on") if checked else None, required,
                                             options=[attrs.get("value", "on")]))  # fmt: skip
            else:
                form.fields.append(FormField(name, kind, attrs.get("value", ""), required, attrs=attrs))
        elif tag == "button" and attrs.get("type", "submit") == "submit" and not self.submitted_button:
            form.fields.append(FormField(name, "hidden", attrs.get("value", "")))
            self.submitted_button = True
        elif tag == "select":
            self.select = FormField(name, "select", None, required, attrs=attrs)
            form.fields.append(self.select)
        elif tag == "textarea":
            self.textarea = FormField(name, "textarea", "", required, attrs=attrs)
            form.fields.append(self.textarea)
        elif tag == "option" and self.select is not None:
            self._option(attrs)

    def _option(self, attrs: dict[str, str]) -> None:
        assert self.select is not None
        self.option_value = attrs.get("value")
        if self.option_value is not None:
            self.select.options.append(self.option_value)
            if "selected" in attrs and (self.select.value is None or "multiple" in self.select.attrs):
                self.select.value = self.option_value

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value = (self.textarea.value or "") + data
        elif self.select is not None and self.option_value is None and self.select.options is not None:
            pass

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "option":
            self.option_value = None


def page_forms(html: str, page_url: str) -> list[PageForm]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if _resolves(f.action)]


def _resolves(url: str) -> bool:
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return True


def plausible(form_field: FormField, today: str) -> str | None:
    """What a person would type into an empty required field, so that one bad field is the only fault."""
    if form_field.value or not form_field.required:
        return form_field.value
    kind = form_field.kind
    if kind == "select":
        return next((o for o in form_field.options if o), None)
    if kind in ("checkbox", "radio"):
        return form_field.options[0] if form_field.options else "on"
    values = {"number": form_field.attrs.get("min") or "1", "date": today, "month": today[:7],
              "datetime-local": f"{today}T10:00", "email": "walker@example.com", "tel": "13800000000",
              "url": "https://example.com/"}  # fmt: skip
    return values.get(kind, "测试")


def baseline(form: PageForm, today: str) -> list[tuple[str, str]]:
    pairs = []
    for f in form.fields:
        value = plausible(f, today)
        if value is not None:
            pairs.append((f.name, value))
    return pairs


def mutated(pairs: list[tuple[str, str]], name: str, bad: Bad) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in pairs if k != name]
    return kept + [(name, v) for v in bad.values]


# -- writes -----------------------------------------------------------------------------------------------------------


def project_tables() -> list[str]:
    tables = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in PROJECT_APPS and not m._meta.proxy
    }
    return sorted(tables)


def fingerprint(tables: list[str]) -> dict[str, str]:
    """Each table's visible row versions: any insert, update or delete changes its entry."""
    parts = [
        # The table names come from the models, not from a request.
        f"SELECT %s, md5(coalesce(string_agg(ctid::text, ',' ORDER BY ctid), '')) FROM {connection.ops.quote_name(t)}"  # noqa: S608
        for t in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), tables)
        return dict(cursor.fetchall())


def _context_values(response: Any) -> Iterator[Any]:
    ctx = getattr(response, "context", None)
    if ctx is None:
        return
    for context in ctx if isinstance(ctx, list) else [ctx]:
        for d in getattr(context, "dicts", []):
            yield from d.values()


def is_error(response: Any) -> bool:
    """4xx, a message of error level, or a page showing a bound form with errors."""
    if response.status_code >= 400:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    if storage is not None and any(m.level >= messages.ERROR for m in getattr(storage, "_queued_messages", [])):
        return True
    for value in _context_values(response):
        form = getattr(value, "form", value)  # a FilterSet shows its form
        if isinstance(form, BaseForm) and form.is_bound and form._errors:
            return True
    return False


# -- sending -----------------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    what: str
    status: int
    detail: str

    def __post_init__(self) -> None:
        sys.stderr.write(f"walker finding: {self.status} {self.what[:300]}\n    {self.detail[:300]}\n")


@dataclass
class Walker:
    clients: dict[str, Client]
    tables: list[str]
    clean: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    sent: int = 0
    on_response: Callable[[str, str, Any], None] | None = None

    def __post_init__(self) -> None:
        self.clean = fingerprint(self.tables)
        self.started = time.monotonic()

    def send(self, role: str, method: str, url: str, *, body: bytes | None = None, content_type: str = "") -> Any:
        """One request in a rolled-back savepoint; records a 5xx and a write on an error response."""
        client = self.clients[role]
        cookies = SimpleCookie()
        for key, morsel in client.cookies.items():
            cookies[key] = morsel.value
        self.sent += 1
        if self.sent % 500 == 0:
            sys.stderr.write(f"walker: {self.sent} requests, {time.monotonic() - self.started:.0f}s\n")
        sid = transaction.savepoint()
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.generic(method, url, body or b"", content_type=content_type)
            what = f"{role} {method} {url[:300]}" + (f" body={body[:300]!r}" if body else "")
            if response.status_code >= 500:
                exc = getattr(response, "exc_info", None)
                detail = f"{exc[0].__name__}: {exc[1]}"[:500] if exc else ""
                self.findings.append(Finding(what, response.status_code, detail))
            elif is_error(response):
                changed = [
                    t
                    for t, h in fingerprint(self.tables).items()
                    if h != self.clean[t] and not t.startswith(WRITES_ALLOWED_ON_ERROR)
                ]
                if changed:
                    self.findings.append(Finding(what, response.status_code, f"wrote to {changed} on an error"))
        finally:
            transaction.savepoint_rollback(sid)
            transaction.savepoint_commit(sid)  # release it too: savepoints must not pile up over the walk
            transaction.set_rollback(False)
            client.cookies = cookies  # a request that rotated the session must not log the next one out
        return response
