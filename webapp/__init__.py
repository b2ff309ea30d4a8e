"""The Mahalla web application: ``create_app`` is the factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, g, request, session
from flask_login import current_user
from sqlalchemy import event

from webapp import config as app_config
from webapp.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(app_config.from_environment())
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        from webapp.platform.observability.safety import UnsafeConfiguration

        raise UnsafeConfiguration("SECRET_KEY is not set (set it, or MAHALLA_DEMO=1 for the demo)")
    create_working_directories(app)
    configure_engine(app)
    register_extensions(app)
    register_blueprints(app)
    register_site_files(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def create_served_app() -> Flask:
    """The app a production server (gunicorn, webapp.wsgi) serves: refused when unsafe."""
    from webapp.platform.observability.safety import refuse_unsafe_configuration

    app = create_app()
    refuse_unsafe_configuration(app)
    return app


def create_working_directories(app: Flask) -> None:
    """Every folder the app writes to exists before anything opens it (a fresh clone has none)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    folders = [Path(app.config[key]) for key in ("ATTACHMENTS_DIR", "EXPORTS_DIR", "MAIL_DIR", "IMPORTS_DIR")]
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folders.append(Path(url.database).parent)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def configure_engine(app: Flask) -> None:
    """The limits of every engine step that runs diagram code (engine.sandbox); the database
    driver keeps its rewrite of the long statements a completion sends (webapp.platform.statements)."""
    from engine.data_limits import DataLimits
    from engine.sandbox import SandboxLimits, configure
    from webapp.platform.statements import keep_driver_rewrites

    keep_driver_rewrites()

    config = app.config
    data = DataLimits(field_bytes=config["CASE_FIELD_KB"] * 1024, case_bytes=config["CASE_DATA_KB"] * 1024)
    configure(
        SandboxLimits(
            cpu_seconds=config["STEP_CPU_SECONDS"],
            wall_seconds=config["STEP_WALL_SECONDS"],
            memory_mb=config["STEP_MEMORY_MB"],
            script_seconds=config["SCRIPT_SECONDS"],
            data=data,
        )
    )


def register_security(app: Flask) -> None:
    from webapp.platform.security import database_loss, headers, startup

    headers.init_app(app)
    database_loss.init_app(app)
    startup.warn_about_per_process_limits(app)


def select_locale() -> str:
    languages = current_app_languages()
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return str(current_user.language)
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if request.path.startswith("/api/"):
        # API clients (the mobile app) say which language they want; people choose in the UI.
        return request.accept_languages.best_match(languages) or languages[0]
    return languages[0]


def current_app_languages() -> tuple[str, ...]:
    from flask import current_app

    return tuple(current_app.config["LANGUAGES"])


def register_extensions(app: Flask) -> None:
    from pathlib import Path

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        elif db.engine.dialect.name == "postgresql":
            event.listen(db.engine, "connect", _postgresql_session)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Tashkent")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to open this page.")

    from webapp.platform.auth.service import user_by_id

    @login_manager.user_loader
    def load_user(user_id: str) -> Any:
        return user_by_id(int(user_id)) if user_id.isdecimal() else None

    from webapp.platform.auth import session_guard

    session_guard.init_app(app)

    # Import models so that metadata (and migrations) know every table.
    from webapp import models  # noqa: F401


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """The embedded database: write-ahead log (readers never wait), enforced foreign keys."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _postgresql_session(connection: Any, _record: Any) -> None:
    """No JIT compilation (once per pooled connection, outside any transaction, beside whatever
    PGOPTIONS or the URL set). The planner compiles a query whose estimated cost passes
    jit_above_cost, which the dashboards' counts over a million appeals do: the country's overdue
    count took 76 ms with JIT, 48 ms without, and the choice followed the table sizes."""
    autocommit = connection.autocommit
    connection.autocommit = True
    try:
        connection.execute("SET jit = off")
    finally:
        connection.autocommit = autocommit


def register_blueprints(app: Flask) -> None:
    from webapp.admin.access.routes import blueprint as access_blueprint
    from webapp.admin.audit.routes import blueprint as audit_blueprint
    from webapp.admin.imports.routes import blueprint as imports_blueprint
    from webapp.admin.people.routes import blueprint as people_blueprint
    from webapp.admin.reference import panels as _reference_panels  # noqa: F401 - registers task-page panels
    from webapp.admin.reference.routes import blueprint as reference_blueprint
    from webapp.admin.territories.areas import blueprint as territory_areas_blueprint
    from webapp.admin.territories.routes import blueprint as territories_blueprint
    from webapp.analytics.bottlenecks.routes import blueprint as bottlenecks_blueprint
    from webapp.analytics.dashboards.routes import blueprint as dashboards_blueprint
    from webapp.analytics.exports.routes import blueprint as exports_blueprint
    from webapp.analytics.reports.routes import blueprint as reports_blueprint
    from webapp.api import absences as _api_absences  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import appeal_list as _api_appeal_list  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import assignment as _api_assignment  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import attachments as _api_attachments  # noqa: F401 - adds its route to the API blueprint
    from webapp.api import chair as _api_chair  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import prevention as _api_prevention  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import processes as _api_processes  # noqa: F401 - adds its route to the API blueprint
    from webapp.api import stats as _api_stats  # noqa: F401 - adds its route to the API blueprint
    from webapp.api import supervision as _api_supervision  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import triage as _api_triage  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import webhooks as _api_webhooks  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api.routes import blueprint as api_blueprint
    from webapp.cases.assignment.routes import blueprint as assignment_blueprint
    from webapp.cases.tasks.routes import blueprint as tasks_blueprint
    from webapp.casework.appeals import subject as _appeal_subject  # noqa: F401 - the appeal subject kind
    from webapp.casework.appeals.routes import blueprint as appeals_blueprint
    from webapp.casework.categoriser.routes import blueprint as categoriser_blueprint
    from webapp.casework.evaluation import panel as _monitoring_panel  # noqa: F401 - registers the stage-5 panel
    from webapp.casework.legal_terms import hooks as legal_terms_hooks  # noqa: F401  (registers task hooks)
    from webapp.casework.legal_terms.routes import blueprint as legal_terms_blueprint
    from webapp.casework.related.routes import blueprint as related_blueprint
    from webapp.casework.repeated import hooks as _repeated_hooks  # noqa: F401 - tells the applicant why
    from webapp.casework.repeated import panel as _repeated_panel  # noqa: F401 - the earlier answer beside
    from webapp.casework.replies import hooks as _reply_hooks  # noqa: F401 - registers the record_result hook
    from webapp.casework.replies.routes import blueprint as replies_blueprint
    from webapp.casework.supervision.routes import blueprint as supervision_blueprint
    from webapp.cooperation.chairs.routes import blueprint as chairs_blueprint
    from webapp.cooperation.notices import public_routes as _notice_pages  # noqa: F401 - adds the public pages
    from webapp.cooperation.notices.routes import blueprint as notices_blueprint
    from webapp.cooperation.partners.routes import blueprint as partners_blueprint
    from webapp.cooperation.referrals.routes import blueprint as referrals_blueprint
    from webapp.intake.attachments.routes import blueprint as attachments_blueprint
    from webapp.intake.open311.routes import blueprint as open311_blueprint
    from webapp.intake.open311.staff import blueprint as triage_blueprint
    from webapp.intake.public.routes import blueprint as public_blueprint
    from webapp.intake.reception.routes import blueprint as reception_blueprint
    from webapp.platform.auth.account import blueprint as account_blueprint
    from webapp.platform.auth.oidc import blueprint as sso_blueprint
    from webapp.platform.auth.routes import blueprint as auth_blueprint
    from webapp.platform.notifications.routes import blueprint as outbox_blueprint
    from webapp.platform.observability import logs as observability_logs
    from webapp.platform.observability import routes as observability_routes
    from webapp.platform.webhooks.routes import blueprint as webhooks_blueprint
    from webapp.prevention.patrols import timeline as _patrol_timeline  # noqa: F401 - a person-timeline source
    from webapp.prevention.registry.routes import blueprint as prevention_blueprint
    from webapp.prevention.work.routes import blueprint as prevention_work_blueprint
    from webapp.studio.changes.routes import blueprint as process_changes_blueprint
    from webapp.studio.diagrams.routes import blueprint as diagrams_blueprint
    from webapp.studio.library.routes import blueprint as process_library_blueprint

    app.register_blueprint(auth_blueprint)
    app.register_blueprint(account_blueprint)
    app.register_blueprint(sso_blueprint)
    app.register_blueprint(people_blueprint)
    app.register_blueprint(territories_blueprint)
    app.register_blueprint(territory_areas_blueprint)
    app.register_blueprint(partners_blueprint)
    app.register_blueprint(chairs_blueprint)
    app.register_blueprint(referrals_blueprint)
    app.register_blueprint(notices_blueprint)
    app.register_blueprint(imports_blueprint)
    app.register_blueprint(access_blueprint)
    app.register_blueprint(reference_blueprint)
    app.register_blueprint(audit_blueprint)
    app.register_blueprint(webhooks_blueprint)
    app.register_blueprint(tasks_blueprint)
    app.register_blueprint(assignment_blueprint)
    app.register_blueprint(appeals_blueprint)
    app.register_blueprint(attachments_blueprint)
    app.register_blueprint(related_blueprint)
    app.register_blueprint(process_changes_blueprint)
    app.register_blueprint(reception_blueprint)
    app.register_blueprint(diagrams_blueprint)
    app.register_blueprint(legal_terms_blueprint)
    app.register_blueprint(replies_blueprint)
    app.register_blueprint(supervision_blueprint)
    app.register_blueprint(prevention_work_blueprint)
    app.register_blueprint(bottlenecks_blueprint)
    app.register_blueprint(exports_blueprint)
    app.register_blueprint(prevention_blueprint)
    app.register_blueprint(process_library_blueprint)
    app.register_blueprint(categoriser_blueprint)
    app.register_blueprint(reports_blueprint)
    app.register_blueprint(dashboards_blueprint)
    app.register_blueprint(api_blueprint)
    app.register_blueprint(public_blueprint)
    app.register_blueprint(outbox_blueprint)
    app.register_blueprint(triage_blueprint)
    observability_routes.init_app(app)
    observability_logs.init_app(app)
    csrf.exempt(api_blueprint)
    app.register_blueprint(open311_blueprint)
    csrf.exempt(open311_blueprint)  # an API with keys, no cookies


def register_site_files(app: Flask) -> None:
    """``/favicon.ico``, which browsers ask for before reading any page (the icons live in static/icons).

    Served from memory (read once, 8 KB): a browser drops this request whenever it leaves a page,
    and a dropped file response left its file open (a ResourceWarning in the browser tests)."""
    with open(os.path.join(app.static_folder or "", "icons", "favicon.ico"), "rb") as icon:
        data = icon.read()

    def favicon() -> Any:
        response = app.response_class(data, mimetype="image/vnd.microsoft.icon")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        return response

    app.add_url_rule("/favicon.ico", "favicon", favicon)


def register_errorhandlers(app: Flask) -> None:
    from webapp.cooperation import need_to_know
    from webapp.errors import register

    register(app)
    need_to_know.register(app)


def register_template_helpers(app: Flask) -> None:
    from webapp.templating import register

    register(app)

    @app.before_request
    def remember_locale() -> None:
        g.languages = app.config["LANGUAGES"]


def register_commands(app: Flask) -> None:
    from webapp.cli import register

    register(app)
