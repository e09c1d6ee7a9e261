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


def test_client_ip_takes_the_address_the_trusted_proxy_saw(settings, rf):
    from config.views import client_ip

    settings.NUM_PROXIES = 1
    spoofed = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7")

    assert client_ip(spoofed) == "203.0.113.9"
    assert client_ip(direct) == "198.51.100.7"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings, rf):
    from config.views import client_ip

    settings.NUM_PROXIES = 0
    spoofed = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.66", REMOTE_ADDR="198.51.100.7")
    assert client_ip(spoofed) == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.8")) == "198.51.100.8"
