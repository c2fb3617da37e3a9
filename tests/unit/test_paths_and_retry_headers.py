"""Path encoding and header parsing: no id may ever change which resource is addressed."""

import httpx
import pandas as pd
import pytest

from emporix_data.client import api_path, encode_segment
from emporix_data.resources.segment_memberships import membership_path
from emporix_data.retry import parse_retry_after

CUSTOMER = "/customer/{tenant}/customers/{customerNumber}"


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("00012345", "00012345"),
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("%2F", "%252F"),
        ("?q", "%3Fq"),
        ("#h", "%23h"),
        ("ü x", "%C3%BC%20x"),
    ],
)
def test_encode_segment_escapes_everything_that_could_change_the_path(raw, encoded):
    assert encode_segment(raw) == encoded


@pytest.mark.parametrize("raw", ["a/b", "..", ".", "../../oauth/token", "?q=1", "#x", "%2F.."])
def test_encoded_id_survives_httpx_url_normalisation_as_one_segment(raw):
    path = api_path(CUSTOMER, tenant="demo", customerNumber=raw)
    request = httpx.Request("GET", "http://127.0.0.1:1" + path)
    assert request.url.raw_path.decode().startswith("/customer/demo/customers/")
    assert request.url.raw_path.decode().count("/") == 4
    assert request.url.query == b""


def test_empty_id_is_refused_instead_of_addressing_the_collection():
    with pytest.raises(ValueError, match="empty id"):
        api_path(CUSTOMER, tenant="demo", customerNumber="")


@pytest.mark.parametrize("missing", [None, pd.NA, pd.NaT, float("nan")])
def test_missing_id_is_refused_instead_of_addressing_a_resource_named_none(missing):
    with pytest.raises(ValueError, match="missing id"):
        api_path(CUSTOMER, tenant="demo", customerNumber=missing)


def test_b2c_membership_of_a_customer_named_bulk_is_refused(client):
    with pytest.raises(ValueError, match="bulk"):
        membership_path(client, "SEG001", "bulk")
    assert membership_path(client, "SEG001", "bulk", "LE1").endswith("/customers/bulk/LE1")


def test_api_path_requires_every_parameter():
    with pytest.raises(ValueError, match="customerNumber"):
        api_path(CUSTOMER, tenant="demo")


@pytest.mark.parametrize(
    ("header", "seconds"), [("3", 3.0), ("0", 0.0), ("1.5", 1.5), (None, None), ("soon", None)]
)
def test_retry_after_delta_seconds(header, seconds):
    assert parse_retry_after(header) == seconds


def test_retry_after_http_date_in_the_past_means_now():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
