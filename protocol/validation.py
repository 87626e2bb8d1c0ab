"""Checks of customs declaration numbers and enterprise codes, with reasons a trader can read."""

from __future__ import annotations

from dataclasses import dataclass

DECLARATION_LENGTH = 18
IMPORT_FLAG = "1"
EXPORT_FLAG = "0"

# GB 32100-2015: the unified social credit code alphabet (no I, O, S, V, Z) and weights.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18
CUSTOMS_CODE_LENGTH = 10


@dataclass(frozen=True)
class Problem:
    """Why a number was refused: a stable code and an English message (clients translate the code)."""

    code: str
    message: str


def declaration_problem(value: str, *, partial: bool = False, io_flag: str | None = None) -> Problem | None:
    """Check a declaration number (customs code 4, year 4, I/E flag 1, sequence 9); None if fine.

    With ``partial`` the value is a prefix being typed: only what is already there is judged.
    ``io_flag`` ("1" import, "0" export) is the flag the category expects, if any.
    """
    if not value.isascii() or not value.isdigit():
        if value == "" and partial:
            return None
        return Problem("declaration_not_digits", "A declaration number has digits only.")
    if len(value) > DECLARATION_LENGTH:
        return Problem("declaration_too_long", "A declaration number has 18 digits.")
    if len(value) >= 8:
        year = int(value[4:8])
        if not 1990 <= year <= 2099:
            return Problem("declaration_bad_year", f"Digits 5-8 must be a year; {year} is not.")
    if len(value) >= 9 and value[8] not in (IMPORT_FLAG, EXPORT_FLAG):
        return Problem("declaration_bad_flag", "Digit 9 must be 1 (import) or 0 (export).")
    if len(value) >= 9 and io_flag is not None and value[8] != io_flag:
        kind = "import" if io_flag == IMPORT_FLAG else "export"
        return Problem(
            "declaration_wrong_direction",
            f"This counter takes {kind} declarations: digit 9 must be {io_flag}.",
        )
    if not partial and len(value) < DECLARATION_LENGTH:
        return Problem("declaration_too_short", "A declaration number has 18 digits.")
    return None


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a unified social credit code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def enterprise_problem(value: str) -> Problem | None:
    """Check an enterprise code: 10-character customs code or 18-character credit code; None if fine."""
    code = value.strip().upper()
    if len(code) == CUSTOMS_CODE_LENGTH:
        if not code[:4].isdigit() or not all(c.isdigit() or "A" <= c <= "Z" for c in code):
            return Problem(
                "enterprise_bad_customs_code",
                "A customs registration code is 4 digits then 6 digits or capital letters.",
            )
        return None
    if len(code) == USCC_LENGTH:
        if any(c not in USCC_ALPHABET for c in code):
            return Problem(
                "enterprise_bad_characters",
                "A unified social credit code uses digits and capitals except I, O, S, V, Z.",
            )
        if uscc_check_char(code[:17]) != code[17]:
            return Problem("enterprise_bad_check", "The check character of this credit code is wrong.")
        return None
    return Problem(
        "enterprise_bad_length",
        "An enterprise code has 10 characters (customs) or 18 (unified social credit code).",
    )


def normalise_enterprise(value: str) -> str:
    """The canonical spelling of an enterprise code (as stored and compared for recusal)."""
    return value.strip().upper()
