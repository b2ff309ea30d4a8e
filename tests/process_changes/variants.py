"""Versions of the bundled diagrams that differ from them in one way each (for diff and migration tests)."""

from __future__ import annotations

from collections.abc import Mapping

ANALYSIS = "appeal_analysis.bpmn"

_NEW_STEP = """    <bpmn:userTask id="confirm_analysis" name="Tahlilni tasdiqlash" camunda:formKey="confirm_analysis">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="analysis_confirmed" label="Tahlil tasdiqlandi" type="boolean"/>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_analyse_appeal_to_set_deadline</bpmn:incoming>
      <bpmn:outgoing>flow_confirm_analysis_to_set_deadline</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_confirm_analysis_to_set_deadline"
      sourceRef="confirm_analysis" targetRef="set_deadline"/>
"""


_LANE_REF = "<bpmn:flowNodeRef>set_deadline</bpmn:flowNodeRef>"
_INTO_DEADLINE = "<bpmn:incoming>flow_analyse_appeal_to_set_deadline</bpmn:incoming>\n      "
_OUT_OF_DEADLINE = "<bpmn:outgoing>flow_set_deadline"


def _replace(files: Mapping[str, str], name: str, *pairs: tuple[str, str]) -> dict[str, str]:
    changed = dict(files)
    text = changed[name]
    for old, new in pairs:
        assert old in text, f"{old!r} not in {name}"
        text = text.replace(old, new)
    changed[name] = text
    return changed


def relabelled(files: Mapping[str, str]) -> dict[str, str]:
    """The analysis form's first field gets another label."""
    return _replace(files, ANALYSIS, ('label="Sabablar va holatlar"', 'label="Muammoning sabablari"'))


def with_step_after_analysis(files: Mapping[str, str]) -> dict[str, str]:
    """A new user task ``confirm_analysis`` between ``analyse_appeal`` and ``set_deadline``."""
    return _replace(
        files,
        ANALYSIS,
        (_LANE_REF, "<bpmn:flowNodeRef>confirm_analysis</bpmn:flowNodeRef>" + _LANE_REF),
        (
            _INTO_DEADLINE + _OUT_OF_DEADLINE,
            _INTO_DEADLINE.replace("analyse_appeal", "confirm_analysis") + _OUT_OF_DEADLINE,
        ),
        (
            'sourceRef="analyse_appeal" targetRef="set_deadline"/>',
            'sourceRef="analyse_appeal" targetRef="confirm_analysis"/>\n' + _NEW_STEP,
        ),
    )


def without_analysis_task(files: Mapping[str, str]) -> dict[str, str]:
    """``analyse_appeal`` (and its reminder) renamed: a case waiting there has nowhere to go."""
    return _replace(files, ANALYSIS, ("analyse_appeal", "study_appeal"))
