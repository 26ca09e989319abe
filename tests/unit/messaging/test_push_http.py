"""The push client against small local HTTP servers: keep-alive reuse, a connection the service closed while
idle, answers that end with the connection, a service that does not answer in time, TLS with the name checked,
and refusal of addresses that point inward."""

import asyncio
import contextlib
import datetime as dt
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from regulars.messaging import push_http

pytestmark = pytest.mark.nodb

CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nLocation: /m/1\r\n\r\n"


class Service:
    """Reads whole requests (headers and Content-Length body) and answers each from `answer(n, request)`:
    bytes to write, None to stay silent, or a callable taking the writer."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.requests: list[bytes] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self, tls: ssl.SSLContext | None = None) -> "Service":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=tls)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                answer = self.answer(len(self.requests), request)
                if callable(answer):
                    answer(writer)
                elif answer is not None:
                    writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        self.server.close()
        for writer in self.writers:
            writer.close()


def client(**options) -> push_http.Client:
    return push_http.Client(allow_loopback=options.pop("allow_loopback", True), timeout=options.pop("timeout", 5), **options)


HEADERS = {"TTL": "60", "Content-Encoding": "aes128gcm", "Topic": "care-1"}


@contextlib.asynccontextmanager
async def serving(answer, **options):
    """(service, client, URL of /push/1 on it); both closed at the end."""
    service = await Service(answer).start()
    sender = client(**options)
    try:
        yield service, sender, f"http://127.0.0.1:{service.port}/push/1"
    finally:
        sender.close()
        await service.stop()


async def test_keeps_one_connection_for_consecutive_sends_and_writes_the_request_whole():
    async with serving(lambda n, request: CREATED) as (service, sender, url):
        answers = [await sender.post(f"http://127.0.0.1:{service.port}/push/{n}?v=2", HEADERS, b"\x00body%d" % n)
                   for n in range(3)]
    assert [a.status for a in answers] == [201, 201, 201]
    assert answers[0].headers["location"] == "/m/1" and answers[0].body == b""
    assert service.connections == 1
    head, body = service.requests[2].split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /push/2?v=2 HTTP/1.1"
    assert f"Host: 127.0.0.1:{service.port}" in lines and "Content-Length: 6" in lines and "Topic: care-1" in lines
    assert body == b"\x00body2"


async def test_concurrent_sends_each_get_their_own_answer():
    def answer(n, request):
        path = request.split(b" ")[1]
        return b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n\r\n%s" % (len(path), path)

    async with serving(answer) as (service, sender, url):
        answers = await asyncio.gather(*(sender.post(f"http://127.0.0.1:{service.port}/push/{n}", HEADERS, b"x")
                                         for n in range(40)))
        again = await asyncio.gather(*(sender.post(f"http://127.0.0.1:{service.port}/push/{n}", HEADERS, b"x")
                                       for n in range(40)))
    assert [a.body for a in answers + again] == [f"/push/{n}".encode() for n in range(40)] * 2
    assert service.connections == 40  # the second round reused the first round's connections


async def test_requests_in_flight_are_bounded(monkeypatch):
    """However many sends are started at once, the client opens no more connections than it allows."""
    monkeypatch.setattr(push_http, "IN_FLIGHT", 5)
    pending: list[asyncio.StreamWriter] = []

    def answer(n, request):
        def later(writer):
            pending.append(writer)
            asyncio.get_running_loop().call_later(0.02, writer.write, CREATED)
        return later

    async with serving(answer) as (service, sender, url):
        answers = await asyncio.gather(*(sender.post(f"http://127.0.0.1:{service.port}/push/{n}", HEADERS, b"x")
                                         for n in range(30)))
    assert [a.status for a in answers] == [201] * 30
    assert service.connections == 5


async def test_connection_closed_while_idle_sends_again_on_a_new_one_exactly_once():
    async with serving(lambda n, request: CREATED) as (service, sender, url):
        assert (await sender.post(url, HEADERS, b"a")).status == 201
        for writer in service.writers:  # the service drops its idle keep-alive connections
            writer.close()
        await asyncio.sleep(0.05)
        assert (await sender.post(url, HEADERS, b"b")).status == 201
    assert service.connections == 2 and len(service.requests) == 2


async def test_kept_connection_closed_without_an_answer_is_tried_once_more_on_a_new_one():
    """The race of a service closing an idle connection just as a request is written on it."""
    def answer(n, request):
        return (lambda writer: writer.close()) if n == 2 else CREATED

    async with serving(answer) as (service, sender, url):
        first = await sender.post(url, HEADERS, b"a")
        second = await sender.post(url, HEADERS, b"b")
    assert (first.status, second.status) == (201, 201)
    assert service.connections == 2 and [r[-1:] for r in service.requests] == [b"a", b"b", b"b"]


async def test_new_connection_closed_without_an_answer_is_not_tried_again():
    async with serving(lambda n, request: lambda writer: writer.close()) as (service, sender, url):
        with pytest.raises(push_http.ConnectionClosed):
            await sender.post(url, HEADERS, b"a")
    assert len(service.requests) == 1


async def test_answer_that_closes_the_connection_is_read_and_the_connection_not_reused():
    def answer(n, request):
        if n == 1:
            return lambda writer: (writer.write(b"HTTP/1.1 410 Gone\r\nConnection: close\r\n\r\nsubscription expired"),
                                   writer.close())
        return CREATED

    async with serving(answer) as (service, sender, url):
        gone = await sender.post(url, HEADERS, b"a")
        created = await sender.post(url, HEADERS, b"b")
    assert (gone.status, gone.body) == (410, b"subscription expired")
    assert created.status == 201 and service.connections == 2


@pytest.mark.parametrize("together", [True, False])
async def test_bytes_arriving_on_an_idle_connection_retire_it(together):
    """A service that writes between requests (a 408 before it closes, say) is not read as the next answer."""
    extra = b"HTTP/1.1 408 Request Timeout\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n"

    def answer(n, request):
        if n == 1:
            if together:
                return CREATED + extra
            return lambda writer: (writer.write(CREATED), asyncio.get_running_loop().call_later(0.01, writer.write, extra))
        return b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"

    async with serving(answer) as (service, sender, url):
        first = await sender.post(url, HEADERS, b"a")
        await asyncio.sleep(0.05)
        second = await sender.post(url, HEADERS, b"b")
    assert (first.status, second.status) == (201, 202) and service.connections == 2
    assert first.headers == {"content-length": "0", "location": "/m/1"}


async def test_chunked_answer_with_retry_after():
    chunked = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nslow \r\n4\r\ndown\r\n0\r\n\r\n")
    async with serving(lambda n, request: chunked if n == 1 else CREATED) as (service, sender, url):
        slow = await sender.post(url, HEADERS, b"a")
        created = await sender.post(url, HEADERS, b"b")
    assert (slow.status, slow.headers["retry-after"], slow.body) == (429, "120", b"slow down")
    assert created.status == 201 and service.connections == 1


async def test_service_closing_after_part_of_an_answer_raises_and_sends_nothing_again():
    async with serving(lambda n, request: (lambda writer: (writer.write(b"HTTP/1.1 201 Cre"), writer.close()))) as (service, sender, url):
        with pytest.raises(push_http.ConnectionClosed):
            await sender.post(url, HEADERS, b"a")
    assert len(service.requests) == 1


async def test_silent_service_times_out_and_its_late_answer_is_never_taken_for_the_next():
    late: list[asyncio.StreamWriter] = []

    def answer(n, request):
        if n == 1:
            return lambda writer: late.append(writer)  # answers only after the client gave up
        return b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"

    async with serving(answer, timeout=0.3) as (service, sender, url):
        with pytest.raises(TimeoutError):
            await sender.post(url, HEADERS, b"a")
        if late and not late[0].is_closing():
            late[0].write(CREATED)
        second = await sender.post(url, HEADERS, b"b")
    assert second.status == 202 and service.connections == 2


async def test_connection_refused_is_an_os_error():
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    sender = client()
    with pytest.raises(OSError):
        await sender.post(f"http://127.0.0.1:{port}/push/1", HEADERS, b"a")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1", "fd00::1"])
async def test_name_resolving_inward_refused_before_connecting(monkeypatch, address):
    async def rebound(host, port):
        return ["93.184.216.34", address]  # one inward answer among public ones is enough to refuse

    monkeypatch.setattr(push_http, "resolve", rebound)
    with pytest.raises(push_http.InwardAddress):
        await client(allow_loopback=False).post("https://push.example.com/send/1", HEADERS, b"a")


@pytest.mark.parametrize("endpoint", ["ftp://push.example.com/x", "https:///x", "https://push.example.com:99999/x"])
async def test_malformed_endpoint_refused(endpoint):
    with pytest.raises(push_http.InvalidEndpoint):
        await client().post(endpoint, HEADERS, b"a")


async def test_header_with_a_line_break_refused():
    with pytest.raises(push_http.InvalidEndpoint):
        await client().post("http://127.0.0.1:9/x", {"Topic": "a\r\nX-Injected: 1"}, b"a")


def _certificate(name: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


async def _tls_service(tmp_path, name: str) -> tuple[Service, ssl.SSLContext]:
    cert, key = _certificate(name)
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    trusting = ssl.create_default_context(cadata=cert.decode())
    return await Service(lambda n, request: CREATED).start(tls=server_side), trusting


async def test_https_to_a_name_checks_its_certificate(monkeypatch, tmp_path):
    async def local(host, port):
        assert host == "push.example.com"
        return ["127.0.0.1"]

    monkeypatch.setattr(push_http, "resolve", local)
    service, trusting = await _tls_service(tmp_path, "push.example.com")
    sender = client(tls=trusting)
    try:
        answers = [await sender.post(f"https://push.example.com:{service.port}/send/{n}", HEADERS, b"a") for n in range(2)]
    finally:
        sender.close()
        await service.stop()
    assert [a.status for a in answers] == [201, 201] and service.connections == 1
    assert f"Host: push.example.com:{service.port}".encode() in service.requests[0]


async def test_https_certificate_for_another_name_refused(monkeypatch, tmp_path):
    async def local(host, port):
        return ["127.0.0.1"]

    monkeypatch.setattr(push_http, "resolve", local)
    service, trusting = await _tls_service(tmp_path, "other.example.com")
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            await client(tls=trusting).post(f"https://push.example.com:{service.port}/send/1", HEADERS, b"a")
    finally:
        await service.stop()
    assert service.requests == []
