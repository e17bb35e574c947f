"""The batch screening page through Streamlit's AppTest: a pasted list finds the demo's
entities with reasons and cases; scraped names and bad cells show as text."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import EVIL_NAMES
from tests.ui.test_pages import click, page, plain, table_with

LIST = (
    "Company,Phone,Email,Notes\n"
    "DRAGON GATE TRADING 0000 CO. LTD,,,\n"
    ",135 5324 4221,,\n"
    ",,Sales001@Headphones-Deals.example,\n"
    f"{EVIL_NAMES[0]},,,\n"
    f",{EVIL_NAMES[1]},,\n"
)


def test_a_pasted_list_shows_hits_with_reasons_cases_and_a_download(demo_db: Path) -> None:
    app = page("screening")
    assert [b for b in app.button if b.label == "Screen"][0].disabled  # nothing to screen yet
    app.text_area(key="screen_paste").input(LIST).run()
    app.text_input(key="screen_region").input("CN").run()
    click(app, "Screen")
    hits = table_with(app, "reasons")
    by_key = {row["key"]: row for row in hits.to_dict("records")}
    assert by_key["SHL-000-0"]["score"] == 1.0 and "100% alike" in by_key["SHL-000-0"]["reasons"]
    assert by_key["PHN-000"]["reasons"] == "phone +86 135 5324 4221 is the same" and by_key["PHN-000"]["cases"]
    assert by_key["EML-001"]["row"] == 4 and "CASE-001" in by_key["EML-001"]["cases"]
    assert by_key["EVIL-0"]["name"] == EVIL_NAMES[0]  # a scraped name is a cell's text, not markup
    warnings = [plain(w.value) for w in app.warning]
    assert "pasted list: column 'notes' is not one screening reads; ignored" in warnings
    assert any(w.startswith("pasted list: row 6, column 'phone': '<script>") for w in warnings)
    assert all("<script>" not in w.value.replace("\\<", "") for w in app.warning)  # escaped in Markdown
    assert [button.proto.label for button in app.get("download_button")] == ["Download CSV"]


def test_a_list_without_a_column_to_screen_by_is_named(demo_db: Path) -> None:
    app = page("screening")
    app.text_area(key="screen_paste").input("vendor,amount\nAcme,3\n").run()
    click(app, "Screen")
    [error] = app.error
    assert "pasted list: row 1: no column to screen by" in plain(error.value)
    assert not app.dataframe
