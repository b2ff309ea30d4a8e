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


COMMANDS = (create_key, revoke_key, list_keys)
