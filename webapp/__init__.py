"""The Mahalla web application: ``create_app`` is the factory."""

from __future__ import annotations

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
        raise RuntimeError("SECRET_KEY is not set (set it, or MAHALLA_DEMO=1 for the demo)")
    create_working_directories(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def create_working_directories(app: Flask) -> None:
    """Every folder the app writes to exists before anything opens it (a fresh clone has none)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    folders = [Path(app.config["ATTACHMENTS_DIR"]), Path(app.config["EXPORTS_DIR"])]
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folders.append(Path(url.database).parent)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


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
        return user_by_id(int(user_id)) if user_id.isdigit() else None

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


def register_blueprints(app: Flask) -> None:
    from webapp.analytics.bottlenecks.routes import blueprint as bottlenecks_blueprint
    from webapp.analytics.dashboards.routes import blueprint as dashboards_blueprint
    from webapp.analytics.exports.routes import blueprint as exports_blueprint
    from webapp.analytics.reports.routes import blueprint as reports_blueprint
    from webapp.api import assignment as _api_assignment  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api import attachments as _api_attachments  # noqa: F401 - adds its route to the API blueprint
    from webapp.api import processes as _api_processes  # noqa: F401 - adds its route to the API blueprint
    from webapp.api import stats as _api_stats  # noqa: F401 - adds its route to the API blueprint
    from webapp.api import supervision as _api_supervision  # noqa: F401 - adds its routes to the API blueprint
    from webapp.api.routes import blueprint as api_blueprint
    from webapp.cases.assignment.routes import blueprint as assignment_blueprint
    from webapp.cases.tasks.routes import blueprint as tasks_blueprint
    from webapp.casework.appeals.routes import blueprint as appeals_blueprint
    from webapp.casework.evaluation import panel as _monitoring_panel  # noqa: F401 - registers the stage-5 panel
    from webapp.casework.legal_terms import hooks as legal_terms_hooks  # noqa: F401  (registers task hooks)
    from webapp.casework.legal_terms.routes import blueprint as legal_terms_blueprint
    from webapp.casework.related.routes import blueprint as related_blueprint
    from webapp.casework.replies import hooks as _reply_hooks  # noqa: F401 - registers the record_result hook
    from webapp.casework.replies.routes import blueprint as replies_blueprint
    from webapp.casework.supervision.routes import blueprint as supervision_blueprint
    from webapp.intake.attachments.routes import blueprint as attachments_blueprint
    from webapp.intake.open311.routes import blueprint as open311_blueprint
    from webapp.intake.public.routes import blueprint as public_blueprint
    from webapp.intake.reception.routes import blueprint as reception_blueprint
    from webapp.platform.auth.routes import blueprint as auth_blueprint
    from webapp.prevention.patrols import timeline as _patrol_timeline  # noqa: F401 - a person-timeline source
    from webapp.prevention.registry.routes import blueprint as prevention_blueprint
    from webapp.prevention.work.blueprint import blueprint as prevention_work_blueprint
    from webapp.studio.changes.routes import blueprint as process_changes_blueprint
    from webapp.studio.diagrams.routes import blueprint as diagrams_blueprint
    from webapp.studio.library.routes import blueprint as process_library_blueprint

    app.register_blueprint(auth_blueprint)
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
    app.register_blueprint(reports_blueprint)
    app.register_blueprint(dashboards_blueprint)
    app.register_blueprint(api_blueprint)
    app.register_blueprint(public_blueprint)
    csrf.exempt(api_blueprint)
    app.register_blueprint(open311_blueprint)
    csrf.exempt(open311_blueprint)  # an API with keys, no cookies


def register_errorhandlers(app: Flask) -> None:
    from webapp.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from webapp.templating import register

    register(app)

    @app.before_request
    def remember_locale() -> None:
        g.languages = app.config["LANGUAGES"]


def register_commands(app: Flask) -> None:
    from webapp.cli import register

    register(app)
