"""Text as people type it with a Chinese input method, made comparable."""

import unicodedata

# NFKC leaves the ideographic full stop alone; in a number it can only mean a decimal point.
_IDEOGRAPHIC_FULL_STOP = str.maketrans({"。": "."})


def normalise_width(value: str) -> str:
    """Full-width letters, digits, spaces and signs (９１１１…Ｌ, １２．５, U+3000) made half-width."""
    return unicodedata.normalize("NFKC", value)


def normalise_number(value: str) -> str:
    """A number typed in any width, with 。 read as the decimal point, without outer spaces."""
    return normalise_width(value).translate(_IDEOGRAPHIC_FULL_STOP).strip()
