"""The credit-code check against a hand-written table (never computed with the validator itself).

Real codes are published on business licences (Tencent, Alibaba, Huawei, …); the constructed ones
were worked out by hand from GB 32100-2015 and GB 11714-1997, and each invalid one is wrong in
exactly one part (its check characters are right for the wrong part)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from core.uscc import (
    compact_uscc,
    is_outside_district,
    make_uscc,
    organisation_check_character,
    validate_uscc,
)

VALID_CODES = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000100010433L",  # Beijing, old-style organisation code
    "91310000MA1FL1MMXL",  # Shanghai, organisation code with letters
    "91510199MA0000015F",  # the demo district
    "92510199MA6C0B121A",  # 个体工商户
    "93510199MA6C0B13XY",  # 农民专业合作社; organisation check character X
    "12510199MB1234562E",  # 事业单位
    "52510199MJ000123X0",  # 民办非企业单位
    "Y1510199MA0000090J",  # other authority
    "N2510199MA0000103D",  # 村级集体经济组织
    "31110000MD0000112T",  # 律师执业机构
    "91820000MA000012X6",  # Macao
    "91710000MA0000138B",  # Taiwan
]

# (code, the part that is wrong)
INVALID_CODES = [
    ("X1510199MA0000015T", "uscc_authority"),
    ("B1510199MA0000015D", "uscc_authority"),
    ("94510199MA00000156", "uscc_organisation_type"),  # 工商 registers only 1, 2, 3
    ("Y2510199MA0000015N", "uscc_organisation_type"),
    ("14510199MA0000015E", "uscc_organisation_type"),  # 机构编制: 1, 2, 3, 9
    ("A2510199MA0000015B", "uscc_organisation_type"),
    ("55510199MA00000157", "uscc_organisation_type"),
    ("91990000MA0000015Q", "uscc_division"),
    ("91160000MA0000015N", "uscc_division"),
    ("91700000MA00000156", "uscc_division"),
    ("91000000MA00000157", "uscc_division"),
    ("91830000MA00000159", "uscc_division"),
    ("91510199MA00000100", "uscc_organisation_code"),  # body MA000001 needs check 5
    ("91510199MA0000015G", "uscc_checksum"),
    ("91440300708461136U", "uscc_checksum"),
]

# The part each error names, in the Chinese the person reads.
PART_NAMED = {
    "uscc_authority": "登记管理部门",
    "uscc_organisation_type": "机构类别",
    "uscc_division": "行政区划",
    "uscc_organisation_code": "组织机构代码",
    "uscc_checksum": "校验码",
}


def _refusal(value):
    with pytest.raises(ValidationError) as info:
        validate_uscc(value)
    return info.value.code, str(info.value.messages[0])


@pytest.mark.parametrize("code", VALID_CODES)
def test_codes_with_a_valid_structure_pass(code):
    validate_uscc(code)


@pytest.mark.parametrize(("code", "error"), INVALID_CODES)
def test_each_wrong_part_is_named(code, error):
    got, message = _refusal(code)
    assert got == error
    assert PART_NAMED[error] in message


def test_a_code_typed_in_full_width_is_read_as_half_width():
    typed = "９１４４０３００７０８４６１１３６Ｔ"
    validate_uscc(typed)
    assert compact_uscc(typed) == "91440300708461136T"


def test_an_ideographic_space_inside_a_code_is_ignored():
    assert compact_uscc("９１４４０３００\u3000７０８４６１１３６ｔ") == "91440300708461136T"


@pytest.mark.parametrize("value", ["91440300708461136", "91440300708461136TT", ""])
def test_a_wrong_length_is_refused_with_the_count(value):
    code, message = _refusal(value)
    assert code == "uscc_length"
    assert str(len(value)) in message


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_forbidden_letters_are_refused(letter):
    code, message = _refusal("91440300708461136" + letter)
    assert code == "uscc_characters"
    assert letter in message


def test_letters_in_the_division_are_refused_as_a_division():
    code, _message = _refusal("9151A199MA0000015F")
    assert code == "uscc_division"


def test_make_uscc_builds_codes_the_table_agrees_with():
    assert make_uscc("91510199MA000001") == "91510199MA0000015F"
    assert make_uscc("93510199MA6C0B13") == "93510199MA6C0B13XY"


# An independent computation of both check characters, written from the standards.
#
# GB 11714-1997, the organisation code (characters 9-17): digits count 0-9 and letters A-Z count
# 10-35; weights 3, 7, 9, 10, 5, 8, 4, 2; check = 11 - (sum mod 11), written X for 10, 0 for 11.
#   MA000001: M 22×3 + A 10×7 + 1×2 = 138; 138 mod 11 = 6; 11 - 6 = 5 → MA0000015.
# GB 32100-2015, the whole code: the 31 characters 0-9 A-H J-N P-R T U W-Y count 0-30; the
# weight of position i (from 0) is 3^i mod 31; check = 31 - (sum mod 31), 31 written 0.
#   91510199MA0000015: 9×1 + 1×3 + 5×9 + 1×27 + 0×19 + 1×26 + 9×16 + 9×17 + M 21×20 + A 10×29
#   + 1×30 + 5×28 = 1287; 1287 mod 31 = 16; 31 - 16 = 15 → F.
ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def _organisation_check(body8):
    total = sum(
        (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w
        for c, w in zip(body8, ORGANISATION_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _uscc_check(body17):
    total = sum(USCC_CHARACTERS.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_CHARACTERS[(31 - total % 31) % 31]


def _by_hand(body16):
    body17 = body16 + _organisation_check(body16[8:])
    return body17 + _uscc_check(body17)


def test_the_independent_computation_agrees_with_the_hand_table():
    assert [_by_hand(code[:16]) for code in VALID_CODES] == VALID_CODES


# Bodies chosen so each organisation check value (0-9, X; 11 written 0) and many final check
# characters occur.
BODIES = [f"91510199MA{n:06d}" for n in (1, 2, 3, 7, 11, 19, 23, 42, 77, 100, 313, 999, 4096)] + [
    "92440300MA5DXXXX",
    "12110000Y0000000",
    "93510199MA6C0B13",
    "91330100MA000009",
]


@pytest.mark.parametrize("body", BODIES)
def test_make_uscc_agrees_with_the_independent_computation(body):
    code = make_uscc(body)
    assert code == _by_hand(body)
    validate_uscc(code)


def test_every_organisation_check_value_is_covered():
    assert {_organisation_check(b[8:]) for b in BODIES} >= set("0123456789X")


# The whole Chinese message of each refusal: the parts it names come from the code typed.
MESSAGES = [
    ("9144030070846113", "统一社会信用代码应为18位，您输入的是16位。"),
    (
        "9144030070846113OI",
        "代码中含有不允许的字符（IO）：统一社会信用代码不使用字母I、O、S、V、Z。",
    ),
    (
        "X1510199MA0000015T",
        "第1位（登记管理部门代码）应为1、2、3、4、5、6、7、8、9、A、N、Y之一，没有“X”。",
    ),
    (
        "94510199MA00000156",
        "第2位（机构类别代码）在登记管理部门代码为9时应为1、2、3之一，没有“4”。",
    ),
    (
        "91990000MA0000015Q",
        "第3至8位（登记管理机关行政区划码“990000”）应为以省级代码开头的6位数字。",
    ),
    (
        "91510199MA00000100",
        "第9至17位（组织机构代码“MA0000010”）无效：其校验码（第17位）不符。",
    ),
    ("91510199MA0000015G", "校验码（最后一位）不正确，请核对代码。"),
]


@pytest.mark.parametrize(("value", "message"), MESSAGES)
def test_each_refusal_reads_in_full(value, message):
    with translation.override("zh-hans"):
        assert _refusal(value)[1] == message


@override_settings(PORTAL_DIVISION_CODES=("510199",))
def test_codes_from_other_divisions_are_outside_the_district():
    assert not is_outside_district("91510199MA0000015F")
    assert is_outside_district("91440300708461136T")
    assert is_outside_district("９１４４０３００７０８４６１１３６Ｔ")


def test_lower_case_and_spaces_are_compacted():
    messy = " 915101 99ma00-00015f "
    validate_uscc(messy)
    assert compact_uscc(messy) == "91510199MA0000015F"


@pytest.mark.django_db
def test_the_stored_code_is_compacted():
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(credit_code="９１５１０１９９ｍａ 0000015f")
    enterprise.refresh_from_db()
    assert enterprise.credit_code == "91510199MA0000015F"


@pytest.mark.parametrize("body", ["MA00000", "MA0000011"])
def test_an_organisation_code_body_must_have_eight_characters(body):
    with pytest.raises(ValueError):
        organisation_check_character(body)
