"""Monthly analytical reports per district and region: figures, changes, hot spots and rule-based
recommendations, as a page and a PDF (Uzbek, Russian), archived each month by a job."""
