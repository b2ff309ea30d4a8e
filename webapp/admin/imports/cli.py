"""``mahalla import-territories FILE --as ADMIN [--dry-run]``: the import of /admin/import from the
command line (the same dry run and the same all-or-nothing import, audited under the admin)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from webapp.admin.imports.apply import apply_plan
from webapp.admin.imports.messages import file_message, row_message
from webapp.admin.imports.parsing import FileRefused, read_file
from webapp.admin.imports.plan import make_plan
from webapp.platform.auth.models import Role
from webapp.platform.auth.service import user_by_username


@click.command("import-territories")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True, help="the administrator the audit log records")
@click.option("--dry-run", is_flag=True, help="only report what would be created, changed or refused")
@click.option("--language", default="en", type=click.Choice(["uz", "ru", "en"]), help="language of the messages")
@with_appcontext
def import_territories(path: Path, username: str, dry_run: bool, language: str) -> None:
    """Import territories and staff from a CSV or XLSX file (columns: see the README); set-password
    links use PUBLIC_BASE_URL."""
    with force_locale(language):
        _import(path, username, dry_run)


def _import(path: Path, username: str, dry_run: bool) -> None:
    admin = user_by_username(username)
    if admin is None or not admin.active or admin.role != Role.ADMIN:
        raise click.ClickException(f"{username!r} is not an active administrator")
    try:
        plan = make_plan(read_file(path.name, path.read_bytes()))
    except FileRefused as refused:
        raise click.ClickException(file_message(refused.code, refused.params)) from None
    for row in plan.refused:
        click.echo(f"line {row.line}: {row.kind} {row.key}: {row_message(row.reason, row.params)}", err=True)
    counts = ", ".join(f"{action} {plan.count(action)}" for action in ("create", "update", "unchanged", "refused"))
    click.echo(f"{len(plan.rows)} rows: {counts}")
    if plan.refused:
        raise click.ClickException("nothing was imported: correct the refused rows")
    if dry_run:
        return
    applied = apply_plan(plan, admin)
    click.echo(
        f"imported: {applied.created} created, {applied.updated} changed, {applied.links_sent} set-password links"
    )


COMMANDS = (import_territories,)
