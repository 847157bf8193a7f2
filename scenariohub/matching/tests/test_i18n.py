"""The matching catalogue is complete: every msgid translated, nothing fuzzy, the .mo compiled from it."""

import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(text: str):
    """(block, [(keyword, full string)]) for every entry but the header; continuation lines are joined."""
    for block in text.strip().split("\n\n")[1:]:
        strings: list[list[str]] = []
        for line in block.splitlines():
            head = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if head:
                strings.append([head.group(1), head.group(2)])
            elif line.startswith('"') and strings:
                strings[-1][1] += line[1:-1]
        yield block, [tuple(s) for s in strings]


def test_every_msgstr_is_filled_and_nothing_is_fuzzy():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#~" not in text, "obsolete entries: run makemessages and drop them"
    empty = []
    for block, strings in _entries(text):
        assert "fuzzy" not in block, block
        if any(kind.startswith("msgstr") and value == "" for kind, value in strings):
            empty.append(block)
    assert empty == []


def test_placeholders_survive_translation():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block, strings in _entries(text):
        msgid = next(v for k, v in strings if k == "msgid")
        msgstr = next(v for k, v in strings if k.startswith("msgstr"))
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), block


def test_compiled_catalogue_is_not_older_than_the_source():
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1
