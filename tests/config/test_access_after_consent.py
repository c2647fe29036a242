"""Consent, seen from the bank that lost it.

After the enterprise revokes an institution's access to a need, narrows the need's visibility to
other institutions, or withdraws the need, that institution's officers find nothing of the
enterprise on any page they can open: every page of the access table they get (inbox, lead
pages, matched needs, products, notices, catalogue, the meeting the need is presented at and its
hall screen...), the inbox under every status filter (closed leads included) and the lead's own
page. The exports (dashboard, office lists, meeting report) are the government's only.

The rival bank, still allowed, keeps seeing the need: that shows the check can see a name.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from banks.models import LoanProduct
from core.errors import ServiceError
from enterprises.models import FinancingNeed
from enterprises.services import (
    financing_need_revoke_access,
    financing_need_update,
    financing_need_withdraw,
)
from leads.models import Lead
from leads.services import lead_claim, lead_record_contact, lead_take
from matchmaking.engine import rescore_need
from matchmaking.models import Match
from meetings.services import presented_item_add
from tests import access_scenario
from tests.config.test_access_table import TABLE, browser, table_keys, url_for
from tests.factories import (
    EnterpriseFactory,
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    LeadFactory,
)

NAME = "清溪华信包装有限公司"
PURPOSE = "更新柔版印刷生产线"
AMOUNT_SHOWN = "426.00万元"
PHONE = "13766660426"

# The module's scenario, built once (see tests/access_scenario.py).
scenario = access_scenario.scenario


def _consenting_enterprise(s):
    """An enterprise whose need is held by 城东 (the holder) and 河西 (the rival)."""
    enterprise = EnterpriseFactory(name=NAME, contact_phone=PHONE)
    admin = EnterpriseMemberFactory(user__username="acc_hx_admin", enterprise=enterprise).user
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status=FinancingNeed.Status.SUBMITTED,
        purpose=PURPOSE,
        amount=Decimal("4260000.00"),
        submitted_at=timezone.now() - dt.timedelta(days=3),
        created_by=admin,
    )
    for product in (s.product, s.rival_product):
        Match.objects.create(need=need, product=product, score=Decimal("77.00"))
    lead = LeadFactory(need=need, institution=s.holder_institution, product=s.product)
    rival_lead = LeadFactory(need=need, institution=s.rival_institution, product=s.rival_product)
    # Presented at the meeting 城东 is invited to: its invitees see the need on the meeting's page.
    presented_item_add(meeting=s.meeting, actor=s.user("finance"), need=need)
    secrets = {
        "name": NAME,
        "credit code": enterprise.credit_code,
        "phone": PHONE,
        "purpose": PURPOSE,
        "amount": AMOUNT_SHOWN,
    }
    return admin, need, lead, rival_lead, secrets


def _revoke(s, admin, need, lead):
    financing_need_revoke_access(need=need, institution=s.holder_institution, actor=admin)


def _narrow(s, admin, need, lead):
    financing_need_update(
        need=need,
        actor=admin,
        data={
            "visibility": FinancingNeed.Visibility.CHOSEN,
            "allowed_institutions": [s.rival_institution],
        },
    )


def _withdraw(s, admin, need, lead):
    financing_need_withdraw(need=need, actor=admin, reason="已从其他渠道解决")


CONSENT_CHANGES = {"revoke": _revoke, "narrow": _narrow, "withdraw": _withdraw}


def _lead_pages(lead):
    """The inbox under each status filter and all of them, and the lead's own page."""
    inbox = reverse("banks:lead_list")
    pages = [f"{inbox}?status={status}" for status in Lead.Status.values]
    pages.append(inbox + "?" + "&".join(f"status={status}" for status in Lead.Status.values))
    pages += [f"{inbox}?overdue=true", f"{inbox}?mine=true"]
    pages.append(reverse("banks:lead_detail", args=[lead.pk]))
    return pages


def _pages_of(persona, s, lead):
    """Every page the persona may open (a 200 in the access table), and ``_lead_pages``."""
    pages = [
        url_for(key, s) for key in table_keys() if TABLE.get((key, "GET"), {}).get(persona) == "200"
    ]
    return pages + _lead_pages(lead)


def _shown(client, pages, secrets):
    found = []
    for url in pages:
        response = client.get(url)
        body = response.content.decode(errors="replace")
        found += [
            f"{url} ({response.status_code}) shows the {what}"
            for what, text in secrets.items()
            if text in body
        ]
    return found


# (change, whether the holder already worked the lead). Only a need nobody has taken up yet can
# be edited, so a narrowed visibility meets new leads only.
CASES = [
    ("revoke", False),
    ("revoke", True),
    ("narrow", False),
    ("withdraw", False),
    ("withdraw", True),
]


@pytest.mark.parametrize(
    ("change", "worked"), CASES, ids=lambda v: {False: "new", True: "worked"}.get(v, v)
)
def test_the_bank_that_lost_access_sees_nothing_of_the_enterprise(change, worked, scenario, db):
    s = scenario
    admin, need, lead, rival_lead, secrets = _consenting_enterprise(s)
    holder = s.user("holder").officer
    if worked:
        lead = lead_claim(lead=lead, officer=holder)
        lead = lead_record_contact(lead=lead, officer=holder, note="已电话联系")
    clients = {p: browser(s.user(p)) for p in ("holder", "holder_admin", "rival")}
    inbox = reverse("banks:lead_list")
    # Before: the holder's inbox and the meeting's presented list name the enterprise (the
    # check below can see it).
    assert NAME in clients["holder"].get(inbox).content.decode()
    meeting_page = reverse("meetings:detail", args=[s.meeting.pk])
    assert NAME in clients["holder"].get(meeting_page).content.decode()

    CONSENT_CHANGES[change](s, admin, need, lead)
    # At once, before the engine has looked at the need again: the inbox, its filters, the lead.
    found = _shown(clients["holder"], _lead_pages(lead), secrets)
    assert not found, f"Right after the {change}:\n" + "\n".join(found)
    # What the change queues on commit: the engine rescores the need (and closes the leads that
    # no longer match).
    rescore_need(need.pk)

    for persona in ("holder", "holder_admin"):
        found = _shown(clients[persona], _pages_of(persona, s, lead), secrets)
        assert not found, f"After the {change}, as {persona}:\n" + "\n".join(found)
        response = clients[persona].get(reverse("banks:lead_detail", args=[lead.pk]))
        assert response.status_code == 404
    assert reverse("meetings:detail", args=[s.meeting.pk]) in _pages_of("holder", s, lead)
    if change != "withdraw":
        # The rival keeps its access: its lead still names the enterprise.
        page = clients["rival"].get(reverse("banks:lead_detail", args=[rival_lead.pk]))
        assert NAME in page.content.decode()


def test_a_bank_left_out_of_a_narrowed_need_no_longer_finds_it_among_matched_needs(scenario, db):
    """北门 matched the need but holds no lead; the enterprise then shows it to 河西 only. The
    need leaves 北门's matched needs at once, before the engine replaces the stale matches."""
    s = scenario
    admin, need, lead, _rival_lead, secrets = _consenting_enterprise(s)
    product = LoanProduct.objects.get(institution=s.stranger_institution)
    Match.objects.create(need=need, product=product, score=Decimal("75.00"))
    client = browser(s.user("stranger"))
    matched = reverse("banks:matched_needs")
    assert PURPOSE in client.get(matched).content.decode()
    _narrow(s, admin, need, lead)
    assert not _shown(client, [matched], secrets)
    with pytest.raises(ServiceError):
        lead_take(need=need, officer=s.user("stranger").officer)
    rescore_need(need.pk)
    assert not _shown(client, [matched], secrets)
