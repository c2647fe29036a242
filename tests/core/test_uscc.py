import pytest
from django.core.exceptions import ValidationError

from core.uscc import compact_uscc, make_uscc, validate_uscc

VALID = make_uscc("91510100MA6CB1234")


def test_a_valid_code_passes():
    validate_uscc(VALID)


def _gb32100_check_digit(body: str) -> str:
    """The check digit as GB 32100-2015 defines it, written out independently of stdnum."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True))
    return alphabet[(31 - total % 31) % 31]


@pytest.mark.parametrize("body", ["91110000100005888", "91510199MA0000001", "12100000400000007"])
def test_codes_with_the_standard_check_digit_pass(body):
    validate_uscc(body + _gb32100_check_digit(body))


def _code_of(value):
    with pytest.raises(ValidationError) as info:
        validate_uscc(value)
    return info.value.code, str(info.value.messages[0])


def test_a_wrong_check_digit_is_refused():
    wrong = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    code, message = _code_of(wrong)
    assert code == "uscc_checksum"
    assert "校验码" in message


@pytest.mark.parametrize("value", [VALID[:-1], VALID + "1", ""])
def test_a_wrong_length_is_refused_with_the_count(value):
    code, message = _code_of(value)
    assert code == "uscc_length"
    assert str(len(value)) in message


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_forbidden_letters_are_refused(letter):
    value = VALID[:10] + letter + VALID[11:]
    code, message = _code_of(value)
    assert code == "uscc_characters"
    assert letter in message


def test_letters_in_the_first_eight_characters_are_refused():
    code, _message = _code_of("A" + VALID[1:])
    assert code == "uscc_format"


def test_lower_case_and_spaces_are_compacted():
    messy = f" {VALID[:6].lower()} {VALID[6:12].lower()}-{VALID[12:]} "
    validate_uscc(messy)
    assert compact_uscc(messy) == VALID


@pytest.mark.django_db
def test_the_stored_code_is_compacted():
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(credit_code=VALID.lower()[:9] + " " + VALID[9:])
    enterprise.refresh_from_db()
    assert enterprise.credit_code == VALID
