"""What the page tests do to the app: open pages, edit the grid, tick rows, read state."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from emporix_data.plan import ChangePlan
from emporix_data.workspace import TableState
from pages.components.state import state_key


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def widget_key(at: AppTest, prefix: str) -> str:
    keys = at.session_state._state._state.filtered_state.keys()
    return next(k for k in keys if str(k).startswith(prefix))


def editor_key(at: AppTest, name: str) -> str:
    return widget_key(at, f"editor:{name}:")


def select_mode(at: AppTest, name: str, mode: str = "Select") -> AppTest:
    at.segmented_control(key=f"{name}:mode").set_value(mode).run()
    assert not at.exception, at.exception
    return at


def selection_view(at: AppTest, name: str) -> pd.DataFrame:
    """The rows the selection grid shows, in its order."""
    return next(d for d in at.dataframe if str(d.key).startswith(f"select:{name}:")).value


def tick(at: AppTest, name: str, positions: list[int]) -> AppTest:
    """Tick these rows of the selection grid, as a click on their boxes does."""
    key = widget_key(at, f"select:{name}:")
    at.session_state[key] = {"selection": {"rows": positions, "columns": [], "cells": []}}
    return at.run()


def edit(at: AppTest, name: str, **state) -> AppTest:
    at.session_state[editor_key(at, name)] = {
        "edited_rows": state.get("edited_rows", {}),
        "added_rows": state.get("added_rows", []),
        "deleted_rows": state.get("deleted_rows", []),
    }
    return at.run()


def push_button(at: AppTest, count: int) -> Button:
    """The page's push button for ``count`` changes ("Push 1 change", "Push 3 changes")."""
    label = f"Push {count} change" + ("" if count == 1 else "s")
    return next(b for b in at.button if b.label == label)


def push(at: AppTest, count: int) -> AppTest:
    """Press the push button for ``count`` changes."""
    push_button(at, count).click().run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def table_state(at: AppTest, name: str, site: str | None = None) -> TableState:
    """The page's state of a table of the test tenant (``demo``)."""
    return at.session_state[state_key(name, "demo", site)]


def kept_plan(at: AppTest, name: str) -> ChangePlan | None:
    """The change plan the page keeps between runs."""
    return table_state(at, name).work.plans.kept


def choose_site(at: AppTest, site: str) -> AppTest:
    """Type a new site into the site picker, as the browser sends it: a value that is
    not among the picker's options (AppTest can only set listed ones, so list it)."""
    picker = at.selectbox(key="customer-groups:site-picker")
    if site not in picker.options:
        picker.options.append(site)
    picker.set_value(site).run()
    assert not at.exception, at.exception
    return at
