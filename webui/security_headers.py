"""Headers on every answer that tell the browser what the pages may do (issue 10).

The pages load scripts and style sheets from this site only; inline scripts are not
allowed (the pages' scripts are files in static/), inline styles are, because bpmn-js
styles the SVG it draws with them. No site may frame a page (clickjacking), types are not
sniffed, and no other site is told which page a link was followed from.
"""

from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # bpmn-js sets style attributes on its SVG
        "img-src 'self' data:",  # bpmn-js.css draws its logo from a data: URL
        "font-src 'self' data:",
        "connect-src 'self'",  # the diagram's BPMN text is fetched from this site
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """After every request, pages, API, static files and errors alike."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
