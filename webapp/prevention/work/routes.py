"""The prevention work blueprint with every register's views on it (register this one)."""

from __future__ import annotations

from webapp.prevention.events import routes as event_routes
from webapp.prevention.joint_plans import routes as plan_routes
from webapp.prevention.monitoring import routes as monitoring_routes
from webapp.prevention.patrols import routes as patrol_routes
from webapp.prevention.work.blueprint import blueprint
from webapp.prevention.youth import routes as youth_routes

__all__ = ["blueprint", "event_routes", "monitoring_routes", "patrol_routes", "plan_routes", "youth_routes"]
