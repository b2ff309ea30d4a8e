"""``mahalla generate``: synthetic data for benchmarks and demos at national scale."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("generate")
@click.option("--appeals", "appeals", required=True, type=click.IntRange(min=1), help="How many appeals.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed (same seed, same data).")
@click.option(
    "--mahallas",
    default=None,
    type=click.IntRange(min=1),
    help="Mahallas to create (default: max(1000, N/500) for 100,000 appeals or more).",
)
@click.option(
    "--years", default=2.0, show_default=True, type=click.FloatRange(min=0.05, max=10), help="Years of history."
)
@click.option("--batch", default=20_000, show_default=True, type=click.IntRange(min=1), help="Appeals per batch.")
@with_appcontext
def generate(appeals: int, seed: int, mahallas: int | None, years: float, batch: int) -> None:
    """Fill the database with realistic synthetic territory, staff and appeals (with events and tasks)."""
    from devtools.synthetic.service import Options
    from devtools.synthetic.service import generate as run

    summary = run(Options(appeals=appeals, seed=seed, mahallas=mahallas, years=years, batch=batch), click.echo)
    statuses = ", ".join(f"{name} {count:,}" for name, count in sorted(summary.statuses.items()))
    click.echo(
        f"generated {summary.appeals:,} appeals ({statuses}), {summary.events:,} case events, "
        f"{summary.open_cases:,} open cases, {summary.pending_tasks:,} pending tasks, {summary.ratings:,} ratings "
        f"in {summary.seconds:.0f} s"
    )


COMMANDS = (generate,)
