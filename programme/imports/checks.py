"""Every check of an import, read-only, in a fixed number of queries whatever the rows."""

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone

from programme.imports.reading import (
    COLUMN_NAMES,
    CONTROL,
    MAX_LENGTHS,
    MAX_ROWS,
    ROW_ATTRIBUTES,
    ImportIssue,
    ImportPreview,
    ImportRow,
    parse_date,
    read_header,
    read_records,
    show_date,
)
from qualifications.models import AwardingBody, QualificationType, TrainerQualification
from qualifications.rules import (
    QualificationKey,
    comparable_text,
    qualification_key,
    unmet_prerequisites,
)
from rehabpath.models import User
from trainers.models import VerificationStatus

# --- The catalogue ------------------------------------------------------------------------


class _Catalogue:
    """Qualification types and awarding bodies, looked up by name or code, loaded once."""

    def __init__(self) -> None:
        self.types = list(
            QualificationType.objects.prefetch_related("awarding_bodies", "prerequisites")
        )
        self.bodies = list(AwardingBody.objects.all())
        self.type_index: dict[str, QualificationType] = {}
        for qtype in self.types:
            for key in (qtype.slug, qtype.name, str(qtype)):
                self.type_index.setdefault(comparable_text(key), qtype)
        self.body_index = {comparable_text(body.name): body for body in self.bodies}
        self._suggestions: dict[tuple[str, str], list[str]] = {}

    def suggest(self, kind: str, text: str) -> list[str]:
        """Up to three catalogue names closest to what was written."""
        key = (kind, comparable_text(text))
        if key not in self._suggestions:
            if kind == "qualification":
                names = {
                    comparable_text(k): str(t)
                    for t in self.types
                    if t.is_active
                    for k in (t.slug, t.name)
                }
            else:
                names = {comparable_text(b.name): b.name for b in self.bodies}
            self._suggestions[key] = _closest(key[1], names)
        return self._suggestions[key]


def _closest(value: str, names: dict[str, str]) -> list[str]:
    words = set(re.findall(r"\w+", value))
    scored = []
    for candidate, display in names.items():
        score = difflib.SequenceMatcher(None, value, candidate).ratio()
        candidate_words = set(re.findall(r"\w+", candidate))
        if words and candidate_words:
            overlap = len(words & candidate_words) / len(words | candidate_words)
            if words <= candidate_words:
                overlap = max(overlap, 0.7)
            score = max(score, overlap)
        if score >= 0.5:
            scored.append((score, display))
    result: list[str] = []
    for _score, display in sorted(scored, key=lambda pair: -pair[0]):
        if display not in result:
            result.append(display)
    return result[:3]


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    quoted = [f"“{name}”" for name in names]
    options = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" Did you mean {options}?"


# --- Checking the rows --------------------------------------------------------------------


def _cells_to_row(number: int, header: list[str], width: int, cells: list[str]) -> ImportRow:
    """The row's raw values; `width` counts the header's cells, empty trailing ones included."""
    row = ImportRow(number=number)
    values = dict(zip(header, cells, strict=False))
    if len(cells) > width or any(cell.strip() for cell in cells[len(header) :]):
        # Values have shifted (usually an unquoted comma): checking them would only add noise.
        row.misaligned = True
        row.error(
            "",
            f"This row has {len(cells)} values but the header names {len(header)} columns. "
            "Check for a comma that is not inside quotes.",
        )
    for column in COLUMN_NAMES:
        value = (values.get(column) or "").strip()
        if CONTROL.search(value):
            row.error(column, "Contains an invisible control character. Retype the value.")
            value = CONTROL.sub("", value)
        limit = MAX_LENGTHS.get(column)
        if limit and len(value) > limit:
            row.error(column, f"Too long: at most {limit} characters.")
        setattr(row, ROW_ATTRIBUTES[column], value)
    row.email = row.email.lower()
    return row


def _check_cells(row: ImportRow, catalogue: _Catalogue, today: dt.date) -> None:
    if not row.email:
        row.error("email", "Enter the trainer's e-mail address.")
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.error("email", f"“{row.email}” is not a valid e-mail address.")

    if not row.qualification_text:
        row.error("qualification", "Enter a qualification from the catalogue (its name or code).")
    else:
        qtype = catalogue.type_index.get(comparable_text(row.qualification_text))
        if qtype is None:
            suggestions = catalogue.suggest("qualification", row.qualification_text)
            row.error(
                "qualification",
                f"“{row.qualification_text}” is not in the catalogue."
                + (_did_you_mean(suggestions) or " See the list of qualifications on this page."),
            )
        elif not qtype.is_active:
            row.error(
                "qualification",
                f"“{qtype}” is no longer offered in the catalogue; it cannot be imported.",
            )
        else:
            row.qualification = qtype

    if row.awarding_body_text:
        body = catalogue.body_index.get(comparable_text(row.awarding_body_text))
        if body is None:
            suggestions = catalogue.suggest("body", row.awarding_body_text)
            row.error(
                "awarding_body",
                f"“{row.awarding_body_text}” is not an awarding body in the catalogue."
                + (_did_you_mean(suggestions) or " Leave it empty if you do not know it."),
            )
        else:
            row.awarding_body = body
            listed = list(row.qualification.awarding_bodies.all()) if row.qualification else []
            if listed and body not in listed:
                row.warn(
                    "awarding_body",
                    f"The catalogue does not list {body.name} as an awarding body for "
                    f"“{row.qualification}”. Check the certificate when verifying.",
                )

    for column in ("awarded_on", "expires_on"):
        text = getattr(row, f"{column}_text")
        if not text:
            if column == "awarded_on":
                row.error(column, "Enter the date the qualification was awarded.")
            continue
        day = parse_date(text)
        if day is None:
            row.error(
                column,
                f"“{text}” is not a date. Write it as YYYY-MM-DD (2024-06-30) "
                "or DD/MM/YYYY (30/06/2024).",
            )
        else:
            setattr(row, column, day)
    # The same rules as the trainer's form and the services (TrainerQualification.clean).
    errors = TrainerQualification.date_errors(row.awarded_on, row.expires_on, today=today)
    for column, error in errors.items():
        row.error(column, " ".join(error.messages))
        if error.code == "implausible":  # a typing slip, not a date to compare with
            setattr(row, column, None)
    if row.awarded_on and row.expires_on and not errors and row.expires_on < today:
        row.warn(
            "expires_on",
            f"Expired on {show_date(row.expires_on)}: it will be recorded as expired.",
        )


# Why an address that an account holds does not identify a trainer. Only an account's verified
# primary address does: anyone can add someone else's address to their own account, unverified
# or as a further address, and must not receive that person's imported qualifications.
UNVERIFIED_ADDRESS = (
    "An account uses this address but has not verified it, so the import cannot tell whose it "
    "is. Ask the trainer to confirm the address from the mail they were sent (or to sign in "
    "and send it again), then upload the file again; or use the address they have verified."
)
SECONDARY_ADDRESS = (
    "This is a further address of an account, not the one it signs in with. The import "
    "matches a trainer by their account's main (primary) address only: use that address."
)


def _existing_accounts(
    emails: Iterable[str], *, lock: bool = False
) -> tuple[dict[str, User], dict[str, str]]:
    """The accounts whose verified primary address is one of `emails`, and why each other
    address that an account holds cannot be imported (2 queries, case-insensitive).

    `lock` keeps the matched addresses as they are until the import commits (confirm).
    """
    emails = sorted(set(emails))
    matched: dict[str, User] = {}
    refused: dict[str, str] = {}
    addresses = (
        EmailAddress.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .select_related("user__trainer_profile")
        .order_by("pk")
    )
    if lock:
        addresses = addresses.select_for_update(of=("self",))
    for address in addresses:
        if address.verified and address.primary:
            matched[address.email_lower] = address.user
        elif address.verified:
            refused[address.email_lower] = SECONDARY_ADDRESS
        else:
            refused.setdefault(address.email_lower, UNVERIFIED_ADDRESS)
    # An account's login without an EmailAddress row (createsuperuser makes those) is unverified.
    logins = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    for email_lower in logins.values_list("email_lower", flat=True):
        refused.setdefault(email_lower, UNVERIFIED_ADDRESS)
    return matched, {email: why for email, why in refused.items() if email not in matched}


def _check_people(rows: list[ImportRow], *, lock: bool = False) -> None:
    accounts, refused = _existing_accounts(
        (row.email for row in rows if row.email and not row.misaligned), lock=lock
    )
    first_name_row: dict[str, ImportRow] = {}
    for row in rows:
        if not row.email or row.misaligned:
            continue
        user = accounts.get(row.email)
        row.has_account = user is not None or row.email in refused
        if row.email in refused:
            row.error("email", refused[row.email])
        elif user is None:
            if not row.name:
                row.error("name", "Enter the trainer's full name: this row creates a new account.")
        elif not user.is_active:
            row.error("email", "This e-mail belongs to a closed account; it cannot be imported.")
        elif not hasattr(user, "trainer_profile"):
            row.error(
                "email",
                "This e-mail belongs to an existing account that is not a trainer. Use the "
                "trainer's own address, or give that account a trainer profile first.",
            )
        else:
            row.trainer = user.trainer_profile
            if row.name and comparable_text(row.name) != comparable_text(user.name):
                row.warn(
                    "name",
                    f"Existing trainer: the account keeps its name “{user.name}”.",
                )
        if row.name:
            first = first_name_row.setdefault(row.email, row)
            if first is not row and comparable_text(first.name) != comparable_text(row.name):
                row.error(
                    "name",
                    f"Row {first.number} gives this e-mail the name “{first.name}”. "
                    "Use the same name on every row of one trainer.",
                )


def _check_records(rows: list[ImportRow]) -> None:
    trainers = {row.trainer.pk for row in rows if row.trainer is not None}
    on_record: dict[int, dict[QualificationKey, TrainerQualification]] = {}
    # trainer -> qualification type -> the statuses of their records of it
    held: dict[int, dict[int, set[str]]] = {}
    for record in TrainerQualification.objects.filter(trainer_id__in=trainers):
        on_record.setdefault(record.trainer_id, {})[record.key()] = record
        held.setdefault(record.trainer_id, {}).setdefault(record.qualification_type_id, set()).add(
            record.status
        )

    in_file: dict[tuple[str, *QualificationKey], ImportRow] = {}
    certificates: dict[tuple[int, str], ImportRow] = {}
    held_in_file: dict[str, set[int]] = {}
    for row in rows:
        if row.qualification is None or not row.email:
            continue
        held_in_file.setdefault(row.email, set()).add(row.qualification.pk)
        key = qualification_key(row.qualification.pk, row.certificate_number, row.awarded_on)
        first = in_file.setdefault((row.email, *key), row)
        if first is not row:
            row.error(
                "",
                f"Repeats row {first.number}: same trainer, qualification and "
                + ("certificate number." if row.certificate_number else "award date.")
                + " Delete one of them.",
            )
            continue
        if row.trainer is not None and key in on_record.get(row.trainer.pk, {}):
            existing = on_record[row.trainer.pk][key]
            row.error(
                "certificate_number" if row.certificate_number else "awarded_on",
                f"{row.trainer} already has “{row.qualification}” on record with this "
                + ("certificate number" if row.certificate_number else "award date")
                + f" ({existing.get_status_display().lower()}).",
            )
        if row.certificate_number:
            cert_key = (row.qualification.pk, comparable_text(row.certificate_number))
            other = certificates.setdefault(cert_key, row)
            if other is not row and other.email != row.email:
                row.warn(
                    "certificate_number",
                    f"Row {other.number} gives another trainer the same certificate number "
                    "for this qualification.",
                )

    for row in rows:
        if row.qualification is None or row.errors:
            continue
        statuses = held.get(row.trainer.pk, {}) if row.trainer is not None else {}
        have = {type_id: set(found) for type_id, found in statuses.items()}
        for type_id in held_in_file.get(row.email, set()):
            have.setdefault(type_id, set()).add(VerificationStatus.PENDING)  # imported pending
        # The record pages' rule (qualifications.rules): only a verified prerequisite counts.
        for required, held_as in unmet_prerequisites(row.qualification.prerequisites.all(), have):
            why = {
                str(VerificationStatus.PENDING): (
                    "which is not verified yet (it is pending on the trainer's record or in "
                    "this file)"
                ),
                str(VerificationStatus.REJECTED): "which was rejected on the trainer's record",
            }.get(held_as, "which is neither in this file nor on the trainer's record")
            row.warn(
                "qualification",
                f"Needs “{required}” first, {why}. It will be imported and shown with a warning.",
            )


def validate(*, text: str, filename: str, sha256: str, lock: bool = False) -> ImportPreview:
    """Every check, read-only, in a fixed number of queries whatever the number of rows.

    `lock` (the confirm step, inside its transaction) holds the matched e-mail addresses
    until the import commits, so none can change between this check and the writes.
    """
    preview = ImportPreview(filename=filename, sha256=sha256, text=text)
    records = read_records(text, preview)
    if records is None:
        return preview
    records = [(n, cells) for n, cells in records if any(cell.strip() for cell in cells)]
    if not records:
        preview.file_errors.append(ImportIssue(None, "", "The file is empty."))
        return preview
    (_first, header_cells), data = records[0], records[1:]
    header = read_header(header_cells, preview)
    if header is None:
        return preview
    if not data:
        preview.file_errors.append(
            ImportIssue(None, "", "The file has a header row but no trainers below it.")
        )
        return preview
    if len(data) > MAX_ROWS:
        preview.file_errors.append(
            ImportIssue(
                None,
                "",
                f"The file has {len(data):,} rows; the limit is {MAX_ROWS:,}. "
                "Split it into several files.",
            )
        )
        return preview
    catalogue = _Catalogue()
    today = timezone.localdate()
    width = len(header_cells)
    preview.rows = [_cells_to_row(number, header, width, cells) for number, cells in data]
    for row in preview.rows:
        if not row.misaligned:
            _check_cells(row, catalogue, today)
    _check_people(preview.rows, lock=lock)
    _check_records(preview.rows)
    return preview
