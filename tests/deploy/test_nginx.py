"""The sample nginx configuration (deploy/nginx.conf) is valid: ``nginx -t`` accepts it
with a temporary self-signed certificate, and it carries what the portal's settings
expect behind one proxy (docs/deploy.md). ``make test-nginx`` installs nginx with apt."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def text():
    return CONF.read_text()


@pytest.fixture
def runnable_conf(tmp_path):
    """The sample with its machine paths moved under tmp_path, and a fresh certificate."""
    if NGINX is None:
        pytest.skip("nginx is not installed (make test-nginx installs it with apt)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for nginx -t")
    crt, key = tmp_path / "portal.crt", tmp_path / "portal.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=portal.example.gov.cn", "-keyout", key, "-out", crt],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    (tmp_path / "logs").mkdir()
    conf = (
        text()
        .replace("/etc/nginx/tls/portal.crt", str(crt))
        .replace("/etc/nginx/tls/portal.key", str(key))
        .replace("/var/log/nginx/", f"{tmp_path}/logs/")
        .replace("/tmp/yuyao-nginx.pid", str(tmp_path / "nginx.pid"))
    )
    if not Path("/etc/nginx/mime.types").exists():
        conf = conf.replace("include /etc/nginx/mime.types;", "")
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    return path


def test_nginx_accepts_the_sample_configuration(runnable_conf, tmp_path):
    result = subprocess.run(
        [NGINX, "-t", "-c", str(runnable_conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_sample_matches_the_portal_settings():
    conf = text()
    # Uploads: six photos of 10 MB (settings.PORTAL_MAX_UPLOAD_SIZE).
    assert re.search(r"client_max_body_size\s+64m;", conf)
    # TRUST_X_FORWARDED_PROTO=1 and PORTAL_PROXY_COUNT=1: the scheme and an appended
    # address, on every location that proxies.
    proxies = conf.count("proxy_pass http://yuyao_web;")
    assert proxies >= 3
    assert conf.count("proxy_set_header X-Forwarded-Proto $scheme;") == proxies
    assert conf.count("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;") == proxies
    assert conf.count("proxy_set_header Host $host;") == proxies
    # HSTS as Django sends it, once; TLS only; several web nodes.
    assert "max-age=31536000; includeSubDomains; preload" in conf
    assert "proxy_hide_header Strict-Transport-Security;" in conf
    assert "return 301 https://" in conf
    assert len(re.findall(r"^\s*server 10\.\S+:8000", conf, re.M)) >= 2
    assert "location = /healthz/" in conf
    assert re.search(r"location /media/ \{ return 404; \}", conf)
