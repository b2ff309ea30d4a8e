"""The process library: methodologists edit, validate and publish BPMN and DMN procedures."""
