"""Prevention notices to residents: written by inspectors, approved by supervisors, sent to subscribers."""
