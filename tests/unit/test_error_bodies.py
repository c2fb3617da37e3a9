"""Error bodies in each service's own form read into one ``ApiError``."""

from __future__ import annotations

import pytest

from emporix_data.errors import ErrorDetail, api_error_from_body


@pytest.mark.parametrize(
    ("body", "kind", "details"),
    [
        (  # customer service, shipping
            {
                "status": 400,
                "type": "validation_error",
                "message": "Bad",
                "details": [{"field": "country", "type": "invalid_field", "message": "2 letters"}],
            },
            "validation_error",
            [ErrorDetail("country", "invalid_field", "2 letters")],
        ),
        (  # customer management: details are texts
            {"code": 400, "status": "Bad Request", "message": "Bad", "details": ["type: unknown"]},
            None,
            [ErrorDetail(None, None, "type: unknown")],
        ),
        (  # customer segments: one details object
            {"code": 400, "status": "Bad Request", "message": "Bad", "details": {"field": "x"}},
            None,
            [ErrorDetail("x", None, None)],
        ),
    ],
)
def test_each_services_error_form_keeps_its_message_and_details(body, kind, details):
    error = api_error_from_body(400, body, "PUT", "/a")
    assert (error.message, error.type, error.details) == ("Bad", kind, details)
