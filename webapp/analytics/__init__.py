"""Analytics: statistics, dashboards, bottlenecks, monthly reports, list exports."""
