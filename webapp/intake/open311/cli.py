"""``mahalla create-open311-key / revoke-open311-key / list-open311-keys``: Open311 client keys."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.intake.open311 import service


@click.command("create-open311-key")
@click.argument("name")
@with_appcontext
def create_key(name: str) -> None:
    """Register the Open311 client NAME and print its API key (shown only this once)."""
    try:
        click.echo(service.create_client(name))
    except service.ClientError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("revoke-open311-key")
@click.argument("name")
@with_appcontext
def revoke_key(name: str) -> None:
    """Revoke the API key of the Open311 client NAME (its requests stay)."""
    try:
        client = service.revoke_client(name)
    except service.ClientError as exc:
        raise click.ClickException(str(exc)) from None
    assert client.revoked_at is not None
    click.echo(f"{client.name}: revoked {client.revoked_at.isoformat(timespec='seconds')}")


@click.command("list-open311-keys")
@with_appcontext
def list_keys() -> None:
    """List the Open311 clients and whether their keys are active."""
    clients = service.list_clients()
    if not clients:
        click.echo("No Open311 clients.")
    for client in clients:
        state = "active" if client.revoked_at is None else f"revoked {client.revoked_at.isoformat(timespec='seconds')}"
        click.echo(f"{client.name}\tcreated {client.created_at.isoformat(timespec='seconds')}\t{state}")


@click.command("import-mahalla-boundaries")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_boundaries(path: str) -> None:
    """Load mahalla boundaries from a GeoJSON FeatureCollection (property ``code``: the mahalla code)."""
    from webapp.platform.territory import locate

    try:
        count = locate.import_boundaries(open(path, encoding="utf-8").read())  # noqa: SIM115
    except locate.ImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{count} polygons loaded")


@click.command("import-mahalla-addresses")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_addresses(path: str) -> None:
    """Load an address register from CSV with the columns address and mahalla (the code)."""
    from webapp.platform.territory import locate

    try:
        count = locate.import_addresses(open(path, encoding="utf-8").read())  # noqa: SIM115
    except locate.ImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{count} addresses loaded")


COMMANDS = (create_key, revoke_key, list_keys, import_boundaries, import_addresses)
