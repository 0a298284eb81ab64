"""A small HTTP/1.1 load driver for loopback: fixed concurrency, keep-alive.

Each of `concurrency` connections sends one GET at a time and waits for the
whole response, so latency is the server's time plus the loopback. The
driver is asyncio with httptools' C parser (both come with uvicorn's
standard extra); a general client such as httpx spends about 7 times the CPU per
request, which on a shared 2-core machine would make the client, not the
server, the bottleneck of the floor.

Every response that is not a 200 counts as an error, as does a connection
that fails or times out: a run with errors is not a measurement.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools

REQUEST_TIMEOUT_S = 30.0


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile(self, q: float) -> float:
        return percentile(sorted(self.latencies_ms), q)

    def merge(self, other: LoadResult) -> None:
        """Add `other` (a later slice of the same page's load) to this result."""
        self.requests += other.requests
        self.errors += other.errors
        self.elapsed_s += other.elapsed_s
        self.latencies_ms += other.latencies_ms
        self.error_samples = (self.error_samples + other.error_samples)[:5]

    def add_error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(message)


def percentile(ordered: list[float], q: float) -> float:
    """Return the nearest-rank `q`th percentile of the sorted list `ordered` (0.0 if empty)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


class _Response:
    """httptools callbacks: keep the status, count the body, note the end."""

    def __init__(self) -> None:
        self.complete = False
        self.body_bytes = 0

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)

    def on_message_complete(self) -> None:
        self.complete = True


class Connection:
    """One keep-alive HTTP/1.1 connection, opened on first use and after a close."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, request: bytes) -> int:
        """Send `request`, read the whole response; return its status."""
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reader = self.reader
        self.writer.write(request)
        response = _Response()
        parser = httptools.HttpResponseParser(response)
        while not response.complete:
            data = await reader.read(262_144)
            if not data:
                raise ConnectionError("server closed the connection mid-response")
            parser.feed_data(data)
        if not parser.should_keep_alive():
            self.close()
        return parser.get_status_code()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def build_request(
    url: str, headers: dict[str, str] | None = None, *, method: str = "GET", body: bytes = b""
) -> tuple[str, int, bytes]:
    """Return host, port and the bytes of a request (a GET unless `method`) for
    `url` with `headers` and `body`."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"The load driver only talks plain HTTP to loopback, not {url!r}.")
    port = parts.port or 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {parts.hostname}:{port}",
        "User-Agent: agora-bench",
        "Accept: */*",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    if body or method != "GET":
        lines.append(f"Content-Length: {len(body)}")
    return parts.hostname, port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _drive(
    url: str,
    headers: dict[str, str] | None,
    *,
    concurrency: int,
    duration_s: float,
    max_requests: int,
    min_requests: int = 0,
    method: str = "GET",
    body: bytes = b"",
) -> LoadResult:
    host, port, request = build_request(url, headers, method=method, body=body)
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + duration_s
    issued = 0

    async def worker() -> None:
        nonlocal issued
        connection = Connection(host, port)
        try:
            while issued < max_requests and (
                time.perf_counter() < deadline or issued < min_requests
            ):
                issued += 1
                sent = time.perf_counter()
                try:
                    status = await asyncio.wait_for(connection.get(request), REQUEST_TIMEOUT_S)
                except (OSError, TimeoutError, httptools.HttpParserError) as error:
                    connection.close()
                    result.requests += 1
                    result.add_error(f"{type(error).__name__}: {error}")
                    continue
                result.requests += 1
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
                if status != 200:
                    result.add_error(f"HTTP {status}")
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed_s = time.perf_counter() - started
    return result


def run_load(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    concurrency: int = 4,
    warmup_s: float = 1.0,
    duration_s: float = 5.0,
    max_requests: int = 20_000,
    method: str = "GET",
    body: bytes = b"",
    warm: bool = True,
) -> LoadResult:
    """Warm `url` up, then load it for `duration_s` or `max_requests`,
    whichever ends first; return the measured part. Every request is the
    same: a GET, or `method` with `body` (a form post). With ``warm=False``
    there is no warm-up (a later slice of a page already warmed).

    The warm-up lasts `warmup_s` and at least 2 requests per connection,
    so that every server worker has loaded its code and templates. Errors
    during warm-up count too: they are added to the result.
    """

    async def both() -> LoadResult:
        if not warm:
            return await _drive(
                url,
                headers,
                concurrency=concurrency,
                duration_s=duration_s,
                max_requests=max_requests,
                method=method,
                body=body,
            )
        warmed = await _drive(
            url,
            headers,
            concurrency=concurrency,
            duration_s=warmup_s,
            max_requests=max_requests,
            min_requests=2 * concurrency,
            method=method,
            body=body,
        )
        measured = await _drive(
            url,
            headers,
            concurrency=concurrency,
            duration_s=duration_s,
            max_requests=max_requests,
            method=method,
            body=body,
        )
        measured.errors += warmed.errors
        measured.error_samples = (warmed.error_samples + measured.error_samples)[:5]
        return measured

    try:
        import uvloop
    except ImportError:  # pragma: no cover (uvloop comes with uvicorn[standard])
        return asyncio.run(both())
    return uvloop.run(both())


def fetch_status(url: str, *, timeout_s: float = 5.0) -> int | None:
    """Return the status of one GET to `url`, or None when it cannot connect."""
    host, port, request = build_request(url)

    async def fetch() -> int:
        connection = Connection(host, port)
        try:
            return await asyncio.wait_for(connection.get(request), timeout_s)
        finally:
            connection.close()

    try:
        return asyncio.run(fetch())
    except (OSError, TimeoutError, httptools.HttpParserError):
        return None
