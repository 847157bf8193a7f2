"""The calendar file: RFC 5545 line endings, folding at 75 octets (never inside a character), escaping."""

import datetime as dt

import pytest
from django.urls import reverse

from scenariohub.events.ics import calendar_for_event, escape_text, fold
from scenariohub.events.models import EventStatus
from scenariohub.events.tests.factories import ReleaseEventFactory


def unfold(text: str) -> list[str]:
    """A minimal RFC 5545 reader: split on CRLF, join continuation lines."""
    assert text.endswith("\r\n")
    lines: list[str] = []
    for raw in text[:-2].split("\r\n"):
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def properties(text: str) -> dict[str, str]:
    out = {}
    for line in unfold(text):
        name, _sep, value = line.partition(":")
        out.setdefault(name, value)
    return out


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def test_escape_text():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert escape_text("one\r\ntwo") == "one\\ntwo"


def test_fold_keeps_lines_within_75_octets_and_characters_whole():
    line = "DESCRIPTION:" + "四川省人工智能应用场景发布会" * 20
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join([pieces[0]] + [p[1:] for p in pieces[1:]]) == line
    assert fold("SHORT:x") == "SHORT:x"


def test_calendar_structure():
    start = dt.datetime(2026, 3, 18, 1, 30, tzinfo=dt.UTC)
    text = calendar_for_event(
        uid="release-event-1@scenariohub", stamp=start, title="发布会, 第一场; 成都\\绵阳", start=start,
        end=start + dt.timedelta(hours=7), day=start.date(), location="绵阳", description="议程：\n1. 致辞\n2. 发布" * 10,
        url="https://example.cn/events/1/",
    )
    assert "\n" not in text.replace("\r\n", "")  # every line break is CRLF
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    props = properties(text)
    assert unfold(text)[0] == "BEGIN:VCALENDAR" and unfold(text)[-1] == "END:VCALENDAR"
    assert props["VERSION"] == "2.0"
    assert props["DTSTART"] == "20260318T013000Z"
    assert props["DTEND"] == "20260318T083000Z"
    assert props["SUMMARY"] == "发布会\\, 第一场\\; 成都\\\\绵阳"
    assert unescape(props["SUMMARY"]) == "发布会, 第一场; 成都\\绵阳"
    assert unescape(props["DESCRIPTION"]).startswith("议程：\n1. 致辞\n2. 发布")
    assert props["STATUS"] == "CONFIRMED"


def test_all_day_event_without_start_time():
    text = calendar_for_event(uid="u", stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), title="t", start=None, end=None,
                              day=dt.date(2026, 4, 2))
    lines = unfold(text)
    assert "DTSTART;VALUE=DATE:20260402" in lines and "DTEND;VALUE=DATE:20260403" in lines


@pytest.mark.django_db
def test_ics_view(anon_client):
    event = ReleaseEventFactory(title="2026年第一季度四川省人工智能应用场景发布会，绵阳", date=dt.date(2026, 3, 18),
                                starts_at=dt.time(9, 30), ends_at=dt.time(17, 0))
    response = anon_client.get(reverse("events:event-ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    props = properties(text)
    assert props["DTSTART"] == "20260318T013000Z"  # 09:30 in Asia/Shanghai
    assert unescape(props["SUMMARY"]) == event.title
    assert props["URL"].endswith(reverse("events:event-detail", args=[event.pk]))


@pytest.mark.django_db
def test_ics_of_a_cancelled_event_is_not_public(anon_client):
    event = ReleaseEventFactory(status=EventStatus.CANCELLED)
    assert anon_client.get(reverse("events:event-ics", args=[event.pk])).status_code == 404
