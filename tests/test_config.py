import pytest
import yaml
from django.core.management import call_command


def test_openapi_schema_validates_without_warnings(tmp_path):
    """Every endpoint is described; a warning (an undocumented field, an enum clash) fails the build."""
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/nominations/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert schema["info"]["title"] == "PROUD Awards API"


pytestmark = pytest.mark.django_db
