"""The sandbox's routers put together: every service's requests counted under its path
template, and the shared get-or-404 helpers answering in the Emporix error form."""

from __future__ import annotations

import pytest

REQUESTS = [
    ("POST", "/oauth/token", "POST /oauth/token"),
    (
        "GET",
        "/customer/demo/customers/00000001",
        "GET /customer/{tenant}/customers/{customerNumber}",
    ),
    (
        "GET",
        "/customer-management/demo/contact-assignments",
        "GET /customer-management/{tenant}/contact-assignments",
    ),
    (
        "GET",
        "/customer-segment/demo/segments/SEG001/customers/00000001/LE00001",
        "GET /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}"
        "/{legalEntityId}",
    ),
    (
        "GET",
        "/shipping/demo/main/cgrelations/00000001",
        "GET /shipping/{tenant}/{site}/cgrelations/{customerId}",
    ),
    # No route for the method: counted under the first route with that path.
    ("PATCH", "/customer/demo/customers", "PATCH /customer/{tenant}/customers"),
    ("GET", "/nowhere/demo", "GET /nowhere/demo"),
]


def test_requests_to_every_router_are_counted_by_path_template(api, admin):
    admin.reset_stats()
    for method, path, _ in REQUESTS:
        api.request(method, path)
    admin.http.get("/_sandbox/faults").raise_for_status()
    assert admin.stats()["by_route"] == {template: 1 for _, _, template in REQUESTS}


# Each service answers in the error form of its own spec.
CUSTOMER_FORM = {"status": 404, "type": "not_found"}
CODE_FORM = {"code": 404, "status": "Not Found"}


@pytest.mark.parametrize(
    ("method", "path", "missing", "form"),
    [
        ("GET", "/customer/demo/customers/no%2Fone", "Customer no/one", CUSTOMER_FORM),
        ("PATCH", "/customer/demo/customers/nobody", "Customer nobody", CUSTOMER_FORM),
        ("DELETE", "/customer/demo/customers/nobody", "Customer nobody", CUSTOMER_FORM),
        (
            "GET",
            "/customer-management/demo/contact-assignments/nope",
            "Contact assignment nope",
            CODE_FORM,
        ),
        (
            "DELETE",
            "/customer-management/demo/contact-assignments/nope",
            "Contact assignment nope",
            CODE_FORM,
        ),
        (
            "GET",
            "/customer-segment/demo/segments/NOPE/customers/00000001",
            "Segment NOPE",
            CODE_FORM,
        ),
        (
            "GET",
            "/customer-segment/demo/segments/SEG001/customers/nobody",
            "Customer assignment",
            CODE_FORM,
        ),
        (
            "GET",
            "/shipping/demo/main/cgrelations/nobody",
            "Customer-group relation of nobody",
            CUSTOMER_FORM,
        ),
        (
            "PUT",
            "/shipping/demo/main/cgrelations/nobody",
            "Customer-group relation of nobody",
            CUSTOMER_FORM,
        ),
        (
            "DELETE",
            "/shipping/demo/main/cgrelations/nobody",
            "Customer-group relation of nobody",
            CUSTOMER_FORM,
        ),
    ],
)
def test_a_missing_document_is_a_404_naming_it(api, method, path, missing, form):
    body = None if method in ("GET", "DELETE") else {"groupId": "vip"}
    response = api.request(method, path, json=body)
    assert response.status_code == 404
    assert response.json() == {**form, "message": f"{missing} not found"}
