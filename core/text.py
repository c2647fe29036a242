"""Text as people type it with a Chinese input method, made comparable."""

import unicodedata

from django.utils.translation import pgettext

# NFKC leaves the ideographic full stop alone; in a number it can only mean a decimal point.
_IDEOGRAPHIC_FULL_STOP = str.maketrans({"。": "."})


def normalise_width(value: str) -> str:
    """Full-width letters, digits, spaces and signs (９１１１…Ｌ, １２．５, U+3000) made half-width."""
    return unicodedata.normalize("NFKC", value)


def normalise_number(value: str) -> str:
    """A number typed in any width, with 。 read as the decimal point, without outer spaces."""
    return normalise_width(value).translate(_IDEOGRAPHIC_FULL_STOP).strip()


def join_labels(items) -> str:
    """A list in running text, with the separator of the current language: 抵押、保证 / mortgage,
    guarantee. Never a hard-coded "、" inside an English sentence."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def label_value(label, value) -> str:
    """ "Label: value" with the current language's colon (金额：… / Amount: …)."""
    return pgettext("label and value", "%(label)s: %(value)s") % {"label": label, "value": value}


def in_parentheses(text) -> str:
    """A remark in the current language's parentheses: （…） / (…)."""
    return pgettext("parenthetical remark", "(%(text)s)") % {"text": text}
