from django.contrib import admin
from django.http import HttpRequest

from mentorship.models import MentorAssignment, MentorProfile
from rehabpath.admin import ProgrammeStaffAdmin


@admin.register(MentorProfile)
class MentorProfileAdmin(ProgrammeStaffAdmin):
    list_display = ["user", "background", "hcpc_number", "capacity", "is_accepting"]
    list_filter = ["background", "is_accepting"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["condition_areas"]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(ProgrammeStaffAdmin):
    """Read only: assignments start and end through the staff screen, which checks capacity,
    reciprocity and mails both people."""

    list_display = ["mentor", "trainer", "starts_on", "ends_on", "ended_at"]
    list_select_related = ["mentor__user", "trainer__user"]
    readonly_fields = [f.name for f in MentorAssignment._meta.fields] + ["focus_areas"]

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False
