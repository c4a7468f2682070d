from django.contrib import admin

from rehabpath.admin import ProgrammeStaffAdmin, ProgrammeStaffInline, ReadOnlyStaffAdmin
from trainers.models import Clinic, ClinicInvitation, ClinicMembership, ClinicShare


class ClinicMembershipInline(ProgrammeStaffInline):
    model = ClinicMembership
    autocomplete_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "city"]
    search_fields = ["name"]
    inlines = [ClinicMembershipInline]


@admin.register(ClinicShare)
class ClinicShareAdmin(ReadOnlyStaffAdmin):
    """Read-only: a share is the trainer's own consent, started and stopped by them alone."""

    list_display = ["trainer", "clinic", "started_at", "ended_at"]
    list_select_related = ["trainer__user", "clinic"]
    list_filter = ["clinic"]
    search_fields = ["=trainer__user__email", "clinic__name"]
    readonly_fields = [f.name for f in ClinicShare._meta.fields]


@admin.register(ClinicInvitation)
class ClinicInvitationAdmin(ReadOnlyStaffAdmin):
    """Read-only: invitations are sent and revoked on the clinic's page (staff/clinics/)."""

    list_display = ["email", "clinic", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["clinic"]
    search_fields = ["=email", "clinic__name"]
    # The token's hash stays out of sight: it opens nothing, but nobody needs to read it.
    exclude = ["token_sha256"]
    readonly_fields = [
        f.name for f in ClinicInvitation._meta.fields if f.name not in ("token_sha256", "id")
    ]
