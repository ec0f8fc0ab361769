"""Mail delivery: the transport security chosen by EMAIL_URL, bounded retries ending in a
visible dead letter that an operator sends again, and the production path end to end
(page → Redis broker → a real Celery worker → a real SMTP server on the loopback)."""

from __future__ import annotations

import socket
import threading
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ImproperlyConfigured

from conftest import require_service
from opengov.core.models import OutboundMessage
from opengov.settings import _email_settings

PASSWORD = "rainy-taipei-afternoon-7"


# --- EMAIL_URL ------------------------------------------------------------------------------


def test_smtp_is_plain_smtp_without_starttls():
    conf = _email_settings("smtp://127.0.0.1:2525")
    assert (conf["EMAIL_HOST"], conf["EMAIL_PORT"]) == ("127.0.0.1", 2525)
    assert conf["EMAIL_USE_TLS"] is False and conf["EMAIL_USE_SSL"] is False
    assert _email_settings("smtp://relay.internal")["EMAIL_PORT"] == 25


def test_starttls_and_implicit_tls_are_chosen_by_the_scheme():
    starttls = _email_settings("smtp+starttls://me%40x.tw:p%40ss@mail.example.tw?timeout=5")
    assert starttls["EMAIL_USE_TLS"] is True and starttls["EMAIL_USE_SSL"] is False
    assert starttls["EMAIL_PORT"] == 587 and starttls["EMAIL_TIMEOUT"] == 5.0
    assert (starttls["EMAIL_HOST_USER"], starttls["EMAIL_HOST_PASSWORD"]) == ("me@x.tw", "p@ss")
    assert _email_settings("submission://mail.example.tw")["EMAIL_USE_TLS"] is True
    tls = _email_settings("smtps://mail.example.tw")
    assert tls["EMAIL_USE_SSL"] is True and tls["EMAIL_USE_TLS"] is False
    assert tls["EMAIL_PORT"] == 465


def test_a_password_never_goes_over_plain_smtp_to_another_host():
    with pytest.raises(ImproperlyConfigured, match="unencrypted"):
        _email_settings("smtp://user:secret@mail.example.tw")
    assert _email_settings("smtp://user:secret@127.0.0.1:2525")["EMAIL_HOST_USER"] == "user"
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        _email_settings("ftp://mail.example.tw")


# --- a real SMTP server on the loopback -----------------------------------------------------


class Mailbox:
    """aiosmtpd handler: keeps what it accepts, or refuses every message with `reply`."""

    def __init__(self, reply: str = "250 OK"):
        self.reply = reply
        self.received: list[str] = []
        self.tries = 0
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.reply.startswith("250"):
            self.received.append(envelope.content.decode("utf-8", "replace"))
            self.arrived.set()
        return self.reply


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Start an SMTP server on the loopback: `smtp_server(reply="554 ...")` -> Mailbox."""
    started = []

    def start(reply: str = "250 OK") -> Mailbox:
        mailbox = Mailbox(reply)
        port = _free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_URL = f"smtp://127.0.0.1:{port}"
        for key, value in _email_settings(settings.EMAIL_URL).items():
            setattr(settings, key, value)
        return mailbox

    yield start
    for controller in started:
        controller.stop()


def _register(client, email):
    return client.post(
        "/accounts/register/",
        {"email": email, "display_name": "寄信測試", "password": PASSWORD, "password2": PASSWORD},
    )


def _code_in(text: str) -> str:
    import re

    match = re.search(r"(?<![\w-])(\d{6})(?![\w-])", text)
    assert match, text
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_in_process_plain_smtp_relay_delivers(client, smtp_server):
    """The plain local relay that used to fail with "STARTTLS extension not supported"."""
    mailbox = smtp_server()
    assert _register(client, "relay.person@example.tw").status_code == 302
    assert len(mailbox.received) == 1
    assert "relay.person@example.tw" in mailbox.received[0]
    _code_in(mailbox.received[0])


@pytest.mark.django_db(transaction=True)
def test_in_process_a_refused_message_becomes_a_dead_letter_an_operator_sends_again(
    client, client_for, moderator, smtp_server, settings
):
    failing = smtp_server(reply="554 5.7.1 Rejected for testing")
    assert _register(client, "refused.person@example.tw").status_code == 302
    letter = OutboundMessage.objects.get(recipient="refused.person@example.tw")
    assert letter.status == OutboundMessage.Status.FAILED
    assert letter.attempts == 1 and "554" in letter.last_error
    assert letter.sensitive and failing.tries == 1

    page = client_for(moderator).get("/operator/outbox/", {"status": "failed"})
    body = page.content.decode()
    assert "refused.person@example.tw" in body and "554" in body
    assert _code_in(letter.body) not in body  # the code stays the recipient's

    working = smtp_server()
    response = client_for(moderator).post(f"/operator/outbox/{letter.pk}/retry/")
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == OutboundMessage.Status.SENT
    assert len(working.received) == 1
    assert _code_in(letter.body) in working.received[0]


@pytest.mark.django_db(transaction=True)
def test_only_operators_send_dead_letters_again(client_for, citizen, smtp_server):
    smtp_server(reply="554 no")
    letter = OutboundMessage.objects.create(
        channel="email",
        recipient=citizen.email,
        subject="s",
        body="b",
        status=OutboundMessage.Status.FAILED,
        created_at="2026-01-01T00:00:00+08:00",
    )
    for viewer in (None, citizen):
        assert client_for(viewer).post(f"/operator/outbox/{letter.pk}/retry/").status_code == 404
    letter.refresh_from_db()
    assert letter.status == OutboundMessage.Status.FAILED


# --- the production path: Redis broker, a real Celery worker, a real SMTP server -------------


def _forget_queue(queue: str) -> None:
    """Remove the test queue's keys from the broker's Redis database."""
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/12")
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


def _fresh_connections(app):
    """Drop the producer and connection pools, so the next message uses the broker now set."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    from kombu import pools

    pools.reset()


@pytest.fixture
def celery_worker(settings):
    """A real Celery worker consuming a queue of its own on the Redis broker."""
    require_service("Redis", "127.0.0.1", 6379)
    from celery.contrib.testing.worker import start_worker

    from opengov.celery import app

    queue = f"opengov-test-{uuid.uuid4().hex}"
    saved = {
        key: app.conf[key]
        for key in (
            "broker_url",
            "task_always_eager",
            "task_default_queue",
            "task_create_missing_queues",
        )
    }
    app.conf.update(
        broker_url="redis://127.0.0.1:6379/12",
        task_always_eager=False,
        task_default_queue=queue,
        task_create_missing_queues=True,
    )
    settings.JOBS_IN_PROCESS = False
    settings.OPENGOV_DELIVERY = {
        "max_retries": 2,
        "backoff_seconds": 0.05,
        "backoff_max_seconds": 0.2,
    }
    _fresh_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        _fresh_connections(app)
        _forget_queue(queue)


def _finished(task_name: str):
    """An Event set when a run of `task_name` ends without asking for a retry."""
    from celery.signals import task_postrun

    done = threading.Event()

    def on_postrun(sender=None, state=None, **kwargs):
        if sender is not None and sender.name == task_name and state == "SUCCESS":
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    return done, lambda: task_postrun.disconnect(on_postrun)


@pytest.mark.django_db(transaction=True)
def test_a_registration_code_goes_through_redis_and_a_worker_to_the_smtp_server(
    client, smtp_server, celery_worker
):
    mailbox = smtp_server()
    assert _register(client, "worker.person@example.tw").status_code == 302
    assert mailbox.arrived.wait(timeout=20), "no message reached the SMTP server"
    message = mailbox.received[0]
    assert "worker.person@example.tw" in message
    from opengov.accounts.models import User, VerificationCode

    user = User.objects.get(email="worker.person@example.tw")
    from opengov.accounts import services

    services.verification_confirm(
        user=user, purpose=VerificationCode.Purpose.EMAIL, code=_code_in(message)
    )
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert not OutboundMessage.objects.exists()  # delivered: nothing kept


@pytest.mark.django_db(transaction=True)
def test_a_message_the_server_keeps_refusing_ends_as_a_dead_letter(
    client, smtp_server, celery_worker
):
    failing = smtp_server(reply="451 4.3.0 Try again later")
    done, stop = _finished("opengov.core.tasks.send_email")
    try:
        assert _register(client, "dead.letter@example.tw").status_code == 302
        assert done.wait(timeout=20), "the job never finished"
    finally:
        stop()
    assert failing.tries == 3  # the first try and max_retries=2, then no more
    letter = OutboundMessage.objects.get(recipient="dead.letter@example.tw")
    assert letter.status == OutboundMessage.Status.FAILED
    assert letter.attempts == 3 and "451" in letter.last_error


def test_backoff_doubles_up_to_its_cap(settings):
    from opengov.core.tasks import backoff_seconds

    settings.OPENGOV_DELIVERY = {
        "max_retries": 5,
        "backoff_seconds": 30,
        "backoff_max_seconds": 100,
    }
    waits = [backoff_seconds(n) for n in range(4)]
    assert 27 <= waits[0] <= 33 and 54 <= waits[1] <= 66
    assert 90 <= waits[2] <= 110 and waits[3] <= 110


class BrokenGateway:
    """An SMS gateway that cannot be reached."""

    def send(self, phone, text):
        raise ConnectionRefusedError("gateway down")


@pytest.mark.django_db
def test_an_sms_the_gateway_refuses_becomes_a_dead_letter(settings, citizen):
    from opengov.core.tasks import send_sms

    settings.SMS_SENDER = "tests.test_delivery.BrokenGateway"
    send_sms.delay(phone="+886900000001", text="code 123456", user_id=citizen.pk, sensitive=True)
    letter = OutboundMessage.objects.get(recipient="+886900000001")
    assert (letter.channel, letter.status, letter.attempts) == ("sms", "failed", 1)
    assert "gateway down" in letter.last_error and letter.sensitive


@pytest.mark.django_db(transaction=True)
def test_a_separate_worker_process_delivers_a_registration_code(client, smtp_server, settings):
    """`celery -A opengov worker` as deployed, in its own process, on the Redis broker."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    require_service("Redis", "127.0.0.1", 6379)
    from opengov.celery import app

    mailbox = smtp_server()
    queue = f"opengov-test-{uuid.uuid4().hex}"
    broker = "redis://127.0.0.1:6379/12"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": settings.EMAIL_URL,
        "DJANGO_SETTINGS_MODULE": "opengov.settings",
    }
    command = [sys.executable, "-m", "celery", "-A", "opengov", "worker", "--pool", "solo"]
    command += ["--concurrency", "1", "-Q", queue, "--without-heartbeat", "--without-mingle"]
    command += ["--without-gossip", "-l", "warning"]
    worker = subprocess.Popen(
        command,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
    settings.JOBS_IN_PROCESS = False
    _fresh_connections(app)
    try:
        assert _register(client, "process.person@example.tw").status_code == 302
        arrived = mailbox.arrived.wait(timeout=60)
    finally:
        app.conf.update(saved)
        _fresh_connections(app)
        _forget_queue(queue)
        worker.terminate()
        try:
            _out, errors = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            _out, errors = worker.communicate()
        _forget_queue(queue)
    assert arrived, f"no message reached the SMTP server; worker said: {errors[-2000:]!r}"
    assert "process.person@example.tw" in mailbox.received[0]
    _code_in(mailbox.received[0])
