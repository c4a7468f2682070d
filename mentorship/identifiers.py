"""Spotting text that could identify a client, for the supervised-session form.

DESIGN.md: a supervised session's client reference "must not identify the client", and nothing
identifying a client is stored, not even in the audit log of a refused attempt. This module only
*detects*; it touches no database and keeps nothing.

How the form must use it:

- **Client reference: refuse.** Call ``check_client_reference(value)``; when it returns a
  message, raise it as the field's error (``DomainError(message, field="client_reference")``
  or ``form.add_error``) and save nothing. A reference must be a short code such as "C-014" or
  "Client A" (see ``check_client_reference`` for the exact rule).
- **Free text (delivered, adapted, escalation, reflection): warn.** Call
  ``free_text_warning(value)`` (or ``find_identifiers`` for the spans, e.g. to highlight them
  in the browser) and show the warning next to the field; the trainer edits the text, or
  confirms that it does not identify the client, before it is saved.
- **Never store or log the matched text.** A ``Finding`` holds a kind, a message and a span,
  never the text; messages are fixed sentences that do not repeat the input, so they are safe
  in logs and in the audit log. Do not put the submitted value of a refused field into an
  audit event, a log line, an exception message or a re-rendered form; re-render the field
  empty (or with the trainer's own unsaved input only, in the response, never persisted).

Rules (each detector errs on the side of warning):

- NHS number: 10 digits passing the modulus-11 check, in any grouping, digits separated by up
  to 4 spaces, hyphens or dashes ("943 476 5919", "9434765919", "94-34-765919"). Ten digits
  failing the check are not NHS numbers.
- Date of birth: a full date (day, month and year) as "03/04/1947", "3.4.47", "3-4-1947",
  "1947-04-03", "3 March 1947", "3rd of March 1947", "3-Mar-47" or "March 3, 1947".
  In a client reference every full date is refused. In free text session notes legitimately
  carry session dates, so a full date warns only when it follows "born", "DOB", "d.o.b.",
  "date of birth", "birth date" or "birthday" (within 30 characters), or when its four-digit
  year is at least 16 years ago (an adult client's year of birth; a recent session date is
  not). Two-digit years in free text warn only after those words ("10/12/14" is often reps).
- UK postcode: every official format (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA,
  and GIR 0AA), any case, with or without the space, starting with a real postcode area; a
  lower-case ordinal such as "S1 2nd" is not a postcode.
- UK phone number: mobiles (07..., +44 7..., 0044 7...) and landlines (01..., 02..., 03...),
  with spaces, hyphens, brackets and "+44 (0)".
- E-mail address: local@domain.tld, also with spaces around "@" or the dots, or "(at)".
- A name after a title: a capitalised word after Mr, Mrs, Ms, Miss, Mx, Dr or Prof (with or
  without the full stop, initials allowed: "Mr J. Smith") or after "client"/"patient" in any
  case ("client Sarah"). After client/patient, weekdays, months and a few ordinary words
  ("client Tuesday", "Patient Reported") are not names.

Every pattern is linear (bounded repetitions, no nested quantifiers), so a long note costs
time proportional to its length.
"""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone


class Kind(StrEnum):
    NHS_NUMBER = "nhs_number"
    DATE_OF_BIRTH = "date_of_birth"
    DATE = "date"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    NAME_AFTER_TITLE = "name_after_title"


# Fixed sentences: they never contain the text that was checked, so they are safe to log.
MESSAGES: dict[Kind, str] = {
    Kind.NHS_NUMBER: "This looks like an NHS number.",
    Kind.DATE_OF_BIRTH: "This looks like a date of birth.",
    Kind.DATE: "This contains a full date, which could be a date of birth.",
    Kind.POSTCODE: "This looks like a postcode.",
    Kind.PHONE: "This looks like a phone number.",
    Kind.EMAIL: "This looks like an e-mail address.",
    Kind.NAME_AFTER_TITLE: "This looks like a person's name after a title such as Mrs or client.",
}

# Short phrases for the one-sentence warning, in the order of Kind.
_PHRASES: dict[Kind, str] = {
    Kind.NHS_NUMBER: "an NHS number",
    Kind.DATE_OF_BIRTH: "a date of birth",
    Kind.DATE: "a full date",
    Kind.POSTCODE: "a postcode",
    Kind.PHONE: "a phone number",
    Kind.EMAIL: "an e-mail address",
    Kind.NAME_AFTER_TITLE: "a person's name",
}

REFERENCE_MESSAGE = (
    "Use a short code for the client, such as “C-014” or “Client A”: no names, NHS numbers, "
    "dates of birth, postcodes, phone numbers or e-mail addresses."
)


@dataclass(frozen=True, slots=True)
class Finding:
    """Where something identifying seems to be; deliberately without the matched text."""

    kind: Kind
    start: int
    end: int

    @property
    def message(self) -> str:
        return MESSAGES[self.kind]

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


# --- building blocks -----------------------------------------------------------------------

_WS = "[ \t\u00a0]"  # spacing inside one identifier; a line break ends it
_DASHES = "\\-\u2010-\u2015"

# A run of digit groups, as NHS and phone numbers are written; "+" may open a group (+44).
_NUMBER_RUN = re.compile(rf"\+?[0-9]+(?:[ \t\u00a0{_DASHES}()]{{1,4}}\+?[0-9]+)*")
_GROUP = re.compile(r"\+?[0-9]+")

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec"
)
_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ORDINAL = "(?:st|nd|rd|th)"
_DATE_SEP = f"{_WS}{{0,2}}([./\\-]){_WS}{{0,2}}"
_DATE_DMY = re.compile(
    rf"(?<![0-9])([0-9]{{1,2}}){_DATE_SEP}([0-9]{{1,2}}){_WS}{{0,2}}\2{_WS}{{0,2}}"
    r"([0-9]{4}|[0-9]{2})(?![0-9])"
)
_DATE_YMD = re.compile(
    rf"(?<![0-9])([0-9]{{4}}){_DATE_SEP}([0-9]{{1,2}}){_WS}{{0,2}}\2{_WS}{{0,2}}"
    r"([0-9]{1,2})(?![0-9])"
)
_TEXT_SEP = "[ \t\u00a0,./\\-]{0,3}"
_DATE_D_MONTH_Y = re.compile(
    rf"(?<![0-9])([0-9]{{1,2}}){_ORDINAL}?{_TEXT_SEP}(?:of{_WS}{{1,3}})?"
    rf"({_MONTHS})(?![a-z]){_TEXT_SEP}'?([0-9]{{4}}|[0-9]{{2}})(?![0-9])",
    re.IGNORECASE,
)
_DATE_MONTH_D_Y = re.compile(
    rf"(?<![a-z])({_MONTHS})(?![a-z]){_TEXT_SEP}([0-9]{{1,2}}){_ORDINAL}?,?{_WS}{{1,3}}"
    r"([0-9]{4})(?![0-9])",
    re.IGNORECASE,
)
_BIRTH_CONTEXT = re.compile(
    r"(?<![a-z])(?:born|d\.?\s?o\.?\s?b|date\s+of\s+birth|birth\s*date|birthday)(?![a-z])",
    re.IGNORECASE,
)
_CONTEXT_WINDOW = 30
_ADULT_AGE = 16

# Postcode areas (Royal Mail), so "X2 3AB" or "T4 2LP" (a spinal level) is not a postcode.
POSTCODE_AREAS = (
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL "
    "DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW "
    "KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM "
    "S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR "
    "WS WV YO ZE"
).split()
# The inward code's letters never include C, I, K, M, O or V (so "3 kg" and "2 km" are safe).
_INWARD_LETTERS = "ABD-HJLNP-UW-Z"
_POSTCODE = re.compile(
    rf"(?<![A-Za-z0-9])(?:(?:{'|'.join(sorted(POSTCODE_AREAS, key=len, reverse=True))})"
    rf"[0-9][A-Z0-9]?|GIR){_WS}{{0,3}}([0-9][{_INWARD_LETTERS}]{{2}})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ORDINAL_INWARD = re.compile(r"1st|2nd|3rd|[04-9]th")

_DOT = f"{_WS}{{0,2}}\\.{_WS}{{0,2}}"
_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{{1,64}}{_WS}{{0,2}}(?:@|\(at\)|\[at\]){_WS}{{0,2}}"
    rf"[A-Za-z0-9\-]{{1,63}}(?:{_DOT}[A-Za-z0-9\-]{{1,63}}){{0,7}}{_DOT}[A-Za-z]{{2,24}}"
    r"(?![A-Za-z0-9\-])",
    re.IGNORECASE,
)

_NAME = re.compile(
    r"(?<![A-Za-z])(?:(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof)\.?|((?i:client|patient)))"
    rf"{_WS}{{1,3}}(?:[A-Z]\.?{_WS}{{1,3}}){{0,3}}([A-Z][a-z][A-Za-z'’\-]{{0,40}})"
)
# Not names after "client" or "patient" ("client Tuesday", "Patient Reported"); after Mrs or
# Dr every capitalised word counts ("Mrs May").
NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december the and but was were is has had "
    "felt reported reports said says stated wanted needed became managed tolerated completed "
    "fatigued able unable reference ref code group notes feedback education information "
    "consent goals led centred centered safety record records outcome outcomes health home "
    "care zoom teams video phone call visit satisfaction questionnaire survey".split()
)


# --- detectors -------------------------------------------------------------------------------


def nhs_number_is_valid(digits: str) -> bool:
    """The modulus-11 check: weights 10..2 on the first nine digits; 10 is never valid."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _normalise_phone(digits: str, *, plus: bool) -> str | None:
    """The national form (0...) of a number written with +44, 0044 or 0; None otherwise."""
    if plus:
        if not digits.startswith("44"):
            return None
        rest = digits[2:]
    elif digits.startswith("0044"):
        rest = digits[4:]
    else:
        return digits
    # "+44 (0)20 ..." keeps the trunk zero; "+44 20 ..." has none.
    return rest if rest.startswith("0") else "0" + rest


_UK_PHONE = re.compile(r"0(?:7[0-9]{9}|[23][0-9]{9}|1[0-9]{8,9})")


def _number_findings(text: str) -> Iterator[Finding]:
    for run in _NUMBER_RUN.finditer(text):
        offset = run.start()
        groups = [
            (offset + m.start(), offset + m.end(), m.group()) for m in _GROUP.finditer(run.group())
        ]
        # Windows of consecutive groups: each group has at least one digit, so a window of at
        # most 15 digits ("0044 (0)7700 900123") spans at most 15 groups: the scan is linear.
        for i, (start, _, first) in enumerate(groups):
            may_be_phone = first.startswith(("+", "0"))
            plain = ""
            for j in range(i, len(groups)):
                plain += groups[j][2].lstrip("+")
                if len(plain) > 15:
                    break
                if len(plain) == 10 and first[0] != "+" and nhs_number_is_valid(plain):
                    yield Finding(Kind.NHS_NUMBER, start, groups[j][1])
                if may_be_phone and len(plain) >= 10:
                    phone = _normalise_phone(plain, plus=first[0] == "+")
                    if phone is not None and _UK_PHONE.fullmatch(phone):
                        yield Finding(Kind.PHONE, start, groups[j][1])


def _full_year(year: str) -> int | None:
    """A four-digit year as is; a two-digit year is ambiguous (returned as None)."""
    return int(year) if len(year) == 4 else None


def _is_real_date(day: int, month: int, year: int | None) -> bool:
    try:
        # 2000 is a leap year, so a two-digit-year 29 February counts as a date.
        dt.date(year if year is not None else 2000, month, day)
    except ValueError:
        return False
    return True


def _dates(text: str) -> Iterator[tuple[int, int, int | None]]:
    """(start, end, four-digit year or None) of every full date in the text."""
    for m in _DATE_DMY.finditer(text):
        a, b, year = int(m.group(1)), int(m.group(3)), _full_year(m.group(4))
        # UK day-first, but a US month-first date of birth is just as identifying.
        if _is_real_date(a, b, year) or _is_real_date(b, a, year):
            yield m.start(), m.end(), year
    for m in _DATE_YMD.finditer(text):
        year = int(m.group(1))
        if _is_real_date(int(m.group(4)), int(m.group(3)), year):
            yield m.start(), m.end(), year
    for m in _DATE_D_MONTH_Y.finditer(text):
        year_or_none = _full_year(m.group(3))
        month = _MONTH_NUMBER[m.group(2).lower()]
        if _is_real_date(int(m.group(1)), month, year_or_none):
            yield m.start(), m.end(), year_or_none
    for m in _DATE_MONTH_D_Y.finditer(text):
        month = _MONTH_NUMBER[m.group(1).lower()]
        if _is_real_date(int(m.group(2)), month, int(m.group(3))):
            yield m.start(), m.end(), int(m.group(3))


def _date_findings(text: str, *, any_date: bool, today: dt.date) -> Iterator[Finding]:
    latest_birth_year = today.year - _ADULT_AGE
    for start, end, year in _dates(text):
        before = text[max(0, start - _CONTEXT_WINDOW) : start]
        if _BIRTH_CONTEXT.search(before) or (year is not None and year <= latest_birth_year):
            yield Finding(Kind.DATE_OF_BIRTH, start, end)
        elif any_date:
            yield Finding(Kind.DATE, start, end)


def _postcode_findings(text: str) -> Iterator[Finding]:
    for m in _POSTCODE.finditer(text):
        inward = m.group(1)
        if not inward.isupper() and _ORDINAL_INWARD.fullmatch(inward.lower()):
            continue  # "S1 2nd", "L3 4th": a level and an ordinal, not a postcode
        yield Finding(Kind.POSTCODE, m.start(), m.end())


def _email_findings(text: str) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        yield Finding(Kind.EMAIL, m.start(), m.end())


def _name_findings(text: str) -> Iterator[Finding]:
    for m in _NAME.finditer(text):
        if m.group(1) is None or m.group(2).lower() not in NOT_NAMES:
            yield Finding(Kind.NAME_AFTER_TITLE, m.start(), m.end())


def _find(text: str, *, any_date: bool, today: dt.date | None) -> list[Finding]:
    today = today or timezone.localdate()
    found = {
        *_number_findings(text),
        *_date_findings(text, any_date=any_date, today=today),
        *_postcode_findings(text),
        *_email_findings(text),
        *_name_findings(text),
    }
    # One finding per identifier: drop a finding inside a wider one of the same kind
    # ("+44 (0)20 ..." is also "0)20 ..." read from its second group).
    kept: list[Finding] = []
    reach: dict[Kind, int] = {}
    for finding in sorted(found, key=lambda f: (f.kind, f.start, -f.end)):
        if finding.end > reach.get(finding.kind, -1):
            kept.append(finding)
            reach[finding.kind] = finding.end
    return sorted(kept, key=lambda f: (f.start, f.end, f.kind))


# --- the API ----------------------------------------------------------------------------------


def find_identifiers(text: str, *, today: dt.date | None = None) -> list[Finding]:
    """Everything in free text that could identify a client, in reading order.

    ``today`` (default: the local date) decides which years count as years of birth.
    """
    return _find(text, any_date=False, today=today)


def free_text_warning(text: str, *, today: dt.date | None = None) -> str | None:
    """One plain sentence for a free-text field, or None; it never repeats the text."""
    kinds = {f.kind for f in find_identifiers(text, today=today)}
    if not kinds:
        return None
    phrases = [_PHRASES[kind] for kind in Kind if kind in kinds]
    listed = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return (
        f"This text seems to contain {listed}. Remove anything that could identify the "
        "client before saving."
    )


# A reference is letters and digits in short pieces; letter runs must be a known word or an
# upper-case code of at most three letters, so "John Smith", "smith" or "Jones2" are refused.
_REFERENCE_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/#\-]{0,29}")
_LETTER_RUN = re.compile(r"[A-Za-z]+")
_REFERENCE_WORDS = frozenset(
    "client patient participant case ref no member group stroke ms pd sci tbi abi".split()
)


def check_client_reference(ref: str, *, today: dt.date | None = None) -> str | None:
    """The refusal message for a client reference that could identify the client, or None.

    Refused: anything any detector finds (every full date counts, whatever its year), and any
    reference that is not a short code: at most 30 letters, digits, spaces and ". _ / # -",
    where every run of letters is one of the words client, patient, participant, case, ref,
    no, member, group, stroke, MS, PD, SCI, TBI, ABI (any case) or an upper-case code of one
    to three letters ("C-014", "Client A", "PD-7", "CL 12/B"). A blank reference is the form's
    "required" check, not this one.
    """
    value = ref.strip()
    if not value:
        return None
    if _find(value, any_date=True, today=today):
        return REFERENCE_MESSAGE
    if not _REFERENCE_SHAPE.fullmatch(value):
        return REFERENCE_MESSAGE
    for run in _LETTER_RUN.findall(value):
        if run.lower() not in _REFERENCE_WORDS and not (run.isupper() and len(run) <= 3):
            return REFERENCE_MESSAGE
    return None
