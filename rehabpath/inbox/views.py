"""The notification list, opening one, marking all read, and the preferences page."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from rehabpath.http import AuthenticatedHttpRequest
from rehabpath.inbox import selectors, services
from rehabpath.inbox.forms import PreferencesForm
from rehabpath.paging import keyset_page

UNREAD = "unread"


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list, newest first, a keyset page at a time; `?show=unread` for the unread only.

    Queries: the signed-in user (with the header's unread count) and the page.
    """
    show_unread = request.GET.get("show") == UNREAD
    rows = (
        selectors.unread_of(request.user)
        if show_unread
        else selectors.notifications_of(request.user)
    )
    page = keyset_page(
        rows,
        field="created_at",
        size=selectors.PAGE_SIZE,
        older_than=request.GET.get("older"),
        newer_than=request.GET.get("newer"),
    )
    return render(
        request,
        "rehabpath/notifications.html",
        {
            "page": page,
            "entries": selectors.entries(page.object_list),
            "show_unread": show_unread,
            "query": f"show={UNREAD}" if show_unread else "",
            "first_page": "older" not in request.GET and "newer" not in request.GET,
            "unread": selectors.unread_count(request.user),
        },
    )


@require_POST
@login_required
def notification_open(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Mark one notification read, then go to the page it is about (or back to the list).

    A POST from the list's button, so that nothing is marked read by a link someone else
    made, a prefetch or a crawler; the redirect goes only to a path on this site.
    """
    delivery = selectors.get_notification_for_user(request.user, public_id)
    try:
        services.notification_mark_read(actor=Actor.from_request(request), delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("notifications")
    target = delivery.path
    if request.POST.get("then") == "list" or not _is_local(request, target):
        back = request.POST.get("back", "")
        return HttpResponseRedirect(back if _is_list_url(back) else reverse("notifications"))
    return HttpResponseRedirect(target)


@require_POST
@login_required
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=Actor.from_request(request))
    if count:
        messages.success(
            request, f"Marked {count} notification{'s' if count != 1 else ''} as read."
        )
    else:
        messages.info(request, "You had no unread notifications.")
    return redirect("notifications")


@login_required
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.preferences_for(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.notification_preferences_update(
                actor=Actor.from_request(request), choices=form.choices()
            )
        except DomainError as error:
            name = form.field_of(error.field) if error.field else None
            form.add_error(name, error.message)
        else:
            if changed:
                messages.success(request, "Your choices are saved.")
            else:
                messages.info(request, "Nothing changed: your choices were already these.")
            return redirect("notification_preferences")
    critical = selectors.critical_groups(rows)
    return render(
        request,
        "rehabpath/notifications_preferences.html",
        {"form": form, "critical": critical},
    )


def _is_local(request: AuthenticatedHttpRequest, path: str) -> bool:
    return (
        path.startswith("/")
        and not path.startswith("//")
        and url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()})
    )


def _is_list_url(url: str) -> bool:
    """A page of the list itself (the button's way back keeps the filter and the page)."""
    list_path = reverse("notifications")
    return (url == list_path or url.startswith(list_path + "?")) and "//" not in url
