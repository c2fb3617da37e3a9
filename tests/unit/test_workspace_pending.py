"""Pending changes without Streamlit: what the grid is given (by position, marked), what
is pending, reverting a row, discarding all, and what a push leaves pending."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from emporix_data.plan import References
from emporix_data.push import PushReport
from emporix_data.tables import TABLES, LoadedTable
from emporix_data.workspace import MARK_COLUMN, EditorState, TableState, Workspace
from emporix_data.workspace.pending import changed_cells, pending_of

NOW = datetime(2026, 12, 1, 9, 30)
NO_REFERENCES = References()


def customers(n: int = 8) -> LoadedTable:
    table = TABLES["customers"]
    records = [
        {
            "customerNumber": f"{i:08d}",
            "contactEmail": f"c{i}@example.com",
            "firstName": f"First{i}",
            "lastName": "Odd" if i % 2 else "Even",
            "metadata": {"version": 1},
        }
        for i in range(n)
    ]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})


def test_the_editor_gets_a_filtered_slice_by_position_and_added_rows_become_creates():
    work = Workspace(customers())
    odd = work.frame[work.frame["lastName"] == "Odd"]  # labels 1, 3, 5, 7
    view = work.show("view", odd)
    assert isinstance(view.shown.index, pd.RangeIndex)
    assert list(view.shown.index) == [0, 1, 2, 3]
    assert list(view.shown.columns) == [MARK_COLUMN, *odd.columns]
    edits = {
        "edited_rows": {2: {"firstName": "Third", MARK_COLUMN: "typed into the mark"}},
        "added_rows": [{"contactEmail": "added@example.com", "lastName": "Odd"}],
    }
    work.keep_edits(EditorState.of(edits))
    plan = work.plan(NO_REFERENCES)
    assert plan.counts() == {"create": 1, "update": 1, "delete": 0, "invalid": 0}
    assert plan.updates[0].key == ("00000005",)
    assert plan.creates[0].values["contactEmail"] == "added@example.com"
    assert MARK_COLUMN not in work.edited().columns


def test_new_rows_keep_their_label_across_reruns_and_filters():
    work = Workspace(customers())
    work.show("view-a", work.frame.loc[[1, 3]])
    added = EditorState.of({"added_rows": [{"contactEmail": "n@example.com"}]})
    for _rerun in range(3):
        work.keep_edits(added)
        assert work.plan(NO_REFERENCES).creates[0].row == "row 8"
    work.fold()
    work.show("view-b", work.frame.loc[[0, 8]])
    assert work.plan(NO_REFERENCES).creates[0].row == "row 8"


def test_rows_are_marked_new_or_with_the_columns_edited():
    work = Workspace(customers(4))
    work.show("view", work.frame)
    work.keep_edits(
        EditorState.of(
            {
                "edited_rows": {1: {"firstName": "Changed", "lastName": "Too"}},
                "added_rows": [{"contactEmail": "n@example.com"}],
            }
        )
    )
    work.fold()
    view = work.show("again", work.frame)
    assert view.shown[MARK_COLUMN].tolist() == ["", "✎ firstName, lastName", "", "", "new"]


def test_pending_compares_by_label_and_blank_text_equals_blank():
    loaded = customers(4).frame
    frame = loaded.copy()
    frame.loc[0, "middleName"] = "   "  # blank, as loaded
    frame.loc[1, "firstName"] = "Changed"
    frame = frame.drop(index=2)
    frame.loc[9] = frame.loc[3]
    pending = pending_of(loaded, frame.index, frame)
    assert list(pending.new) == [9]
    assert list(pending.deleted) == [2]
    assert list(pending.edited.index) == [1]
    assert pending.count == 3
    assert changed_cells(loaded.loc[[1]], frame.loc[[1]]).loc[1].sum() == 1


def test_the_pending_rows_are_shown_with_how_each_is_pending_and_which_cells_to_mark():
    work = Workspace(customers(4))
    work.show("view", work.frame)
    work.keep_edits(
        EditorState.of(
            {
                "edited_rows": {1: {"firstName": "Changed"}},
                "deleted_rows": [2],
                "added_rows": [{"contactEmail": "n@example.com"}],
            }
        )
    )
    rows, flags = work.pending().rows(work.loaded.frame)
    assert rows[MARK_COLUMN].to_dict() == {1: "edited", 2: "deleted", 4: "new"}
    assert rows.loc[2, "firstName"] == "First2", "a deleted row as it was"
    assert flags.loc[1].sum() == 1 and flags.loc[1, "firstName"]
    assert flags.loc[4].all()


def test_reverting_rows_undoes_edits_brings_deleted_rows_back_and_drops_new_ones():
    work = Workspace(customers(4))
    work.show("view", work.frame)
    work.keep_edits(
        EditorState.of(
            {
                "edited_rows": {0: {"firstName": "Zero"}, 1: {"firstName": "One"}},
                "deleted_rows": [2],
                "added_rows": [{"contactEmail": "n@example.com"}],
            }
        )
    )
    work.revert([1, 2, 4])
    assert work.view is None, "the grid's edits were folded first"
    assert work.frame["firstName"].tolist() == ["Zero", "First1", "First2", "First3"]
    plan = work.plan(NO_REFERENCES)
    assert plan.counts() == {"create": 0, "update": 1, "delete": 0, "invalid": 0}
    assert work.pending().count == 1


def test_discarding_drops_every_pending_change_including_the_grids():
    state = TableState("customers", "demo")
    state.start(customers(4), NOW)
    state.work.show("view", state.work.frame)
    state.work.keep_edits(EditorState.of({"edited_rows": {0: {"firstName": "Gone"}}}))
    generation = state.generation
    state.edit(lambda work: work.discard())
    assert state.generation == generation + 1, "the grid is shown afresh"
    assert state.work.view is None
    assert not state.work.has_pending()
    assert state.work.pending().count == 0


def test_what_is_pending_is_worked_out_once_per_working_copy_and_grid_state():
    work = Workspace(customers(4))
    work.show("view", work.frame)
    edits = EditorState.of({"edited_rows": {0: {"firstName": "Once"}}})
    work.keep_edits(edits)
    first = work.pending()
    work.keep_edits(EditorState.of({"edited_rows": {0: {"firstName": "Once"}}}))
    assert work.pending() is first, "the same edits again change nothing"
    work.keep_edits(EditorState.of({"edited_rows": {0: {"firstName": "Twice"}}}))
    assert work.pending() is not first


def test_after_a_grid_push_the_invalid_rows_stay_pending_and_the_state_says_so():
    state = TableState("customers", "demo")
    state.start(customers(4), NOW)
    state.work.show("view", state.work.frame)
    state.work.keep_edits(
        EditorState.of(
            {
                "edited_rows": {0: {"firstName": "Valid"}, 1: {"contactEmail": "not-an-email"}},
                "added_rows": [{"firstName": "No e-mail"}],
            }
        )
    )
    plan = state.work.plan(NO_REFERENCES)
    assert plan.counts() == {"create": 0, "update": 1, "delete": 0, "invalid": 2}
    reloaded = customers(4)
    reloaded.frame.loc[0, "firstName"] = "Valid"  # as the push left it
    state.pushed(PushReport("customers", [], []), reloaded, NOW)
    assert state.report_notes == ("2 invalid rows were not pushed and are still pending.",)
    again = state.work.plan(NO_REFERENCES)
    assert again.counts() == {"create": 0, "update": 0, "delete": 0, "invalid": 2}
    assert state.work.frame.loc[1, "contactEmail"] == "not-an-email"
    assert state.work.frame.loc[4, "firstName"] == "No e-mail"


def test_a_push_from_another_page_replaces_the_banner_which_can_be_dismissed():
    state = TableState("customers", "demo")
    state.start(customers(2), NOW)
    state.report, state.report_notes = PushReport("customers", [], []), ("old note",)
    undo = PushReport("customers", [], [], push_id="P2")
    state.forget(undo, "Last push (undo of push P1)")
    assert (state.report, state.report_heading, state.report_notes) == (
        undo,
        "Last push (undo of push P1)",
        (),
    )
    state.dismiss_report()
    assert state.report is None
