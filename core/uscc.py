"""The unified social credit code (统一社会信用代码), checked with python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def compact_uscc(value: str) -> str:
    """Upper case, with spaces and dashes removed: the form we store."""
    return uscc.compact(value or "")


def validate_uscc(value: str) -> None:
    """Raise a ValidationError that tells the person exactly what is wrong."""
    number = compact_uscc(value)
    try:
        uscc.validate(number)
    except InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(number)},
        ) from None
    except InvalidFormat:
        bad = sorted({c for c in number[8:] if c not in ALPHABET})
        if not number[:8].isdigit():
            raise ValidationError(
                _("The first 8 characters of a unified social credit code must be digits."),
                code="uscc_format",
            ) from None
        raise ValidationError(
            _(
                "The code contains characters that are not allowed (%(chars)s): "
                "the letters I, O, S, V and Z are never used."
            ),
            code="uscc_characters",
            params={"chars": "".join(bad)},
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit (the last character) does not match: please check the code."),
            code="uscc_checksum",
        ) from None


def make_uscc(body17: str) -> str:
    """Complete 17 characters with their check digit (used by demo data and tests)."""
    return body17 + uscc.calc_check_digit(body17)
