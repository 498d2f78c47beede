import pytest
from flask import abort


@pytest.fixture
def failing_app(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @app.route("/abort/<int:code>")
    def abort_with(code):
        abort(code)

    return app


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("/no-such-page", 404, "Page not found"),
        ("/abort/400", 400, "was not right"),
        ("/abort/403", 403, "do not have access"),
        ("/boom", 500, "went wrong on our side"),
    ],
)
def test_error_pages_are_friendly_and_leak_nothing(failing_app, path, code, message):
    failing_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = failing_app.test_client().get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == code
    assert message in body
    assert "Traceback" not in body and "secret internal detail" not in body
    assert response.headers["Content-Security-Policy"].count("object-src 'none'") == 1
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_post_without_csrf_token_is_refused(client, staff):
    response = client.post("/auth/login", data={"username": "admin", "password": "x"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
