"""`emporix-data report` and `emporix-data sql` as cron runs them, against the sandbox.

Runs that load and write go through the installed command in a process of its own; the
refusals and mistakes, which end before anything loads, run the same app in process.
"""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

from emporix_data.cli import app
from emporix_data.export import read_table_file
from tests.http.test_cli import run_cli
from tests.support import tenant_env

TENANT = "demo"


@pytest.fixture
def env(sandbox, admin, tmp_path: Path) -> dict[str, str]:
    """The command's environment: the test sandbox as the tenant, a reports folder."""
    return tenant_env(
        sandbox,
        EMPORIX_REPORTS_DIR=str(tmp_path / "reports"),
    )


def api_total(api: httpx.Client, path: str) -> int:
    response = api.get(path, params={"pageSize": 1}, headers={"X-Total-Count": "true"})
    response.raise_for_status()
    return int(response.headers["X-Total-Count"])


def test_sql_counts_the_customers_the_api_has(env, api, tmp_path):
    out = tmp_path / "n.csv"
    result = run_cli("sql", "SELECT count(*) AS n FROM customers", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    customers = len(api.get(f"/customer/{TENANT}/customers", params={"pageSize": 1000}).json())
    assert pd.read_csv(out).to_dict("records") == [{"n": customers}]
    assert customers == 120
    assert "Wrote 1 row to" in result.stderr


def test_per_segment_membership_counts_equal_the_apis(env, api, tmp_path):
    out = tmp_path / "m.parquet"
    query = "SELECT segmentId, count(*) AS members FROM segment_memberships GROUP BY ALL"
    assert run_cli("sql", query, "-o", str(out), env=env).returncode == 0
    counted = dict(pd.read_parquet(out).itertuples(index=False))
    segments = api.get(f"/customer-segment/{TENANT}/segments").json()
    expected = {
        s["id"]: api_total(api, f"/customer-segment/{TENANT}/segments/{s['id']}/customers")
        for s in segments
    }
    assert counted == expected and len(expected) == 3


def test_a_users_report_with_a_parameter_is_listed_and_runs_to_csv_and_xlsx(env, tmp_path):
    folder = Path(env["EMPORIX_REPORTS_DIR"])
    folder.mkdir()
    (folder / "by_model.sql").write_text(
        "-- title: Customers of one business model\n"
        "-- chart: bar x=country y=customers\n"
        "SELECT coalesce(country, '-') AS country, count(*) AS customers\n"
        "FROM customer_360 WHERE businessModel = $model GROUP BY ALL ORDER BY 1\n"
    )
    listed = run_cli("report", "list", env=env)
    assert listed.returncode == 0
    line = next(line for line in listed.stdout.splitlines() if line.startswith("by_model"))
    assert "Customers of one business model" in line and "$model" in line
    assert str(folder / "by_model.sql") in line
    assert "segment_sizes" in listed.stdout and str(folder) in listed.stderr

    csv, xlsx = tmp_path / "b2b.csv", tmp_path / "b2b.xlsx"
    for out in (csv, xlsx):
        ran = run_cli("report", "run", "by_model", "--param", "model=B2B", "-o", str(out), env=env)
        assert ran.returncode == 0, ran.stderr
    # As a user's spreadsheet reads them back (the CSV's formula guard on "-" removed).
    from_csv = read_table_file(csv.read_bytes(), "csv")
    from_xlsx = read_table_file(xlsx.read_bytes(), "xlsx")
    assert list(from_csv.columns) == ["country", "customers"]
    assert from_csv.equals(from_xlsx)
    assert from_csv["customers"].astype(int).sum() > 0
    every = run_cli(
        "sql", "SELECT count(*) AS n FROM customers WHERE businessModel = 'B2B'", env=env
    )
    total = from_csv["customers"].astype(int).sum()
    assert pd.read_csv(io.StringIO(every.stdout))["n"].tolist() == [total]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * FROM read_csv('{marker}')", "Refused: a report reads only the loaded tables"),
        ("SELECT * FROM '{marker}'", "Refused: a report reads only the loaded tables"),
        ("COPY (SELECT 1 AS x) TO '{target}'", "Refused: a report runs one SELECT query, not COPY"),
        ("ATTACH '{target}' AS other", "Refused: a report runs one SELECT query, not ATTACH"),
        ("INSTALL httpfs", "Refused: a report runs one SELECT query, not INSTALL"),
        ("LOAD httpfs", "Refused: a report runs one SELECT query, not LOAD"),
        ("SET threads = 1", "Refused: a report runs one SELECT query, not SET"),
        ("SELECT 1; SELECT 2", "A report is one query; this text holds 2"),
    ],
)
def test_forbidden_statements_exit_with_one_line_and_touch_no_file(
    env, admin, tmp_path, query, message
):
    marker, target, out = tmp_path / "marker.csv", tmp_path / "written", tmp_path / "out.csv"
    marker.write_text("secret\ntop-secret-value\n")
    admin.reset_stats()
    sql = query.format(marker=marker, target=target)
    result = CliRunner().invoke(app, ["sql", sql, "-o", str(out)], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "top-secret-value" not in result.stdout + result.stderr
    assert not target.exists() and not out.exists()
    assert admin.stats()["by_route"] == {}, "nothing is loaded for a refused query"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "run", "nosuch"], "No report named nosuch: the reports are "),
        (["report", "run", "find_customers"], "report find_customers needs --param search=..."),
        (
            ["report", "run", "segment_sizes", "--param", "x=1"],
            "report segment_sizes has no parameter $x (its parameters: none)",
        ),
        (["report", "run", "find_customers", "--param", "search"], "'search' is not a parameter"),
        (["sql", "SELECT nam FROM segments"], 'did you mean "name"?'),
        (["sql", "SELECT 1", "-o", "x.txt"], "unknown export format 'txt'"),
    ],
)
def test_mistakes_exit_with_one_clear_line(env, args, message):
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_without_output_the_result_is_csv_on_stdout_and_show_prints_the_file(env):
    shown = run_cli("report", "show", "segment_sizes", env=env)
    assert shown.stdout.startswith("-- title: Segment sizes\n")
    printed = run_cli("report", "run", "segment_sizes", env=env)
    assert printed.returncode == 0
    frame = pd.read_csv(io.StringIO(printed.stdout))
    assert list(frame.columns) == ["segment", "customers", "b2bCustomers"] and len(frame) == 3
