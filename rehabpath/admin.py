"""The admin: programme staff manage the catalogue and the role grants; every change is audited.

Every ModelAdmin of the project (here and in each app's admin.py) builds on `AuditedAdmin`: an
add, change or delete made in the admin, of the object itself or of an inline row (a clinic's
memberships), writes an AuditEvent with the fields that changed, before and after, in the
same transaction as the change. Django's own LogEntry keeps only field names and is editable
by superusers; the audit log is what staff read and nobody edits.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.widgets import (
    AutocompleteMixin,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property

from rehabpath.audit import (
    Actor,
    audit_actions,
    audit_target_types,
    record_event,
    register_audit_action,
)
from rehabpath.models import AuditEvent, Delivery, User

ADMIN_REASON = "Changed in the admin"


def _label(obj: models.Model) -> str:
    # People by their address: names repeat, addresses do not.
    return obj.get_username() if isinstance(obj, AbstractBaseUser) else str(obj)


def audit_value(value: Any) -> Any:
    """A form or model value as the audit log stores it (JSON): rows by name, ISO dates."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return _label(value)
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return sorted(str(audit_value(item)) for item in value)
    return str(value)  # Decimal, UUID, a file name


def _secret(name: str) -> bool:
    return "password" in name  # never a password or its hash, not even the fact of it


def _initial_value(form: forms.BaseForm, name: str) -> Any:
    """What the field held when the form was loaded: the row as it was in the database."""
    field = form.fields[name]
    initial = form.get_initial_for_field(field, name)
    if (
        isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, forms.ModelMultipleChoiceField)
        and initial not in (None, "")
        and not isinstance(initial, models.Model)
    ):
        try:  # a foreign key's initial value is its id: name the row instead
            return field.to_python(initial)
        except forms.ValidationError:
            return initial
    return initial


def form_changes(form: forms.BaseForm, *, adding: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the fields a bound, valid form changes; every field when adding."""
    skip = {"id", forms.formsets.DELETION_FIELD_NAME}
    names = form.fields if adding else form.changed_data
    names = [n for n in names if n not in skip and not _secret(n) and n in form.cleaned_data]
    after = {name: audit_value(form.cleaned_data[name]) for name in names}
    if adding:
        return {}, after
    before = {name: audit_value(_initial_value(form, name)) for name in names}
    return before, after


def model_values(obj: models.Model) -> dict[str, Any]:
    """The stored fields of a row, for the record of its deletion."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or _secret(field.name):
            continue
        values[field.name] = audit_value(getattr(obj, field.name))
    return values


def _usable_key(field: models.Field[Any, Any], value: Any) -> bool:
    """Whether `value` can be looked up in `field` at all (junk is not, nor a huge number)."""
    try:
        key = field.to_python(value)
    except ValidationError:
        return False
    if isinstance(key, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or key >= low) and (high is None or key <= high)
    return True


def _usable_choices(widget: AutocompleteMixin, value: Sequence[str]) -> list[str]:
    """Re-showing a refused form looks up the submitted ids to label them; Django's widget
    passes junk ("abc", a 30-digit number) straight to the database, which answers with a
    500 instead of the form's own "Select a valid choice". Look up only usable ids."""
    remote = widget.field.remote_field
    opts = remote.model._meta
    key_field = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
    return [v for v in value if _usable_key(key_field, v)]


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        return super().optgroups(name, _usable_choices(self, value), attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        return super().optgroups(name, _usable_choices(self, value), attr)


class SafeAutocomplete(BaseModelAdmin[Any]):
    """The widgets of `autocomplete_fields`, safe with junk ids (model admins and inlines)."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self,
        db_field: models.ManyToManyField[Any, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if (
            request is not None
            and "widget" not in kwargs
            and db_field.name in self.get_autocomplete_fields(request)
        ):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[arg-type]


ADMIN_VERBS = {"add": "added in the admin", "change": "changed in the admin"}
ADMIN_VERBS["delete"] = "deleted in the admin"


class AuditedAdmin(SafeAutocomplete, admin.ModelAdmin[Any]):
    """Writes an AuditEvent for every add, change and delete made through this admin."""

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        # The audit log's filters offer what this admin (and its inlines) can write.
        for target in (model, *(inline.model for inline in self.inlines)):
            name = str(target._meta.verbose_name).capitalize()
            for verb, words in ADMIN_VERBS.items():
                register_audit_action(
                    f"{target._meta.model_name}.{verb}", f"{name} {words}", target=target
                )

    def audit(
        self,
        request: HttpRequest,
        verb: str,
        obj: models.Model,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        record_event(
            actor=Actor.from_request(request),
            action=f"{obj._meta.model_name}.{verb}",
            target=obj,
            target_label=_label(obj)[:255],
            before=before,
            after=after,
            reason=ADMIN_REASON,
        )

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any], change: bool
    ) -> None:
        before, after = form_changes(form, adding=not change)
        super().save_model(request, obj, form, change)
        if not change or after:
            self.audit(request, "change" if change else "add", obj, before=before, after=after)

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Any],
        formset: Any,
        change: bool,
    ) -> None:
        deleted = [f for f in formset.deleted_forms if f.instance.pk is not None]
        saved = [
            (f, f.instance.pk is None, *form_changes(f, adding=f.instance.pk is None))
            for f in formset.forms
            if f not in formset.deleted_forms and f.has_changed()
        ]
        for inline_form in deleted:  # while the row still has its id and label
            self.audit(
                request, "delete", inline_form.instance, before=model_values(inline_form.instance)
            )
        super().save_formset(request, form, formset, change)
        for inline_form, adding, before, after in saved:
            verb = "add" if adding else "change"
            self.audit(request, verb, inline_form.instance, before=before, after=after)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self.audit(request, "delete", obj, before=model_values(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.audit(request, "delete", obj, before=model_values(obj))
            super().delete_queryset(request, queryset)


class ProgrammeStaffPermissions:
    """Catalogue models are managed by programme staff (is_staff) without per-model grants."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return self.has_module_permission(request)

    # `obj` is the inline's parent; a model admin is asked without one.
    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return self.has_module_permission(request)


class ProgrammeStaffAdmin(ProgrammeStaffPermissions, AuditedAdmin):
    pass


class ProgrammeStaffInline(
    ProgrammeStaffPermissions, SafeAutocomplete, admin.TabularInline[Any, Any]
):
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin[User]):
    """Granting staff or superuser status, or a group, is audited like any other change.

    Programme staff may *look* people up (the user picker of a mentor profile or a clinic
    membership asks this admin through autocomplete); changing an account's roles stays with
    superusers (Django's model permissions).
    """

    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    list_filter = ["is_staff", "is_active"]
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        ("Roles and access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        if request.user.is_active and request.user.is_staff:
            return True
        return super().has_view_permission(request, obj)

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        register_audit_action("user.password_set", "Password set in the admin", target=User)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Setting someone's password (or turning password sign-in off) is audited too; the
        password itself never is. Django's view saves without a transaction: one here."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            # Success redirects to the account's page; a refusal shows the form again (200) or
            # sends back to the same page.
            if (
                request.method == "POST"
                and isinstance(response, HttpResponseRedirect)
                and response.url != request.get_full_path()
            ):
                user = User.objects.get(pk=id)
                after = {"password": "set" if user.has_usable_password() else "sign-in disabled"}
                self.audit(request, "password_set", user, after=after)
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    """A group's permissions are role grants too."""


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AuditedAdmin, AllauthEmailAddressAdmin):  # type: ignore[misc]
    """Verifying an address decides whose account it identifies (the bulk import matches
    verified primary addresses), so allauth's "mark as verified" action is audited too."""

    def make_verified(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            waiting: Iterable[EmailAddress] = list(queryset.filter(verified=False))
            super().make_verified(request, queryset)
            for address in waiting:
                address.refresh_from_db()
                if address.verified:
                    self.audit(
                        request,
                        "change",
                        address,
                        before={"verified": False},
                        after={"verified": True},
                    )


class ReadOnlyStaffAdmin(admin.ModelAdmin[Any]):
    """Records nobody edits by hand: staff may look, nobody may add, change or delete."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class AuditActionFilter(admin.SimpleListFilter):
    """The registered actions as choices: no SELECT DISTINCT over the whole log."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(action.code, action.label) for action in audit_actions()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class AuditTargetTypeFilter(admin.SimpleListFilter):
    title = "target type"
    parameter_name = "target_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return audit_target_types()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(target_type=self.value()) if self.value() else queryset


class CappedCountPaginator(Paginator[Any]):
    """Counts at most COUNT_CAP rows: a COUNT(*) of the whole log grows with it."""

    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return rows[: self.COUNT_CAP].count()


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyStaffAdmin):
    list_display = ["occurred_at", "actor_label", "action", "target_type", "target_label"]
    list_filter = [AuditActionFilter, AuditTargetTypeFilter]
    # Exact values only, each served by an index (rehabpath.models.AuditEvent.Meta.indexes);
    # a substring search would read every row. The audit log page has the same filters.
    search_fields = ["=actor_label", "=target_id"]
    search_help_text = "An actor's whole e-mail address, or a target id."
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 25  # each row costs the admin's rendering more than its query


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyStaffAdmin):
    """Read-only: staff see what was sent, what waits and what failed (with the error)."""

    list_display = [
        "created_at",
        "channel",
        "to_address",
        "kind",
        "milestone",
        "status",
        "attempts",
    ]
    list_select_related = ["recipient"]  # to_address reads it on every row
    list_filter = ["channel", "status", "kind"]
    search_fields = ["recipient__email", "destination", "subject_key"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
