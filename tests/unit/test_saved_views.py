"""Filter choices kept per table, and named views of them saved in a small local file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from emporix_data.settings import LocalSettings
from emporix_data.tables import TABLES
from emporix_data.workspace import FilterChoice, TableState, ViewStore

SCHEMA = TABLES["customers"].schema
CHOICE = FilterChoice(
    text="acme",
    picks={"businessModel": ("B2B",), "active": (True,), "preferredSite": ()},
    dates={"createdAt": (date(2024, 1, 1), None)},
    hidden=("title", "middleName"),
)


def test_a_choice_is_a_filter_with_the_pages_own_picks_on_top_and_counts_what_is_active():
    spec = CHOICE.table_filter({"businessModel": ["B2C"]})
    assert spec.text == "acme"
    assert dict(spec.picks) == {"businessModel": ["B2C"], "active": [True]}
    assert dict(spec.dates) == {"createdAt": (date(2024, 1, 1), None)}
    assert CHOICE.active == 4
    assert FilterChoice(text="  ").active == 0
    assert CHOICE.visible(["customerNumber", "title", "firstName"]) == [
        "customerNumber",
        "firstName",
    ]


def test_a_choice_survives_json_and_forgets_columns_the_table_no_longer_has():
    data = CHOICE.to_json()
    assert FilterChoice.from_json(data, SCHEMA) == FilterChoice(
        text="acme",
        picks={"businessModel": ("B2B",), "active": (True,)},
        dates={"createdAt": (date(2024, 1, 1), None)},
        hidden=("title", "middleName"),
    )
    data["picks"]["gone"] = ["x"]
    data["hidden"].append("gone too")
    assert FilterChoice.from_json(data, SCHEMA).hidden == ("title", "middleName")
    assert "gone" not in FilterChoice.from_json(data, SCHEMA).picks


def test_views_are_saved_per_table_replaced_by_name_and_deleted(tmp_path: Path):
    store = ViewStore(tmp_path / "data" / "views.json")
    assert store.views("customers", SCHEMA) == {}
    store.save("customers", " B2B ", CHOICE)
    store.save("customers", "All", FilterChoice())
    store.save("customer-groups", "Retail", FilterChoice(text="retail"))
    again = ViewStore(tmp_path / "data" / "views.json")
    assert list(again.views("customers", SCHEMA)) == ["All", "B2B"]
    assert again.views("customers", SCHEMA)["B2B"] == FilterChoice.from_json(
        CHOICE.to_json(), SCHEMA
    )
    store.save("customers", "B2B", FilterChoice(text="replaced"))
    assert again.views("customers", SCHEMA)["B2B"].text == "replaced"
    store.delete("customers", "All")
    assert list(again.views("customers", SCHEMA)) == ["B2B"]
    assert list(tmp_path.joinpath("data").iterdir()) == [tmp_path / "data" / "views.json"]


def test_a_view_needs_a_name_and_a_damaged_file_is_said_so(tmp_path: Path):
    store = ViewStore(tmp_path / "views.json")
    with pytest.raises(ValueError, match="needs a name"):
        store.save("customers", "  ", CHOICE)
    (tmp_path / "views.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read the saved views"):
        store.views("customers", SCHEMA)


def test_the_views_file_lives_in_the_data_folder_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("EMPORIX_VIEWS_FILE", raising=False)
    monkeypatch.setenv("EMPORIX_DATA_DIR", str(tmp_path))
    assert LocalSettings().views_file == tmp_path / "views.json"
    monkeypatch.setenv("EMPORIX_VIEWS_FILE", str(tmp_path / "elsewhere.json"))
    assert LocalSettings().views_file == tmp_path / "elsewhere.json"


def test_choosing_filters_at_once_gives_their_widgets_new_keys():
    state = TableState("customers", "demo")
    before = state.filter_key("search")
    state.choose_filters(CHOICE)
    assert state.filters == CHOICE
    assert state.filter_key("search") != before
    assert state.filter_key("search").startswith("customers:search:")
