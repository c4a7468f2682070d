"""The one way a view gets a certificate: `get_certificate_for_user`.

Programme staff read and change (revoke, re-issue) every certificate; the trainer reads their
own; anyone else gets 404, so a certificate's existence is not revealed by its staff or trainer
pages (the public page, /verify/<code>/, is the way others see one). The trainer asking to
change their own gets 403.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from programme.models import Certificate
from rehabpath.models import User
from rehabpath.roles import Role, has_role
from trainers.access import is_owner


def get_certificate_for_user(
    user: User, public_id: uuid.UUID, *, write: bool = False
) -> tuple[Certificate, bool]:
    """The certificate `public_id` and whether `user` may change it."""
    certificate = (
        Certificate.objects.select_related(
            "trainer__user", "condition_area", "replaced_by", "issued_by", "revoked_by"
        )
        .filter(public_id=public_id)
        .first()
    )
    if certificate is None:
        raise Http404("No such certificate.")
    if has_role(user, Role.STAFF):
        return certificate, True
    if is_owner(user, certificate.trainer):
        if write:
            raise PermissionDenied("Only programme staff can change a certificate.")
        return certificate, False
    raise Http404("No such certificate.")
