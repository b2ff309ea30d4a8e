"""``mahalla train-categoriser``: retrain from the corpus and the accepted corrections, publish unless worse;
``mahalla build-categoriser``: build the bundled model into the instance folder (``make model``)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


def _figures(title: str, figures: dict[str, float]) -> str:
    return (
        f"{title}: accuracy {figures['accuracy']:.3f}, macro F1 {figures['macro_f1']:.3f}, "
        f"urgent recall {figures['urgent_recall']:.3f}, false urgent {figures['false_urgent_rate']:.3f}"
    )


@click.command("train-categoriser")
@click.option("--note", default="retrained from the corpus and the accepted corrections", show_default=True)
@click.option("--username", default="", help="who publishes (a methodologist's username); empty: the system")
@with_appcontext
def train_categoriser(note: str, username: str) -> None:
    """Train a new categoriser model; publish and activate it unless it is worse on the validation split."""
    from webapp.casework.categoriser import service
    from webapp.platform.auth.service import user_by_username

    actor = None
    if username:
        actor = user_by_username(username)
        if actor is None:
            raise click.ClickException(f"no user named {username!r}")
    try:
        row = service.train_and_publish(actor, note)
    except service.ModelRefused as refused:
        click.echo(_figures("new model   ", refused.new), err=True)
        click.echo(_figures("active model", refused.current), err=True)
        raise click.ClickException("the new model is worse on the validation split; nothing was published") from None
    click.echo(_figures(f"version {row.version} published and active", row.metrics["validation"]))
    click.echo(_figures("it replaced", row.metrics["replaced"]))


@click.command("build-categoriser")
@with_appcontext
def build_categoriser() -> None:
    """Train the bundled model from data/categorisation/train.jsonl into the instance folder (once)."""
    from webapp.casework.categoriser import service

    model = service.bundled_model()
    click.echo(f"bundled categoriser model: {model.trained_on} appeals, corpus {model.corpus_hash[:12]}")


COMMANDS = (train_categoriser, build_categoriser)
