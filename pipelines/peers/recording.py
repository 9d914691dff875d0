"""Recorded answers of public services, so the peer harvest runs offline (the bundled demo) with
the same code that asks the real services.

A recording is a folder with `antworten.json`:

```json
{"answers": [{"url": "https://ckan.example.org/api/action/package_search?fq=organization:stadt-kamen&rows=1000&start=0",
              "status": 200, "content_type": "application/json", "file": "ckan/kamen-package_search.json"}]}
```
A URL is matched with its query parameters in any order. A `status` of 0 stands for a service
that does not answer at all (connection refused). The CKAN client (ckanapi, which speaks through
`requests`) gets a session whose transport answers from the recording; every other fetch
asks `Recording.get`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import BaseAdapter

from pipelines.http import FetchError

INDEX_FILE = "antworten.json"


class RecordingError(Exception):
    """The recording folder is incomplete or not valid JSON; names the file."""


def normalised_url(url: str) -> str:
    """`url` with its query parameters sorted, so the same question matches however it was asked."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, query, ""))


@dataclass(frozen=True)
class RecordedAnswer:
    status: int
    content_type: str
    body: bytes


class Recording:
    """The answers of one recording folder, by normalised URL."""

    def __init__(self, answers: dict[str, RecordedAnswer]):
        self.answers = answers

    @classmethod
    def read(cls, folder: Path) -> Recording:
        """Read a recording folder. Raises RecordingError naming the missing or broken file."""
        index = folder / INDEX_FILE
        try:
            entries = json.loads(index.read_text(encoding="utf-8"))["answers"]
            answers = {}
            for entry in entries:
                body = (folder / entry["file"]).read_bytes() if entry.get("file") else b""
                answers[normalised_url(entry["url"])] = RecordedAnswer(
                    int(entry["status"]), str(entry.get("content_type") or "application/octet-stream"), body
                )
        except FileNotFoundError as error:
            raise RecordingError(f"{error.filename}: Datei der Aufzeichnung fehlt") from None
        except (ValueError, KeyError, TypeError) as error:
            raise RecordingError(f"{index}: keine gültige Aufzeichnung ({type(error).__name__})") from None
        return cls(answers)

    def answer(self, url: str) -> RecordedAnswer:
        """The recorded answer to `url`. Raises FetchError when none was recorded or the service
        did not answer (status 0)."""
        answer = self.answers.get(normalised_url(url))
        if answer is None:
            raise FetchError(url, "keine aufgezeichnete Antwort (Dienst nicht erreichbar)")
        if answer.status == 0:
            raise FetchError(url, "nicht erreichbar (Verbindung abgelehnt)")
        return answer

    def get(self, url: str) -> bytes:
        """The body of a successful recorded answer. Raises FetchError like the live client."""
        answer = self.answer(url)
        if answer.status >= 400:
            raise FetchError(url, f"Server antwortete mit HTTP {answer.status}", answer.status)
        return answer.body

    def session(self) -> requests.Session:
        """A requests session answering from this recording (for ckanapi)."""
        session = requests.Session()
        adapter = RecordingAdapter(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session


class RecordingAdapter(BaseAdapter):
    """A requests transport that answers from a Recording instead of the network."""

    def __init__(self, recording: Recording):
        super().__init__()
        self.recording = recording

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # noqa: ANN001 - requests' signature
        try:
            answer = self.recording.answer(str(request.url))
        except FetchError as error:
            raise requests.ConnectionError(error.reason, request=request) from None
        response = requests.Response()
        response.status_code = answer.status
        response.headers["Content-Type"] = answer.content_type
        response._content = answer.body
        response.url = str(request.url)
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass
