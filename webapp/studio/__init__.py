"""The process studio: the process library, version changes and case diagrams."""
