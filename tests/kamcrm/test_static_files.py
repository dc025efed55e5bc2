from django.core.management import call_command
from django.test import Client
from django.urls import reverse


def test_it_serves_hashed_assets_from_the_production_manifest(settings, tmp_path, db):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)
    html = Client().get(reverse("login")).content.decode()

    assert (tmp_path / "staticfiles.json").exists()
    assert "vendor/bootstrap/bootstrap.min." in html
    assert "bootstrap.min.css" not in html  # the hashed name is served, never a CDN
    assert "cdn" not in html.lower()
