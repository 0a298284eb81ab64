"""The OpenAPI document is a reviewed snapshot, and the docs page is self-contained.

`tests/api/openapi.json` holds the document as last reviewed. A change to
the API shows up as a diff of that file; after checking the diff, write the
new document with::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/api/test_openapi.py

and commit it with the change.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client

SNAPSHOT = Path(__file__).with_name("openapi.json")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def live_document() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_openapi_document_matches_the_snapshot():
    document = live_document()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    snapshot = json.loads(SNAPSHOT.read_text())
    assert document == snapshot, (
        "The API changed. Review the difference, then run "
        "UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/api/test_openapi.py and commit "
        "tests/api/openapi.json."
    )


def test_operation_ids_are_unique():
    ids = Counter(operation["operationId"] for _, _, operation in operations(live_document()))
    assert [name for name, count in ids.items() if count > 1] == []


def test_every_operation_documents_401_and_the_error_shape():
    document = live_document()
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    assert document["components"]["schemas"]["ErrorOut"]["required"] == [
        "detail",
        "code",
        "errors",
    ]
    for method, path, operation in operations(document):
        response = operation["responses"]["401"]
        assert response["content"] == error["content"], (method, path)


def test_every_write_documents_403_and_422_and_every_id_404():
    for method, path, operation in operations(live_document()):
        statuses = set(operation["responses"])
        if method in {"post", "put", "patch", "delete"}:
            assert {"403", "422"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)


def test_docs_page_loads_nothing_from_another_site(client, member):
    client.force_login(member)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Agora API</title>" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    assert "://" not in html
    # "Try it out" sends the session's CSRF token with writes.
    assert re.search(r'data-csrf-token="[A-Za-z0-9]{64}"', html) is not None
    assert 'data-api-csrf="true"' in html
