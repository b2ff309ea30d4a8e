"""The ``mahalla`` command: the app's Flask CLI plus the project's own commands."""

from __future__ import annotations

import os
import signal
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, routes_command, run_command, shell_command, with_appcontext

LANGUAGES = ("uz", "ru", "en")


def _create_app(*_args: Any) -> Flask:
    from webapp import create_app

    return create_app()


@click.command("run", context_settings={"ignore_unknown_options": True})
@click.option("--host", "-h", default="127.0.0.1", show_default=True)
@click.option("--port", "-p", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
@click.option(
    "--jobs/--no-jobs",
    default=True,
    show_default=True,
    help="Run the background jobs (notifications) in this process; use --no-jobs with a separate worker.",
)
@click.pass_context
def run(ctx: click.Context, host: str, port: int, debug: bool, jobs: bool) -> None:
    """Run the development server, printing the URL and (for the demo) the logins."""
    info = ctx.ensure_object(ScriptInfo)
    app = info.load_app()
    from webapp.platform.observability.safety import UnsafeConfiguration, refuse_unsafe_configuration

    try:
        refuse_unsafe_configuration(app, web_workers=1)
    except UnsafeConfiguration as refused:
        raise click.ClickException(str(refused)) from None
    # With the reloader, only the child process that serves requests runs the jobs.
    if jobs and (not debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"):
        from webapp.platform.jobs.scheduler import Scheduler

        Scheduler(app).start()
    with app.app_context():
        click.echo("\n".join(startup_facts(app, host, port)))
    ctx.invoke(run_command, host=host, port=port, debugger=debug, reload=debug, with_threads=True)


def mail_destination(config: Any) -> str:
    """Where the outbox delivers, in one line (the demo: a local folder, nothing is sent)."""
    from webapp.platform.notifications.gateways import gateway_name
    from webapp.platform.notifications.sender import LOCAL, mail_backend

    if mail_backend(config) == LOCAL:
        mail = f"stored in {config['MAIL_DIR']} (not sent)"
    else:
        mail = f"SMTP {config['SMTP_HOST']}:{config['SMTP_PORT']}"
    sms = gateway_name(config)
    sms_text = "stored in the same folder" if sms == LOCAL else f"gateway {sms!r}"
    return f"  Mail: {mail}; SMS: {sms_text}; every message is listed at /admin/outbox"


def startup_facts(app: Flask, host: str, port: int) -> list[str]:
    """One line per fact a person starting the server needs: the URL, the logins, where mail goes."""
    lines = ["", f"  Mahalla is running at http://{host}:{port}/"]
    if app.config.get("MAHALLA_DEMO"):
        from devtools.demo.seed import DEMO_PASSWORD, demo_logins

        lines.append(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        lines += [f"    {username:<15} {description}" for username, description in demo_logins()]
    lines += [mail_destination(app.config), ""]
    return lines


@click.command("worker")
@click.option("--tick", default=1.0, show_default=True, help="Seconds between looks for due jobs.")
@click.pass_context
def worker(ctx: click.Context, tick: float) -> None:
    """Run the background jobs in the foreground (for deployments that serve with gunicorn)."""
    from webapp.platform.jobs.registry import JOBS
    from webapp.platform.jobs.scheduler import Scheduler

    app = ctx.ensure_object(ScriptInfo).load_app()
    scheduler = Scheduler(app)
    click.echo("Mahalla worker: " + ", ".join(f"{job.name} every {job.every_seconds:g} s" for job in JOBS))
    signal.signal(signal.SIGTERM, lambda *_: scheduler.stop(0))
    try:
        scheduler.run_forever(tick)
    except KeyboardInterrupt:
        scheduler.stop(0)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Fill an empty database with the demo city, users and appeals (safe to run twice)."""
    from devtools.demo.seed import seed

    created = seed()
    click.echo("Demo data created." if created else "Demo data is already there; nothing changed.")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="cli", help="A label for the token.")
@with_appcontext
def create_token(username: str, name: str) -> None:
    """Issue an API bearer token for USERNAME and print it (it is shown only once)."""
    from webapp.platform.auth.service import issue_token, user_by_username

    user = user_by_username(username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    click.echo(issue_token(user, name))


@click.command("publish-processes")
@click.option("--note", default="published from the processes/ folder")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="The language of the diagram problems printed.",
)
@with_appcontext
def publish_processes(note: str, lang: str) -> None:
    """Validate the bundled diagrams of every lineage and publish those that changed."""
    from flask_babel import force_locale

    from engine import DiagramError
    from webapp.cases.versions import BUNDLED_LINEAGES, bundled_files, publish_files
    from webapp.extensions import db
    from webapp.platform.engine_messages import problem_message

    published = []
    for process_id in sorted(BUNDLED_LINEAGES):
        try:
            version = publish_files(process_id, bundled_files(process_id), note=note)
        except DiagramError as exc:
            with force_locale(lang):
                for problem in exc.problems:
                    where = f"{problem.file or ''} {problem.element_id or ''}"
                    click.echo(f"  {where}: {problem_message(problem.code, problem.params)} [{problem.code}]", err=True)
            raise click.ClickException(f"{process_id}: the diagrams have errors; nothing was published") from None
        published.append(f"{process_id}: v{version.number} (id {version.id}, {version.content_hash[:12]})")
    db.session.commit()
    click.echo("\n".join(published))


@click.command("migrate-cases")
@click.argument("process_id")
@click.option("--to", "to_version", required=True, type=int, help="The version id to move the running cases to.")
@click.option("--dry-run", is_flag=True, help="Only say, case by case, whether it can move.")
@with_appcontext
def migrate_cases(process_id: str, to_version: int, dry_run: bool) -> None:
    """Move the running cases of a process to a newer version, where that is safe (each case on its own)."""
    from webapp.studio.changes import service

    target = service.version_of(process_id, to_version)
    if target is None:
        raise click.ClickException(f"{process_id} has no version {to_version}")

    def reasons(blockers: Any) -> str:
        return "; ".join(f"{b.process_id}:{b.element_id} ({b.name}) {b.code.replace('_', ' ')}" for b in blockers)

    if dry_run:
        for plan in service.migration_plan(process_id, target):
            verdict = "can move" if plan.check.movable else "cannot move: " + reasons(plan.check.blockers)
            click.echo(f"{plan.ref} (version {plan.version_id}): {verdict}")
        return
    report = service.migrate_cases(process_id, target, None)
    for failure in report.failed:
        why = reasons(failure.blockers) or (failure.step.message if failure.step is not None else failure.reason)
        click.echo(f"{failure.ref}: not moved: {why}", err=True)
    click.echo(f"moved {len(report.moved)} case(s) to version {target.id}, {len(report.failed)} not moved")


@click.command("send-notifications")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1), help="At most this many.")
@with_appcontext
def send_notifications(limit: int) -> None:
    """Send the due e-mails and SMS of the notification outbox (retries failed ones with backoff)."""
    from webapp.platform.notifications.sender import send_due_messages

    report = send_due_messages(limit=limit)
    click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")


def register(app: Flask) -> None:
    from devtools.synthetic.cli import COMMANDS as SYNTHETIC_COMMANDS
    from webapp.admin.imports.cli import COMMANDS as IMPORT_COMMANDS
    from webapp.casework.categoriser.cli import COMMANDS as CATEGORISER_COMMANDS
    from webapp.intake.open311.cli import COMMANDS as OPEN311_COMMANDS

    commands = (
        seed_demo,
        create_token,
        publish_processes,
        migrate_cases,
        send_notifications,
        *OPEN311_COMMANDS,
        *IMPORT_COMMANDS,
        *CATEGORISER_COMMANDS,
        *SYNTHETIC_COMMANDS,
    )
    for command in commands:
        app.cli.add_command(command)


def _group() -> FlaskGroup:
    group = FlaskGroup(create_app=_create_app, add_default_commands=False, help="Mahalla case management.")
    group.add_command(run)
    group.add_command(worker)
    group.add_command(shell_command)
    group.add_command(routes_command)
    return group


def main() -> None:
    _group().main(prog_name="mahalla")
