"""The intranet application factory."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import metrics
from .config import load_config
from .extensions import babel, csrf, db, htmx, login_manager, migrate
from .logs import configure_logging
from .web import BoundedIntConverter

# Feature packages and the modules that hold their routes.
BLUEPRINTS = {
    "core": ["views"],
    "accounts": ["views", "admin_views"],
    "organisations": ["views"],
    "groups": ["views"],
    "mail": ["views"],
    "meetings": ["views", "agenda_views", "attendance_views", "invitation_views",
                 "history_views"],
    "minutes": ["views", "task_views", "attachment_views", "review_views"],
    "visits": ["views", "manage_views", "report_views", "register_views"],
    "mailing": ["views", "admin_views"],
    "catalogue": ["views"],
    "strategy": ["views"],
    "report": ["views"],
}


def create_app(test_config=None) -> Flask:
    """Build the app: config → extensions → blueprints → CLI → template filters."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    app.url_map.converters["int"] = BoundedIntConverter
    load_config(app, test_config)
    configure_logging(app)
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    _init_extensions(app)
    metrics.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_templating(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every model, for Alembic and relationships)
    from .database import configure_engine
    from .i18n import RequestDomain, select_locale
    from .policy import login_required_everywhere
    from .search import include_object
    from .security import init_security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"),
                     render_as_batch=True, include_object=include_object)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path + "/../translations"))
    babel.domain_instance = RequestDomain()
    login_manager.init_app(app)  # accounts loads the member (accounts.init_app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    with app.app_context():
        configure_engine(db.engine)
    init_security(app)
    login_required_everywhere(app)


def _register_blueprints(app: Flask) -> None:
    import importlib

    for package, modules in BLUEPRINTS.items():
        for module in modules:  # the view modules attach their routes to the package's bp
            importlib.import_module(f"intranet.{package}.{module}")
        feature = importlib.import_module(f"intranet.{package}")
        app.register_blueprint(feature.bp)
        if hasattr(feature, "init_app"):  # e.g. connect handlers to other features' signals
            feature.init_app(app)


def _register_cli(app: Flask) -> None:
    from . import transfer  # noqa: F401  (`flask db copy-from-sqlite`, in Flask-Migrate's group)
    from .cli import backup_command, demo_cli

    app.cli.add_command(demo_cli)  # the features add theirs (e.g. `users`, `mail`)
    app.cli.add_command(backup_command)


def _register_templating(app: Flask) -> None:
    from .i18n import register_filters
    from .markup import register_markdown
    from .panels import render_panels
    from .policy import can
    from .search import snippet_html
    from .text import size_text
    from .web import RowUrl, Template, external_url, page_url, url_with_args

    app.jinja_env.template_class = Template
    app.jinja_env.add_extension("jinja2.ext.do")
    register_filters(app)
    register_markdown(app)
    app.add_template_filter(snippet_html, "snippet")
    app.add_template_filter(size_text, "filesize")
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["panels"] = render_panels
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["row_url"] = RowUrl
    app.jinja_env.globals["url_with_args"] = url_with_args
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]

    @app.context_processor
    def _language():
        from flask_babel import get_locale

        return {"current_language": str(get_locale() or "cs")}
