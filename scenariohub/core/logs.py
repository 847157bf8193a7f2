"""Log lines never carry secrets: passwords, tokens, keys, session and CSRF cookies are redacted.

A log line is read by more people (operators, log shippers, the assessor) than the data it mentions, so the
filter runs on every handler (settings.LOGGING) and rewrites the message, its arguments and any formatted
traceback before a formatter sees them. It is a safety net, not a licence: code should not log secrets.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[REDACTED]"

_SENSITIVE_NAMES = (
    r"password\d?|passwd|pwd|new_password\d|old_password|secret|secret_key|api[_-]?key|access[_-]?key|"
    r"private[_-]?key|data[_-]?key|token|access_token|refresh_token|otp_token|otp|totp|recovery[_-]?code|"
    r"csrfmiddlewaretoken|csrftoken|sessionid|session[_-]?key|authorization|cookie"
)
# Authorization: Bearer abc / Basic abc (headers, repr of META)
_SCHEME = re.compile(r"(?i)\b(?P<key>(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]{8,}")
# name=value, name: value, 'name': 'value', "name": "value" (query strings, form dumps, dict reprs)
_NAMED = re.compile(
    rf"(?i)(?P<key>[\"']?\b(?:[a-z0-9]+_)*(?:{_SENSITIVE_NAMES})\b[\"']?\s*[=:]\s*[\"']?)[^\s\"'&,;}}]+"
)
# Database and cache URLs with a password: scheme://user:password@host
_URL = re.compile(r"(?P<key>\b[a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s]+(?=@)")


def redact(text: str) -> str:
    """``text`` with the values of anything that looks like a secret replaced by [REDACTED]."""
    if not text:
        return text
    for pattern in (_SCHEME, _NAMED, _URL):
        text = pattern.sub(lambda m: m.group("key") + REDACTED, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites the record so no handler prints a secret (see module docstring)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the line
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
