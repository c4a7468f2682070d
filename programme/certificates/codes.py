"""Certificate verification codes: at least 128 bits of randomness, easy to read aloud and type.

A code is 28 symbols of Crockford's base32 (digits and capitals without I, L, O and U), 140
bits from `secrets`, written in seven groups of four: `7KQ2-M9XD-...`. Read back, a code is
forgiving the way people are: any case, spaces or hyphens anywhere, O read as 0, I and L as 1.
Anything else (a wrong length, a U, punctuation) is not a code; the verification page answers
it exactly as it answers a code nobody issued, so that a guess learns nothing.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
LENGTH = 28  # 28 x 5 = 140 bits
GROUP = 4
BITS = LENGTH * 5

_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-]+")


def new_code() -> str:
    """A fresh code in its canonical, grouped form."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return grouped(symbols)


def grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def normalise(typed: str) -> str | None:
    """The canonical form of what someone typed or scanned, or None if it cannot be a code."""
    symbols = _SEPARATORS.sub("", typed.strip().upper()).translate(_READ_AS)
    if len(symbols) != LENGTH or any(symbol not in ALPHABET for symbol in symbols):
        return None
    return grouped(symbols)
