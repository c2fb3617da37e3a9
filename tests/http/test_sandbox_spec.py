"""Sandbox responses validated against the vendor's OpenAPI specs in ../shared/emporix-api."""

from __future__ import annotations

import json

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData

from tests.support import SPECS

SERVER = "https://api.emporix.io"
CUSTOMERS = "/customer/demo/customers"
ASSIGNMENTS = "/customer-management/demo/contact-assignments"
SEGMENT_BULK = "/customer-segment/demo/segments/SEG001/customers/bulk"

if not SPECS.is_dir():
    pytest.skip(f"vendor specs not found at {SPECS}", allow_module_level=True)


@pytest.fixture(scope="module")
def specs() -> dict[str, OpenAPI]:
    return {path.name: OpenAPI.from_file_path(str(path)) for path in SPECS.glob("*.yml")}


def validate(spec: OpenAPI, response: httpx.Response) -> None:
    request = response.request
    mock_request = MockRequest(
        SERVER,
        request.method,
        request.url.path,
        args=dict(request.url.params),
        headers=dict(request.headers),
        data=request.content,
    )
    mock_response = MockResponse(
        response.content,
        response.status_code,
        dict(response.headers),
        response.headers.get("content-type", "application/json"),
    )
    spec.validate_response(mock_request, mock_response)


CASES = [
    ("customer-service.yml", "GET", "/customer/demo/customers", None, {}),
    ("customer-service.yml", "GET", "/customer/demo/customers/00000002", None, {}),
    ("customer-service.yml", "GET", "/customer/demo/customers/nobody", None, {}),
    ("customer-service.yml", "PUT", "/customer/demo/customers/spec-new", {"firstName": "S"}, {}),
    (
        "customer-management.yml",
        "GET",
        "/customer-management/demo/contact-assignments",
        None,
        {"X-Total-Count": "true"},
    ),
    ("customer-management.yml", "GET", "/customer-management/demo/legal-entities", None, {}),
    ("customer-segments.yml", "GET", "/customer-segment/demo/segments", None, {}),
    ("customer-segments.yml", "GET", "/customer-segment/demo/segments/SEG001/customers", None, {}),
    (
        "customer-segments.yml",
        "PUT",
        "/customer-segment/demo/segments/SEG001/customers/bulk",
        [{"customerId": "00000001"}, {"customerId": "ghost"}],
        {},
    ),
    ("shipping.yml", "GET", "/shipping/demo/main/cgrelations", None, {}),
    # Expanded customers: mixins, addresses and the default address as the spec has them.
    ("customer-service.yml", "GET", f"{CUSTOMERS}?expand=addresses,mixin:*", None, {}),
    ("customer-service.yml", "GET", f"{CUSTOMERS}/00000002?expand=addresses", None, {}),
    ("customer-service.yml", "GET", f"{CUSTOMERS}/nobody/addresses/a1", None, {}),
    ("customer-service.yml", "POST", f"{CUSTOMERS}/nobody/addresses", {"contactName": "A"}, {}),
    # Error bodies in each service's own form.
    ("customer-service.yml", "POST", CUSTOMERS, {"id": "00000001"}, {}),
    ("customer-management.yml", "GET", f"{ASSIGNMENTS}/nope", None, {}),
    ("customer-management.yml", "PUT", f"{ASSIGNMENTS}/x", {"type": "NOPE"}, {}),
    ("customer-management.yml", "POST", ASSIGNMENTS, {"id": "CA000001"}, {}),
    (
        "customer-segments.yml",
        "GET",
        "/customer-segment/demo/segments/SEG001/customers/no",
        None,
        {},
    ),
    ("customer-segments.yml", "PUT", f"{SEGMENT_BULK}", [{"customerId": "x"}] * 201, {}),
    ("shipping.yml", "POST", "/shipping/demo/main/cgrelations", {"customerId": "x"}, {}),
]


@pytest.mark.parametrize(("spec", "method", "path", "body", "headers"), CASES)
def test_sandbox_response_matches_the_vendor_spec(api, specs, spec, method, path, body, headers):
    response = api.request(method, path, json=body, headers=headers)
    assert response.status_code < 500
    validate(specs[spec], response)


def test_every_address_endpoint_answers_as_the_spec_says(api, specs):
    listed = api.get(CUSTOMERS, params={"expand": "addresses", "pageSize": 1000}).json()
    number = next(c["customerNumber"] for c in listed if c.get("addresses"))
    addresses = f"{CUSTOMERS}/{number}/addresses"
    created = api.post(addresses, json={"contactName": "Spec", "country": "DE", "tags": ["X"]})
    address = f"{addresses}/{created.json()['id']}"
    answers = [
        api.get(addresses),
        created,
        api.get(address),
        api.put(address, json={"city": "Bonn"}),
        api.patch(address, json={"isDefault": True}),
        api.put(f"{addresses}/new-one", json={"contactName": "New"}),
        api.delete(address),
        api.get(address),
    ]
    assert [a.status_code for a in answers] == [200, 201, 200, 204, 200, 201, 204, 404]
    for answer in answers:
        validate(specs["customer-service.yml"], answer)


def test_the_validator_rejects_a_response_that_breaks_the_spec(api, specs):
    response = api.get("/customer/demo/customers", params={"pageSize": 2})
    broken = json.loads(response.content)
    broken[0]["active"] = "yes"
    tampered = httpx.Response(
        200,
        content=json.dumps(broken).encode(),
        headers=response.headers,
        request=response.request,
    )
    with pytest.raises(InvalidData):
        validate(specs["customer-service.yml"], tampered)
