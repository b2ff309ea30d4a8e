"""Generic DMN evaluation: any decision table of a version, by id, with the rules that fired."""

from __future__ import annotations

import pytest

from engine import DecisionFailed, DiagramError, decide, decision_tables

TABLE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="risk" namespace="mahalla">
  <decision id="risk_colour" name="Risk colour">
    <decisionTable id="table" hitPolicy="{policy}">
      <input id="in_open" label="Open cases">
        <inputExpression id="ie_open" typeRef="integer"><text>open_cases</text></inputExpression>
      </input>
      <output id="out_colour" name="colour" typeRef="string"/>
      <rule id="r_red"><description>many open cases</description>
        <inputEntry id="e1"><text>&gt;= 10</text></inputEntry><outputEntry id="o1"><text>"red"</text></outputEntry>
      </rule>
      <rule id="r_yellow"><description>some open cases</description>
        <inputEntry id="e2"><text>&gt;= 3</text></inputEntry><outputEntry id="o2"><text>"yellow"</text></outputEntry>
      </rule>
      <rule id="r_any"><description>always</description>
        <inputEntry id="e3"><text>-</text></inputEntry><outputEntry id="o3"><text>"green"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_collect_returns_every_fired_rule_in_order() -> None:
    fired = decide({"risk.dmn": TABLE.format(policy="COLLECT")}, "risk_colour", {"open_cases": 12})
    assert [(rule.name, rule.outputs["colour"]) for rule in fired] == [
        ("many open cases", "red"),
        ("some open cases", "yellow"),
        ("always", "green"),
    ]


def test_unique_returns_the_first_fitting_rule() -> None:
    tables = decision_tables({"risk.dmn": TABLE.format(policy="UNIQUE")})
    assert tables.decision_ids == ["risk_colour"]
    assert [rule.outputs["colour"] for rule in tables.decide("risk_colour", {"open_cases": 4})] == ["yellow"]


def test_unknown_decision_and_failing_input_are_clear_errors() -> None:
    files = {"risk.dmn": TABLE.format(policy="COLLECT")}
    with pytest.raises(DiagramError) as missing:
        decide(files, "nope", {})
    assert [(p.code, p.params) for p in missing.value.problems] == [("decision.missing", {"ref": "nope"})]
    with pytest.raises(DecisionFailed, match="risk_colour") as failed:
        decide(files, "risk_colour", {"open_cases": "many"})
    assert (failed.value.decision_id, failed.value.code) == ("risk_colour", "script.failed")
    assert failed.value.params["error_type"] == "TypeError"
