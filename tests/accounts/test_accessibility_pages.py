"""Server-side parts of accessibility: English pages carry no Chinese punctuation from templates,
form errors are tied to their fields, the login form marks its errors, the statement page is
public and linked from the footer, the large-text preference is saved."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.text import in_parentheses, join_labels, label_value
from tests.conftest import csrf_post
from tests.factories import FinancingNeedFactory, LeadFactory, LoanProductFactory

CHINESE_PUNCTUATION = re.compile("[：、，；（）]")


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_separators_come_from_the_translation():
    with translation.override("en"):
        assert join_labels(["mortgage", "guarantee"]) == "mortgage, guarantee"
        assert label_value("Amount", "1") == "Amount: 1"
        assert in_parentheses("chemicals") == "(chemicals)"
    with translation.override("zh-hans"):
        assert join_labels(["抵押", "保证"]) == "抵押、保证"
        assert label_value("金额", "1") == "金额：1"
        assert in_parentheses("化工") == "（化工）"


@pytest.mark.django_db
def test_english_pages_have_no_chinese_punctuation_of_their_own(web_as, officer_user, institution):
    # Data typed in Chinese (names, purposes) may hold Chinese punctuation; the fixtures avoid it
    # so that any found comes from a template or a Python string.
    product = LoanProductFactory(
        institution=institution, name="Zinc loan", tags=["mortgage", "first_loan"]
    )
    need = FinancingNeedFactory(
        status="submitted", purpose="Buy zinc", collateral=["real_estate", "equipment"]
    )
    need.enterprise.name = "Qingxi Zinc"
    need.enterprise.save()
    lead = LeadFactory(need=need, institution=institution, product=product)
    client = _english(web_as(officer_user))
    for url in (
        reverse("catalogue"),
        reverse("banks:lead_detail", args=[lead.pk]),
        reverse("banks:lead_list"),
    ):
        text = _visible_text(client.get(url).content.decode())
        assert not CHINESE_PUNCTUATION.findall(text), (url, CHINESE_PUNCTUATION.findall(text))
    # The two kinds of collateral are joined with an English comma.
    detail = _visible_text(
        client.get(reverse("banks:lead_detail", args=[lead.pk])).content.decode()
    )
    assert re.search(r"\w, \w", detail.split("Collateral", 1)[1][:200])


@pytest.mark.django_db
def test_form_errors_are_tied_to_their_fields(web_as, enterprise_member):
    client = web_as(enterprise_member)
    response = csrf_post(client, reverse("enterprises:need_create"), {"submit": "1"})
    html = response.content.decode()
    # Django's aria-describedby names these ids; each exists on the page.
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in html
    assert 'id="id_amount_helptext"' in html and 'id="id_amount_error"' in html
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_amount"', html)
    # The summary counts the problems and links to each field.
    assert re.search(r"此表单有 \d+ 个问题", html)
    assert 'href="#id_amount"' in html and "data-error-summary" in html
    # The collateral checkboxes are a group with a legend.
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>可提供的担保物", html)


@pytest.mark.django_db
def test_the_login_form_marks_and_announces_its_error(client, enterprise_member):
    response = csrf_post(
        client,
        reverse("accounts:login"),
        {"username": enterprise_member.username, "password": "wrong-password"},
    )
    html = response.content.decode()
    assert re.search(r'<div class="alert alert-danger" role="alert" id="login-error"', html)
    assert re.search(
        r'id="id_username"[^>]*aria-invalid="true"[^>]*aria-describedby="login-error"', html
    )
    assert re.search(r'id="id_password"[^>]*aria-invalid="true"', html)


@pytest.mark.django_db
def test_the_statement_is_public_and_in_every_footer(client):
    url = reverse("accounts:accessibility")
    response = client.get(url)
    assert response.status_code == 200
    assert "无障碍声明" in response.content.decode()
    assert f'href="{url}"' in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_the_large_text_preference_is_saved_and_marks_the_page(web_as, enterprise_member):
    client = web_as(enterprise_member)
    assert (
        'class="portal-large-text"' not in client.get(reverse("enterprises:home")).content.decode()
    )
    csrf_post(
        client,
        reverse("accounts:preferences"),
        {
            "email": "chenjing@example.cn",
            "phone": "",
            "email_notifications": "on",
            "large_text": "on",
        },
    )
    enterprise_member.refresh_from_db()
    assert enterprise_member.large_text is True
    html = client.get(reverse("enterprises:home")).content.decode()
    assert '<html lang="zh-hans" class="portal-large-text">' in html


@pytest.mark.django_db
def test_the_language_switch_is_buttons_with_lang_and_no_submit_on_change(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "onchange" not in html
    assert re.search(r'<button[^>]*name="language" value="en" lang="en">English</button>', html)
    assert 'href="#main"' in html and 'id="main"' in html
