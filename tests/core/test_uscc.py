"""The credit-code check against a hand-written table (never computed with the validator itself).

Real codes are published on business licences (Tencent, Alibaba, Huawei, …); the constructed ones
were worked out by hand from GB 32100-2015 and GB 11714-1997, and each invalid one is wrong in
exactly one part (its check characters are right for the wrong part)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from core.uscc import compact_uscc, is_outside_district, make_uscc, validate_uscc

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
