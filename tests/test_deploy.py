"""The shipped production configuration: nginx accepts it (`nginx -t`), systemd accepts the
unit files (`systemd-analyze verify`), and the web unit respawns failed workers.

Both tools come from Debian's packages (`nginx`, `systemd`); CI installs nginx. Outside CI
a missing tool skips its test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def _tool(name: str) -> str:
    found = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed")
        pytest.skip(f"{name} is not installed")
    return found


def nginx_prefix(tmp_path: Path, *, tls: bool = True) -> Path:
    """The shipped nginx files laid out under `tmp_path` as Debian lays them out under
    /etc/nginx, with a throw-away certificate and the cache under `tmp_path`; returns the
    main configuration file."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "cache").mkdir()
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    shutil.copy(DEPLOY / "nginx/snippets/opengov-proxy.conf", tmp_path / "snippets")
    http = (DEPLOY / "nginx/conf.d/opengov-http.conf").read_text()
    (tmp_path / "http.conf").write_text(
        http.replace("/var/cache/nginx/opengov", str(tmp_path / "cache"))
    )
    site = (DEPLOY / "nginx/sites-available/opengov").read_text()
    site = site.replace("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(cert))
    site = site.replace("/etc/ssl/private/ssl-cert-snakeoil.key", str(key))
    site = site.replace("include snippets/", f"include {tmp_path}/snippets/")
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 80;", "listen 127.0.0.1:18080;")
    site = site.replace("listen 443 ssl http2;", "listen 127.0.0.1:18443 ssl http2;")
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" include {tmp_path}/http.conf;\n include {tmp_path}/site.conf;\n}}\n"
    )
    return main


def test_nginx_accepts_the_shipped_configuration(tmp_path):
    nginx = _tool("nginx")
    main = nginx_prefix(tmp_path)
    result = subprocess.run(
        [nginx, "-t", "-c", str(main), "-p", f"{tmp_path}/"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_refuses_a_broken_configuration(tmp_path):
    """The check above can fail: a typo in the shipped snippet is caught."""
    nginx = _tool("nginx")
    main = nginx_prefix(tmp_path)
    snippet = tmp_path / "snippets/opengov-proxy.conf"
    snippet.write_text(snippet.read_text().replace("proxy_cache_lock on;", "proxy_cache_lok on;"))
    result = subprocess.run(
        [nginx, "-t", "-c", str(main), "-p", f"{tmp_path}/"], capture_output=True, text=True
    )
    assert result.returncode != 0


def test_nginx_passes_the_address_the_application_trusts():
    snippet = (DEPLOY / "nginx/snippets/opengov-proxy.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in snippet
    assert "proxy_cache_bypass $opengov_has_session $opengov_has_token;" in snippet
    assert "proxy_no_cache $opengov_has_session $opengov_has_token;" in snippet


UNITS = ("opengov-web.service", "opengov-worker.service", "opengov-beat.service")


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_accepts_the_unit_files(tmp_path, unit):
    analyze = _tool("systemd-analyze")
    text = (DEPLOY / "systemd" / unit).read_text()
    # the units name /srv/opengov; point them at this checkout's virtual environment
    (tmp_path / unit).write_text(text.replace("/srv/opengov/.venv", str(ROOT / ".venv")))
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / unit)], capture_output=True, text=True
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if unit in line and "Failed to" not in line and "bus" not in line.lower()
    ]
    assert result.returncode == 0 or not problems, result.stderr
    assert not problems, problems


def test_the_web_unit_respawns_failed_workers():
    text = (DEPLOY / "systemd/opengov-web.service").read_text()
    assert "--respawn-failed-workers" in text
    assert "--http 1" in text  # behind nginx, HTTP/1.1 only
    assert "Restart=always" in text
    readme = (ROOT / "README.md").read_text()
    for line in readme.splitlines():
        if "bin/granian " in line:
            assert "--respawn-failed-workers" in line, line
            assert "--http 1" in line, line
