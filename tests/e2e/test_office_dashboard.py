"""Issue 11: the finance office clicks through the dashboard's filters in a real browser and sees
the charts drawn (ECharts canvases) and the tables change; at 390 px nothing scrolls sideways."""

import pytest

from tests.office.dashboard_fixtures import build_district

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _institution_rows(page):
    return page.locator("#table-institution tbody tr td:first-child").all_inner_texts()


def test_finance_office_filters_the_dashboard(page, finance_user, shot):
    district = build_district()
    log_in(page, finance_user.username)
    page.goto(page.base_url + "/office/dashboard/")
    assert page.inner_text("#headline-amount") == "400.00万元"
    canvas = page.locator('[data-chart="institution"] canvas')
    canvas.wait_for()
    assert canvas.bounding_box()["width"] > 200
    assert _institution_rows(page) == ["甲行", "乙行"]

    page.select_option("#id_year", "2025")
    page.click("#dashboard-filter-form button[type=submit]")
    page.wait_for_url("**year=2025**")
    assert page.inner_text("#headline-amount") == "370.00万元"
    assert page.inner_text("#headline-count") == "4"

    page.select_option("#id_institution", str(district["institutions"]["乙行"].pk))
    page.click("#dashboard-filter-form button[type=submit]")
    page.wait_for_url("**institution=**")
    assert page.inner_text("#headline-amount") == "50.00万元"
    assert _institution_rows(page) == ["乙行"]
    page.locator('[data-chart="chain"] canvas').wait_for()

    page.fill("#id_month_from", "2024-11")
    page.fill("#id_month_to", "2024-11")
    page.select_option("#id_institution", "")
    page.click("#dashboard-filter-form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#headline-amount") == "30.00万元"
    shot(page, "office-dashboard-filtered")

    page.click("text=需求漏斗")
    page.locator("[data-funnel-chart] canvas").wait_for()
    assert page.locator("#funnel-table tbody tr").count() == 5


def test_dashboard_fits_a_phone(phone_page, finance_user, shot):
    build_district()
    log_in(phone_page, finance_user.username)
    phone_page.goto(phone_page.base_url + "/office/dashboard/")
    canvas = phone_page.locator('[data-chart="month"] canvas')
    canvas.wait_for()
    assert canvas.bounding_box()["width"] <= 390
    assert phone_page.evaluate("document.scrollingElement.scrollWidth") <= 390
    shot(phone_page, "office-dashboard-phone")
