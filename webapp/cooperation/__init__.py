"""Cooperation: the partner bodies (police, social protection, health, youth agency, women's
committee, the mahalla citizens' assembly) and the mahalla chairs who work with the inspectors."""
