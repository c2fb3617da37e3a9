"""A file exported in one time zone plans empty in another: the CLI in processes on
either side of the date line (UTC+14 and UTC-11), both ways, CSV and XLSX."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.http.test_cli import run_cli
from tests.support import tenant_env

KIRITIMATI, PAGO_PAGO = "Pacific/Kiritimati", "Pacific/Pago_Pago"
NOTHING = "0 to create, 0 to update, 0 to delete, 0 invalid rows"


@pytest.fixture
def environment(sandbox, admin, tmp_path) -> dict[str, str]:
    return tenant_env(
        sandbox,
        EMPORIX_JOURNAL_DB=str(tmp_path / "journal.db"),
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("exported_in", "planned_in"), [(KIRITIMATI, PAGO_PAGO), (PAGO_PAGO, KIRITIMATI)]
)
@pytest.mark.parametrize("resource", ["customers", "contact-assignments"])
def test_an_export_plans_empty_across_the_date_line(
    environment, tmp_path, resource, exported_in, planned_in, suffix
):
    file = tmp_path / f"{resource}.{suffix}"
    exported = run_cli("export", resource, "-o", str(file), env={**environment, "TZ": exported_in})
    assert exported.returncode == 0, exported.stderr
    planned = run_cli("plan", resource, str(file), env={**environment, "TZ": planned_in})
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert f"{resource}: {NOTHING}" in planned.stdout


def test_the_processes_really_run_in_those_zones(environment):
    probe = "import time; print(time.strftime('%z'))"
    offsets = [
        subprocess.run(
            [sys.executable, "-c", probe],
            env={**environment, "TZ": zone},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for zone in (KIRITIMATI, PAGO_PAGO)
    ]
    assert offsets == ["+1400", "-1100"]
