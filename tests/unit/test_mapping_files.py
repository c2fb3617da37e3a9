"""A file from another system -> the rows a plan reads: the key found by lookups
(e-mails, names, numbers), values that match no record or several refused naming them,
only the columns a file holds changed, sites, and codes such as currencies tidied."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.export import frame_bytes, read_table_file
from emporix_data.mapping import (
    ColumnMapping,
    Directory,
    MissingKey,
    directory_of,
    map_file,
    map_headers,
)
from emporix_data.plan import build_plan
from emporix_data.resources.customers import CUSTOMER_SCHEMA, Customer
from emporix_data.resources.legal_entities import LegalEntity
from emporix_data.resources.segments import Segment
from emporix_data.tables import TABLES, LoadedTable

KINDS = ("customers", "legal_entities", "segments", "b2b_customers")
B2B = {"businessModel": "B2B"}


def directory() -> Directory:
    def b2b(*entities: str) -> dict:
        return B2B | {"b2b": {"legalEntities": [{"id": e} for e in entities]}}

    customers = [
        Customer(customerNumber="C1", id="C1", contactEmail="anna@example.com"),
        Customer(customerNumber="C2", id="id-2", contactEmail=" Bob@Example.com "),
        Customer.model_validate({"customerNumber": "C3", "contactEmail": "b2b@x.org"} | b2b("LE1")),
        Customer.model_validate(
            {"customerNumber": "C4", "contactEmail": "two@x.org"} | b2b("LE1", "LE2")
        ),
        Customer(customerNumber="C5", contactEmail="twin@x.org"),
        Customer(customerNumber="C6", contactEmail="TWIN@x.org"),
    ]
    segments = [
        Segment(id="S1", name={"en": "VIP", "de": "Stammkunden"}),
        Segment(id="S2", name="Newsletter"),
        Segment(id="S3", name="newsletter "),
    ]
    entities = [LegalEntity(id="LE1", name="Acme GmbH"), LegalEntity(id="LE2", name="Beta AG")]
    return directory_of(KINDS, customers, segments, entities)


def loaded(name: str, records: list[dict]) -> LoadedTable:
    table = TABLES[name]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})


def file(text: str) -> pd.DataFrame:
    return read_table_file(text.encode(), "csv")


def mapped_file(name: str, text: str, found: Directory | None = None, **options):
    schema = TABLES[name].schema
    raw = file(text)
    report = map_headers(list(raw.columns), schema, options.pop("chosen", None))
    return map_file(raw, schema, report, (lambda: found) if found else None, **options)


def members(*rows: tuple[str, str, str | None]) -> LoadedTable:
    return loaded(
        "segment-memberships",
        [
            {"segmentId": s, "customer": {"id": c}, "legalEntity": {"id": e} if e else None}
            for s, c, e in rows
        ],
    )


def keys(frame: pd.DataFrame) -> list[tuple]:
    columns = ["segmentId", "customerId", "legalEntityId"]
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[columns].to_numpy()]


def test_segments_by_name_and_customers_by_e_mail_give_the_keys_any_case_trimmed():
    text = (
        "Segment name,Customer E-Mail\n"
        "vip,ANNA@EXAMPLE.COM\n"
        " stammkunden , bob@example.com \n"
        "S2,anna@example.com\n"
    )
    result = mapped_file("segment-memberships", text, directory())
    assert keys(result.frame) == [("S1", "C1", None), ("S1", "C2", None), ("S2", "C1", None)]
    assert list(result.frame.columns) == ["segmentId", "customerId", "legalEntityId"]
    assert result.frame.index.tolist() == [2, 3, 4]
    assert result.errors == ()
    assert result.found_by_row().values.tolist()[0] == [
        "row 2",
        "vip",
        "S1",
        "ANNA@EXAMPLE.COM",
        "C1",
    ]


def test_customers_by_number_or_id_and_legal_entities_by_name():
    text = "Segment id,Customer,Legal entity\nS1,C2,\nS1,id-2,\nS1,C3,acme gmbh\nS1,C4,LE2\n"
    result = mapped_file("segment-memberships", text, directory())
    assert keys(result.frame) == [
        ("S1", "C2", None),
        ("S1", "C2", None),
        ("S1", "C3", "LE1"),
        ("S1", "C4", "LE2"),
    ]


def test_a_value_matching_nothing_or_several_records_is_refused_naming_it_and_never_picked():
    text = (
        "Segment name,Customer E-Mail\n"
        "Newsletter,anna@example.com\n"
        "VIP,twin@x.org\n"
        "VIP,nobody@x.org\n"
        "VIP,anna@example.com\n"
    )
    result = mapped_file("segment-memberships", text, directory())
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (
            "row 2",
            "segmentName",
            "'Newsletter' matches 2 segments: S2, S3; give one of them instead",
        ),
        (
            "row 3",
            "customerEmail",
            "'twin@x.org' matches 2 customers: C5, C6; give one of them instead",
        ),
        (
            "row 4",
            "customerEmail",
            "'nobody@x.org' matches no customer (by customer number, id or e-mail)",
        ),
    ]
    assert keys(result.frame) == [("S1", "C1", None)], "refused rows are not planned"
    assert result.found["found"].tolist().count("(2 matches)") == 2


def test_a_b2b_customers_one_legal_entity_is_filled_in_and_several_are_named():
    text = "Segment name,Customer E-Mail\nVIP,b2b@x.org\nVIP,two@x.org\nVIP,anna@example.com\n"
    found = directory()
    result = mapped_file("segment-memberships", text, found)
    assert keys(result.frame) == [("S1", "C3", None), ("S1", "C4", None), ("S1", "C1", None)]
    plan = result.plan(members(), found.references)
    assert sorted(change.key for change in plan.creates) == [
        ("S1", "C1", None),
        ("S1", "C3", "LE1"),
    ]
    (error,) = plan.errors
    assert (error.row, error.column) == ("row 3", "legalEntityId")
    assert error.message == ("customer C4 belongs to 2 legal entities (LE1, LE2): choose one")


def test_rows_a_file_ignores_are_not_looked_up():
    text = "_action,Segment name,Customer E-Mail\nignore,VIP,nobody@x.org\n,VIP,anna@example.com\n"
    result = mapped_file("segment-memberships", text, directory())
    assert result.errors == ()
    assert result.frame["_action"].isna().tolist() == [False, True]


def test_the_plan_has_the_lookup_errors_among_its_own_in_file_order():
    table = members(("S1", "C1", None))
    text = (
        "Segment name,Customer E-Mail,Notes\n"
        "VIP,nobody@x.org,a\n"
        "VIP,anna@example.com,b\n"
        "VIP,bob@example.com,c\n"
        "Nowhere,anna@example.com,d\n"
    )
    result = mapped_file("segment-memberships", text, directory())
    plan = result.plan(table, directory().references)
    assert plan.counts() == {"create": 1, "update": 0, "delete": 0, "invalid": 2}
    assert [c.key for c in plan.creates] == [("S1", "C2", None)]
    assert [e.row for e in plan.errors] == ["row 2", "row 5"]
    assert "'Nowhere' matches no segment (by segment id or name)" in plan.errors[1].message


def test_an_upper_case_e_mail_of_an_existing_member_changes_nothing():
    """The e-mail found the customer: it is not compared with the member's as a column."""
    table = loaded(
        "segment-memberships",
        [{"segmentId": "S1", "customer": {"id": "C1", "email": "anna@example.com"}}],
    )
    result = mapped_file(
        "segment-memberships", "Segment,E-Mail\nVIP,ANNA@example.com\n", directory()
    )
    assert result.plan(table, directory().references).is_empty


def test_a_blank_id_cell_is_looked_up_and_a_given_one_is_kept():
    text = (
        "segmentId,customerId,legalEntityId,customerEmail\n"
        "S1,,,anna@example.com\n"
        "S1,C2,,anna@example.com\n"
    )
    result = mapped_file("segment-memberships", text, directory())
    assert keys(result.frame) == [("S1", "C1", None), ("S1", "C2", None)]
    assert "customerEmail" in result.frame.columns, "a column of the table, kept as such"


def test_a_file_without_its_key_or_a_way_to_find_it_stops_naming_the_header_expected():
    with pytest.raises(
        MissingKey,
        match="no column for customerNumber, the key of customers: "
        "expected a header 'customerNumber' or 'Customer number'",
    ) as caught:
        mapped_file("customers", "Kundennummer,Nachname\n1,x\n")
    assert caught.value.column == "customerNumber"
    with pytest.raises(
        MissingKey, match="expected a header 'segmentId' or 'Segment id' or 'Segment name'"
    ):
        mapped_file("segment-memberships", "Customer E-Mail\nanna@example.com\n", directory())
    with pytest.raises(
        MissingKey, match="'customerId' or 'Customer id' or 'Customer number' or 'Customer e-mail'"
    ):
        mapped_file("customer-groups", "Group\nretail\n", directory(), site="main")


def test_chosen_headers_make_a_foreign_file_plannable_and_change_only_its_columns():
    table = loaded(
        "customers",
        [
            {"customerNumber": "1", "contactEmail": "a@x.org", "firstName": "A", "lastName": "Alt"},
            {"customerNumber": "2", "contactEmail": "b@x.org", "firstName": "B", "lastName": "Alt"},
        ],
    )
    chosen = ColumnMapping({"Kundennummer": "customerNumber", "Nachname": "lastName"})
    result = mapped_file("customers", "Kundennummer,Nachname\n2,Neu\n", chosen=chosen)
    plan = result.plan(table, None)
    (update,) = plan.updates
    assert [(c.column, c.old, c.new) for c in update.changes] == [("lastName", "Alt", "Neu")]
    assert plan.counts() == {"create": 0, "update": 1, "delete": 0, "invalid": 0}


def test_no_records_are_asked_for_when_nothing_needs_looking_up():
    result = mapped_file("customers", "Customer Number,Last Name\n1,x\n")  # no directory given
    assert list(result.frame.columns) == ["customerNumber", "lastName"]
    assert result.found.empty and result.notes == ()


def test_a_per_site_file_without_a_site_is_for_the_site_and_other_sites_can_be_left_out():
    result = mapped_file(
        "customer-groups",
        "Customer E-Mail,Group\nanna@example.com,retail\n",
        directory(),
        site="outlet",
    )
    assert result.frame[["site", "customerId", "groupId"]].values.tolist() == [
        ["outlet", "C1", "retail"]
    ]
    assert "site: not in the file; outlet for every row" in result.notes
    text = "site,customerId,groupId\nmain,a,x\n main ,b,x\noutlet,c,x\n,d,x\n"
    kept = mapped_file("customer-groups", text, site="main", other_sites_left_out=True)
    assert kept.frame["customerId"].tolist() == ["a", "b", "d"]
    assert kept.left_out == (
        "1 rows of the file are for other sites and are left out: "
        "switch the site to `outlet` to push them."
    )
    assert mapped_file("customer-groups", text, site="main").left_out == ""


def test_contact_assignments_find_customers_and_legal_entities():
    text = "id,Customer E-Mail,Company,type\n,anna@example.com,Beta AG,BILLING\n"
    result = mapped_file("contact-assignments", text, directory())
    assert result.frame[["customerId", "legalEntityId", "type"]].values.tolist() == [
        ["C1", "LE2", "BILLING"]
    ]


# ------------------------------------------------------------------ codes such as currencies
def customers_with(currency: str) -> pd.DataFrame:
    record = Customer(customerNumber="1", contactEmail="a@x.org", preferredCurrency=currency)
    return CUSTOMER_SCHEMA.to_frame([record])


@pytest.mark.parametrize("source", ["grid", "file"])
def test_a_lowercase_currency_is_upper_cased_not_refused(source):
    original = customers_with("EUR")
    edited = original.copy().astype({"preferredCurrency": "string"})
    edited.loc[0, "preferredCurrency"] = " usd "
    if source == "file":
        edited = read_table_file(frame_bytes(edited, "csv"), "csv")
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source=source)
    assert plan.errors == []
    assert [(c.column, c.new) for c in plan.updates[0].changes] == [("preferredCurrency", "USD")]


def test_a_currency_loaded_in_lower_case_is_no_edit_when_the_file_is_unchanged():
    original = customers_with("eur")
    back = read_table_file(frame_bytes(original, "csv"), "csv")
    assert build_plan(CUSTOMER_SCHEMA, original, back, source="file").is_empty


def test_a_currency_that_is_no_code_is_still_refused():
    original = customers_with("EUR")
    edited = original.copy().astype({"preferredCurrency": "string"})
    edited.loc[0, "preferredCurrency"] = "euro"
    (error,) = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid").errors
    assert error.message == "'EURO' is not a three-letter currency code"
