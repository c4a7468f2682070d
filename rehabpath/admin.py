from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from rehabpath.models import AuditEvent, MailDelivery, User


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


class ProgrammeStaffAdmin(ProgrammeStaffPermissions, admin.ModelAdmin[Any]):
    pass


class ProgrammeStaffInline(ProgrammeStaffPermissions, admin.TabularInline[Any, Any]):
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
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


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyStaffAdmin):
    list_display = ["occurred_at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_label", "target_id", "reason"]


@admin.register(MailDelivery)
class MailDeliveryAdmin(ReadOnlyStaffAdmin):
    """Read-only: staff see what was sent, what waits and what failed (with the error)."""

    list_display = ["created_at", "recipient", "template", "milestone", "status", "attempts"]
    list_filter = ["status", "template"]
    search_fields = ["recipient__email", "subject_key"]
    readonly_fields = [f.name for f in MailDelivery._meta.fields]
