"""The unified social credit code (统一社会信用代码) and the structure GB 32100-2015 gives it.

An 18-character code is read in five parts, and each error names the part that is wrong:

* position 1, the registration authority (登记管理部门代码);
* position 2, the kind of organisation (机构类别代码), from the list that authority may use;
* positions 3–8, the administrative division (登记管理机关行政区划码, GB/T 2260);
* positions 9–17, the organisation code (主体标识码, GB 11714) with its own check character;
* position 18, the check character of the whole code (GB 32100).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

from .text import join_labels, normalise_width

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
DIVISION = slice(2, 8)
ORGANISATION_CODE = slice(8, 17)

# GB 32100-2015 table 1 (with amendment No. 1): each registration authority and the kinds of
# organisation it registers.
ORGANISATION_TYPES_BY_AUTHORITY = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办管理的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

# GB/T 2260 province-level prefixes; "10" stands for organisations registered nationally
# (division 100000), such as ministries and national associations.
PROVINCE_PREFIXES = frozenset(
    [str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47))]
    + [str(n) for n in (*range(50, 55), *range(61, 66), 71, 81, 82)]
)
NATIONAL_DIVISION = "100000"

# GB 11714-1997: weights of the eight body characters of an organisation code.
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORGANISATION_CODE_MODULUS = 11


def compact_uscc(value: str) -> str:
    """Full-width characters made half-width, upper case, spaces and dashes removed."""
    return uscc.compact(normalise_width(value or ""))


def organisation_check_character(body8: str) -> str:
    """The GB 11714 check character of an organisation code's first eight characters."""
    # Digits count as themselves and letters A–Z as 10–35.
    total = sum(
        int(char, 36) * weight
        for char, weight in zip(body8, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    remainder = ORGANISATION_CODE_MODULUS - total % ORGANISATION_CODE_MODULUS
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def division_code(value: str) -> str:
    """Positions 3–8: the division where the organisation was registered."""
    return compact_uscc(value)[DIVISION]


def is_outside_district(value: str) -> bool:
    """Registered outside the district this portal serves (accepted, but shown to the office)."""
    return division_code(value) not in settings.PORTAL_DIVISION_CODES


def validate_uscc(value: str) -> None:
    """Raise a ValidationError that tells the person which part of the code is wrong."""
    number = compact_uscc(value)
    if len(number) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(number)},
        )
    bad = sorted({c for c in number if c not in ALPHABET})
    if bad:
        raise ValidationError(
            _(
                "The code contains characters that are not allowed (%(chars)s): "
                "the letters I, O, S, V and Z are never used."
            ),
            code="uscc_characters",
            params={"chars": "".join(bad)},
        )
    authority, kind = number[0], number[1]
    if authority not in ORGANISATION_TYPES_BY_AUTHORITY:
        raise ValidationError(
            _(
                "The first character (the registration authority) must be one of %(allowed)s; "
                "“%(char)s” is not used."
            ),
            code="uscc_authority",
            params={"allowed": join_labels(ORGANISATION_TYPES_BY_AUTHORITY), "char": authority},
        )
    if kind not in ORGANISATION_TYPES_BY_AUTHORITY[authority]:
        raise ValidationError(
            _(
                "The second character (the kind of organisation) must be one of %(allowed)s "
                "for registration authority %(authority)s; “%(char)s” is not used."
            ),
            code="uscc_organisation_type",
            params={
                "allowed": join_labels(ORGANISATION_TYPES_BY_AUTHORITY[authority]),
                "authority": authority,
                "char": kind,
            },
        )
    division = number[DIVISION]
    if not division.isdigit() or (
        division[:2] not in PROVINCE_PREFIXES and division != NATIONAL_DIVISION
    ):
        raise ValidationError(
            _(
                "Characters 3 to 8 (the administrative division, “%(division)s”) must be six "
                "digits starting with a province code."
            ),
            code="uscc_division",
            params={"division": division},
        )
    organisation = number[ORGANISATION_CODE]
    if organisation_check_character(organisation[:-1]) != organisation[-1]:
        raise ValidationError(
            _(
                "Characters 9 to 17 (the organisation code, “%(code)s”) are not a valid "
                "organisation code: its check character (character 17) does not match."
            ),
            code="uscc_organisation_code",
            params={"code": organisation},
        )
    if uscc.calc_check_digit(number[:-1]) != number[-1]:
        raise ValidationError(
            _("The check digit (the last character) does not match: please check the code."),
            code="uscc_checksum",
        )


def make_uscc(body16: str) -> str:
    """Complete positions 1–16 with both check characters (used by demo data and tests)."""
    body17 = body16 + organisation_check_character(body16[8:16])
    return body17 + uscc.calc_check_digit(body17)
