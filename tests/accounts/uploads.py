"""Posting a file to the import page as a browser would, formats left to detection."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def upload(client, name: str, content: bytes | str, kind: str = "accounts", **fields):
    data = {"kind": kind, "decimal": "auto", "date_format": "auto", **fields}
    if isinstance(content, str):
        content = content.encode()
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("accounts:import"), data)
