"""The sandbox's customer service as the spec has it: mixins and addresses only on
``expand``, the addresses endpoints, B2B legal entities from the contact assignments,
and no cascade from a deleted customer into other services."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

CUSTOMERS = "/customer/demo/customers"


def every(api: httpx.Client, **params: str) -> list[dict[str, Any]]:
    response = api.get(CUSTOMERS, params={"pageSize": 1000, **params})
    response.raise_for_status()
    return response.json()


def with_mixins_and_addresses(api: httpx.Client) -> dict[str, Any]:
    return next(
        c for c in every(api, expand="addresses,mixin:*") if c.get("mixins") and c.get("addresses")
    )


def test_mixins_and_addresses_come_only_when_expanded(api):
    plain = every(api)
    assert not any({"mixins", "addresses", "defaultAddress"} & c.keys() for c in plain)
    full = with_mixins_and_addresses(api)
    number = full["customerNumber"]
    assert len(full["mixins"]["loyalty"]) >= 2
    assert full["defaultAddress"] == next(a for a in full["addresses"] if a["isDefault"])
    one = api.get(f"{CUSTOMERS}/{number}").json()
    assert not {"mixins", "addresses", "defaultAddress"} & one.keys()
    assert (
        api.get(f"{CUSTOMERS}/{number}", params={"expand": "mixin:*"}).json()["mixins"]
        == (full["mixins"])
    )
    addresses_only = api.get(f"{CUSTOMERS}/{number}", params={"expand": "addresses"}).json()
    assert addresses_only["addresses"] == full["addresses"] and "mixins" not in addresses_only


def test_a_named_mixin_comes_alone(api):
    full = next(c for c in every(api, expand="mixin:*") if len(c.get("mixins") or {}) == 2)
    named = api.get(
        f"{CUSTOMERS}/{full['customerNumber']}", params={"expand": "mixin:marketing"}
    ).json()
    assert named["mixins"] == {"marketing": full["mixins"]["marketing"]}


def test_b2b_legal_entities_are_derived_from_the_contact_assignments(api):
    b2c = next(c for c in every(api) if c["businessModel"] == "B2C")
    assert "legalEntities" not in (b2c.get("b2b") or {})
    body = {"legalEntity": {"id": "LE00002"}, "customer": {"id": b2c["id"]}, "type": "BILLING"}
    put = api.put("/customer-management/demo/contact-assignments/CA-new", json=body)
    assert put.status_code == 201
    now = api.get(f"{CUSTOMERS}/{b2c['id']}").json()
    assert now["businessModel"] == "B2B"
    assert now["b2b"]["legalEntities"] == [
        {
            "id": "LE00002",
            "name": now["b2b"]["legalEntities"][0]["name"],
            "contactAssignmentId": "CA-new",
        }
    ]
    assert now["b2b"]["legalEntities"][0]["name"]
    assert api.delete("/customer-management/demo/contact-assignments/CA-new").status_code == 204
    assert "legalEntities" not in (api.get(f"{CUSTOMERS}/{b2c['id']}").json().get("b2b") or {})


def test_customers_in_two_legal_entities_list_each_once(api):
    several = [c for c in every(api) if len((c.get("b2b") or {}).get("legalEntities") or []) > 1]
    assert several
    for customer in several:
        ids = [entity["id"] for entity in customer["b2b"]["legalEntities"]]
        assert len(ids) == len(set(ids))
        assert all(entity["contactAssignmentId"] for entity in customer["b2b"]["legalEntities"])


def test_the_addresses_endpoints_list_create_read_update_and_delete(api):
    number = every(api)[0]["customerNumber"]
    addresses = f"{CUSTOMERS}/{number}/addresses"
    before = api.get(addresses).json()
    created = api.post(addresses, json={"contactName": "Ann", "city": "Graz", "country": "AT"})
    assert created.status_code == 201
    new_id = created.json()["id"]
    assert api.get(f"{addresses}/{new_id}").json() == {
        "contactName": "Ann",
        "city": "Graz",
        "country": "AT",
        "id": new_id,
        "isDefault": False,
    }
    assert [a["id"] for a in api.get(addresses).json()] == [a["id"] for a in before] + [new_id]
    assert api.post(addresses, json={"id": new_id, "contactName": "Ann"}).status_code == 409
    assert api.post(addresses, json={"city": "Graz"}).status_code == 400
    assert api.post(addresses, json={"contactName": "Ann", "country": "AUT"}).status_code == 400

    assert api.patch(f"{addresses}/{new_id}", json={"isDefault": True}).status_code == 200
    listed = api.get(addresses).json()
    assert [a["id"] for a in listed if a["isDefault"]] == [new_id]
    expanded = api.get(f"{CUSTOMERS}/{number}", params={"expand": "addresses"}).json()
    assert expanded["defaultAddress"]["id"] == new_id

    assert api.put(f"{addresses}/{new_id}", json={"city": "Wien"}).status_code == 204
    assert api.get(f"{addresses}/{new_id}").json()["city"] == "Wien"
    assert api.put(f"{addresses}/mine", json={"contactName": "Bo"}).status_code == 201
    assert api.delete(f"{addresses}/{new_id}").status_code == 204
    gone = api.get(f"{addresses}/{new_id}")
    assert gone.status_code == 404
    assert gone.json()["message"] == f"Address {new_id} of customer {number} not found."
    assert api.get(f"{CUSTOMERS}/nobody/addresses").status_code == 404


def test_customer_writes_never_touch_addresses_or_legal_entities(api):
    full = with_mixins_and_addresses(api)
    number = full["customerNumber"]
    body = {"contactEmail": full["contactEmail"], "addresses": [], "mixins": {"x": {"y": 1}}}
    assert api.put(f"{CUSTOMERS}/{number}", json=body).status_code == 204
    after = api.get(f"{CUSTOMERS}/{number}", params={"expand": "addresses,mixin:*"}).json()
    assert after["addresses"] == full["addresses"]
    assert after["mixins"] == {"x": {"y": 1}}
    created = api.post(
        CUSTOMERS,
        json={
            "id": "with-stuff",
            "contactEmail": "stuff@example.com",
            "addresses": [{"id": "zz", "contactName": "Z"}],
            "b2b": {"companyRegistrationId": "R", "legalEntities": [{"id": "LE00001"}]},
        },
    )
    assert created.status_code == 201
    stored = api.get(f"{CUSTOMERS}/with-stuff", params={"expand": "addresses"}).json()
    assert not stored.get("addresses")
    assert stored["b2b"] == {"companyRegistrationId": "R"}


@pytest.mark.parametrize(
    "path",
    [
        "/customer-segment/demo/segments/{segment}/customers",
        "/customer-management/demo/contact-assignments",
    ],
)
def test_a_deleted_customers_memberships_and_assignments_stay(api, path):
    assignments = api.get("/customer-management/demo/contact-assignments").json()
    number = assignments[0]["customer"]["id"]
    segment = "SEG001"
    api.put(f"/customer-segment/demo/segments/{segment}/customers/{number}/LE00001")
    listed = path.format(segment=segment)

    def mentions() -> int:
        found = api.get(listed, params={"pageSize": 1000}).json()
        return sum(1 for item in found if item["customer"]["id"] == number)

    before = mentions()
    assert before
    assert api.delete(f"{CUSTOMERS}/{number}").status_code == 202
    assert mentions() == before
