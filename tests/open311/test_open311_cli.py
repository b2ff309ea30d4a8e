"""The Open311 key commands: issue (printed once, only the hash stored), list, revoke."""

from __future__ import annotations

import hashlib

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World
from tests.open311.conftest import post_request
from webapp.extensions import db
from webapp.intake.open311.models import Open311Client


def test_create_list_revoke(app: Flask, client: FlaskClient, world: World) -> None:
    runner = app.test_cli_runner()

    created = runner.invoke(args=["create-open311-key", "City portal"])

    assert created.exit_code == 0, created.output
    key = created.output.strip()
    assert key.startswith("o311_") and len(key.splitlines()) == 1
    row = db.session.scalars(select(Open311Client)).one()
    assert (row.name, row.key_hash, row.revoked_at) == ("City portal", hashlib.sha256(key.encode()).hexdigest(), None)
    assert post_request(client, key).status_code == 200

    listed = runner.invoke(args=["list-open311-keys"])
    assert listed.exit_code == 0
    assert listed.output.startswith("City portal\tcreated ")
    assert listed.output.rstrip().endswith("active")
    assert key not in listed.output

    revoked = runner.invoke(args=["revoke-open311-key", "City portal"])
    assert revoked.exit_code == 0, revoked.output
    assert revoked.output.startswith("City portal: revoked ")
    assert "revoked" in runner.invoke(args=["list-open311-keys"]).output
    assert post_request(client, key).status_code == 403


def test_names_are_unique_and_must_exist(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["create-open311-key", "portal"]).output.strip()

    duplicate = runner.invoke(args=["create-open311-key", "portal"])
    unknown = runner.invoke(args=["revoke-open311-key", "ghost"])

    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    assert "o311_" not in duplicate.output
    assert unknown.exit_code != 0 and "ghost" in unknown.output
    hashes = [c.key_hash for c in db.session.scalars(select(Open311Client))]
    assert hashes == [hashlib.sha256(first.encode()).hexdigest()]


def test_list_without_clients(app: Flask, world: World) -> None:
    assert app.test_cli_runner().invoke(args=["list-open311-keys"]).output == "No Open311 clients.\n"
