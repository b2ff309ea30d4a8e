"""Tabular exports (CSV, XLSX) of lists and dashboard tables, with the page's filters applied."""
