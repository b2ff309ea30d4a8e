"""The text model: normalisation across scripts, training, probabilities, safe storage, the corpus split."""

from __future__ import annotations

import pickle

import pytest

from engine import CorpusError, Example, ModelUnusable, load_text_model, parse_lines, split_validation, train_text_model
from engine.text_model import prepare

# A few labelled appeals of our own (tests only; the corpus is data/categorisation/train.jsonl).
TINY = [
    Example("Kecha do'konimdan telefon o'g'irlab ketishdi", "crime_prevention", False, id="t1"),
    Example("Вчера из машины украли магнитолу, найдите вора", "crime_prevention", False, id="t2"),
    Example("Ҳозир қўшнимни пичоқ билан қўрқитишяпти тезда келинг", "crime_prevention", True, id="t3"),
    Example("Ko'chamizda chiroq yonmaydi, kechasi qorong'i", "public_safety", False, id="t4"),
    Example("На улице не горят фонари, темно и страшно", "public_safety", False, id="t5"),
    Example("Кўчамизда чироқ ёнмайди, қоронғи", "public_safety", False, id="t6"),
    Example("Suv uch kundan beri yo'q, ichimlik suvi kelmayapti", "utilities", False, id="t7"),
    Example("Третий день нет воды в доме", "utilities", False, id="t8"),
    Example("Gaz hidi kelyapti hozir podyezdda", "utilities", True, id="t9"),
]


@pytest.fixture(scope="module")
def tiny_model():  # type: ignore[no-untyped-def]
    return train_text_model(TINY)


def test_both_uzbek_scripts_and_every_apostrophe_read_the_same() -> None:
    assert prepare("Кўчада ЧИРОҚ йўқ") == prepare("Ko‘chada chiroq yo'q") == prepare("Koʻchada chiroq yoʼq")


def test_repeated_letters_and_numbers_are_folded() -> None:
    assert prepare("Pomogiteeee!!! 998901234567 uy 12") == "pomogitee!! 0 uy 0"


def test_probabilities_per_category_sum_to_one_and_the_best_is_named(tiny_model) -> None:  # type: ignore[no-untyped-def]
    found = tiny_model.predict("Кўчада чироқ ёнмаяпти")

    assert set(found.probabilities) == {"crime_prevention", "public_safety", "utilities"}
    assert sum(found.probabilities.values()) == pytest.approx(1.0)
    assert found.category == "public_safety"
    assert found.confidence == max(found.probabilities.values())
    assert 0.0 <= found.urgent_probability <= 1.0


def test_urgency_is_learned_from_the_labels(tiny_model) -> None:  # type: ignore[no-untyped-def]
    urgent = tiny_model.predict("Hozir gaz hidi kelyapti tezda keling")
    calm = tiny_model.predict("Ko'chada chiroq yo'q")
    assert urgent.urgent_probability > calm.urgent_probability


def test_a_stored_model_predicts_the_same(tiny_model) -> None:  # type: ignore[no-untyped-def]
    restored = load_text_model(tiny_model.to_bytes())
    texts = ["Третий день нет воды", "Telefonimni o'g'irlashdi"]
    assert restored.predict_many(texts) == tiny_model.predict_many(texts)
    assert (restored.trained_on, restored.corpus_hash) == (9, tiny_model.corpus_hash)


class _Evil:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        import os

        return (os.system, ("true",))


def test_a_blob_that_would_run_code_is_refused_before_it_runs() -> None:
    with pytest.raises(ModelUnusable, match="not a model"):
        load_text_model(pickle.dumps({"format": 1, "category": _Evil()}))


def test_a_model_of_another_scikit_learn_or_format_is_refused(tiny_model) -> None:  # type: ignore[no-untyped-def]
    payload = pickle.loads(tiny_model.to_bytes())  # noqa: S301 - our own bytes
    with pytest.raises(ModelUnusable, match=r"scikit-learn 0\.1"):
        load_text_model(pickle.dumps({**payload, "sklearn": "0.1"}))
    with pytest.raises(ModelUnusable, match="format"):
        load_text_model(pickle.dumps({**payload, "format": 99}))
    with pytest.raises(ModelUnusable, match="unreadable"):
        load_text_model(b"not a pickle")


def test_training_needs_two_categories_and_both_urgencies() -> None:
    with pytest.raises(ValueError, match="two categories"):
        train_text_model(TINY[:3])
    with pytest.raises(ValueError, match="urgent"):
        train_text_model([e for e in TINY if not e.urgent])


def test_corpus_lines_are_checked_and_problems_name_the_line() -> None:
    good = '{"id": "a", "lang": "ru", "channel": "app", "category": "other", "urgent": false, "text": "Спасибо"}'
    [example] = parse_lines([good, ""], "train.jsonl")
    assert (example.id, example.category, example.urgent, example.lang) == ("a", "other", False, "ru")
    with pytest.raises(CorpusError, match=r"train.jsonl:2: category 'crime'"):
        parse_lines([good, good.replace('"other"', '"crime"')], "train.jsonl")
    with pytest.raises(CorpusError, match=r":1: urgent must be true or false"):
        parse_lines([good.replace("false", '"no"')], "train.jsonl")
    with pytest.raises(CorpusError, match=r":1: not JSON"):
        parse_lines(["{"], "train.jsonl")


def test_the_validation_split_is_fixed_by_id_and_new_records_never_move_old_ones() -> None:
    examples = [Example(f"text {i}", "other", False, id=f"r-{i:04d}") for i in range(500)]
    training, validation = split_validation(examples)
    assert 70 < len(validation) < 130 and len(training) + len(validation) == 500

    more = [*examples, *(Example("x", "utilities", False, id=f"correction-{i}") for i in range(100))]
    _, validation_after = split_validation(more)
    assert [e for e in validation_after if e.id.startswith("r-")] == validation


def test_the_fast_single_prediction_agrees_with_scikit_learn(tiny_model) -> None:  # type: ignore[no-untyped-def]
    texts = ["Кўчада чироқ ёнмаяпти", "Hozir gaz hidi kelyapti tezda keling", "Третий день нет воды", "zzz qqq"]
    for text, batch in zip(texts, tiny_model.predict_many(texts), strict=True):
        one = tiny_model.predict(text)
        assert one.category == batch.category
        assert one.urgent_probability == pytest.approx(batch.urgent_probability, abs=1e-9)
        for category, probability in batch.probabilities.items():
            assert one.probabilities[category] == pytest.approx(probability, abs=1e-9)
