"""Intake: how appeals arrive (public form and tracking, reception, Open311, attachments)."""
