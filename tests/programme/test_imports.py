"""Bulk import of trainers and qualifications: preview, all-or-nothing confirm, refusals."""

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme.imports import MAX_BYTES, MAX_ROWS, trainers_import_preview
from qualifications.catalogue import load_catalogue
from qualifications.models import QualificationType, TrainerQualification
from rehabpath.models import AuditEvent, User
from tests import factories
from trainers.models import TrainerProfile, VerificationStatus

IMPORT_URL = reverse("programme:bulk_import")
CONFIRM_URL = reverse("programme:bulk_import_confirm")
TEMPLATE_URL = reverse("programme:bulk_import_template")
HEADER = "email,name,qualification,awarding_body,certificate_number,awarded_on,expires_on\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def catalogue(db):
    load_catalogue()


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


def csv_file(text: str, *, bom: bool = False, encoding: str = "utf-8", name: str = "t.csv"):
    data = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, data.encode(encoding), content_type="text/csv")


def upload(client, text: str, **kwargs):
    return client.post(IMPORT_URL, {"file": csv_file(text, **kwargs)})


def messages_of(response) -> list[tuple[int | None, str, str]]:
    preview = response.context["preview"]
    return [(i.row, i.column, i.message) for i in preview.row_errors]


def row_messages(response, row: int) -> str:
    return " | ".join(message for r, _column, message in messages_of(response) if r == row)


def file_errors(response) -> list[str]:
    return response.context["form"].errors["file"]


def test_valid_file_preview_then_confirm_creates_everything(staff_client, catalogue, trainer_user):
    text = HEADER + (
        "new.person@example.org,Nia Newton,l3-personal-training,Active IQ,AIQ-1,2019-07-12,\n"
        "New.Person@example.org,Nia Newton,Level 3 Diploma in Exercise Referral,YMCA Awards,"
        "YM-2,14/03/2021,\n"
        f"{trainer_user.email},,first-aid-at-work,Qualsafe Awards,QS-3,2024-11-02,2027-11-01\n"
    )
    users_before = User.objects.count()

    response = upload(staff_client, text)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.is_valid
    assert preview.new_trainers == [("new.person@example.org", "Nia Newton")]
    assert b"Import 3 qualifications" in response.content
    assert User.objects.count() == users_before
    assert not TrainerQualification.objects.exists()

    response = staff_client.post(CONFIRM_URL, {"sha256": preview.sha256})

    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    new_user = User.objects.get(email="new.person@example.org")
    assert new_user.name == "Nia Newton"
    assert not new_user.has_usable_password()
    assert EmailAddress.objects.filter(user=new_user, verified=True, primary=True).exists()
    assert TrainerProfile.objects.filter(user=new_user).exists()
    records = TrainerQualification.objects.order_by("awarded_on")
    assert [(r.trainer.user.email, r.qualification_type.slug, r.awarded_on) for r in records] == [
        ("new.person@example.org", "l3-personal-training", dt.date(2019, 7, 12)),
        ("new.person@example.org", "l3-exercise-referral", dt.date(2021, 3, 14)),
        (trainer_user.email, "first-aid-at-work", dt.date(2024, 11, 2)),
    ]
    assert {r.status for r in records} == {VerificationStatus.PENDING}
    assert records[2].expires_on == dt.date(2027, 11, 1)
    summary = AuditEvent.objects.get(action="trainers.import")
    assert summary.after["rows"] == 3
    assert summary.after["sha256"] == preview.sha256
    assert summary.target_id == preview.sha256
    assert AuditEvent.objects.filter(action="trainer.create").count() == 1
    assert AuditEvent.objects.filter(action="qualification.create").count() == 3

    page = staff_client.get(IMPORT_URL)
    assert b"Import complete" in page.content
    assert b"new.person@example.org" in page.content


def test_any_invalid_row_saves_nothing_and_lists_every_rows_errors(
    staff_client, catalogue, trainer_user, mentor_user
):
    factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile,
        qualification_type=QualificationType.objects.get(slug="l3-personal-training"),
        certificate_number="AIQ-9",
    )
    text = HEADER + (
        "ok@example.org,Olive Okay,l3-personal-training,Active IQ,A-1,2020-01-01,\n"  # 2
        "bad@example.org,Bea Bad,Level 3 Personal Trainng,,,2020-01-01,\n"  # 3
        "date@example.org,Dee Date,l3-personal-training,,,31/02/2020,\n"  # 4
        "future@example.org,Fay Future,l3-personal-training,,,2027-01-01,\n"  # 5
        "not-an-email,No Mail,l3-personal-training,,,2020-01-01,\n"  # 6
        f"{mentor_user.email},Mo Mentor,l3-personal-training,,,2020-01-01,\n"  # 7
        "ok@example.org,Olive Okay,l3-personal-training,Active IQ,A-1,2020-01-01,\n"  # 8
        f"{trainer_user.email},,l3-personal-training,,AIQ-9,2020-01-01,\n"  # 9
        "noname@example.org,,l3-personal-training,,,2020-01-01,\n"  # 10
        "body@example.org,Bo Body,l3-personal-training,Active QI,,2020-01-01,\n"  # 11
    )

    response = upload(staff_client, text)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert not preview.is_valid
    assert row_messages(response, 2) == ""
    assert "not in the catalogue" in row_messages(response, 3)
    assert "Level 3 Certificate in Personal Training" in row_messages(response, 3)
    assert "is not a date" in row_messages(response, 4)
    assert "in the future" in row_messages(response, 5)
    assert "not a valid e-mail address" in row_messages(response, 6)
    assert "not a trainer" in row_messages(response, 7)
    assert "Repeats row 2" in row_messages(response, 8)
    assert "already has" in row_messages(response, 9)
    assert "full name" in row_messages(response, 10)
    assert "Did you mean “Active IQ”?" in row_messages(response, 11)
    assert preview.rows_with_errors == 10 - 1
    assert [email for email, _name in preview.new_trainers] == [
        "ok@example.org",
        "bad@example.org",
        "date@example.org",
        "future@example.org",
        "noname@example.org",
        "body@example.org",
    ]
    assert b"nothing can be imported" in response.content
    assert b"Import 10" not in response.content
    assert "trainers_import_pending" not in staff_client.session

    staff_client.post(CONFIRM_URL, {"sha256": preview.sha256})

    assert not TrainerQualification.objects.exclude(certificate_number="AIQ-9").exists()
    assert not User.objects.filter(email="ok@example.org").exists()
    assert not AuditEvent.objects.filter(action="trainers.import").exists()


def test_utf8_with_byte_order_mark_is_accepted(staff_client, catalogue):
    text = HEADER + "zoe@example.org,Zoë Brontë,l3-personal-training,,,2020-01-01,\n"

    response = upload(staff_client, text, bom=True)

    assert response.context["preview"].is_valid
    assert response.context["preview"].rows[0].name == "Zoë Brontë"


def test_file_that_is_not_utf8_is_refused(staff_client, catalogue):
    text = HEADER + "zoe@example.org,Zoë Brontë,l3-personal-training,,,2020-01-01,\n"

    response = upload(staff_client, text, encoding="latin-1")

    assert "not UTF-8" in file_errors(response)[0]
    assert "line 2" in file_errors(response)[0]


def test_dates_in_dd_mm_yyyy_are_read_day_first(staff_client, catalogue):
    text = HEADER + "d@example.org,Dee,l3-personal-training,,,03/04/2024,1/2/2027\n"

    row = upload(staff_client, text).context["preview"].rows[0]

    assert row.awarded_on == dt.date(2024, 4, 3)
    assert row.expires_on == dt.date(2027, 2, 1)


def test_duplicate_rows_name_the_first_row(staff_client, catalogue):
    line = "d@example.org,Dee,l3-personal-training,,C-1,2024-01-01,\n"
    same_date_no_number = "e@example.org,Eve,l3-personal-training,,,2024-01-01,\n"

    response = upload(staff_client, HEADER + line + line + same_date_no_number * 2)

    assert "Repeats row 2" in row_messages(response, 3)
    assert "Repeats row 4" in row_messages(response, 5)
    assert row_messages(response, 2) == row_messages(response, 4) == ""


def test_same_trainer_with_two_names_is_refused(staff_client, catalogue):
    text = HEADER + (
        "d@example.org,Dee Smith,l3-personal-training,,,2024-01-01,\n"
        "d@example.org,Dee Smyth,l3-exercise-referral,,,2024-02-01,\n"
    )

    assert "Row 2 gives this e-mail the name" in row_messages(upload(staff_client, text), 3)


def test_wrong_header_is_refused_with_the_expected_columns(staff_client, catalogue):
    text = "email,name,qualifcation,certificate_number\nd@example.org,Dee,x,1\n"

    errors = file_errors(upload(staff_client, text))

    assert any("Unknown column “qualifcation”. Did you mean “qualification”?" in e for e in errors)
    assert any("Missing required columns “qualification”, “awarded_on”." in e for e in errors)
    assert any(e.startswith("The first row must name the columns: email,name,") for e in errors)


def test_header_names_ignore_case_spaces_and_order(staff_client, catalogue):
    text = "Awarded On,Qualification,Email,Name\n2024-01-01,l3-personal-training,d@example.org,D\n"

    assert upload(staff_client, text).context["preview"].is_valid


def test_semicolon_separated_file_gets_a_clear_message(staff_client, catalogue):
    text = "email;name;qualification;awarded_on\nd@example.org;Dee;x;2024-01-01\n"

    assert "separated by semicolons" in file_errors(upload(staff_client, text))[0]


def test_file_over_one_megabyte_is_refused(staff_client, catalogue):
    text = HEADER + "x" * MAX_BYTES

    response = upload(staff_client, text)

    assert "the limit is 1 MB" in file_errors(response)[0]
    assert "trainers_import_pending" not in staff_client.session


def test_more_than_the_row_limit_is_refused(staff_client, catalogue):
    rows = "".join(
        f"t{n}@example.org,T {n},l3-personal-training,,,2024-01-01,\n" for n in range(MAX_ROWS + 1)
    )

    response = upload(staff_client, HEADER + rows)

    assert "the limit is 2,000" in file_errors(response)[0]


def test_empty_file_and_header_only_file_are_refused(staff_client, catalogue):
    assert file_errors(upload(staff_client, "")) == ["The file is empty."]
    assert "no trainers below it" in file_errors(upload(staff_client, HEADER))[0]


def test_row_with_more_values_than_columns_is_refused(staff_client, catalogue):
    text = HEADER + "d@example.org,Smith, Dee,l3-personal-training,,,2024-01-01,\n"

    assert row_messages(upload(staff_client, text), 2) == (
        "This row has 8 values but the header names 7 columns. "
        "Check for a comma that is not inside quotes."
    )


def test_empty_trailing_columns_from_a_spreadsheet_are_ignored(staff_client, catalogue):
    text = HEADER.rstrip("\n") + ",,\n" + "d@example.org,Dee,l3-personal-training,,,2024-01-01,,,\n"

    assert upload(staff_client, text).context["preview"].is_valid


def test_inactive_qualification_type_is_refused(staff_client, catalogue):
    QualificationType.objects.filter(slug="l3-personal-training").update(is_active=False)
    text = HEADER + "d@example.org,Dee,l3-personal-training,,,2024-01-01,\n"

    assert "no longer offered" in row_messages(upload(staff_client, text), 2)


def test_missing_prerequisite_is_a_warning_not_an_error(staff_client, catalogue):
    text = HEADER + "d@example.org,Dee,l4-stroke,,,2024-01-01,\n"

    response = upload(staff_client, text)

    assert response.context["preview"].is_valid
    assert "Needs “Level 3 Diploma in Exercise Referral” first" in (
        response.context["warnings"][0].message
    )


def test_confirm_checks_the_file_again_and_refuses_when_the_catalogue_changed(
    staff_client, catalogue
):
    text = HEADER + "d@example.org,Dee,l3-personal-training,,,2024-01-01,\n"
    preview = upload(staff_client, text).context["preview"]
    assert preview.is_valid
    QualificationType.objects.filter(slug="l3-personal-training").update(is_active=False)

    response = staff_client.post(CONFIRM_URL, {"sha256": preview.sha256})

    assert response.status_code == 200
    assert b"Nothing was imported: the file is no longer valid" in response.content
    assert "no longer offered" in row_messages(response, 2)
    assert not User.objects.filter(email="d@example.org").exists()
    assert not TrainerQualification.objects.exists()
    assert "trainers_import_pending" not in staff_client.session


def test_confirm_refuses_a_preview_replaced_by_another_upload(staff_client, catalogue):
    first = upload(staff_client, HEADER + "a@example.org,A,l3-personal-training,,,2024-01-01,\n")
    upload(staff_client, HEADER + "b@example.org,B,l3-personal-training,,,2024-01-01,\n")

    response = staff_client.post(CONFIRM_URL, {"sha256": first.context["preview"].sha256})

    assert response.status_code == 302
    assert not TrainerQualification.objects.exists()


def test_confirm_refuses_an_expired_preview(staff_client, catalogue):
    text = HEADER + "a@example.org,A,l3-personal-training,,,2024-01-01,\n"
    sha256 = upload(staff_client, text).context["preview"].sha256

    with time_machine.travel(dt.datetime(2026, 6, 15, 13, 30, tzinfo=dt.UTC)):
        response = staff_client.post(CONFIRM_URL, {"sha256": sha256})

    assert response.status_code == 302
    assert not TrainerQualification.objects.exists()


def test_imported_trainer_claims_the_account_by_resetting_the_password(
    staff_client, catalogue, client, mailoutbox
):
    text = HEADER + "claim@example.org,Cal Claim,l3-personal-training,,,2024-01-01,\n"
    sha256 = upload(staff_client, text).context["preview"].sha256
    staff_client.post(CONFIRM_URL, {"sha256": sha256})
    client.logout()

    client.post(reverse("account_reset_password"), {"email": "claim@example.org"})

    assert [m.to for m in mailoutbox] == [["claim@example.org"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_template_and_example_downloads(staff_client, catalogue):
    template = staff_client.get(TEMPLATE_URL)
    example = staff_client.get(TEMPLATE_URL, {"example": "1"})

    assert template["Content-Disposition"] == 'attachment; filename="trainers-import-template.csv"'
    assert template.content.decode("utf-8") == "\ufeff" + HEADER.replace("\n", "\r\n")
    example_text = example.content.decode("utf-8-sig")
    assert example_text.count("\r\n") == 4
    # The example is itself a valid import.
    assert upload(staff_client, example_text).context["preview"].is_valid


def test_upload_page_documents_the_format(staff_client, catalogue):
    response = staff_client.get(IMPORT_URL)

    assert response.status_code == 200
    for text in (b"awarded_on", b"l3-personal-training", b"Forgot your password?", b"pending"):
        assert text in response.content


def test_import_appears_in_the_navigation_of_staff_only(client_for, staff_user, trainer_user):
    assert IMPORT_URL.encode() in client_for(staff_user).get("/").content
    assert IMPORT_URL.encode() not in client_for(trainer_user).get("/").content


@pytest.mark.parametrize("persona", ["trainer_user", "mentor_user", "clinic_admin_user"])
@pytest.mark.parametrize(
    ("method", "url"),
    [("get", IMPORT_URL), ("post", IMPORT_URL), ("post", CONFIRM_URL), ("get", TEMPLATE_URL)],
)
def test_people_who_are_not_staff_are_refused(client_for, request, persona, method, url):
    client = client_for(request.getfixturevalue(persona))

    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("url", [IMPORT_URL, CONFIRM_URL, TEMPLATE_URL])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_preview_queries_do_not_grow_with_rows(catalogue, trainer_user):
    def count(rows: int) -> int:
        text = HEADER + "".join(
            f"t{n}@example.org,T {n},l3-personal-training,,C{n},2024-01-01,\n" for n in range(rows)
        )
        text += f"{trainer_user.email},,l3-exercise-referral,,,2024-01-01,\n"
        upload_file = SimpleUploadedFile("t.csv", text.encode())
        with CaptureQueriesContext(connection) as queries:
            assert trainers_import_preview(upload=upload_file).is_valid
        return len(queries)

    assert count(3) == count(300) == 7


# --- Which account an address identifies: its verified primary address only ---------------


def _claim_address(user, email, *, verified, primary):
    """`user` holds `email` as allauth records it (a sign-up, or an address added later)."""
    if primary:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
    return EmailAddress.objects.create(user=user, email=email, verified=verified, primary=primary)


def _row_for(email):
    return HEADER + f"{email},Vic Victim,l3-personal-training,,V-1,2024-01-01,\n"


def test_an_unverified_primary_address_is_not_matched(staff_client, catalogue):
    user = factories.UserFactory(email="victim@example.org", verified_email=False)
    factories.TrainerProfileFactory(user=user)
    _claim_address(user, "victim@example.org", verified=False, primary=True)

    response = upload(staff_client, _row_for("Victim@Example.org"))

    assert not response.context["preview"].is_valid
    assert "has not verified it" in row_messages(response, 2)
    assert response.context["new_trainers"] == []


def test_an_unverified_secondary_address_is_not_matched(staff_client, catalogue, trainer_user):
    # A trainer adds someone else's address to their own account and never verifies it.
    _claim_address(trainer_user, "victim@example.org", verified=False, primary=False)

    response = upload(staff_client, _row_for("victim@example.org"))

    assert not response.context["preview"].is_valid
    assert "has not verified it" in row_messages(response, 2)
    assert response.context["preview"].rows[0].trainer is None


def test_a_verified_secondary_address_is_not_matched(staff_client, catalogue, trainer_user):
    _claim_address(trainer_user, "second@example.org", verified=True, primary=False)

    response = upload(staff_client, _row_for("SECOND@example.org"))

    assert not response.context["preview"].is_valid
    assert "not the one it signs in with" in row_messages(response, 2)
    assert response.context["preview"].rows[0].trainer is None


def test_a_login_address_without_a_verified_record_is_not_matched(staff_client, catalogue):
    # createsuperuser (or the shell) makes an account without allauth's EmailAddress row.
    user = factories.TrainerProfileFactory(user__verified_email=False).user

    response = upload(staff_client, _row_for(user.email))

    assert "has not verified it" in row_messages(response, 2)


def test_a_verified_primary_address_matches_whatever_its_case(
    staff_client, catalogue, trainer_user, other_trainer_user
):
    # Someone else holding the same address unverified changes nothing: the verified one wins.
    _claim_address(other_trainer_user, trainer_user.email.upper(), verified=False, primary=False)

    response = upload(staff_client, _row_for(trainer_user.email.upper()))

    preview = response.context["preview"]
    assert preview.is_valid
    assert preview.rows[0].trainer == trainer_user.trainer_profile
    staff_client.post(CONFIRM_URL, {"sha256": preview.sha256})
    assert TrainerQualification.objects.get().trainer == trainer_user.trainer_profile


def test_confirm_refuses_an_address_that_stopped_being_verified_primary(
    staff_client, catalogue, trainer_user, other_trainer_user
):
    preview = upload(staff_client, _row_for(trainer_user.email)).context["preview"]
    assert preview.is_valid
    # Between preview and confirm the address becomes a further, unverified one.
    EmailAddress.objects.filter(email=trainer_user.email).update(verified=False, primary=False)

    response = staff_client.post(CONFIRM_URL, {"sha256": preview.sha256})

    assert response.status_code == 200
    assert b"Nothing was imported" in response.content
    assert "has not verified it" in row_messages(response, 2)
    assert not TrainerQualification.objects.exists()


def test_confirm_refuses_a_new_address_claimed_by_an_account_since_the_preview(
    staff_client, catalogue, trainer_user
):
    preview = upload(staff_client, _row_for("newcomer@example.org")).context["preview"]
    assert preview.new_trainers == [("newcomer@example.org", "Vic Victim")]
    _claim_address(trainer_user, "newcomer@example.org", verified=False, primary=False)

    response = staff_client.post(CONFIRM_URL, {"sha256": preview.sha256})

    assert "has not verified it" in row_messages(response, 2)
    assert not User.objects.filter(email="newcomer@example.org").exists()
    assert not TrainerQualification.objects.exists()


def test_dates_in_other_scripts_digits_are_not_dates(staff_client, catalogue):
    text = HEADER + "d@example.org,Dee,l3-personal-training,,,٢٠٢٤-٠١-٠١,\n"  # Arabic-Indic

    response = upload(staff_client, text)

    assert "is not a date" in row_messages(response, 2)


# --- One prerequisite rule for the record pages and the import: verified only ------------


@pytest.mark.parametrize(
    ("status", "warned"),
    [
        (VerificationStatus.PENDING, "which is not verified yet"),
        (VerificationStatus.REJECTED, "which was rejected on the trainer's record"),
        (VerificationStatus.VERIFIED, None),
    ],
)
def test_a_prerequisite_counts_only_when_verified_as_on_the_record_pages(
    staff_client, catalogue, trainer_user, status, warned
):
    from qualifications.prerequisites import warnings_for_qualifications

    referral = QualificationType.objects.get(slug="l3-exercise-referral")
    factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile, qualification_type=referral, status=status
    )
    text = HEADER + f"{trainer_user.email},,l4-stroke,,S-1,2024-01-01,\n"

    preview = upload(staff_client, text).context["preview"]

    messages = [w.message for w in preview.warnings if w.column == "qualification"]
    if warned is None:
        assert messages == []
    else:
        assert len(messages) == 1 and warned in messages[0]
    # The trainer's record page decides the same way for the same records.
    stroke = factories.TrainerQualificationFactory(
        trainer=trainer_user.trainer_profile,
        qualification_type=QualificationType.objects.get(slug="l4-stroke"),
    )
    page_warnings = warnings_for_qualifications([stroke])[stroke.pk]
    assert bool(page_warnings) == (warned is not None)


def test_a_prerequisite_in_the_same_file_is_still_unverified(staff_client, catalogue):
    text = HEADER + (
        "d@example.org,Dee,l3-exercise-referral,,R-1,2023-01-01,\n"
        "d@example.org,Dee,l4-stroke,,S-1,2024-01-01,\n"
    )

    preview = upload(staff_client, text).context["preview"]

    assert preview.is_valid
    assert "which is not verified yet" in " ".join(w.message for w in preview.warnings)


def test_the_preview_shows_the_expiry_the_record_will_have(catalogue, trainer_user):
    from qualifications.rules import qualification_expiry

    first_aid = QualificationType.objects.get(slug="first-aid-at-work")
    text = HEADER + f"{trainer_user.email},,first-aid-at-work,,F-1,2024-11-02,\n"
    preview = trainers_import_preview(upload=SimpleUploadedFile("t.csv", text.encode()))
    record = factories.TrainerQualificationFactory.build(
        qualification_type=first_aid, awarded_on=dt.date(2024, 11, 2), expires_on=None
    )

    assert (
        preview.rows[0].expiry
        == record.expiry_date()
        == qualification_expiry(dt.date(2024, 11, 2), None, first_aid.validity_months)
    )
    assert preview.rows[0].expiry is not None
