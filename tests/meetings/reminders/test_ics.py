"""The .ics writer: folding, escaping, and a file an independent parser (icalendar) reads back."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from meetings import ics

EVENT = ics.CalendarEvent(
    uid="meeting-7@portal.example.cn",
    sequence=2,
    starts_at=dt.datetime(2027, 2, 18, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
    ends_at=dt.datetime(2027, 2, 18, 11, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
    summary="2027年第一季度政银企座谈会; 金融服务, 对接",
    location="清溪区金融服务中心一楼会议室",
    description="一、通报融资需求对接进展；\n二、金融机构发布新产品，" * 4,
    organizer_email="noreply@portal.example.cn",
    organizer_name="政银企对接平台",
    attendee_email="wangjl@example-bank.cn",
    attendee_name="王经理",
)
STAMP = dt.datetime(2027, 2, 11, 1, 30, tzinfo=dt.UTC)


def test_text_is_escaped():
    assert ics.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    text = ics.calendar(EVENT, method=ics.Method.REQUEST, stamp=STAMP)
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    # Every line decodes on its own: no UTF-8 sequence was cut in two.
    for line in lines:
        line.encode("utf-8").decode("utf-8")
    assert any(line.startswith(" ") for line in lines)
    assert text.endswith("END:VCALENDAR\r\n")


def test_the_file_parses_back_with_its_values():
    text = ics.calendar(EVENT, method=ics.Method.REQUEST, stamp=STAMP)
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "meeting-7@portal.example.cn"
    assert int(event["SEQUENCE"]) == 2
    # 09:30 in Shanghai is 01:30 UTC.
    assert event.decoded("DTSTART") == dt.datetime(2027, 2, 18, 1, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2027, 2, 18, 3, 30, tzinfo=dt.UTC)
    assert str(event["SUMMARY"]) == "2027年第一季度政银企座谈会; 金融服务, 对接"
    assert str(event["DESCRIPTION"]) == EVENT.description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ATTENDEE"]) == "mailto:wangjl@example-bank.cn"


def test_a_cancellation_says_cancel_and_cancelled():
    calendar = icalendar.Calendar.from_ical(
        ics.calendar(EVENT, method=ics.Method.CANCEL, stamp=STAMP)
    )
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
