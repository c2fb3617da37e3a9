"""Settings: validated tenant, secret never shown."""

import pytest

from emporix_data.settings import Settings, SettingsError, load_settings

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
