"""What each role's panel on the home dashboard shows. One function per role."""

from django.db.models import Count, Q

from rehabpath.roles import Role, roles_of


def trainer_panel(user) -> dict:
    from qualifications.selectors_cpd import cpd_summary_for
    from trainers.models import DisplayStatus
    from trainers.selectors import trainer_records

    profile = user.trainer_profile
    records = trainer_records(profile)
    counts = {status: 0 for status in DisplayStatus}
    for record in records:
        counts[record.display_status()] += 1
    return {
        "profile": profile,
        "record_count": len(records),
        "status_counts": [(s, counts[s]) for s in DisplayStatus if counts[s]],
        "needs_attention": [
            r
            for r in records
            if r.display_status()
            in {DisplayStatus.REJECTED, DisplayStatus.EXPIRED, DisplayStatus.EXPIRING}
        ],
        "cpd": cpd_summary_for(profile),
    }


def mentor_panel(user) -> dict:
    return {"mentor": user.mentor_profile}


def clinic_admin_panel(user) -> dict:
    clinics = [m.clinic for m in user.clinic_memberships.select_related("clinic")]
    return {"clinics": clinics}


def staff_panel(user) -> dict:
    from qualifications.models import TrainerQualification
    from trainers.models import DBSCheck, Insurance, VerificationStatus

    pending = 0
    for model in (TrainerQualification, Insurance, DBSCheck):
        pending += model.objects.filter(status=VerificationStatus.PENDING).count()
    from trainers.models import TrainerProfile

    trainers = TrainerProfile.objects.aggregate(
        total=Count("id"), suspended=Count("id", filter=Q(status="suspended"))
    )
    return {"pending": pending, "trainers": trainers}


PANELS = (
    (Role.TRAINER, "rehabpath/panels/trainer.html", trainer_panel),
    (Role.MENTOR, "rehabpath/panels/mentor.html", mentor_panel),
    (Role.CLINIC_ADMIN, "rehabpath/panels/clinic_admin.html", clinic_admin_panel),
    (Role.STAFF, "rehabpath/panels/staff.html", staff_panel),
)


def panels_for(user) -> list[dict]:
    roles = roles_of(user)
    return [
        {"role": role, "template": template, **build(user)}
        for role, template, build in PANELS
        if role in roles
    ]
