"""The URL allow-list: only http, https (with a host) and mailto become links."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from contracts.urls import safe_url

REFUSED = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "\x01javascript:alert(1)",
    "\u00a0javascript:alert(1)",
    "javascript\u200b:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript://x.example/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://x.example/",
    "http:/x.example",
    "https://",
    "//x.example/",
    "/relativ",
    "mailto:",
    "",
    "   ",
    None,
    5,
    "https://x.example/\x00",
    "http://[::1",
]
ALLOWED = {
    "https://ratsinfo.werne.example/files/1.pdf": "https://ratsinfo.werne.example/files/1.pdf",
    "HTTP://X.EXAMPLE/": "HTTP://X.EXAMPLE/",
    " https://x.example/Vorlage 12.pdf ": "https://x.example/Vorlage%2012.pdf",
    "mailto:rat@werne.example": "mailto:rat@werne.example",
    "https://x.example/Bürger?a=1#b": "https://x.example/Bürger?a=1#b",
}


def test_hostile_forms_are_refused_and_real_links_pass():
    assert [url for url in REFUSED if safe_url(url) is not None] == []
    assert {url: safe_url(url) for url in ALLOWED} == ALLOWED


@given(st.text())
def test_whatever_passes_is_read_by_a_browser_as_http_https_or_mailto(text):
    url = safe_url(text)
    if url is not None:
        # A browser strips C0 controls and spaces around a URL and tabs/line breaks inside it.
        seen = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21))))).lower()
        assert seen.startswith(("http://", "https://", "mailto:"))
