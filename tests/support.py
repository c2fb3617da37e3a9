"""What tests share besides fixtures: paths, the sandbox's admin routes, settings for it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from hypothesis import HealthCheck, Phase, settings

from emporix_data.client import EmporixClient
from emporix_data.export import ExportFormat, frame_bytes, read_table_file
from emporix_data.frames import FrameSchema, typed_series
from emporix_data.plan import ChangePlan, Source
from emporix_data.resources import contact_assignments as ca
from emporix_data.resources import customer_groups as cg
from emporix_data.resources import customers
from emporix_data.resources import segment_memberships as sm
from emporix_data.sandbox import RunningSandbox
from emporix_data.sandbox.admin_client import SandboxAdmin
from emporix_data.settings import Settings
from emporix_data.tables import TABLES, LoadedTable, ResourceTable, load_references, load_table

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
# The vendor specs, beside the repository (read-only input; not copied into it).
SPECS = ROOT.parent / "shared" / "emporix-api"
SIZES = {"customers": 120, "segments": 3}


def sandbox_admin(sandbox: RunningSandbox) -> SandboxAdmin:
    """The sandbox's admin routes; a reset reseeds the tests' small tenant (``SIZES``)."""
    return SandboxAdmin(sandbox.url, seed_sizes=SIZES)


def tenant_env(sandbox: RunningSandbox, **extra: str) -> dict[str, str]:
    """The environment of a process (the CLI, the dashboard) pointed at ``sandbox`` as
    its tenant: this one's, without its EMPORIX_* variables, plus the sandbox's and
    ``extra``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("EMPORIX_")}
    env.update(
        EMPORIX_API_URL=sandbox.url,
        EMPORIX_TENANT=sandbox.config.tenant,
        EMPORIX_CLIENT_ID=sandbox.config.client_id,
        EMPORIX_CLIENT_SECRET=sandbox.config.client_secret,
        **extra,
    )
    return env


def sandbox_settings(sandbox: RunningSandbox, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_url": sandbox.url,
        "tenant": sandbox.config.tenant,
        "client_id": sandbox.config.client_id,
        "client_secret": sandbox.config.client_secret,
        "page_size": 50,
        "concurrency": 4,
        "max_retries": 3,
        "backoff_base_s": 0.1,
        "backoff_max_s": 30,
        **overrides,
    }
    return Settings(**values)


def fetch_token(url: str) -> str:
    response = httpx.post(
        f"{url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-secret",
        },
    )
    response.raise_for_status()
    return response.json()["access_token"]


def plan_for(
    client: EmporixClient,
    name: str,
    edited: pd.DataFrame,
    source: Source = "file",
    references: bool = True,
) -> tuple[ResourceTable, LoadedTable, ChangePlan]:
    """The plan of ``edited`` against the live table, as the CLI makes it."""
    table = TABLES[name]
    loaded = load_table(client, name)
    refs = load_references(client, table.references) if references else None
    return table, loaded, loaded.plan(edited, source, refs)


def exported(client: EmporixClient, name: str, fmt: ExportFormat = "csv") -> pd.DataFrame:
    """The table as a user gets it back from a spreadsheet."""
    frame = load_table(client, name).frame
    return read_table_file(frame_bytes(frame, fmt), fmt)


class TenantApi:
    """What someone else does to the tenant, one document at a time, straight through the
    API: sets up and checks what the tool does. Tests only; the tool itself writes through
    plans (``write_operations``) and nothing else."""

    def __init__(self, client: EmporixClient) -> None:
        self.client = client

    def _get(self, path: str) -> dict[str, Any]:
        return self.client.request("GET", path).json()

    def _send(self, method: str, path: str, body: Any = None, **params: str) -> int:
        return self.client.request(method, path, json=body, params=params or None).status_code

    def customer(self, number: str) -> dict[str, Any]:
        return self._get(self.client.path(customers.CUSTOMER, customerNumber=number))

    def create_customer(self, body: dict[str, Any]) -> str:
        path = self.client.path(customers.CUSTOMERS)
        response = self.client.request("POST", path, json=body, params=customers.NO_NOTIFICATIONS)
        return str(response.json()["id"])

    def put_customer(self, number: str, body: dict[str, Any]) -> int:
        path = self.client.path(customers.CUSTOMER, customerNumber=number)
        return self._send("PUT", path, body, **customers.NO_NOTIFICATIONS)

    def patch_customer(self, number: str, changes: dict[str, Any]) -> int:
        return self._send(
            "PATCH", self.client.path(customers.CUSTOMER, customerNumber=number), changes
        )

    def delete_customer(self, number: str) -> int:
        return self._send("DELETE", self.client.path(customers.CUSTOMER, customerNumber=number))

    def contact_assignment(self, assignment_id: str) -> dict[str, Any]:
        path = self.client.path(ca.CONTACT_ASSIGNMENT, contactAssignmentId=assignment_id)
        return self._get(path)

    def put_contact_assignment(self, assignment_id: str, body: dict[str, Any]) -> int:
        path = self.client.path(ca.CONTACT_ASSIGNMENT, contactAssignmentId=assignment_id)
        return self._send("PUT", path, ca.upsert_body(body))

    def delete_contact_assignment(self, assignment_id: str) -> int:
        path = self.client.path(ca.CONTACT_ASSIGNMENT, contactAssignmentId=assignment_id)
        return self._send("DELETE", path)

    def membership(
        self, segment: str, customer: str, legal_entity: str | None = None
    ) -> dict[str, Any]:
        return self._get(sm.membership_path(self.client, segment, customer, legal_entity))

    def put_membership(
        self,
        segment: str,
        customer: str,
        legal_entity: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> int:
        path = sm.membership_path(self.client, segment, customer, legal_entity)
        return self._send("PUT", path, body or {})

    def delete_membership(
        self, segment: str, customer: str, legal_entity: str | None = None
    ) -> int:
        return self._send(
            "DELETE", sm.membership_path(self.client, segment, customer, legal_entity)
        )

    def customer_group(self, customer: str, site: str | None = None) -> dict[str, Any]:
        site = site or self.client.settings.site
        return self._get(self.client.path(cg.CG_RELATION, site=site, customerId=customer))

    def create_customer_group(self, customer: str, group: str, site: str | None = None) -> int:
        path = self.client.path(cg.CG_RELATIONS, site=site or self.client.settings.site)
        return self._send("POST", path, {"customerId": customer, "groupId": group})

    def put_customer_group(self, customer: str, group: str, site: str | None = None) -> int:
        site = site or self.client.settings.site
        path = self.client.path(cg.CG_RELATION, site=site, customerId=customer)
        return self._send("PUT", path, {"customerId": customer, "groupId": group})

    def delete_customer_group(self, customer: str, site: str | None = None) -> int:
        site = site or self.client.settings.site
        path = self.client.path(cg.CG_RELATION, site=site, customerId=customer)
        return self._send("DELETE", path)


# Hypothesis profiles: the default one locally; on CI hypothesis loads its own "ci"
# profile (derandomized, no example database); `pytest --hypothesis-profile=thorough`
# hunts with ten times the examples.
settings.register_profile("thorough", max_examples=1000)


def property_settings(share: float, *suppress: HealthCheck) -> settings:
    """A property test's settings: ``share`` of the active profile's examples, no deadline
    (a shared machine's timings vary), and no "explain" phase, which traces every line
    pandas runs: minutes for one failing example."""
    return settings(
        max_examples=max(1, round(settings.default.max_examples * share)),
        deadline=None,
        phases=[phase for phase in Phase if phase is not Phase.explain],
        suppress_health_check=[HealthCheck.too_slow, *suppress],
    )


def typed_frame(schema: FrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (the schema's columns, any cell types) at the schema's dtypes, as a
    loaded table types them; its index is kept."""
    missing = [name for name in schema.names if name not in frame.columns]
    if missing:
        raise ValueError(f"{schema.resource}: missing columns {missing}")
    data = {c.name: typed_series(frame[c.name].tolist(), c.dtype) for c in schema.columns}
    return pd.DataFrame(data, index=frame.index)
