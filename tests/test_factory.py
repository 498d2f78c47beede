import os
import stat

from hiring import create_app
from hiring.store.db import close_all


def test_factory_applies_test_config(app):
    assert app.testing
    assert app.config["DATABASE"].endswith("test.sqlite3")


def test_factory_without_test_config_is_not_testing(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE", str(tmp_path / "inst"))
    app = create_app()
    assert not app.testing
    assert app.config["DATABASE"] == str(tmp_path / "inst" / "hiring.sqlite3")
    close_all()


def test_missing_secret_key_is_generated_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE", str(tmp_path / "inst"))
    monkeypatch.delenv("HIRING_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    key_file = tmp_path / "inst" / "secret_key"
    assert first == second and len(first) >= 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    close_all()


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE", str(tmp_path / "inst"))
    monkeypatch.setenv("HIRING_SECRET_KEY", "from-the-environment")
    assert create_app().config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "inst" / "secret_key").exists()
    close_all()


def test_health_endpoint(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_compiled_templates_are_kept_unless_templates_reload(tmp_path):
    """Outside debug mode a new server process reads compiled templates instead of compiling."""
    from jinja2 import FileSystemBytecodeCache

    kept = create_app({"INSTANCE_PATH": str(tmp_path / "a"), "SECRET_KEY": "x"})
    assert isinstance(kept.jinja_env.bytecode_cache, FileSystemBytecodeCache)
    assert kept.test_client().get("/auth/login").status_code == 200
    reloading = create_app(
        {"INSTANCE_PATH": str(tmp_path / "b"), "SECRET_KEY": "x", "TEMPLATES_AUTO_RELOAD": True}
    )
    assert reloading.jinja_env.bytecode_cache is None
    close_all()
