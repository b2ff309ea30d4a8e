"""Every committed test diagram carries its layout (DI) as bpmn-js draws it: a shape for every pool,
lane and flow node, an edge for every sequence and message flow, so it opens in the modeler as drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
EDGES = {"sequenceFlow", "messageFlow"}
NOT_DRAWN = EDGES | {"laneSet", "documentation", "extensionElements", "incoming", "outgoing", "flowNodeRef"}


def _drawn_elements(root: etree._Element) -> tuple[set[str], set[str]]:
    shapes: set[str] = set()
    edges: set[str] = set()
    for element in root.iter(f"{B}participant", f"{B}lane", f"{B}sequenceFlow", f"{B}messageFlow"):
        (edges if etree.QName(element).localname in EDGES else shapes).add(str(element.get("id")))
    for container in root.iter(f"{B}process", f"{B}subProcess", f"{B}transaction"):
        for child in container:
            local = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if child.get("id") and local not in NOT_DRAWN and not local.endswith(("LoopCharacteristics", "Object")):
                shapes.add(str(child.get("id")))
    return shapes, edges


@pytest.mark.parametrize("path", sorted(DIAGRAMS.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_element_of_a_test_diagram_is_drawn(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    shapes, edges = _drawn_elements(root)
    drawn_shapes = {s.get("bpmnElement") for s in root.iter(f"{DI}BPMNShape")}
    drawn_edges = {e.get("bpmnElement") for e in root.iter(f"{DI}BPMNEdge")}
    assert root.find(f"{DI}BPMNDiagram") is not None, f"{path.name} has no diagram layout"
    assert shapes - drawn_shapes == set(), f"{path.name}: elements without a shape"
    assert edges - drawn_edges == set(), f"{path.name}: flows without an edge"
