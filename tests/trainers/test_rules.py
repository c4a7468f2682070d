"""The rules of a trainer's records hold in one place: services, forms and the import agree."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from programme.imports.checks import validate
from qualifications.forms.records import TrainerQualificationForm
from qualifications.kinds import QUALIFICATION
from qualifications.models import TrainerQualification
from qualifications.rules import comparable_text, qualification_key
from rehabpath.audit import Actor
from rehabpath.errors import DomainError
from tests import factories
from trainers.kinds import DBS, INSURANCE
from trainers.models import DBSCheck, Insurance
from trainers.services import record_create, record_update

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
HEADER = "email,name,qualification,awarding_body,certificate_number,awarded_on,expires_on\n"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def qtype(db):
    return factories.QualificationTypeFactory(slug="l3-referral", name="Exercise Referral")


def qualification_fields(qtype, **overrides) -> dict:
    return {
        "qualification_type": qtype,
        "awarding_body": None,
        "certificate_number": "YMCA-1",
        "awarded_on": dt.date(2026, 3, 14),
        "expires_on": None,
        **overrides,
    }


def create(kind, trainer_user, fields):
    return record_create(
        kind=kind,
        trainer=trainer_user.trainer_profile,
        actor=Actor.for_user(trainer_user),
        fields=fields,
        files=[],
    )


def test_record_create_refuses_a_future_award_date_without_a_form(trainer_user, qtype):
    fields = qualification_fields(qtype, awarded_on=dt.date(2026, 11, 28))

    with pytest.raises(DomainError, match="The date awarded cannot be in the future."):
        create(QUALIFICATION, trainer_user, fields)

    assert not TrainerQualification.objects.exists()


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (
            INSURANCE,
            {
                "insurer": "Insure4Sport",
                "policy_number": "P-1",
                "public_liability_cover": Decimal("5000000"),
                "professional_indemnity_cover": Decimal("1500000"),
                "starts_on": dt.date(2026, 6, 1),
                "expires_on": dt.date(2026, 6, 1),
            },
            "The cover must end after it starts.",
        ),
        (
            DBS,
            {
                "level": DBSCheck.Level.ENHANCED,
                "certificate_number": "12345678901",
                "issued_on": dt.date(2025, 9, 1),
                "update_service_subscribed": False,
                "update_service_consent": False,
            },
            "A DBS certificate number has exactly 12 digits.",
        ),
        (
            DBS,
            {
                "level": DBSCheck.Level.ENHANCED,
                "certificate_number": "123456789012",
                "issued_on": dt.date(2025, 9, 1),
                "update_service_subscribed": False,
                "update_service_consent": True,
            },
            "Status checks need an Update Service subscription",
        ),
    ],
)
def test_record_create_refuses_what_the_forms_refuse(trainer_user, kind, fields, message):
    with pytest.raises(DomainError, match=message):
        create(kind, trainer_user, fields)

    assert not Insurance.objects.exists()
    assert not DBSCheck.objects.exists()


def test_record_update_refuses_an_expiry_before_the_award(trainer_user, qtype):
    record = create(QUALIFICATION, trainer_user, qualification_fields(qtype))

    with pytest.raises(DomainError, match="The expiry date must be after the date awarded."):
        record_update(
            record=record,
            actor=Actor.for_user(trainer_user),
            changes={"expires_on": dt.date(2026, 3, 1)},
            add_files=[],
            remove_files=[],
        )

    record.refresh_from_db()
    assert record.expires_on is None


def test_record_create_refuses_the_same_certificate_twice(trainer_user, qtype):
    create(QUALIFICATION, trainer_user, qualification_fields(qtype, certificate_number="ymca-1"))

    with pytest.raises(DomainError, match="You have already recorded this certificate."):
        create(
            QUALIFICATION, trainer_user, qualification_fields(qtype, certificate_number=" YMCA-1 ")
        )

    assert TrainerQualification.objects.count() == 1


def test_certificate_numbers_compare_without_case_spacing_or_curly_quotes():
    assert comparable_text("  AB  ’12’ ") == comparable_text("ab '12'")
    assert qualification_key(1, "", dt.date(2024, 1, 1)) == (1, "date", dt.date(2024, 1, 1))
    assert qualification_key(1, "X", dt.date(2024, 1, 1)) == qualification_key(1, "x ", None)
    assert qualification_key(1, "X", None) != qualification_key(2, "X", None)


@pytest.mark.parametrize(
    ("on_record", "entered", "duplicate"),
    [
        (("YMCA-1", "2024-01-01"), ("ymca-1", "2025-01-01"), True),
        (("YMCA  1", "2024-01-01"), (" ymca 1", "2024-01-01"), True),
        (("", "2024-01-01"), ("", "2024-01-01"), True),
        (("", "2024-01-01"), ("", "2024-02-01"), False),
        (("YMCA-1", "2024-01-01"), ("", "2024-01-01"), False),
        (("YMCA-1", "2024-01-01"), ("YMCA-2", "2024-01-01"), False),
    ],
)
def test_form_and_import_agree_on_what_a_duplicate_is(
    trainer_user, qtype, on_record, entered, duplicate
):
    profile = trainer_user.trainer_profile
    factories.TrainerQualificationFactory(
        trainer=profile,
        qualification_type=qtype,
        certificate_number=on_record[0],
        awarded_on=dt.date.fromisoformat(on_record[1]),
    )
    number, awarded = entered
    form = TrainerQualificationForm(
        {
            "qualification_type": qtype.pk,
            "awarding_body": factories.AwardingBodyFactory().pk,
            "certificate_number": number,
            "awarded_on": awarded,
        },
        instance=TrainerQualification(trainer=profile),
        trainer=profile,
    )
    line = f"{trainer_user.email},,{qtype.slug},,{number},{awarded},\n"
    preview = validate(text=HEADER + line, filename="t.csv", sha256="")

    form_refuses = not form.is_valid()
    import_refuses = any("already has" in issue.message for issue in preview.row_errors)
    assert form_refuses is import_refuses is duplicate


def test_an_invalid_award_date_on_edit_is_not_compared_with_the_saved_one(
    client_for, trainer_user, qtype
):
    record = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile,
        qualification_type=qtype,
        awarded_on=dt.date(2024, 6, 1),
    )
    data = {
        "qualification_type": qtype.pk,
        "awarding_body": record.awarding_body.pk,
        "certificate_number": record.certificate_number,
        "awarded_on": "not a date",
        "expires_on": "2024-01-01",
    }

    response = client_for(trainer_user).post(
        reverse("qualifications:qualification_edit", args=[record.public_id]), data
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in text
    assert "The expiry date must be after the date awarded." not in text


def test_unmet_prerequisites_counts_verified_records_only():
    from types import SimpleNamespace

    from qualifications.rules import unmet_prerequisites

    a, b, c, d = (SimpleNamespace(pk=n) for n in range(1, 5))
    held = {1: {"verified"}, 2: {"pending", "rejected"}, 3: {"rejected"}}

    assert unmet_prerequisites([a, b, c, d], held) == [(b, "pending"), (c, "rejected"), (d, "")]


def test_names_catalogue_entries_and_certificate_numbers_compare_one_way():
    assert comparable_text("  Level 3  ’Diploma’ ") == comparable_text("level 3 'diploma'")
