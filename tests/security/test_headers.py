"""Response headers (CSP, framing, referrer, nosniff) and Django's deploy checks."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DEBUG": False,
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-unique-characters-0123456789",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


@pytest.mark.parametrize("url_name", ["login", "portal:login"])
def test_pages_send_the_security_headers(client, url_name):
    response = client.get(reverse(url_name))

    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("template", ["base.html", "portal/base.html"])
def test_layouts_configure_htmx_without_inline_styles_or_eval(template):
    from django.template.loader import get_template

    source = get_template(template).template.source

    config = """content='{"includeIndicatorStyles": false, "allowEval": false}'"""
    assert f'<meta name="htmx-config" {config}>' in source


def test_templates_have_no_inline_script_style_or_handlers():
    from django.conf import settings

    markers = (" style=", "<script>", " onclick=", " onload=", " onchange=", " onsubmit=")
    offenders = [
        (str(path.relative_to(settings.BASE_DIR)), marker)
        for path in sorted((settings.BASE_DIR / "templates").rglob("*.html"))
        # Emails are not served under the CSP, and mail clients need inline styles.
        if "emails" not in path.parts
        for marker in markers
        if marker in path.read_text()
    ]

    assert offenders == []


def test_session_and_csrf_cookies_are_secure_and_hsts_on_when_debug_is_off():
    from django.conf import settings

    # The test settings run with DEBUG off and no overrides: the defaults are the safe ones.
    assert settings.DEBUG is False
    assert settings.SECURE_HSTS_SECONDS == 31536000
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_deploy_check_passes_with_production_settings(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)

    call_command("check", "--deploy", "--fail-level", "WARNING")


def test_deploy_check_fails_without_secure_cookies(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    settings.SESSION_COOKIE_SECURE = False

    with pytest.raises(SystemCheckError, match="SESSION_COOKIE_SECURE"):
        call_command("check", "--deploy", "--fail-level", "WARNING")
