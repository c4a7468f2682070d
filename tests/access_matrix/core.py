"""The project's own core URLs: the dashboard, the audit log, the health check, the admin.

Every signed-in role has a dashboard. The audit log is for programme staff only. /healthz and
/livez are public (load balancers, the container health check and probes call them). The
admin index is for programme staff; anyone else is sent to the admin login, which goes
through allauth (302).
"""

from tests.access_matrix import LOGIN, STAFF_ONLY, AccessCase

EVERY_ROLE = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 200,
    "unassigned_mentor": 200,
    "clinic_admin": 200,
    "other_clinic_admin": 200,
    "staff": 200,
}
PUBLIC = dict.fromkeys(EVERY_ROLE, 200)
# The admin redirects non-staff to its login page (302), which then refuses them (403).
ADMIN = {**dict.fromkeys(EVERY_ROLE, 302), "staff": 200}
# The admin's login, through allauth: anonymous users go to allauth's login, other roles are
# refused, and staff (already signed in) are sent on to the admin.
ADMIN_LOGIN = {**dict.fromkeys(EVERY_ROLE, 403), "anonymous": LOGIN, "staff": 302}

# Setting someone's password in the admin (rehabpath.admin audits it): only a superuser may
# change accounts, so programme staff are refused too; everyone else meets the admin login.
ADMIN_PASSWORD_SET = {**ADMIN, "staff": 403}


def _trainer_account(users):
    return {"id": users["trainer"].pk}


CASES = [
    AccessCase("home", EVERY_ROLE),
    AccessCase("audit_log", STAFF_ONLY),
    AccessCase("healthz", PUBLIC),
    AccessCase("livez", PUBLIC),
    AccessCase("admin:index", ADMIN),
    AccessCase("admin_login", ADMIN_LOGIN),
    AccessCase("admin:auth_user_password_change", ADMIN_PASSWORD_SET, kwargs=_trainer_account),
]
