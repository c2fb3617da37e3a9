"""What the browser tests do in the dashboard: wait for it, filter, type into grid cells.

The grid is a canvas: a cell is reached by clicking its row's first cell (rows are 35 px,
the header is one row) and moving right with the keyboard; Enter opens the editor
overlay, which must show the cell's current value before anything is typed, so that a
keystroke the grid missed cannot put a value into another cell.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from emporix_data.tables import TABLES

ROW_PX = 35
# The grid's first column marks rows with pending changes; the table's columns follow.
MARK_COLUMN = "pending"


def settled(page: Page) -> None:
    """Wait until the script has run and the page shows only what that run drew (during a
    rerun the elements of the last run stay, marked stale, beside the new ones)."""
    expect(
        page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    ).to_be_attached(timeout=60_000)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=60_000)


def open_table(page: Page, url: str, path: str, rows: int | None = None) -> None:
    """Open a table page and wait until it is loaded (``rows``: how many)."""
    page.goto(f"{url}/{path}")
    loaded = f"Loaded {rows} rows" if rows is not None else "Loaded "
    expect(page.get_by_text(loaded)).to_be_visible(timeout=60_000)
    settled(page)


def filters(page: Page) -> Locator:
    return page.get_by_test_id("stExpander").filter(has_text="Filters").first


def search(page: Page, text: str) -> None:
    """Type ``text`` into the search of the Filters (opened if need be)."""
    box = page.get_by_label("Search all columns")
    if not box.is_visible():
        filters(page).locator("summary").click()
    box.fill(text)
    box.press("Enter")
    settled(page)


def pick(
    page: Page, box: Locator, option: str, typed: str | None = None, exact: bool = True
) -> None:
    """Choose ``option`` (the first option so named, or naming it unless ``exact``) in the
    select box or multiselect ``box``: typing ``typed`` (the option's text by default)
    leaves only what matches in its list. The box is centred in the window first (a list
    opened at the window's lower edge moves while the page settles), and the list is
    opened again if a rerun closed it (opening an expander reruns the script, and that
    rerun may start only after the click)."""
    wanted = page.get_by_role("option", name=option, exact=exact).first
    for _attempt in range(3):
        settled(page)
        box.evaluate("element => element.scrollIntoView({block: 'center'})")
        box.click()
        box.fill(option if typed is None else typed)
        try:
            wanted.click(timeout=5_000)
        except PlaywrightTimeoutError:
            close_list(page)
            continue
        return
    raise AssertionError(f"the option {option!r} never showed")


def close_list(page: Page) -> None:
    """Close an open option list by clicking the page's title. Not with Escape: in a
    multiselect, Escape may clear what was chosen (Streamlit's intended behaviour,
    streamlit/streamlit#16109)."""
    page.locator("h1").first.click()


def enter_text(page: Page, box: Locator, text: str) -> None:
    """Type ``text`` into the text input ``box`` and apply it (Enter), waiting until the
    input says no more that Enter would apply it: a button clicked before may run with
    the old value."""
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_text("Press Enter to apply")).to_have_count(0, timeout=10_000)
    settled(page)


def grid(page: Page) -> Locator:
    return page.get_by_test_id("stDataFrame").first


def grid_column(name: str, column: str) -> int:
    """The position of ``column`` in the grid of table ``name`` (0: the mark column)."""
    return [MARK_COLUMN, *TABLES[name].schema.names].index(column)


def add_row(page: Page) -> None:
    """Click the grid's "Add row" (its toolbar shows above it while the mouse is on it)."""
    grid(page).evaluate("element => element.scrollIntoView({block: 'center'})")
    grid(page).hover()
    page.get_by_role("button", name="Add row").click()


def edit_cell(page: Page, table: str, row: int, column: str, value: str, current: str = "") -> None:
    """Type ``value`` into the cell of grid row ``row`` (0: the first shown) and column
    ``column`` of table ``table``, whose value is ``current`` now. The grid mirrors its
    cells into a hidden table whose selected cell names its column and row: the editor is
    opened only once that is the cell wanted."""
    position = grid_column(table, column)
    wanted = grid(page).locator(f"#glide-cell-{position + 1}-{row}")
    overlay = page.get_by_test_id("portal").locator(".gdg-input")
    for _attempt in range(3):
        # Where the grid is, read again each time: a rerun may have moved it.
        settled(page)
        expect(grid(page).locator("canvas").first).to_be_visible()
        box = grid(page).bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 60, box["y"] + ROW_PX * (row + 1) + ROW_PX // 2)
        for _step in range(position):
            page.keyboard.press("ArrowRight")
        try:
            expect(wanted).to_have_attribute("aria-selected", "true", timeout=5_000)
        except AssertionError:
            page.keyboard.press("Escape")
            continue
        page.keyboard.press("Enter")
        expect(overlay).to_be_visible(timeout=10_000)
        if overlay.input_value() == current:
            break
        overlay.press("Escape")
        expect(overlay).to_be_hidden(timeout=10_000)
    else:
        raise AssertionError(f"the {column} cell of grid row {row} never opened")
    overlay.fill(value)
    overlay.press("Enter")
    expect(overlay).to_be_hidden(timeout=10_000)
    settled(page)


def review_table(page: Page) -> Locator:
    """The review's table of changes (the grid is the first table on the page)."""
    return page.get_by_test_id("stDataFrame").filter(has_text="action").first


def push_button(page: Page, count: int) -> Locator:
    noun = "change" if count == 1 else "changes"
    return page.get_by_role("button", name=f"Push {count} {noun}", exact=True)
