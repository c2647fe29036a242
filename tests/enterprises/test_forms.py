import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.forms import WanField
from tests.factories import FinancingNeedFactory


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        (Decimal("2000000.00"), "200"),
        (Decimal("1234500.00"), "123.45"),
        (Decimal("0.01"), "0.000001"),
    ],
)
def test_yuan_are_shown_in_wan_in_plain_digits(yuan, shown):
    assert WanField().prepare_value(yuan) == shown


@pytest.mark.parametrize(
    ("typed", "yuan"), [("200", "2000000.00"), ("0.5", "5000.00"), ("123.456789", "1234567.89")]
)
def test_wan_are_stored_as_exact_yuan(typed, yuan):
    assert WanField().clean(typed) == Decimal(yuan)


def test_more_precision_than_a_fen_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        WanField().clean("1.0000001")


@pytest.mark.django_db
def test_the_edit_form_shows_saved_values_the_browser_can_read(
    client, enterprise_member, enterprise
):
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status="draft",
        amount=Decimal("2000000"),
        needed_by=dt.date(2027, 3, 31),
    )
    client.force_login(enterprise_member)
    body = client.get(reverse("enterprises:need_edit", args=[need.pk])).content.decode()
    assert 'name="amount" value="200"' in body
    assert 'type="date" name="needed_by" value="2027-03-31"' in body
