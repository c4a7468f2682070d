"""The record kinds the trainers base owns: insurance and DBS checks.

Registered in TrainersConfig.ready(); other apps register theirs the same way.
"""

from rehabpath.formats import day_label
from trainers.forms import DBSCheckForm, InsuranceForm
from trainers.models import DBSCheck, Insurance
from trainers.records import RecordKind, money_label, yes_no


def _insurance_facts(record: Insurance) -> list[tuple[str, str]]:
    return [
        ("Insurer", record.insurer),
        ("Policy number", record.policy_number),
        ("Public liability cover", money_label(record.public_liability_cover)),
        ("Professional indemnity cover", money_label(record.professional_indemnity_cover)),
        ("Cover starts", day_label(record.starts_on)),
        ("Cover ends", day_label(record.expires_on)),
    ]


def _dbs_facts(record: DBSCheck) -> list[tuple[str, str]]:
    expiry = record.expiry_date()
    return [
        ("Level", record.get_level_display()),
        ("Certificate number", record.certificate_number),
        ("Issued on", day_label(record.issued_on)),
        ("Subscribed to the Update Service", yes_no(record.update_service_subscribed)),
        ("Consents to Update Service checks", yes_no(record.update_service_consent)),
        (
            "Recheck due",
            day_label(expiry) if expiry else "Not needed: followed through the Update Service",
        ),
    ]


INSURANCE = RecordKind(
    slug="insurance",
    label="Insurance",
    plural="Insurance",
    in_sentence="insurance",
    noun="insurance",
    audit_name="insurance",
    model=Insurance,
    form_class=InsuranceForm,
    url_namespace="trainers",
    url_prefix="insurance",
    facts=_insurance_facts,
    order=20,
)
DBS = RecordKind(
    slug="dbs",
    label="DBS check",
    plural="DBS checks",
    in_sentence="DBS check",
    noun="a DBS check",
    audit_name="dbs_check",
    model=DBSCheck,
    form_class=DBSCheckForm,
    url_namespace="trainers",
    url_prefix="dbs",
    facts=_dbs_facts,
    order=30,
)
