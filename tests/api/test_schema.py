"""The OpenAPI schema: valid, warning-free, and saying what each read endpoint needs, returns
and refuses."""

import pytest
import yaml
from django.core.management import call_command

READS = [
    ("/api/v1/seminars/", ["page", "page_size"]),
    ("/api/v1/seminars/{slug}/", []),
    ("/api/v1/seminars/{slug}/programme/", []),
    ("/api/v1/seminars/{slug}/figures/", []),
    ("/api/v1/seminars/{slug}/announcements/", []),
    ("/api/v1/registrations/", ["seminar", "status", "updated_since", "cursor", "page_size"]),
    ("/api/v1/registrations/{id}/", []),
]


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn: any warning drf-spectacular raises (an unnamed enum, a field it cannot
    # type) fails here instead of giving programs a vaguer schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize(("path", "filters"), READS)
def test_every_read_is_described_with_its_filters_and_errors(schema, path, filters):
    operation = schema["paths"][path]["get"]
    assert operation["summary"]
    assert operation["description"]
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    assert set(filters) <= names
    for status in ("401", "404", "429") if "{" in path else ("401", "429"):
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}


def test_role_bound_reads_declare_403(schema):
    for path in ("/api/v1/registrations/", "/api/v1/seminars/{slug}/figures/"):
        assert "403" in schema["paths"][path]["get"]["responses"]


def test_the_registration_shape_names_answers_and_attendance(schema):
    registration = schema["components"]["schemas"]["Registration"]["properties"]
    assert {"answers", "attendance", "updated_at", "anonymised_at"} <= set(registration)


def test_schema_shows_no_internal_remarks(anonymous_api):
    """Docstrings become descriptions: nothing meant for our own code reaches integrators."""
    schema = anonymous_api.get("/api/v1/schema/?format=json").content.decode()
    assert "in its context" not in schema
