"""Probes, the OpenAPI document and the offline docs UI."""

from __future__ import annotations


def test_liveness_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready", "checks": {"store": "ok"}}


def test_readiness_is_503_when_the_store_is_unreachable(make_app):
    unreachable = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    response = unreachable.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["checks"] == {"store": "unreachable"}
    assert unreachable.test_client().get("/healthz").status_code == 200


def test_openapi_json_and_docs_work_without_internet(client):
    spec = client.get("/openapi.json").get_json()
    assert "/api/v1/articles/{slug}" in spec["paths"]
    page = client.get("/docs").get_data(as_text=True)
    assert "cdn" not in page.lower()
    assert "/docs/assets/swagger-ui-bundle.js" in page
    with client.get("/docs/assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200
        assert len(asset.data) > 100_000
