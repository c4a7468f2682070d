from django.contrib import admin

from qualifications.models import AwardingBody, ConditionArea, CPDPolicy, QualificationType
from rehabpath.admin import ProgrammeStaffAdmin


@admin.register(ConditionArea)
class ConditionAreaAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AwardingBody)
class AwardingBodyAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "website"]
    search_fields = ["name"]


@admin.register(QualificationType)
class QualificationTypeAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "level", "kind", "regulated_number", "validity_months", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    search_fields = ["name", "regulated_number"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["prerequisites", "condition_areas", "awarding_bodies"]


@admin.register(CPDPolicy)
class CPDPolicyAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "is_active", "points_target", "endorsed_points_min", "gap_months"]
