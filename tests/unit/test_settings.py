"""Settings: validated tenant, secret never shown; local paths from their variables."""

from pathlib import Path

import pytest

from emporix_data.journal import journal_path, open_journal
from emporix_data.settings import (
    LocalSettings,
    Settings,
    SettingsError,
    has_credentials,
    load_settings,
)

VALID = {"tenant": "demo", "client_id": "cid", "client_secret": "s3cr3t-value"}


def test_secret_is_not_in_repr_or_str():
    settings = Settings(**VALID)
    assert "s3cr3t-value" not in repr(settings)
    assert "s3cr3t-value" not in str(settings)
    assert settings.client_secret.get_secret_value() == "s3cr3t-value"


@pytest.mark.parametrize("tenant", ["Demo", "1demo", "de", "a" * 17, "de-mo"])
def test_invalid_tenant_is_rejected_naming_the_variable(tenant, monkeypatch):
    monkeypatch.delenv("EMPORIX_TENANT", raising=False)
    with pytest.raises(SettingsError, match="EMPORIX_TENANT"):
        load_settings({**VALID, "tenant": tenant})


def test_settings_error_never_echoes_the_secret(monkeypatch):
    monkeypatch.delenv("EMPORIX_TENANT", raising=False)
    with pytest.raises(SettingsError) as caught:
        load_settings({"client_id": "cid", "client_secret": "s3cr3t-value", "tenant": "BAD"})
    assert "s3cr3t-value" not in str(caught.value)


def test_secrets_mapping_accepts_prefixed_keys_in_any_case_and_env_fills_gaps(monkeypatch):
    monkeypatch.setenv("EMPORIX_SITE", "outlet")
    settings = load_settings({"EMPORIX_TENANT": "shop1", "Client_Id": "x", "client_secret": "y"})
    assert (settings.tenant, settings.client_id, settings.site) == ("shop1", "x", "outlet")
    assert settings.base_url == "https://api.emporix.io"


def test_missing_credentials_name_what_is_missing(monkeypatch):
    for name in ("EMPORIX_TENANT", "EMPORIX_CLIENT_ID", "EMPORIX_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError, match="EMPORIX_CLIENT_SECRET"):
        load_settings({})


LOCAL_VARIABLES = (
    "EMPORIX_DATA_DIR",
    "EMPORIX_JOURNAL_DB",
    "EMPORIX_REPORTS_DIR",
    "EMPORIX_SANDBOX_DB",
)


@pytest.fixture
def no_local_variables(monkeypatch):
    for name in LOCAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_local_settings_default_to_the_project_folders(no_local_variables):
    local = LocalSettings()
    assert local.data_dir == Path(".emporix-data")
    assert local.journal_db == Path(".emporix-data/journal.db")
    assert local.reports_dir == Path(".emporix-data/reports")
    assert local.sandbox_db == Path(".sandbox/demo.db")
    assert journal_path() == Path(".emporix-data/journal.db")


def test_journal_follows_the_data_dir_unless_given_itself(no_local_variables, tmp_path):
    no_local_variables.setenv("EMPORIX_DATA_DIR", str(tmp_path / "data"))
    assert journal_path() == tmp_path / "data" / "journal.db"
    no_local_variables.setenv("EMPORIX_JOURNAL_DB", str(tmp_path / "elsewhere.db"))
    assert journal_path() == tmp_path / "elsewhere.db"
    with open_journal() as journal:
        assert journal.path == tmp_path / "elsewhere.db"
    assert (tmp_path / "elsewhere.db").exists()


def test_empty_local_variables_mean_the_defaults(no_local_variables):
    for name in LOCAL_VARIABLES:
        no_local_variables.setenv(name, "")
    local = LocalSettings()
    assert (local.journal_db, local.sandbox_db) == (
        Path(".emporix-data/journal.db"),
        Path(".sandbox/demo.db"),
    )


def test_reports_dir_follows_the_data_dir_unless_given_itself(no_local_variables, tmp_path):
    no_local_variables.setenv("EMPORIX_DATA_DIR", str(tmp_path / "data"))
    assert LocalSettings().reports_dir == tmp_path / "data" / "reports"
    no_local_variables.setenv("EMPORIX_REPORTS_DIR", str(tmp_path / "mine"))
    assert LocalSettings().reports_dir == tmp_path / "mine"
    no_local_variables.setenv("EMPORIX_REPORTS_DIR", "")
    assert LocalSettings().reports_dir == tmp_path / "data" / "reports"


def test_sandbox_db_is_read_from_its_variable(no_local_variables, tmp_path):
    no_local_variables.setenv("EMPORIX_SANDBOX_DB", str(tmp_path / "s.db"))
    assert LocalSettings().sandbox_db == tmp_path / "s.db"


def test_credentials_are_configured_by_a_client_id_in_the_mapping_or_environment(monkeypatch):
    monkeypatch.delenv("EMPORIX_CLIENT_ID", raising=False)
    assert not has_credentials()
    assert not has_credentials({"tenant": "shop1"})
    assert has_credentials({"EMPORIX_CLIENT_ID": "x"})
    assert has_credentials({"Client_Id": ""})
    monkeypatch.setenv("EMPORIX_CLIENT_ID", "")
    assert not has_credentials()
    monkeypatch.setenv("EMPORIX_CLIENT_ID", "x")
    assert has_credentials()
