"""Commands that run the local tools: the sandbox server and the benchmark.

Both import their (heavy) modules only when run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def sandbox(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    db: Annotated[Path, typer.Option(help="SQLite file holding the sandbox data.")] = Path(
        ".sandbox/demo.db"
    ),
    customers: Annotated[int, typer.Option(help="Customers to seed.")] = 300,
    segments: Annotated[int, typer.Option(help="Segments to seed.")] = 6,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic tenant.")] = 42,
    latency_ms: Annotated[int, typer.Option(help="Latency added to every API request.")] = 0,
    fault_rate: Annotated[float, typer.Option(help="Share of API requests that fail.")] = 0.0,
    tenant: Annotated[str, typer.Option(help="Tenant name served.")] = "demo",
    client_id: Annotated[str, typer.Option(help="OAuth client id accepted.")] = "demo-client",
    client_secret: Annotated[str, typer.Option(help="OAuth secret accepted.")] = "demo-secret",
    reset: Annotated[bool, typer.Option(help="Drop the stored data and seed anew.")] = False,
    max_page_size: Annotated[
        int | None,
        typer.Option(
            min=1, help="Serve at most N items per page, whatever pageSize asks (a server's cap)."
        ),
    ] = None,
    rate_limit: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            help="Requests a second allowed; more are answered 429 with Retry-After.",
        ),
    ] = None,
    rate_burst: Annotated[
        int, typer.Option(min=1, help="Requests allowed at once under --rate-limit.")
    ] = 40,
) -> None:
    """Serve a local Emporix-compatible API with a synthetic tenant."""
    from emporix_data.sandbox import SandboxConfig, SeedSizes, serve

    db.parent.mkdir(parents=True, exist_ok=True)
    config = SandboxConfig(
        db_path=db,
        tenant=tenant,
        client_id=client_id,
        client_secret=client_secret,
        sizes=SeedSizes(customers=customers, segments=segments),
        seed=seed,
        reset=reset,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        max_page_size=max_page_size,
        rate_limit_per_s=rate_limit,
        rate_limit_burst=rate_burst,
    )
    serve(config, host=host, port=port)


def bench(ctx: typer.Context) -> None:
    """Time this client against a naive one on a 100k-customer sandbox (see bench --help)."""
    from emporix_data.bench import main as run_bench

    raise typer.Exit(run_bench(ctx.args))


def register(app: typer.Typer) -> None:
    app.command()(sandbox)
    app.command(
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(bench)
