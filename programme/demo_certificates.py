"""The demo's competency certificates, issued through the real service by the demo staff
member: Priya Shah (recognised for stroke, on the demo clinic's roster) holds one; Sam Taylor
(recognised for stroke too) holds none, so that staff can issue one in the demo. The PDF is
rendered by the worker, as after any issue (`make run` starts one).

Idempotent: a trainer who holds a certificate for the area, valid or not, is left alone.
"""

from programme.certificates.services import certificate_issue
from programme.models import Certificate
from qualifications.models import ConditionArea
from rehabpath.audit import Actor
from rehabpath.models import User
from trainers.models import TrainerProfile

DEMO_CERTIFIED = ("priya.shah@example.com", "stroke")


def load_demo_certificates(*, staff: User) -> None:
    email, slug = DEMO_CERTIFIED
    trainer = TrainerProfile.objects.select_related("user").filter(user__email=email).first()
    area = ConditionArea.objects.filter(slug=slug).first()
    if trainer is None or area is None:
        return
    if Certificate.objects.filter(trainer=trainer, condition_area=area).exists():
        return
    certificate_issue(trainer=trainer, condition_area=area, actor=Actor.for_user(staff))
