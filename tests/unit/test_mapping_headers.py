"""Headers -> columns: automatic by name, label or synonym (never by a guess), chosen
mappings, the report, and mappings saved as TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from emporix_data.frames import Column, FrameSchema, header_term
from emporix_data.mapping import (
    ColumnMapping,
    MappingError,
    load_mapping,
    map_headers,
    mapping_path,
    mapping_targets,
    mapping_toml,
    read_mapping,
    saved_mappings,
    write_mapping,
)
from emporix_data.resources.customers import CUSTOMER_SCHEMA
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA
from emporix_data.tables import TABLES


def mapped(headers: list[str], schema: FrameSchema = CUSTOMER_SCHEMA, **chosen: str):
    return map_headers(headers, schema, ColumnMapping(chosen) if chosen else None)


def hows(report) -> list[tuple[str, str | None, str]]:
    return [(c.header, c.column, c.how) for c in report.choices]


@pytest.mark.parametrize(
    "header",
    ["customerNumber", "Customer Number", "customer_number", "CUSTOMER-NUMBER", "customer.number"],
)
def test_a_header_matches_a_column_name_ignoring_case_spaces_and_punctuation(header):
    assert mapped([header]).mapped == {header: "customerNumber"}


@pytest.mark.parametrize(
    ("header", "column", "how"),
    [
        ("E-Mail", "contactEmail", "label"),
        ("Customer No", "customerNumber", "synonym"),
        ("Surname", "lastName", "synonym"),
        ("Currency", "preferredCurrency", "label"),
        ("created", "createdAt", "synonym"),
    ],
)
def test_labels_and_synonyms_map_too_and_the_report_says_which(header, column, how):
    assert hows(mapped([header])) == [(header, column, how)]


def test_a_header_that_matches_nothing_is_ignored_and_never_guessed():
    report = mapped(["Kundennummer", "Nachname", "Name", "Notes"])
    assert report.mapped == {}
    assert {c.how for c in report.ignored} == {"matches no column"}
    assert report.frame()["column"].tolist() == ["(ignored)"] * 4


def test_only_the_exact_action_and_error_headers_are_ours():
    report = mapped(["_action", "Action", "_error", "error"])
    assert report.mapped == {"_action": "_action", "_error": "_error"}


def test_of_two_headers_for_one_column_the_better_match_wins_and_the_other_is_named():
    report = mapped(["Customer No", "Customer Number", "customer_number"])
    assert hows(report) == [
        ("Customer No", None, "customerNumber is mapped from 'Customer Number'"),
        ("Customer Number", "customerNumber", "name"),
        ("customer_number", None, "customerNumber is mapped from 'Customer Number'"),
    ]


def test_a_header_that_matches_two_columns_equally_is_ignored():
    schema = FrameSchema(
        "things",
        (
            Column("id", ("id",)),
            Column("a", ("a",), synonyms=("Code",)),
            Column("b", ("b",), synonyms=("code",)),
        ),
        key=("id",),
    )
    assert hows(mapped(["CODE"], schema)) == [("CODE", None, "matches a and b")]


def test_no_two_columns_of_a_table_share_a_name_label_or_synonym():
    for table in TABLES.values():
        owners: dict[str, set[str]] = {}
        for target in mapping_targets(table.schema).values():
            for term, _how in target.terms():
                owners.setdefault(term, set()).add(target.name)
        shared = {term: names for term, names in owners.items() if len(names) > 1}
        assert not shared, (table.name, shared)


def test_fields_only_lookups_read_are_targets_that_find_a_key_column():
    targets = mapping_targets(MEMBERSHIP_SCHEMA)
    assert targets["segmentName"].finds == "segmentId"
    assert targets["customerNumber"].finds == "customerId"
    assert targets["customerEmail"].finds == "customerId"  # also a (read-only) column
    assert targets["legalEntityName"].finds == "legalEntityId"
    assert mapped(["Segment", "Customer"], MEMBERSHIP_SCHEMA).mapped == {
        "Segment": "segmentName",
        "Customer": "customerNumber",
    }


def test_a_chosen_column_wins_and_takes_it_from_the_automatic_match():
    report = mapped(
        ["Kundennummer", "Customer Number", "Nachname"],
        kundennummer="customerNumber",  # any case and spacing of the header
        Nachname="last name",  # a column by its label
    )
    assert hows(report) == [
        ("Kundennummer", "customerNumber", "chosen"),
        ("Customer Number", None, "customerNumber is mapped from 'Kundennummer'"),
        ("Nachname", "lastName", "chosen"),
    ]


def test_a_header_chosen_to_be_ignored_is_ignored():
    report = mapped(["Last Name"], **{"Last Name": ""})
    assert hows(report) == [("Last Name", None, "chosen: ignore")]


def test_chosen_headers_the_file_lacks_are_listed():
    assert mapped(["Last Name"], Kundenummer="customerNumber").absent == ("Kundenummer",)


def test_a_chosen_column_the_table_lacks_is_refused_naming_the_columns():
    with pytest.raises(MappingError, match=r"'nachname' is not a column of customers: use one of "):
        mapped(["Nachname"], Nachname="nachname")


def test_two_headers_chosen_for_one_column_are_refused():
    with pytest.raises(MappingError, match="'A' and 'B' are both mapped to lastName"):
        mapped(["A", "B"], A="lastName", B="lastName")


def test_explained_by_keeps_the_automatic_reasons_of_choices_left_as_they_were():
    automatic = mapped(["Customer Number", "Nachname", "Notes"])
    chosen = mapped(
        ["Customer Number", "Nachname", "Notes"],
        **{"Customer Number": "customerNumber", "Nachname": "lastName", "Notes": ""},
    )
    assert [c.how for c in chosen.explained_by(automatic).choices] == [
        "name",
        "chosen",
        "matches no column",
    ]


def test_the_chosen_mapping_of_a_report_maps_the_same_file_the_same_way():
    report = mapped(["Kundennummer", "E-Mail", "Notes"], Kundennummer="customerNumber")
    again = map_headers([*report.mapped, "Notes"], CUSTOMER_SCHEMA, report.chosen())
    assert again.mapped == report.mapped
    assert report.chosen().columns == {
        "Kundennummer": "customerNumber",
        "E-Mail": "contactEmail",
        "Notes": "",
    }


def test_mapping_options_on_top_of_a_mapping_file():
    base = ColumnMapping({"A": "lastName", "B": "firstName"}, "customers")
    merged = ColumnMapping({"B": "", "C": "title"}).over(base)
    assert merged == ColumnMapping({"A": "lastName", "B": "", "C": "title"}, "customers")


@pytest.mark.parametrize("text", ["Customer Number", "a_b-c.d e", "E-MAIL", " x "])
def test_header_terms_drop_case_spaces_and_punctuation(text):
    term = header_term(text)
    assert term == term.casefold() and not set(term) & set(" _-.")


# ------------------------------------------------------------------ saved mappings
ODD = ColumnMapping(
    {'Say "hi"': "firstName", "back\\slash": "", "tab\there": "lastName", "Ünïcødé ✓": "title"},
    "customers",
)


def test_a_mapping_round_trips_through_its_toml_text_whatever_its_headers_hold():
    text = mapping_toml(ODD)
    assert text.startswith("# emporix-data column mapping")
    assert 'resource = "customers"' in text
    assert read_mapping(text) == ODD


def test_a_mapping_file_for_another_resource_or_of_another_shape_is_refused():
    with pytest.raises(
        MappingError, match="this mapping is for customers, not for customer-groups"
    ):
        read_mapping(mapping_toml(ODD), "customer-groups")
    with pytest.raises(MappingError, match="not a mapping file"):
        read_mapping("columns = [", "customers")
    with pytest.raises(MappingError, match=r"\[columns\] table"):
        read_mapping("[columns]\nA = 1\n", "customers")
    assert read_mapping('[columns]\n"A" = "lastName"\n', "customers").resource == "customers"


def test_saved_mappings_are_listed_per_resource_and_names_must_be_plain(tmp_path: Path):
    write_mapping(ODD, mapping_path(tmp_path, "crm export"))
    write_mapping(ColumnMapping({"X": "groupId"}, "customer-groups"), tmp_path / "groups.toml")
    (tmp_path / "broken.toml").write_text("[columns", encoding="utf-8")
    assert saved_mappings(tmp_path, "customers") == ["crm export"]
    assert load_mapping(tmp_path / "crm export.toml", "customers") == ODD
    for name in ("../x", "", "a/b", ".hidden", "x" * 61):
        with pytest.raises(MappingError, match="a mapping name is"):
            mapping_path(tmp_path, name)
    with pytest.raises(MappingError, match="cannot read the mapping"):
        load_mapping(tmp_path / "absent.toml")
