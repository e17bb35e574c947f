"""Search folding: the names an investigator types match however they were written."""

from __future__ import annotations

from graph.values import fold


def test_names_fold_alike_with_or_without_case_accents_and_spacing() -> None:
    spellings = ["Café  Ltd", "CAFE\tLTD", " cafe ltd ", "Cafe\u0301 Ltd", "ＣＡＦÉ Ltd"]
    assert {fold(name) for name in spellings} == {"cafe ltd"}
    assert fold("Straße") == "strasse" and fold("İstanbul") == fold("i\u0307stanbul")
