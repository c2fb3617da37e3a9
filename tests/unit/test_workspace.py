"""The workspace without Streamlit: grid edits folded into the working copy, pending rows,
selection by key, reconciling after a push, rows of one site, the plan cache."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
import pytest

from emporix_data.filters import TableFilter
from emporix_data.mapping import MappedFile, map_headers
from emporix_data.plan import ChangePlan, References, RowChange
from emporix_data.push import Outcome, PushReport, RowResult
from emporix_data.tables import TABLES, LoadedTable
from emporix_data.workspace import (
    EditorState,
    Selection,
    SiteChoice,
    TableState,
    UploadedFile,
    Workspace,
)

NOW = datetime(2026, 12, 1, 9, 30)
NO_REFERENCES = References()


def loaded(name: str, records: list[dict]) -> LoadedTable:
    table = TABLES[name]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})


def customers(n: int = 6) -> LoadedTable:
    return loaded(
        "customers",
        [
            {
                "customerNumber": f"{i:08d}",
                "contactEmail": f"c{i}@example.com",
                "firstName": f"First{i}",
                "metadata": {"version": 1},
            }
            for i in range(n)
        ],
    )


def memberships() -> LoadedTable:
    return loaded(
        "segment-memberships",
        [
            {"segmentId": "SEG1", "customer": {"id": "C1"}, "legalEntity": {"id": "LE1"}},
            {"segmentId": "SEG1", "customer": {"id": "C2"}},
            {"segmentId": "SEG2", "customer": {"id": "C2"}},
        ],
    )


def state_of(table: LoadedTable) -> TableState:
    state = TableState(table.table.name, "demo")
    state.start(table, NOW)
    return state


def shown(work: Workspace, key: str, labels: list[int]) -> None:
    """Show these rows of the working copy in the grid, as a filter would."""
    work.show(key, work.frame.loc[labels])


def test_grid_edits_are_applied_by_position_in_the_snapshot_shown():
    work = Workspace(customers())
    shown(work, "view-1", [1, 3, 5])
    edits = {"edited_rows": {"1": {"firstName": "Edited"}}, "deleted_rows": [2]}
    work.keep_edits(EditorState.of(edits))
    edited = work.edited()
    assert edited.loc[3, "firstName"] == "Edited"
    assert 5 not in edited.index and len(edited) == 5
    assert work.frame.loc[3, "firstName"] == "First3", "folded only when the view ends"


def test_edits_are_kept_across_filter_changes():
    work = Workspace(customers())
    shown(work, "filter-a", [0, 1])
    work.keep_edits(EditorState.of({"edited_rows": {0: {"lastName": "Kept"}}}))
    assert work.fold()
    assert work.view is None
    shown(work, "filter-b", [2, 3])
    assert work.edited().loc[0, "lastName"] == "Kept"
    plan = work.plan(NO_REFERENCES)
    assert [(c.key, [f.column for f in c.changes]) for c in plan.updates] == [
        (("00000000",), ["lastName"])
    ]


def test_the_editors_own_state_wins_over_the_kept_one_when_folding():
    work = Workspace(customers())
    shown(work, "view", [0])
    work.keep_edits(EditorState.of({"edited_rows": {0: {"lastName": "Older"}}}))
    work.fold(EditorState.of({"edited_rows": {0: {"lastName": "Newer"}}}))
    assert work.frame.loc[0, "lastName"] == "Newer"


def test_rows_added_in_the_grid_become_creates_labelled_after_the_last_row():
    work = Workspace(customers(3))
    shown(work, "view", [1])
    work.keep_edits(EditorState.of({"added_rows": [{"contactEmail": "new@example.com"}]}))
    work.fold()
    assert list(work.frame.index) == [0, 1, 2, 3]
    assert work.frame.loc[3, "contactEmail"] == "new@example.com"
    assert work.frame.dtypes.equals(work.loaded.frame.dtypes)
    plan = work.plan(NO_REFERENCES)
    assert plan.counts() == {"create": 1, "update": 0, "delete": 0, "invalid": 0}
    assert plan.creates[0].row == "row 3"


def test_rows_deleted_in_the_grid_become_deletes():
    work = Workspace(customers())
    shown(work, "view", [2, 4])
    work.keep_edits(EditorState.of({"deleted_rows": [1]}))
    plan = work.plan(NO_REFERENCES)
    assert [c.key for c in plan.deletes] == [("00000004",)]


def test_a_view_must_be_folded_before_another_is_shown():
    work = Workspace(customers())
    shown(work, "view", [0])
    with pytest.raises(ValueError, match="fold it first"):
        work.show("other", work.frame)


def test_pending_rows_are_added_and_removed_by_key():
    work = Workspace(memberships())
    candidates = pd.DataFrame(
        {"segmentId": ["SEG1", "SEG1"], "customerId": ["C2", "C3"], "legalEntityId": [None, None]}
    )
    new = work.rows_not_present(candidates)
    assert new["customerId"].tolist() == ["C3"]
    work.add_rows(new)
    assert work.frame.index.tolist() == [0, 1, 2, 3]
    removed = work.remove_rows([("SEG1", "C3", None), ("SEG1", "C2", None)])
    assert removed == 2
    plan = work.plan(NO_REFERENCES)
    assert plan.counts() == {"create": 0, "update": 0, "delete": 1, "invalid": 0}
    assert plan.deletes[0].key == ("SEG1", "C2", None)


def test_removing_rows_keeps_the_grids_edits_first():
    work = Workspace(customers())
    shown(work, "view", [0, 1])
    work.keep_edits(EditorState.of({"edited_rows": {1: {"lastName": "Before-Remove"}}}))
    work.remove_rows([("00000000",)])
    assert work.view is None
    assert work.frame.loc[1, "lastName"] == "Before-Remove"
    assert 0 not in work.frame.index


def test_selection_is_kept_by_key_across_filters_and_reloads():
    state = state_of(customers())
    state.selection = state.selection.ticked([("00000001",), ("00000002",)], {("00000001",)})
    # Another filter shows other rows: what was selected elsewhere stays selected.
    state.selection = state.selection.ticked([("00000003",)], {("00000003",)})
    assert state.selection.keys == (("00000001",), ("00000003",))
    # Unticking a shown row drops it, and only it.
    state.selection = state.selection.ticked([("00000003",)], set())
    assert state.selection.keys == (("00000001",),)
    reordered = customers()
    state.start(
        LoadedTable(
            reordered.table,
            reordered.schema,
            reordered.frame.iloc[::-1].reset_index(drop=True),
            reordered.documents,
        ),
        NOW,
    )
    assert state.selected_rows()["customerNumber"].tolist() == ["00000001"]


def test_replacing_the_selection_starts_a_new_round():
    selection = Selection().replaced([("a",), ("b",), ("a",)])
    assert selection == Selection((("a",), ("b",)), 1)
    assert selection.replaced([]).round == 2


def report_of(plan: ChangePlan, outcome: Callable[[RowChange], Outcome]) -> PushReport:
    results = [RowResult(change, outcome(change), 500, "boom", None) for change in plan.changes]
    return PushReport(plan.resource, [], results)


def test_after_a_push_failed_and_conflicting_rows_stay_pending():
    state = state_of(customers())
    work = state.work
    shown(work, "view", [0, 1, 2])
    work.keep_edits(
        EditorState.of(
            {
                "edited_rows": {0: {"lastName": "Failed"}, 1: {"lastName": "Applied"}},
                "deleted_rows": [2],
                "added_rows": [{"contactEmail": "new@example.com"}],
            }
        )
    )
    plan = work.plan(NO_REFERENCES)
    report = report_of(plan, lambda c: "applied" if c.key == ("00000001",) else "failed")
    reloaded = customers()  # the applied update as the API has it now
    reloaded.frame.loc[1, "lastName"] = "Applied"
    before = state.generation
    state.pushed(report, reloaded, NOW)
    assert state.report is report and state.generation > before
    after = state.work.plan(NO_REFERENCES)
    assert after.counts() == {"create": 1, "update": 1, "delete": 1, "invalid": 0}
    assert after.updates[0].key == ("00000000",)
    assert after.deletes[0].key == ("00000002",)
    assert after.creates[0].values["contactEmail"] == "new@example.com"


def test_a_failed_delete_of_a_membership_without_legal_entity_stays_pending():
    state = state_of(memberships())
    state.work.remove_rows([("SEG1", "C2", None)])
    plan = state.work.plan(NO_REFERENCES)
    state.pushed(report_of(plan, lambda _change: "conflict"), memberships(), NOW)
    assert [c.key for c in state.work.plan(NO_REFERENCES).deletes] == [("SEG1", "C2", None)]


def test_an_uploaded_file_is_mapped_once_per_choice_and_planned_once_per_mapping():
    state = state_of(customers())
    raw = pd.DataFrame(
        {"Customer Number": ["00000001"], "Nachname": ["Neu"]}, index=[2], dtype="string"
    )
    upload = UploadedFile.read("file-1", "c.csv", raw, state.loaded.schema)
    assert upload.choices == {"Customer Number": "customerNumber", "Nachname": ""}
    mapped = upload.rows(lambda: pytest.fail("no lookup needed"), None)
    assert upload.rows(lambda: pytest.fail("no lookup needed"), None) is mapped
    plan = state.work.plan(NO_REFERENCES, mapped)
    assert plan.is_empty
    assert state.work.plan(NO_REFERENCES, mapped) is plan
    upload.choose({"Customer Number": "customerNumber", "Nachname": "lastName"})
    remapped = upload.rows(lambda: pytest.fail("no lookup needed"), None)
    assert remapped is not mapped
    assert [
        (c.column, c.new) for c in state.work.plan(NO_REFERENCES, remapped).updates[0].changes
    ] == [("lastName", "Neu")]
    assert [c.how for c in upload.report().choices] == ["name", "chosen"]


def test_the_plan_is_kept_until_what_it_is_made_of_changes():
    work = Workspace(customers())
    shown(work, "filter-a", [0, 1])
    first = work.plan(NO_REFERENCES)
    work.fold()
    shown(work, "filter-b", [2])
    assert work.plan(NO_REFERENCES) is first, "a filter change alone keeps the plan"
    work.keep_edits(EditorState.of({"edited_rows": {0: {"lastName": "Edited"}}}))
    edited = work.plan(NO_REFERENCES)
    assert edited is not first and edited.counts()["update"] == 1
    work.keep_edits(EditorState.of({"edited_rows": {0: {"lastName": "Edited"}}}))
    assert work.plan(NO_REFERENCES) is edited, "the same edits, compared by value"
    work.keep_edits(EditorState.of({"edited_rows": {0: {"lastName": "Again"}}}))
    assert work.plan(NO_REFERENCES).updates[0].changes[0].new == "Again"
    rows = work.loaded.frame.iloc[[0]].assign(firstName="From-File")
    file = MappedFile(rows, map_headers(list(rows.columns), work.loaded.schema))
    assert work.plan(NO_REFERENCES, file).updates[0].changes[0].new == "From-File"
    again = work.plan(NO_REFERENCES)
    assert again.updates[0].changes[0].new == "Again"
    assert work.plan(References()) is not again, "other references: planned again"


def test_forgetting_a_table_reloads_it_unless_edits_are_pending():
    clean = state_of(customers())
    clean.forget()
    assert clean.workspace is None and not clean.stale
    edited = state_of(customers())
    shown(edited.work, "view", [0])
    edited.work.keep_edits(EditorState.of({"edited_rows": {0: {"lastName": "Unfolded"}}}))
    edited.forget()
    assert edited.workspace is not None and edited.stale
    edited.start(customers(), NOW)
    assert not edited.stale


def test_the_grid_gets_a_new_key_whenever_the_working_copy_changes():
    state = state_of(customers())
    spec = TableFilter(text="x")
    key = state.editor_key(spec)
    assert key.startswith("editor:customers:demo:")
    assert state.editor_key(TableFilter(text="y")) != key
    shown(state.work, key, [0])
    state.fold()
    assert state.editor_key(spec) == key, "a view without edits changes nothing"
    shown(state.work, key, [0])
    state.work.keep_edits(EditorState.of({"edited_rows": {0: {"lastName": "New"}}}))
    state.fold()
    assert state.editor_key(spec) != key
    before = state.editor_key(spec)
    state.add_rows(pd.DataFrame({"contactEmail": ["x@example.com"]}))
    assert state.editor_key(spec) != before
    assert state.selection_key(spec).startswith("select:customers:demo:")


def test_per_site_state_keeps_widget_keys_and_scope_apart():
    main, outlet = (
        TableState("customer-groups", "demo", "main"),
        TableState("customer-groups", "demo", "outlet"),
    )
    assert main.widget_key("search") == "customer-groups:search:main"
    assert outlet.widget_key("search") == "customer-groups:search:outlet"
    assert TableState("customers", "demo").widget_key("search") == "customers:search"
    assert main.scope == "demo:main"


def test_the_search_text_is_built_once_per_working_copy():
    state = state_of(customers())
    text = state.search_text()
    assert state.search_text() is text
    frame = state.work.frame
    assert state.mask(frame, TableFilter(text="first3")).tolist() == [
        False,
        False,
        False,
        True,
        False,
        False,
    ]
    assert state.kept_search_text(frame.copy()) is None
    state.add_rows(pd.DataFrame({"contactEmail": ["x@example.com"]}))
    assert state.search_text() is not text


def test_a_site_choice_remembers_typed_sites():
    sites = SiteChoice("main")
    assert (sites.chosen, sites.known) == ("main", ["main"])
    sites.remember(" outlet ")
    sites.remember("main")
    assert sites.known == ["main", "outlet"]
    assert sites.choose("outlet") == "outlet"
    assert sites.choose("  ") == "main"


def test_editor_state_is_a_copy_compared_by_value():
    raw = {"edited_rows": {"2": {"a": 1}}, "added_rows": [{"b": 2}], "deleted_rows": ["1"]}
    state = EditorState.of(raw)
    raw["edited_rows"]["2"]["a"] = 99
    assert state == EditorState({2: {"a": 1}}, ({"b": 2},), (1,))
    assert state.has_edits and not EditorState.of(None).has_edits
