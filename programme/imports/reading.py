"""The file format, what a row holds, and reading a file into rows of text."""

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field

from qualifications.models import AwardingBody, QualificationType
from qualifications.rules import qualification_expiry
from rehabpath.errors import DomainError
from trainers.models import TrainerProfile

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000

# (column, required, what to write) — the page documents the format from this list.
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("email", True, "The trainer's e-mail address: it identifies the trainer and their login."),
    ("name", True, "Full name, as on their certificates. Needed for new trainers only."),
    ("qualification", True, "A qualification from the catalogue: its code or its exact name."),
    ("awarding_body", False, "The awarding body's name as in the catalogue, e.g. Active IQ."),
    ("certificate_number", False, "The number printed on the certificate."),
    ("awarded_on", True, "Date awarded: YYYY-MM-DD or DD/MM/YYYY."),
    ("expires_on", False, "Only when the certificate states an expiry date; same formats."),
)
COLUMN_NAMES = tuple(name for name, _required, _help in COLUMNS)
REQUIRED_COLUMNS = frozenset(name for name, required, _help in COLUMNS if required)
MAX_LENGTHS = {"email": 254, "name": 150, "certificate_number": 100}
# Where each column's raw text goes on an ImportRow.
ROW_ATTRIBUTES = {
    "email": "email",
    "name": "name",
    "qualification": "qualification_text",
    "awarding_body": "awarding_body_text",
    "certificate_number": "certificate_number",
    "awarded_on": "awarded_on_text",
    "expires_on": "expires_on_text",
}

# ASCII digits only (`\d` takes every script's digits, which int() would then read).
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ImportIssue:
    row: int | None  # the spreadsheet row (the header is row 1); None for the whole file
    column: str  # a column name, or "" for the whole row or file
    message: str


@dataclass
class ImportRow:
    number: int
    email: str = ""
    name: str = ""
    qualification_text: str = ""
    awarding_body_text: str = ""
    certificate_number: str = ""
    awarded_on_text: str = ""
    expires_on_text: str = ""
    qualification: QualificationType | None = None
    awarding_body: AwardingBody | None = None
    awarded_on: dt.date | None = None
    expires_on: dt.date | None = None
    trainer: TrainerProfile | None = None  # the existing trainer, or None for a new one
    misaligned: bool = False  # more values than columns: the other checks are skipped
    has_account: bool = False  # the e-mail belongs to an account (a trainer's or not)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(ImportIssue(self.number, column, message))

    def warn(self, column: str, message: str) -> None:
        self.warnings.append(ImportIssue(self.number, column, message))

    def checked_values(self) -> tuple[QualificationType, dt.date]:
        """The values every valid row has; the checks refuse a row without them."""
        if self.qualification is None or self.awarded_on is None:
            raise DomainError(f"Row {self.number} has not passed the checks.")
        return self.qualification, self.awarded_on

    @property
    def expiry(self) -> dt.date | None:
        """The expiry the record will have: the certificate's own, or the type's validity."""
        months = self.qualification.validity_months if self.qualification else None
        return qualification_expiry(self.awarded_on, self.expires_on, months)

    @property
    def is_new_trainer(self) -> bool:
        """The row would create an account (its e-mail is valid and not known yet)."""
        return (
            bool(self.email)
            and not self.has_account
            and not any(issue.column == "email" for issue in self.errors)
        )


@dataclass
class ImportPreview:
    filename: str
    sha256: str  # of the file's bytes, as `sha256sum` prints it
    text: str = ""
    file_errors: list[ImportIssue] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def row_errors(self) -> list[ImportIssue]:
        return [issue for row in self.rows for issue in row.errors]

    @property
    def warnings(self) -> list[ImportIssue]:
        return [issue for row in self.rows for issue in row.warnings]

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + len(self.row_errors)

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.row_errors

    @property
    def new_trainers(self) -> list[tuple[str, str]]:
        """(email, name) of every account the import would create, in file order."""
        seen: dict[str, str] = {}
        for row in self.rows:
            if row.is_new_trainer and row.email not in seen:
                seen[row.email] = row.name
        return list(seen.items())

    @property
    def existing_trainer_count(self) -> int:
        return len({row.trainer.pk for row in self.rows if row.trainer is not None})


@dataclass(frozen=True)
class ImportResult:
    sha256: str
    filename: str
    rows: int
    trainers_created: list[tuple[str, str]]
    qualifications_created: int
    existing_trainers: int


# --- Reading the file ---------------------------------------------------------------------


def _header_key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    megabytes = f"{size / (1024 * 1024):.2f}".rstrip("0").rstrip(".")
    return f"{megabytes} MB"


def too_large(size: int) -> ImportIssue:
    return ImportIssue(
        None,
        "",
        f"The file is {_human_size(size)}; the limit is {_human_size(MAX_BYTES)}. "
        "Split it into smaller files.",
    )


def decode(data: bytes, preview: ImportPreview) -> str | None:
    if len(data) > MAX_BYTES:
        preview.file_errors.append(too_large(len(data)))
        return None
    if not data.strip():
        preview.file_errors.append(ImportIssue(None, "", "The file is empty."))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        preview.file_errors.append(
            ImportIssue(
                None,
                "",
                "The file is saved as UTF-16 (Excel's “Unicode Text”). Save it as "
                "“CSV UTF-8 (Comma delimited)” and upload it again.",
            )
        )
        return None
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        preview.file_errors.append(
            ImportIssue(
                line,
                "",
                f"The file is not UTF-8 text (the first unreadable character is on line {line}). "
                "In Excel choose Save As › “CSV UTF-8 (Comma delimited)”.",
            )
        )
        return None
    if "\x00" in text:
        preview.file_errors.append(
            ImportIssue(None, "", "The file contains binary data: it is not a CSV file.")
        )
        return None
    return text


def read_records(text: str, preview: ImportPreview) -> list[tuple[int, list[str]]] | None:
    try:
        records = list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    except csv.Error as exc:
        preview.file_errors.append(
            ImportIssue(None, "", f"The file is not a readable CSV file ({exc}).")
        )
        return None
    return records


def read_header(cells: list[str], preview: ImportPreview) -> list[str] | None:
    while cells and not cells[-1].strip():
        cells = cells[:-1]  # spreadsheets often add empty trailing columns
    if len(cells) == 1 and ";" in cells[0]:
        preview.file_errors.append(
            ImportIssue(
                1,
                "",
                "The columns are separated by semicolons. Save the file as "
                "“CSV UTF-8 (Comma delimited)” so that they are separated by commas.",
            )
        )
        return None
    header = [_header_key(cell) for cell in cells]
    problems = []
    for position, key in enumerate(header, start=1):
        if not key:
            problems.append(f"Column {position} has no name.")
        elif key not in COLUMN_NAMES:
            close = difflib.get_close_matches(key, COLUMN_NAMES, n=1, cutoff=0.6)
            hint = f" Did you mean “{close[0]}”?" if close else ""
            problems.append(f"Unknown column “{cells[position - 1].strip()}”.{hint}")
    for key in sorted({k for k in header if k and header.count(k) > 1}):
        problems.append(f"The column “{key}” appears more than once.")
    missing = [name for name in COLUMN_NAMES if name in REQUIRED_COLUMNS and name not in header]
    if missing:
        problems.append(
            "Missing required column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(f"“{name}”" for name in missing)
            + "."
        )
    if problems:
        expected = ",".join(COLUMN_NAMES)
        for problem in problems:
            preview.file_errors.append(ImportIssue(1, "", problem))
        preview.file_errors.append(
            ImportIssue(1, "", f"The first row must name the columns: {expected}")
        )
        return None
    return header


def parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None when the text is not a real date in either form."""
    try:
        if _ISO_DATE.fullmatch(text):
            year, month, day = (int(part) for part in text.split("-"))
            return dt.date(year, month, day)
        match = _UK_DATE.fullmatch(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def show_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
