"""The trained categoriser: model versions, the corpus with inspectors' corrections, the methodologist's page."""
