"""The report's figures in the reader's formats: no "100.0 %" beside "5,5", no raw "pp", no
"+50%" on tiny counts."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from webapp.analytics.reports.figures import format_change, format_value


def test_figures_and_changes_follow_the_locale(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("ru"):
            assert format_value(1.0, "share") == "100,0\xa0%"
            assert format_value(5.5, "days") == "5,5"
            assert format_value(12345, "count") == "12\xa0345"
            assert "п. п." in format_change({"delta": 0.05, "previous": 0.5}, "share")
            assert "pp" not in format_change({"delta": 0.05, "previous": 0.5}, "share")
        with force_locale("uz"):
            assert format_value(0.5, "share") == "50,0%"
            assert format_change({"delta": 1, "percent": 50.0, "previous": 2}, "count") == "+1"  # tiny: no "+50%"
            assert format_change({"delta": 10, "percent": 50.0, "previous": 20}, "count") == "+10 (+50%)"
