"""Building workbooks for the import tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from scenariohub.exchange.columns import headers

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def good_row(n: int = 1, **overrides) -> dict:
    row = {
        "title": f"光伏组件缺陷智能检测{n:03d}",
        "region": "成都市",
        "sector": "manufacturing",
        "field": "机器视觉与检测",
        "kind": "产业类",
        "purpose": "利用机器视觉对光伏组件外观缺陷进行自动检测，替代人工目检。",
        "tech_requirements": "检出率不低于99%，单件检测时间小于200毫秒。",
        "cooperation_mode": "pilot",
        "cooperation_note": "",
        "budget_min": 50,
        "budget_max": 200,
        "deadline": "2030-06-30",
        "contact_name": "张伟",
        "contact_phone": 13800000000,
        "contact_email": "zhang@example.cn",
    }
    row.update(overrides)
    return row


def workbook_bytes(rows: list[dict], *, header: list[str] | None = None) -> bytes:
    """A workbook laid out like the template (Chinese headers), one dict per row keyed by column code."""
    from scenariohub.exchange.columns import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.append(header or headers())
    keys = [c.key for c in COLUMNS]
    for row in rows:
        ws.append([row.get(k) for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "场景.xlsx", content_type: str = XLSX_TYPE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
