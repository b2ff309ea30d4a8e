"""A lineage of DMN tables only is published, versioned and evaluated like a process lineage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from engine import DiagramError
from tests.engine.test_decisions import TABLE
from webapp.cases.versions import (
    BUNDLED_LINEAGES,
    bundled_files,
    current_version,
    decide_with_latest,
    publish_files,
    register_bundled_lineage,
)


@pytest.fixture
def risk_lineage(app: Flask, tmp_path: Path) -> Iterator[str]:
    (tmp_path / "risk.dmn").write_text(TABLE.format(policy="UNIQUE"), encoding="utf-8")
    register_bundled_lineage("test_risk", str(tmp_path))  # an absolute sub-folder replaces processes/
    yield "test_risk"
    BUNDLED_LINEAGES.pop("test_risk")


def test_bundled_decision_lineage_is_published_on_first_use(risk_lineage: str) -> None:
    assert list(bundled_files(risk_lineage)) == ["risk.dmn"]
    fired = decide_with_latest(risk_lineage, "risk_colour", {"open_cases": 11})
    assert [rule.outputs["colour"] for rule in fired] == ["red"]
    assert current_version(risk_lineage).note == "bundled diagrams"


def test_a_new_version_changes_the_result(risk_lineage: str) -> None:
    current_version(risk_lineage)
    edited = TABLE.format(policy="UNIQUE").replace("&gt;= 10", "&gt;= 20")
    publish_files(risk_lineage, {"risk.dmn": edited}, note="raise the red threshold")
    assert [rule.outputs["colour"] for rule in decide_with_latest(risk_lineage, "risk_colour", {"open_cases": 11})] == [
        "yellow"
    ]


def test_a_broken_table_is_refused_with_its_element(risk_lineage: str) -> None:
    broken = TABLE.format(policy="UNIQUE").replace('"red"', "__import__('os')")
    with pytest.raises(DiagramError) as caught:
        publish_files(risk_lineage, {"risk.dmn": broken})
    assert caught.value.problems[0].element_id == "o1"
