"""The case page's process diagram: the BPMN documents of a case's own version and its progress."""
