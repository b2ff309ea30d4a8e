"""Pre-aggregated figures (rollups) that keep the dashboards, reports and bottleneck page flat as data grows."""
