"""``mahalla create-open311-key / revoke-open311-key / list-open311-keys``: Open311 client keys;
``import-mahalla-boundaries / import-mahalla-addresses``: where a generic client's location lies
(the same import as the admin page /admin/territories/areas)."""

from __future__ import annotations

from pathlib import Path

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


def _import_area_file(path: str, kind: str) -> None:
    """Import one file with the service the admin page uses; the outcome, or the refusal, in English."""
    from flask_babel import force_locale

    from webapp.platform.territory import area_import
    from webapp.platform.territory.area_messages import refusal_message

    run = area_import.import_boundaries if kind == "boundaries" else area_import.import_addresses
    with force_locale("en"):
        try:
            imported = run(area_import.decode(Path(path).read_bytes()))
        except area_import.ImportRefused as refused:
            raise click.ClickException(refusal_message(refused)) from None
    what = "polygons" if kind == "boundaries" else "addresses"
    click.echo(f"{imported.count} {what} loaded for {len(imported.mahallas)} mahallas")
    if imported.unchanged:
        click.echo(f"{imported.unchanged} addresses were registered already")


@click.command("import-mahalla-boundaries")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_boundaries(path: str) -> None:
    """Load mahalla boundaries from a GeoJSON FeatureCollection (property ``code``: the mahalla code)."""
    _import_area_file(path, "boundaries")


@click.command("import-mahalla-addresses")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_addresses(path: str) -> None:
    """Load an address register from CSV with the columns address and mahalla (the code)."""
    _import_area_file(path, "addresses")


COMMANDS = (create_key, revoke_key, list_keys, import_boundaries, import_addresses)
