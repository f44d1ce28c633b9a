"""The production stack, checked without Docker: every command, module, setting, health check
and variable that docker-compose.yml, the Dockerfile and .env.example name must exist."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.urls import resolve

from helpdesk import health

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")


def _commands(service: str) -> list[list[str]]:
    """The service's command as argument lists: `sh -c "a && b"` becomes [a, b]."""
    command = SERVICES[service]["command"]
    args = shlex.split(command) if isinstance(command, str) else list(command)
    if args[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in args[2].split("&&")]
    return [args]


def _check_command(args: list[str]) -> None:
    program, *rest = args
    if program == "exec":
        _check_command(rest)
    elif program == "python" and rest[0] == "manage.py":
        name, *options = rest[1:]
        assert name in get_commands(), f"manage.py {name} does not exist"
        load_command_class(get_commands()[name], name).create_parser("manage.py", name).parse_args(
            options
        )
    elif program == "python" and rest[0] == "-c":
        compile(rest[1], "<healthcheck>", "exec")
    elif program == "gunicorn":
        module, attr = rest[0].split(":")
        assert callable(getattr(importlib.import_module(module), attr))
    elif program == "celery":
        assert rest[0] == "-A"
        app = importlib.import_module(rest[1]).celery_app
        assert isinstance(app, Celery)
        _check_celery_options(rest[2], rest[3:])
    else:
        pytest.fail(f"unexpected program {program!r} in {args}")


def _check_celery_options(subcommand: str, options: list[str]) -> None:
    from celery.bin import beat, control, worker

    click_command = {"worker": worker.worker, "beat": beat.beat, "inspect": control.inspect}[
        subcommand
    ]
    known = {opt for param in click_command.params for opt in param.opts}
    for option in options:
        if option.startswith("-"):
            assert option.split("=")[0] in known, f"celery {subcommand} has no option {option}"


def test_compose_has_the_five_services_each_with_a_health_check():
    assert set(SERVICES) == {"db", "redis", "web", "worker", "beat"}
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_app_services_use_the_image_and_env_file(service):
    spec = SERVICES[service]
    assert spec["build"] == "."
    assert spec["env_file"] == ".env"
    assert spec["environment"]["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert spec["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in spec["environment"]["DATABASE_URL"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_commands_refer_to_things_that_exist(service):
    for args in _commands(service):
        _check_command(args)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_health_checks_refer_to_things_that_exist(service):
    kind, *rest = SERVICES[service]["healthcheck"]["test"]
    args = shlex.split(rest[0].replace("$$", "$")) if kind == "CMD-SHELL" else rest
    _check_command(args)


def test_compose_web_runs_migrate_collectstatic_then_gunicorn():
    programs = [" ".join(args[:3]) for args in _commands("web")]
    assert programs == [
        "python manage.py migrate",
        "python manage.py collectstatic",
        "exec gunicorn helpdesk.wsgi:application",
    ]
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_compose_web_health_check_path_is_the_healthz_view():
    code = SERVICES["web"]["healthcheck"]["test"][-1]
    path = re.search(r"http://127\.0\.0\.1:8000(/[^'\"]*)", code).group(1)
    assert resolve(path).func is health.healthz


def test_compose_worker_and_beat_run_celery_of_the_helpdesk_app():
    assert _commands("worker")[0][:4] == ["celery", "-A", "helpdesk", "worker"]
    assert _commands("beat")[0][:4] == ["celery", "-A", "helpdesk", "beat"]
    beat = _commands("beat")[0]
    schedule = beat[beat.index("--schedule") + 1]
    assert schedule in SERVICES["beat"]["healthcheck"]["test"][-1]


def test_compose_volumes_keep_the_database_and_media():
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    for service in ("web", "worker"):
        media_root = SERVICES[service]["environment"]["MEDIA_ROOT"]
        assert f"media:{media_root}" in SERVICES[service]["volumes"]
    assert {"postgres-data", "media"} <= set(COMPOSE["volumes"])


def test_beat_schedule_names_registered_tasks():
    import dashboards.tasks  # noqa: F401  (what autodiscover_tasks imports)
    import mailgate.tasks  # noqa: F401
    import tickets.tasks  # noqa: F401
    from helpdesk.celery import app

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def _settings_variables() -> set[str]:
    source = (ROOT / "helpdesk" / "settings.py").read_text()
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", source))


def _documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_env_example_documents_every_variable_the_settings_read():
    read = _settings_variables()
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL", "HELPDESK_AUTO_CLOSE_DAYS"} <= read
    assert read - _documented_variables() == set()


def test_env_example_documents_every_variable_compose_substitutes():
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert used - _documented_variables() == set()


def test_dockerfile_builds_assets_with_npm_and_runs_as_non_root():
    text = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)(?: AS (\w+))?", text, flags=re.MULTILINE)
    assert froms[-1][0] == "python:3.11-slim"
    assert froms[0][0].startswith("node:")
    assert "npm ci" in text
    user = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert user
    assert user[-1] not in ("root", "0")
    assert "helpdesk.wsgi:application" in text
    # Every npm library STATICFILES_DIRS serves is copied from the node stage.
    for entry in settings.STATICFILES_DIRS:
        source = Path(entry[1] if isinstance(entry, tuple) else entry)
        if settings.NODE_MODULES in source.parents:
            relative = source.relative_to(settings.BASE_DIR)
            assert f"/build/{relative} ./{relative}" in text, relative


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", "node_modules", "db.sqlite3", ".git", "media"} <= ignored
