"""The columns of a scenario spreadsheet: one list for the export, the import template and the data dictionary.

An export can be imported again unchanged: importable columns carry the values `scenario_create` takes
(codes for region, sector, field, kind and cooperation mode — the Chinese names are accepted too), and the
other columns (id, names, owner, status, release date) are there to be read and are ignored on import.
Headers are the model's verbose names in Chinese, so a column is called the same in the form, the admin
and the file.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from scenariohub.reference import selectors as ref
from scenariohub.scenarios.models import CooperationMode, Scenario, Status

OFFICIAL_LANGUAGE = "zh-hans"

TEXT, CODE, INTEGER, DATE, DATETIME = "text", "code", "integer", "date", "datetime"


@dataclass(frozen=True)
class Column:
    key: str
    kind: str
    description: object  # lazy text for the data dictionary
    importable: bool = True
    required: bool = False
    source: str = ""  # the value to read from Scenario.objects.values(); defaults to key
    label_override: object = None
    width: int = 14

    @property
    def model_field(self):
        try:
            return Scenario._meta.get_field(self.key)
        except FieldDoesNotExist:
            return None

    @property
    def label(self) -> str:
        if self.label_override is not None:
            return str(self.label_override)
        if self.key == "id":
            return "ID"
        return str(capfirst(self.model_field.verbose_name))

    @property
    def max_length(self) -> int | None:
        f = self.model_field if self.importable else None
        return getattr(f, "max_length", None) if f is not None else None

    @property
    def value_key(self) -> str:
        return self.source or self.key


def _names(mapping: Callable[[], dict]) -> Callable[[str | None], str]:
    return lambda code: mapping().get(code, code or "")


COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        INTEGER,
        _("Platform number of the scenario. Ignored on import: every imported row is a new draft."),
        importable=False,
        width=8,
    ),
    Column(
        "title", TEXT, _("Short name saying what is needed. Unique within one file."), required=True, width=30
    ),
    Column(
        "region",
        CODE,
        _(
            "Region code (e.g. 510100) or Chinese name (e.g. 成都市). Cities always import into "
            "their own region; others may leave it empty to use their organisation's region."
        ),
        source="region_id",
        width=10,
    ),
    Column(
        "region_name",
        TEXT,
        _("Chinese name of the region. Ignored on import."),
        importable=False,
        label_override=_("Region name"),
    ),
    Column(
        "sector",
        CODE,
        _("Sector code (e.g. manufacturing) or Chinese name."),
        required=True,
        source="sector_id",
    ),
    Column(
        "sector_name",
        TEXT,
        _("Chinese name of the sector. Ignored on import."),
        importable=False,
        label_override=_("Sector name"),
        width=24,
    ),
    Column(
        "field",
        CODE,
        _("Field code (e.g. machine-vision) or Chinese name; it must belong to the sector."),
        required=True,
        source="field_id",
        width=20,
    ),
    Column(
        "field_name",
        TEXT,
        _("Chinese name of the field. Ignored on import."),
        importable=False,
        label_override=_("Field name"),
        width=20,
    ),
    Column("kind", CODE, _("industrial or government (产业类 / 政府管理类)."), required=True),
    Column(
        "purpose", TEXT, _("What the scenario is for and what problem it solves."), required=True, width=40
    ),
    Column(
        "tech_requirements",
        TEXT,
        _("Measurable requirements: accuracy, response time, deployment."),
        required=True,
        width=40,
    ),
    Column(
        "cooperation_mode",
        CODE,
        _("Code or Chinese name of the cooperation mode (see the list of valid values)."),
        required=True,
    ),
    Column("cooperation_note", TEXT, _("Details of the cooperation (optional)."), width=24),
    Column("budget_min", INTEGER, _("Lower budget in 10k yuan (万元), a whole number; empty if negotiable.")),
    Column(
        "budget_max",
        INTEGER,
        _("Upper budget in 10k yuan (万元), a whole number, not below the lower budget."),
    ),
    Column("deadline", DATE, _("Application deadline, a date such as 2026-06-30 (optional for a draft).")),
    Column(
        "contact_name",
        TEXT,
        _("Contact person. Empty in the public download (personal data)."),
        required=True,
    ),
    Column(
        "contact_phone",
        TEXT,
        _("Contact phone. Empty in the public download (personal data)."),
        required=True,
    ),
    Column(
        "contact_email",
        TEXT,
        _("Contact e-mail (optional). Empty in the public download (personal data)."),
        width=24,
    ),
    Column(
        "owner",
        TEXT,
        _(
            "Organisation that opened the scenario. Ignored on import: rows become drafts of the "
            "importing organisation."
        ),
        importable=False,
        source="owner__name",
        width=24,
    ),
    Column(
        "status",
        CODE,
        _("Lifecycle status code. Ignored on import: imported rows are drafts."),
        importable=False,
    ),
    Column(
        "published_at",
        DATETIME,
        _("First release (Beijing time). Ignored on import."),
        importable=False,
        width=18,
    ),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
IMPORTABLE = tuple(c for c in COLUMNS if c.importable)
PERSONAL = ("contact_name", "contact_phone", "contact_email")
# Columns holding the Chinese name of a code column: filled from the cached taxonomy, not by joins.
NAME_OF = {
    "region_name": ("region_id", _names(ref.region_names)),
    "sector_name": ("sector_id", _names(ref.sector_names)),
    "field_name": ("field_id", _names(ref.field_names)),
}
# Values the export reads from the database.
EXPORT_VALUES = tuple(dict.fromkeys(c.value_key for c in COLUMNS if c.key not in NAME_OF))


def export_value(column: Column, row: dict):
    return row.get(column.key) if column.key in NAME_OF else row.get(column.value_key)


def headers() -> list[str]:
    with translation.override(OFFICIAL_LANGUAGE):
        return [c.label for c in COLUMNS]


def header_aliases() -> dict[str, str]:
    """Normalised header text → column key: the Chinese and English labels and the key itself."""
    aliases: dict[str, str] = {}
    for language in ("en", OFFICIAL_LANGUAGE):
        with translation.override(language):
            for c in COLUMNS:
                aliases[normalise_header(c.label)] = c.key
    for c in COLUMNS:
        aliases[normalise_header(c.key)] = c.key
    return aliases


def normalise_header(text) -> str:
    return "".join(str(text or "").split()).strip("*＊").casefold()


def code_lookup(key: str) -> dict[str, str]:
    """Accepted spellings (code, Chinese name, label in either language) → code, for a CODE column."""
    if key == "region":
        pairs = ref.region_names().items()
    elif key == "sector":
        pairs = ref.sector_names().items()
    elif key == "field":
        pairs = ref.field_names().items()
    elif key == "kind":
        pairs = ref.kind_names().items()
    elif key == "cooperation_mode":
        pairs = [(v, str(label)) for v, label in CooperationMode.choices]
    elif key == "status":
        pairs = [(v, str(label)) for v, label in Status.choices]
    else:
        raise KeyError(key)
    lookup: dict[str, str] = {}
    for code, name in pairs:
        lookup[code.casefold()] = code
        lookup["".join(name.split()).casefold()] = code
        for language in ("en", OFFICIAL_LANGUAGE):
            with translation.override(language):
                label = _label_of(key, code)
            if label:
                lookup["".join(label.split()).casefold()] = code
    return lookup


def _label_of(key: str, code: str) -> str:
    if key == "cooperation_mode":
        return str(CooperationMode(code).label)
    if key == "status":
        return str(Status(code).label)
    if key == "kind":
        from scenariohub.reference.models import ScenarioKind

        return str(ScenarioKind(code).label)
    return ""


def valid_values() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """For the template's second sheet: (column label, [(code, Chinese name, note)])."""
    with translation.override(OFFICIAL_LANGUAGE):
        field_sector = ref.field_sector()
        sectors = ref.sector_names()
        return [
            (COLUMNS_BY_KEY["region"].label, [(c, n, "") for c, n in ref.region_names().items()]),
            (COLUMNS_BY_KEY["sector"].label, [(c, n, "") for c, n in sectors.items()]),
            (
                COLUMNS_BY_KEY["field"].label,
                [(c, n, sectors[field_sector[c]]) for c, n in ref.field_names().items()],
            ),
            (COLUMNS_BY_KEY["kind"].label, [(c, n, "") for c, n in ref.kind_names().items()]),
            (
                COLUMNS_BY_KEY["cooperation_mode"].label,
                [(v, str(label), "") for v, label in CooperationMode.choices],
            ),
        ]
