"""Verification codes: enough randomness, readable, and forgiving of how people type them."""

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from programme.certificates.codes import ALPHABET, BITS, LENGTH, new_code, normalise

CANONICAL = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$")


def test_a_code_carries_at_least_128_bits_and_reads_in_groups_of_four():
    assert LENGTH * math.log2(len(ALPHABET)) == BITS >= 128
    code = new_code()
    assert CANONICAL.match(code), code
    assert not set(code) & set("ILOU")


def test_codes_do_not_repeat():
    assert len({new_code() for _ in range(2_000)}) == 2_000


@given(st.data())
def test_a_code_survives_the_ways_people_type_it(data):
    code = new_code()
    typed = code.lower() if data.draw(st.booleans()) else code
    typed = typed.replace("-", data.draw(st.sampled_from(["-", " ", "", " - "])))
    typed = typed.replace("0", data.draw(st.sampled_from(["0", "O", "o"])))
    typed = typed.replace("1", data.draw(st.sampled_from(["1", "I", "l", "L"])))
    assert normalise(f"  {typed} ") == code


def test_what_cannot_be_a_code_is_none():
    code = new_code()
    assert normalise(code[:-1]) is None  # too short
    assert normalise(code + "7") is None  # too long
    assert normalise(code[:-1] + "U") is None  # not in the alphabet
    assert normalise(code[:-1] + "/") is None
    assert normalise("") is None
    assert normalise("<script>") is None
