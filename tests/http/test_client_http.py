"""The client over real HTTP against the sandbox: paging, tokens, retries, errors, encoding."""

from __future__ import annotations

import httpx
import pytest

from emporix_data.auth import TokenProvider
from emporix_data.client import EmporixClient
from emporix_data.errors import ApiConnectionError, ApiError, AuthError
from emporix_data.resources.contact_assignments import list_contact_assignments
from emporix_data.resources.customers import list_customers

LIST_CUSTOMERS = "GET /customer/{tenant}/customers"
GET_CUSTOMER = "GET /customer/{tenant}/customers/{customerNumber}"
POST_CUSTOMER = "POST /customer/{tenant}/customers"
TOKEN = "POST /oauth/token"


@pytest.mark.parametrize(("customers", "page_size"), [(120, 40), (120, 50), (0, 50), (7, 50)])
def test_pager_without_total_returns_every_customer_once_in_order(
    make_settings, admin, customers, page_size
):
    admin.reset(customers=customers)
    with EmporixClient(make_settings(page_size=page_size)) as api:
        loaded = list_customers(api)
    numbers = [c.customerNumber for c in loaded]
    assert len(numbers) == customers
    assert numbers == sorted(set(numbers))


def test_pager_on_an_empty_tenant_makes_one_request(make_settings, admin):
    admin.reset(customers=0)
    admin.reset_stats()
    with EmporixClient(make_settings()) as api:
        assert list_customers(api) == []
    assert admin.count(LIST_CUSTOMERS) == 1


def test_pager_with_total_fetches_exactly_the_pages_needed(make_settings, admin):
    with EmporixClient(make_settings(page_size=5)) as api:
        expected_total = len(list_contact_assignments(api))
        admin.reset_stats()
        progress: list[tuple[int, int | None]] = []
        loaded = list_contact_assignments(api, progress=lambda d, t: progress.append((d, t)))
    assert expected_total > 10
    ids = [a.id for a in loaded]
    assert len(ids) == len(set(ids)) == expected_total
    pages = -(-expected_total // 5)
    assert admin.count("GET /customer-management/{tenant}/contact-assignments") == pages
    assert progress[-1] == (expected_total, expected_total)


def test_token_is_reused_across_calls(client, admin, tenant):
    admin.reset_stats()
    tenant.customer("00000001")
    list_customers(client)
    tenant.customer("00000002")
    assert admin.count(TOKEN) == 1


def test_rejected_token_is_renewed_once_and_the_call_succeeds(admin, tenant):
    tenant.customer("00000001")
    admin.expire_tokens()
    admin.reset_stats()
    assert tenant.customer("00000001")["customerNumber"] == "00000001"
    assert admin.count(TOKEN) == 1
    assert admin.count(GET_CUSTOMER) == 2


def test_token_is_renewed_shortly_before_it_expires(sandbox, make_settings, admin):
    now = [0.0]
    settings = make_settings()
    with httpx.Client(base_url=sandbox.url) as http:
        tokens = TokenProvider(settings, http, clock=lambda: now[0])
        first = tokens.token()
        now[0] = sandbox.config.token_ttl_s - 120
        assert tokens.token() == first
        now[0] = sandbox.config.token_ttl_s - 30
        assert tokens.token() != first


def test_bad_credentials_give_an_auth_error_without_the_secret(make_settings, admin):
    settings = make_settings(client_secret="wrong-secret-value")
    with EmporixClient(settings) as api, pytest.raises(AuthError) as caught:
        list_customers(api)
    assert caught.value.status == 401
    assert "wrong-secret-value" not in str(caught.value)


def test_429_is_retried_after_the_servers_retry_after(admin, tenant, sleeps):
    admin.queue({"kind": "429", "method": "GET", "count": 2, "retry_after": 7})
    admin.reset_stats()
    assert tenant.customer("00000003")["customerNumber"] == "00000003"
    assert sleeps == [7.0, 7.0]
    assert admin.count(GET_CUSTOMER) == 3


@pytest.mark.parametrize("kind", ["502", "503", "504", "drop"])
def test_transient_failures_of_idempotent_calls_are_retried_with_growing_backoff(
    admin, tenant, sleeps, kind
):
    admin.queue({"kind": kind, "method": "GET", "count": 2})
    assert tenant.customer("00000004")["customerNumber"] == "00000004"
    assert len(sleeps) == 2
    assert 0.1 <= sleeps[0] <= 0.2 < sleeps[1] <= 0.3


def test_retry_budget_is_bounded(admin, tenant, sleeps):
    admin.queue({"kind": "503", "method": "GET", "count": 10})
    admin.reset_stats()
    with pytest.raises(ApiError) as caught:
        tenant.customer("00000005")
    assert caught.value.status == 503
    assert admin.count(GET_CUSTOMER) == 4  # max_retries=3 -> 4 attempts
    assert len(sleeps) == 3


@pytest.mark.parametrize(
    ("kind", "error"), [("503", ApiError), ("500", ApiError), ("drop", ApiConnectionError)]
)
def test_post_is_not_retried_when_it_may_have_been_processed(admin, tenant, kind, error):
    admin.queue({"kind": kind, "method": "POST", "path_contains": "/customers", "count": 1})
    admin.reset_stats()
    with pytest.raises(error):
        tenant.create_customer({"id": "90000001", "firstName": "Once"})
    assert admin.count(POST_CUSTOMER) == 1
    with pytest.raises(ApiError) as missing:
        tenant.customer("90000001")
    assert missing.value.status == 404


def test_post_rejected_with_429_was_not_processed_and_is_retried(client, admin, tenant, sleeps):
    admin.queue({"kind": "429", "method": "POST", "count": 1, "retry_after": 1})
    assert tenant.create_customer({"id": "90000002", "firstName": "Twice"}) == "90000002"
    assert sleeps == [1.0]
    assert len([c for c in list_customers(client) if c.customerNumber == "90000002"]) == 1


def test_api_error_carries_status_type_message_method_and_path(tenant):
    with pytest.raises(ApiError) as caught:
        tenant.customer("no-such-customer")
    error = caught.value
    assert (error.status, error.method) == (404, "GET")
    assert error.path == "/customer/demo/customers/no-such-customer"
    assert error.type and error.message
    assert "Bearer" not in str(error)


def test_stale_version_is_a_conflict(tenant):
    document = tenant.customer("00000006")
    tenant.put_customer("00000006", document)
    with pytest.raises(ApiError) as caught:
        tenant.put_customer("00000006", document)
    assert caught.value.status == 409


@pytest.mark.parametrize(
    ("customer_id", "raw"),
    [
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("..", "%2E%2E"),
        ("%2F", "%252F"),
        ("?q", "%3Fq"),
        ("#h", "%23h"),
        ("Zoë 1", "Zo%C3%AB%201"),
    ],
)
def test_ids_reach_the_server_encoded_and_address_only_their_own_resource(
    client, admin, tenant, customer_id, raw
):
    before = {c.customerNumber: c.document() for c in list_customers(client)}
    admin.reset_stats()
    assert tenant.put_customer(customer_id, {"firstName": "Odd", "lastName": "Id"}) == 201
    assert tenant.customer(customer_id)["customerNumber"] == customer_id
    raw_paths = admin.stats()["raw_paths"]
    assert f"/customer/demo/customers/{raw}" in raw_paths
    after = {c.customerNumber: c.document() for c in list_customers(client)}
    assert set(after) - set(before) == {customer_id}
    assert all(after[number] == document for number, document in before.items())
