"""A calendar file (iCalendar, RFC 5545) for one event, written by hand: the format is small and a
library would be a new dependency for forty lines.

The three rules that matter: lines end with CRLF; a content line longer than 75 octets is folded
(CRLF followed by one space), never inside a UTF-8 sequence; TEXT values escape backslash, semicolon,
comma and newline. Times are written in UTC (`...Z`) so no VTIMEZONE block is needed.
"""

import datetime as dt

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11: TEXT escapes."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 §3.1: split a content line into pieces of at most 75 octets, continuation lines starting
    with a space (which counts towards their 75). Multi-octet characters are never split."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _property(name: str, value: str) -> str:
    return fold(f"{name}:{value}")


def calendar_for_event(
    *,
    uid: str,
    stamp: dt.datetime,
    title: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    day: dt.date,
    location: str = "",
    description: str = "",
    url: str = "",
    cancelled: bool = False,
    sequence: int = 0,
) -> str:
    """One VCALENDAR with one VEVENT. Without a start time the event is an all-day event on `day`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ScenarioHub//Sichuan AI Application Scenarios//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        _property("UID", uid),
        f"DTSTAMP:{_utc(stamp)}",
    ]
    if start is not None:
        lines.append(f"DTSTART:{_utc(start)}")
        if end is not None:
            lines.append(f"DTEND:{_utc(end)}")
    else:
        lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}")
    lines.append(_property("SUMMARY", escape_text(title)))
    if location:
        lines.append(_property("LOCATION", escape_text(location)))
    if description:
        lines.append(_property("DESCRIPTION", escape_text(description)))
    if url:
        # URI values are not TEXT: they are not escaped (RFC 5545 §3.3.13), only folded.
        lines.append(_property("URL", url))
    lines.append(f"SEQUENCE:{sequence}")
    lines.append("STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(lines) + CRLF
