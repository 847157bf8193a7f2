"""Load the plan's sectors, fields and regions. Codes are stable; names are facts from the plan."""

import json
from pathlib import Path

from django.db import migrations

# A copy taken when this migration was written, so replaying it later gives the same rows.
TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "taxonomy.json"


def load(apps, schema_editor):
    Sector = apps.get_model("reference", "Sector")
    Field = apps.get_model("reference", "Field")
    Region = apps.get_model("reference", "Region")
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    for s_pos, sector in enumerate(data["sectors"]):
        Sector.objects.update_or_create(
            code=sector["code"],
            defaults={"name_zh": sector["name_zh"], "name_en": sector.get("name_en", ""), "position": s_pos},
        )
        for f_pos, field in enumerate(sector["fields"]):
            Field.objects.update_or_create(
                code=field["code"],
                defaults={"sector_id": sector["code"], "name_zh": field["name_zh"], "position": f_pos},
            )
    for r_pos, region in enumerate(data["regions"]):
        Region.objects.update_or_create(code=region["code"], defaults={"name_zh": region["name_zh"], "position": r_pos})


def unload(apps, schema_editor):
    apps.get_model("reference", "Field").objects.all().delete()
    apps.get_model("reference", "Sector").objects.all().delete()
    apps.get_model("reference", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
