"""Every message catalogue is complete, and the UI speaks Chinese by default and English on request.

The parser below reads the subset of the PO format that makemessages writes (comments, flags, msgctxt,
msgid, msgid_plural, msgstr, msgstr[n], continuation lines); polib is not a dependency.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parents[2]
# %(name)s / %(n)d placeholders: a translation that drops or renames one fails at run time.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0


def _unquote(text: str) -> str:
    # A PO string is a C string literal; Python's literal syntax reads the escapes PO files use.
    return ast.literal_eval(text.strip())


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None  # which field a continuation line extends

    def flush():
        nonlocal current
        if current.msgstr or current.msgid or current.msgid_plural is not None:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if not line:
            continue
        if line.startswith("#,"):
            if current.msgstr:
                flush()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if current.msgstr:
                flush()
            continue
        if line.startswith("msgctxt "):
            if current.msgstr:
                flush()
            current.msgctxt, target = _unquote(line[8:]), ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", 0)
        elif line.startswith("msgid "):
            if current.msgstr:
                flush()
            current.msgid, current.line, target = _unquote(line[6:]), number, ("msgid", 0)
        elif line.startswith("msgstr["):
            index = int(line[7:line.index("]")])
            current.msgstr[index], target = _unquote(line[line.index("]") + 1:]), ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr[0], target = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
        else:
            raise ValueError(f"line {number}: cannot read {raw!r}")
    flush()
    return entries


def catalogues() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.po") if ".venv" not in p.parts)


def test_parser_reads_plurals_continuations_and_flags():
    text = '\n'.join([
        'msgid ""', 'msgstr ""', '"Language: zh_Hans\\n"', "",
        "#, fuzzy, python-format", 'msgid "a %(n)s"', 'msgstr "甲"', "",
        'msgid ""', '"long "', '"one"', 'msgid_plural "longs"', 'msgstr[0] "长"', "",
        'msgid "esc \\"q\\""', 'msgstr ""',
    ])
    header, fuzzy, plural, empty = parse_po(text)
    assert header.msgid == "" and "zh_Hans" in header.msgstr[0]
    assert fuzzy.flags >= {"fuzzy", "python-format"} and fuzzy.msgstr == {0: "甲"}
    assert plural.msgid == "long one" and plural.msgid_plural == "longs" and plural.msgstr == {0: "长"}
    assert empty.msgid == 'esc "q"' and empty.msgstr == {0: ""}


def test_there_are_catalogues():
    names = {str(p.relative_to(PACKAGE_DIR)) for p in catalogues()}
    assert "locale/zh_Hans/LC_MESSAGES/django.po" in names
    assert "scenarios/locale/zh_Hans/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_catalogue_is_complete(path: Path):
    problems = []
    for entry in parse_po(path.read_text(encoding="utf-8")):
        if entry.obsolete:
            continue
        where = f"{path.name}:{entry.line} {entry.msgid[:60]!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {where}")
        if entry.msgid and (not entry.msgstr or any(not s.strip() for s in entry.msgstr.values())):
            problems.append(f"empty: {where}")
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        for translated in entry.msgstr.values():
            if entry.msgid and translated and set(PLACEHOLDER.findall(translated)) != wanted:
                problems.append(f"placeholders differ: {where}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_catalogue_is_compiled_and_current(path: Path):
    """The committed .mo says what the .po says (compared by content: git does not keep file times)."""
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run compilemessages"
    with compiled.open("rb") as handle:
        try:
            catalog = gettext.GNUTranslations(handle)._catalog
        except UnicodeDecodeError:
            pytest.fail(f"{compiled} has no charset: its header was fuzzy or empty when compiled")
    stale = []
    for entry in parse_po(path.read_text(encoding="utf-8")):
        if entry.obsolete or not entry.msgid or "fuzzy" in entry.flags:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        got = catalog.get((key, 0)) if entry.msgid_plural is not None else catalog.get(key)
        if got != entry.msgstr.get(0):
            stale.append(entry.msgid[:60])
    assert not stale, f"{compiled} is out of date, run compilemessages: {stale[:5]}"


@pytest.mark.django_db
def test_home_page_is_chinese_by_default_and_english_after_switching(client):
    page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "场景通" in html and "最新发布的场景" in html
    assert "Latest released scenarios" not in html

    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert switched.status_code == 302

    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Latest released scenarios" in html and "ScenarioHub" in html
    assert "最新发布的场景" not in html


# Catalogues whose every entry must be what people see. Other apps' catalogues should join this list once
# their generic msgids ("title", "Filter", "History"...) use the shared wording or a context (pgettext).
UNSHADOWED = ("locale", "core/locale", "reference/locale", "accounts/locale", "scenarios/locale")


@pytest.mark.parametrize(
    "path",
    [p for p in catalogues() if str(p.relative_to(PACKAGE_DIR)).startswith(tuple(f"{d}/" for d in UNSHADOWED))],
    ids=lambda p: str(p.relative_to(PACKAGE_DIR)),
)
def test_catalogue_is_not_shadowed(path: Path):
    """What a catalogue says is what people see.

    Django merges catalogues and the earlier app wins (django.contrib.admin before ours, scenarios before
    events), so a generic msgid such as "Filter" or "History" silently shows another app's wording. Such a
    string needs the shared wording, a more specific msgid or a context.
    """
    shadowed = []
    with translation.override("zh-hans"):
        for entry in parse_po(path.read_text(encoding="utf-8")):
            if entry.obsolete or not entry.msgid or "fuzzy" in entry.flags:
                continue
            if entry.msgctxt is not None:
                shown = translation.pgettext(entry.msgctxt, entry.msgid)
            elif entry.msgid_plural is not None:
                shown = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
            else:
                shown = translation.gettext(entry.msgid)
            if shown != entry.msgstr.get(0):
                shadowed.append(f"{entry.msgid[:50]!r}: shows {shown!r}, not {entry.msgstr.get(0)!r}")
    assert not shadowed, "\n".join(shadowed)
