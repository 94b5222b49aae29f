"""The category taxonomy of duties.md (CON-2): every finer code maps onto one Art. 15 item."""

from __future__ import annotations

import pytest

from xinan.guard.taxonomy import ALL_CODES, FINE_CODES, LAW_CODES, UnknownCode, check_code, law_item


def test_law_item_of_fine_code_is_its_article_15_item():
    assert law_item("gambling") == "law.7"
    assert law_item("insult") == "law.8"
    assert law_item("cult") == "law.5"


def test_law_item_of_law_code_is_itself():
    assert all(law_item(code) == code for code in LAW_CODES)


def test_every_fine_code_maps_onto_one_of_the_nine_items():
    assert set(FINE_CODES.values()) <= set(LAW_CODES)
    assert set(LAW_CODES) | set(FINE_CODES) == ALL_CODES


def test_check_code_unknown_raises_naming_it():
    with pytest.raises(UnknownCode, match="'nonsense'"):
        check_code("nonsense")
    with pytest.raises(UnknownCode):
        law_item("law.10")
