"""Which stored checks a clinic admin reads: their clinic's, whoever they were about.

A check is the clinic's own record (CQC Regulation 19 evidence), so it stays readable after
the trainer stops sharing; it is found only within the clinic the admin was let into
(`programme.clinics.access.get_clinic_for_user`), so another clinic's check is a 404.
"""

import uuid

from django.http import Http404

from programme.models import EligibilityCheck
from trainers.models import Clinic


def get_check_for_clinic(clinic: Clinic, public_id: uuid.UUID) -> EligibilityCheck:
    check = (
        EligibilityCheck.objects.select_related("rules", "clinic")
        .filter(clinic=clinic, public_id=public_id)
        .first()
    )
    if check is None:
        raise Http404("No such check.")
    return check
