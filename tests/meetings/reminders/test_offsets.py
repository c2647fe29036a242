"""Per-meeting reminder times: typed as 7天, 1天, 2小时; validated; set by government staff."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.errors import ServiceError
from core.models import AuditEvent
from meetings.forms import ReminderOffsetsField, offsets_as_text
from meetings.models import validate_reminder_offsets
from meetings.reminders import meeting_reminder_offsets_set
from tests.conftest import csrf_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("7天, 1天, 2小时", [10080, 1440, 120]),
        ("３天，３０分钟", [4320, 30]),
        ("7d 2h 45m", [10080, 120, 45]),
        ("", []),
    ],
)
def test_typed_times_become_minutes(typed, minutes):
    assert ReminderOffsetsField().clean(typed) == minutes


@pytest.mark.parametrize(
    "typed", ["7周", "2小时, 2小时", "181天", "0分钟", "1天,2天,3天,4天,5天,6天,7天"]
)
def test_times_that_make_no_sense_are_refused(typed):
    with pytest.raises(ValidationError):
        ReminderOffsetsField().clean(typed)


@pytest.mark.parametrize("value", ["7天", [1.5], [True], [0], [180 * 24 * 60 + 1]])
def test_the_model_validator_refuses_what_is_not_a_list_of_minutes(value):
    with pytest.raises(ValidationError):
        validate_reminder_offsets(value)


def test_the_finance_office_changes_a_meetings_times_on_its_reminders_page(
    web_as, finance_user, meeting
):
    url = reverse("office:meeting_reminders", args=[meeting.pk])
    response = csrf_post(web_as(finance_user), url, {"reminder_offsets": "3天, 1小时"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.reminder_offsets == [4320, 60]
    assert "提前3天 · 提前1小时" in response.content.decode()
    assert AuditEvent.objects.filter(action="reminder_offsets").count() == 1


def test_a_bad_time_is_named_beside_the_field(web_as, finance_user, meeting):
    url = reverse("office:meeting_reminders", args=[meeting.pk])
    response = csrf_post(web_as(finance_user), url, {"reminder_offsets": "三天"})
    assert response.context["offsets_form"].errors["reminder_offsets"]
    meeting.refresh_from_db()
    assert meeting.reminder_offsets == [10080, 1440, 120]


def test_only_the_finance_office_may_set_times(meeting, officer_user, bureau_user):
    for actor in (officer_user, bureau_user):
        with pytest.raises(ServiceError):
            meeting_reminder_offsets_set(meeting=meeting, actor=actor, offsets=[60])
    meeting.refresh_from_db()
    assert meeting.reminder_offsets == [10080, 1440, 120]


def test_the_field_shows_times_in_the_pages_language_and_reads_them_back():
    field = ReminderOffsetsField()
    for language, shown in (("zh-hans", "7天, 1天, 2小时, 30分钟"), ("en", "7d, 1d, 2h, 30min")):
        with translation.override(language):
            assert offsets_as_text([120, 10080, 30, 1440]) == shown
            assert field.clean(shown) == [10080, 1440, 120, 30]
