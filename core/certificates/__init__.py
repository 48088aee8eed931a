"""Certificates with a number, a QR code and a public verification page, for every
mode (volunteer service records, training completions): ``services.issue_certificate()``,
``/verify/<number>/`` (valid, revoked or unknown), the QR code as SVG (segno) and a PDF
with an embedded CJK font (Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package)."""
