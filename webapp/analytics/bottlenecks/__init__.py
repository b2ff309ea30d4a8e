"""Bottlenecks on the process: how long each BPMN user task takes, drawn on the diagram."""
