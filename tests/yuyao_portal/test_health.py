"""The health check a load balancer or monitor calls on every web node (deploy/nginx.conf)."""

from django.db import DatabaseError


def test_health_answers_ok_anonymously(db, client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_answers_503_without_the_database(db, client, monkeypatch):
    class Down:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("yuyao_portal.views.connection", Down())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}
