"""Development tools outside the production package: the demo city and the synthetic country."""
