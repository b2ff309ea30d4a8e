"""The trained categoriser in the app: serving model, corrections into the corpus, publishing, refusal, rollback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.categoriser_corpus import write_degraded_corpus, write_small_corpus
from tests.conftest import World, csrf_token
from tests.webapp.cases import answers, appeal_by_number, browser_form, register, the_task, worker_for
from webapp.casework.categoriser import service
from webapp.casework.categoriser.cli import train_categoriser
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]
WATER_TEXT = "Assalomu alaykum, uch kundan beri uyimizda ichimlik suvi yo'q, vodokanal javob bermayapti."
# Asks to find the robber: crime_prevention by the guidelines; the bundled model leans to the lights
# (public_safety, confidence 0.47 with the 1,176-appeal corpus, so the suggestion is marked low-confidence).
ROBBER_TEXT = (
    "Ko'chamizdagi chiroq bir oydan beri yonmaydi, kecha shu yerda telefonimni tortib olishdi, "
    "o'sha o'g'rini topib bering"
)


@pytest.fixture
def small_corpus(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """A third of the corpus serves and trains (quicker) where the model's exact behaviour does not matter."""
    path = write_small_corpus(tmp_path / "small.jsonl")
    app.config["CATEGORISER_CORPUS"] = str(path)
    yield path
    app.config.pop("CATEGORISER_CORPUS", None)


@pytest.fixture
def degraded_corpus(small_corpus: Path, tmp_path: Path) -> Path:
    return write_degraded_corpus(tmp_path / "degraded.jsonl", small_corpus)


def _override(as_user: AsUser, world: World, text: str, category: str, urgency: str = "normal") -> str:
    appeal = register(world, text=text)
    pending = the_task(appeal, "check_registration")
    client = as_user(worker_for(world, pending))
    page = client.get(f"/tasks/{pending.id}").get_data(as_text=True)
    data = browser_form(answers("check_registration", kind=appeal.kind, category=category, urgency=urgency))
    assert client.post(f"/tasks/{pending.id}", data={"csrf_token": csrf_token(page), **data}).status_code == 302
    return appeal.number


def test_before_any_version_the_bundled_model_serves_and_registrations_record_it(world: World) -> None:
    appeal = register(world, text=WATER_TEXT)

    assert (appeal.suggested_category, appeal.categoriser_version) == ("utilities", 0)
    assert appeal.suggested_confidence is not None and 0.5 < appeal.suggested_confidence <= 1
    assert service.versions() == []


def test_a_correction_is_reviewed_into_the_corpus_and_trains_the_next_version(as_user: AsUser, world: World) -> None:
    number = _override(as_user, world, ROBBER_TEXT, "crime_prevention", "normal")
    assert appeal_by_number(number).suggestion_review == "low_confidence"
    [pending] = service.pending_corrections()
    assert (pending.number, pending.suggested_category, pending.category, pending.urgency) == (
        number,
        "public_safety",
        "crime_prevention",
        "normal",
    )
    client = as_user(world.methodologist)
    page = client.get("/categoriser").get_data(as_text=True)
    assert f'data-correction="{pending.appeal_id}"' in page

    response = client.post(
        f"/categoriser/corrections/{pending.appeal_id}", data={"csrf_token": csrf_token(page), "decision": "accept"}
    )
    assert response.status_code == 302
    assert service.pending_corrections() == [] and service.accepted_count() == 1
    assert [e.category for e in service.accepted_corrections()] == ["crime_prevention"]
    again = client.post(
        f"/categoriser/corrections/{pending.appeal_id}", data={"csrf_token": csrf_token(page), "decision": "accept"}
    )
    assert again.status_code == 404  # reviewed once

    response = client.post("/categoriser/train", data={"csrf_token": csrf_token(page), "note": "first retraining"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    [(version, by)] = service.versions()
    assert (version.version, version.is_active, version.corrections, by) == (1, True, 1, world.methodologist.full_name)
    assert version.trained_on == len(service.corpus_split()[0]) + 1
    figures = version.metrics["validation"]
    assert figures["count"] == len(service.corpus_split()[1]) and 0 <= figures["macro_f1"] <= 1
    assert version.metrics["replaced"]["version"] == 0
    assert register(world, text=WATER_TEXT).categoriser_version == 1

    page = client.get("/categoriser").get_data(as_text=True)
    assert 'data-testid="confusion"' in page and "first retraining" in page


def test_a_worse_model_is_refused_and_nothing_changes(
    app: Flask, as_user: AsUser, world: World, degraded_corpus: Path
) -> None:
    first = service.train_and_publish(world.methodologist, "good data")
    app.config["CATEGORISER_CORPUS"] = str(degraded_corpus)
    client = as_user(world.methodologist)
    page = client.get("/categoriser").get_data(as_text=True)

    response = client.post("/categoriser/train", data={"csrf_token": csrf_token(page), "note": "bad data"})

    assert response.status_code == 409
    assert 'data-testid="model-refused"' in response.get_data(as_text=True)
    assert [v.version for v, _ in service.versions()] == [first.version]
    assert service.serving_model()[0] == first.version


def test_rollback_makes_an_earlier_version_serve_again(as_user: AsUser, world: World, small_corpus: Path) -> None:
    service.train_and_publish(world.methodologist, "one")
    service.train_and_publish(world.methodologist, "two")
    assert service.serving_model()[0] == 2
    client = as_user(world.methodologist)
    page = client.get("/categoriser").get_data(as_text=True)

    assert client.post("/categoriser/versions/1/activate", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert service.serving_model()[0] == 1
    assert [(v.version, v.is_active) for v, _ in service.versions()] == [(2, False), (1, True)]
    assert client.post("/categoriser/versions/9/activate", data={"csrf_token": csrf_token(page)}).status_code == 404
    assert client.post("/categoriser/versions/2/activate", data={}).status_code == 400  # no CSRF token


@pytest.mark.parametrize("role", ["inspector", "supervisor", "admin"])
def test_only_methodologists_reach_the_page(as_user: AsUser, world: World, role: str) -> None:
    client = as_user(getattr(world, role))
    token = csrf_token(client.get("/tasks", follow_redirects=True).get_data(as_text=True))
    assert client.get("/categoriser").status_code == 403
    assert client.post("/categoriser/train", data={"csrf_token": token, "note": "x"}).status_code == 403
    assert client.post("/categoriser/versions/1/activate", data={"csrf_token": token}).status_code == 403
    assert service.versions() == []


def test_a_missing_note_is_a_form_error(as_user: AsUser, world: World) -> None:
    client = as_user(world.methodologist)
    page = client.get("/categoriser").get_data(as_text=True)
    response = client.post("/categoriser/train", data={"csrf_token": csrf_token(page), "note": ""})
    assert response.status_code == 400 and "is-invalid" in response.get_data(as_text=True)
    assert service.versions() == []


def test_the_command_line_publishes_and_refuses(app: Flask, world: World, degraded_corpus: Path) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(train_categoriser, ["--note", "from the CLI", "--username", "methodologist"])
    assert result.exit_code == 0, result.output
    assert "version 1 published and active" in result.output

    app.config["CATEGORISER_CORPUS"] = str(degraded_corpus)
    result = runner.invoke(train_categoriser, ["--note", "bad"])
    assert result.exit_code != 0 and "worse on the validation split" in result.output
    assert [v.version for v, _ in service.versions()] == [1]
    assert appeal_by_number(register(world, text=WATER_TEXT).number).categoriser_version == 1
