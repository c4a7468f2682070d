from django.contrib import admin

from mentorship.models import MentorProfile
from rehabpath.admin import ProgrammeStaffAdmin


@admin.register(MentorProfile)
class MentorProfileAdmin(ProgrammeStaffAdmin):
    list_display = ["user", "capacity", "is_accepting"]
    autocomplete_fields = ["user"]
