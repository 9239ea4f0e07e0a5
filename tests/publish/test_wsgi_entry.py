"""app.py is the WSGI entry (waitress-serve app:app, gunicorn app:app): settings from the environment."""

import importlib
import sys


def test_wsgi_app_serves_the_catalogue_from_environment_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("EHDS_NODE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EHDS_NODE_BASE_URL", "https://node.example.org/ehds/")
    sys.modules.pop("app", None)
    app = importlib.import_module("app").app
    response = app.test_client().get("/datasets/oscour.nt")
    assert response.status_code == 200
    assert b"<https://node.example.org/ehds/datasets/oscour>" in response.data
    app.config["NODE"].close()
    sys.modules.pop("app", None)
