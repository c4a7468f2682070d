from django.contrib import admin

from rehabpath.admin import ProgrammeStaffAdmin, ProgrammeStaffInline
from trainers.models import Clinic, ClinicMembership


class ClinicMembershipInline(ProgrammeStaffInline):
    model = ClinicMembership
    autocomplete_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "city"]
    search_fields = ["name"]
    inlines = [ClinicMembershipInline]
