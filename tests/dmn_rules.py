"""Edit the appeal categorisation table as a methodologist would: add a rule (no code change)."""

from __future__ import annotations


def add_rule(
    table: str,
    rule_id: str,
    *,
    words: str = "-",
    channel: str = "-",
    confidence: str = "-",
    category: str = '""',
    urgency: str = '""',
    weight: str = "0",
    review: str = '""',
) -> str:
    """The table with one more rule at its end; entries are written as in the DMN (``words`` e.g.
    ``{"pichoq*", "нож*"} &amp; ?``, ``category`` e.g. ``"family_conflict"``)."""
    rule = f"""      <rule id="{rule_id}">
        <description>{rule_id}</description>
        <inputEntry id="{rule_id}_words"><text>{words}</text></inputEntry>
        <inputEntry id="{rule_id}_channel"><text>{channel}</text></inputEntry>
        <inputEntry id="{rule_id}_category"><text>-</text></inputEntry>
        <inputEntry id="{rule_id}_confidence"><text>{confidence}</text></inputEntry>
        <inputEntry id="{rule_id}_urgent_probability"><text>-</text></inputEntry>
        <outputEntry id="{rule_id}_out_category"><text>{category}</text></outputEntry>
        <outputEntry id="{rule_id}_out_urgency"><text>{urgency}</text></outputEntry>
        <outputEntry id="{rule_id}_out_weight"><text>{weight}</text></outputEntry>
        <outputEntry id="{rule_id}_out_review"><text>{review}</text></outputEntry>
      </rule>
"""
    assert table.count("</decisionTable>") == 1
    return table.replace("    </decisionTable>", rule + "    </decisionTable>")
