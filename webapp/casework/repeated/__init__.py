"""The repeated-appeal rule: an already answered matter from the same applicant with no new
arguments may be left unconsidered by the inspector's conclusion approved by the supervisor; the
applicant is told why. Never automatic: the analysis task offers the path (BPMN appeal_analysis)."""
