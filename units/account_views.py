"""The township office's people pages (issue 14): list, create, roles, deactivate, temporary password.

Only the office (or administrator) of the current township opens them; anyone else, and any person without an active
role in that township, gets 404. Every write is one call of units.account_services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import WorkflowError

from . import account_services as services
from .access import current_user, get_or_404, office_township
from .account_forms import ConfirmForm, PeopleFilterForm, PersonCreateForm, RoleForm
from .models import AccountEvent, Assignment, Township, User

PAGE_SIZE = 25
ACCOUNT_EVENTS_SHOWN = 50


def people_of_township(township: Township) -> QuerySet[User]:
    """The people with an active role in the township."""
    holders = Assignment.objects.filter(township=township, is_active=True).values("user_id")
    return User.objects.filter(pk__in=holders)


def _with_roles(qs: QuerySet[User], township: Township) -> QuerySet[User]:
    roles = Assignment.objects.filter(township=township, is_active=True).select_related("unit", "village", "enterprise")
    return qs.prefetch_related(Prefetch("assignments", queryset=roles.order_by("role", "pk"), to_attr="township_roles"))


def get_person_for_office(request: HttpRequest, pk: Any) -> tuple[Township, User]:
    township = office_township(request)
    return township, get_or_404(people_of_township(township), pk=pk)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    form = PeopleFilterForm(request.GET)
    qs = people_of_township(township)
    data = form.cleaned_data if form.is_valid() else None
    if data is None:
        qs = qs.none()
    else:
        if q := data["q"].strip():
            qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q))
        if data["role"]:
            qs = qs.filter(
                pk__in=Assignment.objects.filter(township=township, is_active=True, role=data["role"]).values("user_id")
            )
        if data["status"]:
            qs = qs.filter(is_active=data["status"] == "active")
    page = Paginator(_with_roles(qs.order_by("username"), township), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "units/accounts/people.html",
        {
            "township": township,
            "form": form,
            "page_obj": page,
            "people": page.object_list,
            "querystring": params.urlencode(),
        },
    )


def _password_page(request: HttpRequest, person: User, password: str, *, created: bool) -> HttpResponse:
    """The temporary password, shown this once: never cached, never stored in clear."""
    response = render(
        request, "units/accounts/temporary_password.html", {"person": person, "password": password, "created": created}
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    form = PersonCreateForm(request.POST if request.method == "POST" else None, township=township)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, password = services.person_create(
                actor=current_user(request),
                township=township,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                role=data["role"],
                unit=data["unit"],
                village=data["village"],
                enterprise=data["enterprise"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            return _password_page(request, person, password, created=True)
    return render(request, "units/accounts/person_form.html", {"form": form, "township": township})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    township, person = get_person_for_office(request, pk)
    assignments = (
        Assignment.objects.filter(user=person, township=township)
        .select_related("unit", "village", "enterprise")
        .order_by("-is_active", "role", "pk")
    )
    events = AccountEvent.objects.filter(user=person, township=township).select_related("actor", "assignment")
    return render(
        request,
        "units/accounts/person_detail.html",
        {
            "person": person,
            "township": township,
            "assignments": assignments,
            "events": events[:ACCOUNT_EVENTS_SHOWN],
            "role_form": RoleForm(township=township),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the person a role (the form is on the person's page and here)."""
    township, person = get_person_for_office(request, pk)
    form = RoleForm(request.POST if request.method == "POST" else None, township=township)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_role_give(
                actor=current_user(request),
                township=township,
                person=person,
                role=data["role"],
                unit=data["unit"],
                village=data["village"],
                enterprise=data["enterprise"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The role was given."))
            return redirect("units:person_detail", pk=person.pk)
    return render(request, "units/accounts/person_roles.html", {"person": person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_role_end(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Take a role away, after a confirmation page."""
    township, person = get_person_for_office(request, pk)
    assignment = get_or_404(
        Assignment.objects.filter(user=person, township=township, is_active=True).select_related(
            "unit", "village", "enterprise"
        ),
        pk=assignment_pk,
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.person_role_take(actor=current_user(request), township=township, assignment=assignment)
        except WorkflowError as exc:
            error = exc.message
        else:
            messages.success(request, _("The role was taken away."))
            return redirect("units:person_detail", pk=person.pk)
    return render(
        request,
        "units/accounts/confirm.html",
        {
            "person": person,
            "form": form,
            "error": error,
            "action": "role_end",
            "assignment": assignment,
            "title": _("Take away a role"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate the account, after a confirmation page."""
    township, person = get_person_for_office(request, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_active(
                actor=current_user(request),
                township=township,
                person=person,
                active=False,
                reason=form.cleaned_data["reason"],
            )
        except WorkflowError as exc:
            error = exc.message
        else:
            messages.success(request, _("The account was deactivated: this person can no longer log in."))
            return redirect("units:person_detail", pk=person.pk)
    return render(
        request,
        "units/accounts/confirm.html",
        {"person": person, "form": form, "error": error, "action": "deactivate", "title": _("Deactivate the account")},
    )


@login_required
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    township, person = get_person_for_office(request, pk)
    try:
        services.person_set_active(actor=current_user(request), township=township, person=person, active=True)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account was reactivated."))
    return redirect("units:person_detail", pk=person.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def person_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a temporary password, after a confirmation page; it is shown once and must be changed at first login."""
    township, person = get_person_for_office(request, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            password = services.person_password_reset(actor=current_user(request), township=township, person=person)
        except WorkflowError as exc:
            error = exc.message
        else:
            return _password_page(request, person, password, created=False)
    return render(
        request,
        "units/accounts/confirm.html",
        {"person": person, "form": form, "error": error, "action": "reset", "title": _("Set a temporary password")},
    )


class PasswordChange(PasswordChangeView):
    """Django's password change page; choosing one's own password ends a temporary password's restriction."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(current_user(self.request))
        return response
