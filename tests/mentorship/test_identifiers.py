"""The client-identifier detector: caught in any spacing, and ordinary notes stay quiet."""

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorship.identifiers import (
    MESSAGES,
    NOT_NAMES,
    POSTCODE_AREAS,
    Kind,
    check_client_reference,
    find_identifiers,
    free_text_warning,
    nhs_number_is_valid,
)

TODAY = dt.date(2026, 12, 1)
CORPUS = [
    line.strip()
    for line in (Path(__file__).parent / "corpus_session_notes.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Words around the identifier, so detectors must find it inside ordinary prose.
before = st.sampled_from(["", "Notes: ", "Seen today, ", "ref ", "(", "contact "])
after = st.sampled_from(["", ".", " today", ", then 3 sets of 8", ")", "\nNext line"])


def kinds(text: str) -> set[Kind]:
    return {f.kind for f in find_identifiers(text, today=TODAY)}


def check_digit(nine: str) -> int:
    remainder = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    return 0 if remainder == 0 else 11 - remainder


@st.composite
def spaced(draw: st.DrawFn, chars: str, separators: list[str]) -> str:
    """The characters with a separator, or none, between any two of them."""
    out = chars[0]
    for char in chars[1:]:
        out += draw(st.sampled_from(["", *separators])) + char
    return out


@st.composite
def valid_nhs_numbers(draw: st.DrawFn) -> str:
    nine = draw(st.text("0123456789", min_size=9, max_size=9))
    check = check_digit(nine)
    if check == 10:
        # No NHS number has these nine digits; hypothesis draws another.
        draw(st.nothing())
    return nine + str(check)


NUMBER_SEPARATORS = [" ", "  ", "-", " - ", "\u00a0"]


# --- NHS numbers --------------------------------------------------------------------------


def test_the_modulus_11_check_accepts_a_known_valid_number():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("943476591")


@given(valid_nhs_numbers().flatmap(lambda n: spaced(n, NUMBER_SEPARATORS)), before, after)
def test_a_valid_nhs_number_is_caught_in_any_spacing(number, prefix, suffix):
    assert Kind.NHS_NUMBER in kinds(prefix + number + suffix)


@given(
    valid_nhs_numbers().flatmap(
        lambda n: st.sampled_from("0123456789".replace(n[9], "")).map(lambda d: n[:9] + d)
    ),
)
def test_ten_digits_failing_the_check_are_not_an_nhs_number(number):
    assert Kind.NHS_NUMBER not in kinds(f"Reading {number[:3]} {number[3:6]} {number[6:]}")
    assert Kind.NHS_NUMBER not in kinds(number)


def test_an_nhs_number_inside_a_longer_run_of_digits_is_not_flagged():
    assert Kind.NHS_NUMBER not in kinds("serial 194347659191")


# --- dates ----------------------------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1910, 1, 1), max_value=dt.date(TODAY.year - 16, 12, 31))
any_dates = st.dates(min_value=dt.date(1910, 1, 1), max_value=dt.date(2040, 12, 31))
MONTH_NAMES = [
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May", "May"),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
]


@st.composite
def written_dates(draw: st.DrawFn, day: dt.date, *, two_digit_years: bool = True) -> str:
    """One date in any of the ways a person writes it, in any spacing."""
    year = str(day.year)
    if two_digit_years and draw(st.booleans()):
        year = year[2:]
    sep = draw(st.sampled_from(["/", ".", "-"]))
    pad = draw(st.sampled_from(["", " "]))
    d = draw(st.sampled_from([str(day.day), f"{day.day:02}"]))
    m = draw(st.sampled_from([str(day.month), f"{day.month:02}"]))
    month = draw(st.sampled_from(MONTH_NAMES[day.month - 1])).lower()
    month = draw(st.sampled_from([month, month.title(), month.upper()]))
    ordinal = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day.day, "th")
    return draw(
        st.sampled_from(
            [
                f"{d}{pad}{sep}{pad}{m}{pad}{sep}{pad}{year}",
                f"{day.year}{pad}{sep}{pad}{m}{pad}{sep}{pad}{d}",
                f"{d} {month} {year}",
                f"{d}{ordinal} {month} {year}",
                f"{d}{ordinal} of {month}, {year}",
                f"{d}-{month}-{year}",
                f"{month} {d}, {day.year}",
                f"{month} {d}{ordinal} {day.year}",
            ]
        )
    )


@given(birth_dates.flatmap(lambda d: written_dates(d, two_digit_years=False)), before, after)
def test_a_full_date_with_a_year_of_birth_is_caught_in_free_text(date, prefix, suffix):
    assert Kind.DATE_OF_BIRTH in kinds(prefix + date + suffix)


@given(
    any_dates.flatmap(written_dates),
    st.sampled_from(["born ", "DOB ", "D.O.B.: ", "d.o.b ", "date of birth ", "Birthday: "]),
    after,
)
def test_any_full_date_after_born_or_dob_is_caught(date, context, suffix):
    assert Kind.DATE_OF_BIRTH in kinds("Client " + context + date + suffix)


@given(any_dates.flatmap(written_dates))
def test_any_full_date_is_refused_as_a_client_reference(date):
    assert check_client_reference(date, today=TODAY) is not None
    assert check_client_reference(f"C-{date}", today=TODAY) is not None


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 12, 31)))
def test_a_recent_session_date_in_free_text_is_not_flagged(day):
    text = f"Session on {day:%d/%m/%Y}, reviewed {day:%Y-%m-%d}, next {day.day} {day:%B %Y}."
    assert kinds(text) == set()


def test_reps_written_like_a_two_digit_year_date_are_not_flagged():
    assert kinds("Pyramid sets 10/12/14 reps, then 8-10-12 on the leg press") == set()


def test_impossible_dates_are_not_dates():
    assert check_client_reference("C 31/02/99", today=TODAY) is None
    assert kinds("DOB 32/13/1950") == set()


# --- postcodes ------------------------------------------------------------------------------


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(POSTCODE_AREAS))
    digit = draw(st.sampled_from("0123456789"))
    # A9 / AA9, A99 / AA99, A9A / AA9A: every official outward format.
    district = draw(st.sampled_from(["", *"0123456789", *"ABCDEFGHJKMNPRSTUVWXY"]))
    inward = draw(st.sampled_from("0123456789")) + "".join(
        draw(st.sampled_from(INWARD_LETTERS)) for _ in range(2)
    )
    code = f"{area}{digit}{district}{draw(st.sampled_from(['', ' ', '  ']))}{inward}"
    if re.fullmatch(r"1st|2nd|3rd|[04-9]th", inward.lower()):
        return code  # lower-case "2nd" is an ordinal by rule; upper-case "2ND" is a postcode
    return draw(st.sampled_from([code, code.lower(), code.title()]))


@given(postcodes(), before, after)
def test_a_postcode_is_caught_in_any_format_case_and_spacing(postcode, prefix, suffix):
    assert Kind.POSTCODE in kinds(prefix + postcode + suffix)


def test_the_special_postcode_and_units_that_look_like_postcodes():
    assert Kind.POSTCODE in kinds("GIR 0AA")
    assert kinds("x2 3kg, L1 2nd set, T4 2LP, S1 3rd, 4 sets 2 km") == set()


# --- phone numbers --------------------------------------------------------------------------


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    rest = draw(st.text("0123456789", min_size=8, max_size=8))
    national = draw(
        st.sampled_from(
            ["07" + rest + draw(st.sampled_from("0123456789")), "01" + rest, "02" + rest + "1"]
            + ["03" + rest + "4", "01" + rest + "9"]
        )
    )
    number = draw(spaced(national, NUMBER_SEPARATORS))
    prefix = draw(st.sampled_from(["", "+44 ", "+44", "+44 (0)", "0044 "]))
    if prefix:
        number = prefix + draw(spaced(national[1:], NUMBER_SEPARATORS))
    elif draw(st.booleans()):
        # A bracketed area code: (01632) 960123.
        number = f"({national[:5]}) {national[5:]}"
    return number


@given(phone_numbers(), before, after)
def test_a_uk_phone_number_is_caught_in_any_spacing(number, prefix, suffix):
    assert Kind.PHONE in kinds(prefix + number + suffix)


def test_a_phone_number_is_one_finding_even_when_read_from_two_groups():
    findings = find_identifiers("+44 (0)20 7946 0018", today=TODAY)
    assert [(f.kind, f.span) for f in findings] == [(Kind.PHONE, (0, 19))]


# --- e-mail addresses -----------------------------------------------------------------------

local_parts = st.from_regex(r"[a-z0-9][a-z0-9._%+-]{0,20}[a-z0-9]", fullmatch=True)
domain_labels = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}[a-z0-9]", fullmatch=True)


@st.composite
def emails(draw: st.DrawFn) -> str:
    labels = draw(st.lists(domain_labels, min_size=1, max_size=3))
    tld = draw(st.sampled_from(["com", "net", "org", "uk", "nhs.uk", "co.uk", "scot"]))
    at = draw(st.sampled_from(["@", " @ ", "@ ", " (at) ", "[at]"]))
    dot = draw(st.sampled_from([".", ".", " . "]))
    address = draw(local_parts) + at + dot.join([*labels, *tld.split(".")])
    return draw(st.sampled_from([address, address.upper()]))


@given(emails(), before, after)
def test_an_email_address_is_caught_in_any_spacing(address, prefix, suffix):
    assert Kind.EMAIL in kinds(prefix + address + suffix)


# --- names after a title --------------------------------------------------------------------

names = st.from_regex(r"[A-Z][a-z]{1,12}", fullmatch=True)


@given(
    st.sampled_from(["Mr", "Mr.", "Mrs", "Ms", "Miss", "Mx", "Dr", "Dr.", "Prof"]),
    st.sampled_from(["", "J ", "J. ", "A. B. "]),
    names,
    before,
    after,
)
def test_a_capitalised_name_after_a_title_is_caught(title, initials, name, prefix, suffix):
    assert Kind.NAME_AFTER_TITLE in kinds(f"{prefix}{title} {initials}{name}{suffix}")


@given(
    st.sampled_from(["client", "Client", "CLIENT", "patient", "Patient"]),
    names.filter(lambda n: n.lower() not in NOT_NAMES),
    before,
    after,
)
def test_a_capitalised_name_after_client_is_caught(title, name, prefix, suffix):
    assert Kind.NAME_AFTER_TITLE in kinds(f"{prefix}{title} {name}{suffix}")


def test_ordinary_words_after_client_are_not_names():
    assert kinds("Client reported less pain. client Tuesday slot. MS Society leaflet.") == set()
    assert kinds("Client A and client B did well; did not miss Tuesday.") == set()
    assert Kind.NAME_AFTER_TITLE in kinds("Seen with Mrs May")


# --- the corpus, references, messages, performance -------------------------------------------


def test_the_corpus_has_enough_ordinary_notes():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("note", CORPUS)
def test_an_ordinary_session_note_is_never_flagged(note):
    assert find_identifiers(note, today=TODAY) == []
    assert free_text_warning(note, today=TODAY) is None


def test_the_whole_corpus_as_one_text_is_never_flagged():
    assert find_identifiers("\n".join(CORPUS), today=TODAY) == []


@pytest.mark.parametrize("ref", ["C-014", "Client A", "client 12", "PD-7", "CL 12/B", "Case 3"])
def test_a_short_code_is_a_good_client_reference(ref):
    assert check_client_reference(ref, today=TODAY) is None


@pytest.mark.parametrize(
    "ref",
    [
        "John Smith",
        "smith",
        "Jones2",
        "Client Sarah",
        "Mrs Jones",
        "943 476 5919",
        "SW1A 1AA",
        "07700 900123",
        "jo@example.com",
        "C-014 born 1950",
        "3/4/2020",
        "Anne-Marie",
        "O'Brien",
        "Zoë",
        "C" * 31,
    ],
)
def test_a_reference_that_is_not_a_short_code_is_refused(ref):
    assert check_client_reference(ref, today=TODAY) is not None


def test_no_message_repeats_the_text_it_checked():
    text = "Mrs Jones, 943 476 5919, SW1A 1AA, 07700 900123, jo@example.com, DOB 3/4/1950"
    findings = find_identifiers(text, today=TODAY)
    assert {f.kind for f in findings} == set(Kind) - {Kind.DATE}
    outputs = [f.message for f in findings]
    outputs += [free_text_warning(text, today=TODAY) or "", repr(findings)]
    outputs.append(check_client_reference(text, today=TODAY) or "")
    for piece in ["Jones", "943", "5919", "SW1A", "1AA", "07700", "jo@", "example", "1950"]:
        assert all(piece not in output for output in outputs)
    assert set(MESSAGES) == set(Kind)


@settings(deadline=None, max_examples=5, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["1 ", "a", "a.", "@", "Mr ", "8 8 ", "1/2/", "SW1", "x@y.", " - "]))
def test_a_100_kb_input_finishes(chunk):
    # Linear patterns: a pathological repetition must not blow up (no timing assertion; a
    # catastrophic pattern would hang here rather than fail).
    text = chunk * (100_000 // len(chunk))
    find_identifiers(text, today=TODAY)
    check_client_reference(text, today=TODAY)


def test_today_defaults_to_the_local_date():
    assert Kind.DATE_OF_BIRTH in {f.kind for f in find_identifiers("3 March 1947")}
