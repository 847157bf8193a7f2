from pathlib import Path

from scenariohub.scenarios.lifecycle import TRANSITIONS

DOC = Path(__file__).resolve().parents[3] / "docs" / "lifecycle.md"


def render_table() -> list[str]:
    rows = []
    for t in TRANSITIONS:
        who = ", ".join(f"{role} ({scope})" for role, scope in t.scopes.items())
        rows.append(
            f"| {t.action} | {', '.join(t.sources)} | {t.target} | {who} | {'yes' if t.reason_required else 'no'} "
            f"| {t.service or '—'} |"
        )
    return rows


def test_lifecycle_doc_matches_the_transition_table():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- table:start -->")[1].split("<!-- table:end -->")[0].strip().splitlines()[2:]
    assert table == render_table(), "docs/lifecycle.md is out of step with lifecycle.TRANSITIONS:\n" + "\n".join(
        render_table()
    )
