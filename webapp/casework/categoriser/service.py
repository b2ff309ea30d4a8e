"""The categoriser's model: which one serves, training and publishing versions, corrections into the corpus.

* The **serving model** is the active published version; before any is published, the *bundled*
  model, trained from the repository's corpus (``data/categorisation/train.jsonl``, its training
  part) on first use and kept on disk in the instance folder (``make model`` builds it ahead).
  Either is loaded once per process and kept in memory, keyed by version.
* **Corrections**: every inspector override is a ``categorisation_overridden`` case event; a
  methodologist accepts it (its chosen category and urgency join the training corpus) or rejects it.
* **Publishing**: train on the corpus's training part plus the accepted corrections, evaluate the
  new model and the serving one through the DMN on the corpus's validation part (never trained
  on: corrections only ever train), and publish the new one as the next immutable version unless
  its macro F1 there is lower by more than the tolerance (``CATEGORISER_TOLERANCE``, default 0.01:
  about one validation appeal, so that a single flipped appeal does not block a retraining while a
  real loss is refused). Any earlier version can be made active again (rollback).

The held-out test split is not read here: it is for bench/evaluate_categorisation.py alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from engine import (
    Example,
    ModelUnusable,
    Prediction,
    TextModel,
    load_text_model,
    read_corpus,
    split_validation,
    train_text_model,
)
from engine.categorisation import URGENT, load_categoriser
from engine.categorisation_metrics import Outcome, summary
from engine.text_model import Settings
from webapp.cases.models import CaseEvent
from webapp.cases.versions import APPEAL_PROCESS, current_version
from webapp.casework.appeals.models import CATEGORIES, Appeal
from webapp.casework.categoriser.models import CategoriserModel, CorpusCorrection
from webapp.extensions import db
from webapp.platform.auth.models import User

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CORPUS = ROOT / "data" / "categorisation" / "train.jsonl"
OVERRIDE_EVENT = "categorisation_overridden"
MAX_LISTED_CORRECTIONS = 200
BUNDLED = 0  # the version number shown for the bundled model
DEFAULT_TOLERANCE = 0.01

_lock = threading.Lock()
_models: dict[tuple[str, str], TextModel] = {}


class ModelRefused(Exception):
    """The new model is worse than the serving one on the validation split; nothing was published."""

    def __init__(self, new: dict[str, Any], current: dict[str, Any]) -> None:
        super().__init__("worse on the validation split")
        self.new = new
        self.current = current


# --- the corpus ----------------------------------------------------------------------------------


def corpus_path() -> Path:
    return Path(current_app.config.get("CATEGORISER_CORPUS") or DEFAULT_CORPUS)


def corpus_split() -> tuple[list[Example], list[Example]]:
    """(training, validation) parts of the repository's corpus."""
    return split_validation(read_corpus(corpus_path()))


def accepted_corrections() -> list[Example]:
    rows = db.session.scalars(
        select(CorpusCorrection).where(CorpusCorrection.accepted.is_(True)).order_by(CorpusCorrection.id)
    )
    return [
        Example(text=r.text, category=r.category, urgent=r.urgent, channel=r.channel, id=f"correction-{r.appeal_id}")
        for r in rows
    ]


# --- the serving model ---------------------------------------------------------------------------


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _disk_cache(digest: str) -> Path:
    import sklearn

    return Path(current_app.instance_path) / "categoriser" / f"bundled-{digest[:16]}-sklearn{sklearn.__version__}.pkl"


def bundled_model() -> TextModel:
    """The model trained on the training part of the repository's corpus (cached in memory and on disk)."""
    path = corpus_path()
    # The corpus and the training settings name the model: a change of either trains a new one.
    key = ("bundled", hashlib.sha256(f"{_file_digest(path)}:{Settings()!r}".encode()).hexdigest())
    with _lock:
        if key in _models:
            return _models[key]
        cached = _disk_cache(key[1])
        model: TextModel | None = None
        if cached.exists():
            try:
                model = load_text_model(cached.read_bytes())
            except ModelUnusable as exc:
                logger.warning("rebuilding the bundled categoriser model: %s", exc)
        if model is None:
            model = train_text_model(split_validation(read_corpus(path))[0])
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                partial = cached.with_suffix(f".{os.getpid()}.tmp")
                partial.write_bytes(model.to_bytes())
                partial.replace(cached)  # atomic: another process never reads half a file
            except OSError as exc:  # a read-only instance folder: keep it in memory only
                logger.warning("bundled categoriser model not cached on disk: %s", exc)
        _models[key] = model
        return model


def _version_key(version: int, corpus_hash: str) -> tuple[str, str]:
    """Versions are immutable; the corpus hash tells apart databases that reuse a number (tests, restores)."""
    return ("version", f"{version}:{corpus_hash}")


def _stored_model(row_id: int, version: int, corpus_hash: str) -> TextModel | None:
    key = _version_key(version, corpus_hash)
    with _lock:
        if key in _models:
            return _models[key]
    blob = db.session.scalar(select(CategoriserModel.blob).where(CategoriserModel.id == row_id))
    try:
        model = load_text_model(blob or b"")
    except ModelUnusable as exc:
        logger.warning("categoriser version %s unusable, using the bundled model: %s", version, exc)
        return None
    with _lock:
        _models[key] = model
    return model


def serving_model() -> tuple[int, TextModel]:
    """(version, model) that categorises new appeals: the active version, else the bundled model (0)."""
    active = db.session.execute(
        select(CategoriserModel.id, CategoriserModel.version, CategoriserModel.corpus_hash).where(
            CategoriserModel.is_active.is_(True)
        )
    ).first()
    if active is not None:
        model = _stored_model(active.id, active.version, active.corpus_hash)
        if model is not None:
            return active.version, model
    return BUNDLED, bundled_model()


def predict(text: str) -> tuple[int, Prediction | None]:
    """The serving model's prediction; (0, None) when there is no corpus to train on."""
    try:
        version, model = serving_model()
    except (OSError, ValueError) as exc:
        logger.warning("no categoriser model, suggesting by the rules alone: %s", exc)
        return BUNDLED, None
    return version, model.predict(text)


# --- evaluation and publishing -------------------------------------------------------------------


def evaluate(model: TextModel, examples: Sequence[Example]) -> dict[str, Any]:
    """Figures of the model through the current DMN tables on labelled examples."""
    files = current_version(APPEAL_PROCESS).files
    categoriser = load_categoriser(files)
    predictions = model.predict_many([e.text for e in examples])
    outcomes = []
    for example, prediction in zip(examples, predictions, strict=True):
        found = categoriser.suggest(example.text, example.channel, prediction)
        outcomes.append(
            Outcome(
                example.category,
                example.urgent,
                found.category,
                found.urgency == URGENT,
                found.confidence,
                example.lang,
            )
        )
    return summary(outcomes)


def _next_version() -> int:
    return int(db.session.scalar(select(func.max(CategoriserModel.version))) or 0) + 1


def train_and_publish(actor: User | None, note: str) -> CategoriserModel:
    """Train on the corpus and the accepted corrections; publish and activate unless worse (ModelRefused)."""
    training, validation = corpus_split()
    corrections = accepted_corrections()
    model = train_text_model([*training, *corrections])
    new_figures = evaluate(model, validation)
    current_version_number, current = serving_model()
    current_figures = evaluate(current, validation)
    tolerance = float(current_app.config.get("CATEGORISER_TOLERANCE", DEFAULT_TOLERANCE))
    if new_figures["macro_f1"] < current_figures["macro_f1"] - tolerance:
        raise ModelRefused(new_figures, current_figures)
    db.session.execute(update(CategoriserModel).values(is_active=False))
    row = CategoriserModel(
        version=_next_version(),
        created_by_id=actor.id if actor else None,
        note=note.strip(),
        trained_on=model.trained_on,
        corrections=len(corrections),
        corpus_hash=model.corpus_hash,
        metrics={"validation": new_figures, "replaced": {"version": current_version_number, **current_figures}},
        is_active=True,
        blob=model.to_bytes(),
    )
    db.session.add(row)
    db.session.commit()
    with _lock:
        _models[_version_key(row.version, row.corpus_hash)] = model
    return row


def activate(version: int) -> CategoriserModel | None:
    """Make a published version the serving one (a rollback when it is older); None when unknown."""
    row = db.session.scalar(select(CategoriserModel).where(CategoriserModel.version == version))
    if row is None:
        return None
    db.session.execute(update(CategoriserModel).values(is_active=False))
    db.session.execute(update(CategoriserModel).where(CategoriserModel.id == row.id).values(is_active=True))
    db.session.commit()
    db.session.refresh(row)
    return row


def versions() -> list[tuple[CategoriserModel, str]]:
    """Every published version, newest first, with the name of who published it."""
    rows = db.session.execute(
        select(CategoriserModel, User.full_name)
        .outerjoin(User, User.id == CategoriserModel.created_by_id)
        .order_by(CategoriserModel.version.desc())
    ).all()
    return [(row, name or "") for row, name in rows]


# --- corrections -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingCorrection:
    appeal_id: int
    number: str
    text: str
    channel: str
    suggested_category: str
    suggested_urgency: str
    category: str
    urgency: str
    occurred_at: Any
    inspector: str


def _chosen(event: CaseEvent) -> tuple[str, str]:
    chosen = (event.data or {}).get("chosen") or {}
    return str(chosen.get("category") or ""), str(chosen.get("urgency") or "")


def pending_corrections(limit: int = MAX_LISTED_CORRECTIONS, appeal_id: int | None = None) -> list[PendingCorrection]:
    """Overrides not reviewed yet, newest first (the latest override of each appeal)."""
    reviewed = select(CorpusCorrection.appeal_id)
    query = (
        select(CaseEvent, Appeal.number, Appeal.text, Appeal.channel, User.full_name)
        .join(Appeal, Appeal.id == CaseEvent.appeal_id)
        .outerjoin(User, User.id == CaseEvent.actor_id)
        .where(CaseEvent.kind == OVERRIDE_EVENT, CaseEvent.appeal_id.not_in(reviewed))
        .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
        .limit(limit)
    )
    if appeal_id is not None:
        query = query.where(CaseEvent.appeal_id == appeal_id)
    rows = db.session.execute(query).all()
    found: dict[int, PendingCorrection] = {}
    for event, number, text, channel, inspector in rows:
        if event.appeal_id is None or event.appeal_id in found:
            continue
        category, urgency = _chosen(event)
        suggested = (event.data or {}).get("suggested") or {}
        found[event.appeal_id] = PendingCorrection(
            event.appeal_id,
            number,
            text,
            channel,
            str(suggested.get("category") or ""),
            str(suggested.get("urgency") or ""),
            category,
            urgency,
            event.occurred_at,
            inspector or "",
        )
    return list(found.values())


def review_correction(appeal_id: int, accept: bool, actor: User | None) -> bool:
    """Accept (into the corpus) or reject an override; False when there is no such unreviewed override."""
    found = pending_corrections(limit=1, appeal_id=appeal_id)
    if not found or found[0].category not in CATEGORIES:
        return False
    pending = found[0]
    db.session.add(
        CorpusCorrection(
            appeal_id=appeal_id,
            accepted=accept,
            text=pending.text,
            channel=pending.channel,
            category=pending.category,
            urgent=pending.urgency == URGENT,
            reviewed_by_id=actor.id if actor else None,
        )
    )
    db.session.commit()
    return True


def accepted_count() -> int:
    return int(
        db.session.scalar(select(func.count()).select_from(CorpusCorrection).where(CorpusCorrection.accepted)) or 0
    )
