"""core.jobs.start: a worker when a broker is configured, inline when asked, else a thread."""

from opengov.core import jobs


def test_enqueued_when_a_broker_is_configured(settings):
    settings.JOBS_IN_PROCESS = False
    calls = []
    started = jobs.start(
        name="t", execute=lambda: calls.append("run"), enqueue=lambda: calls.append("queued")
    )
    assert started is None and calls == ["queued"]


def test_inline_runs_before_returning(settings):
    settings.JOBS_IN_PROCESS = True
    calls = []
    started = jobs.start(
        name="t",
        execute=lambda: calls.append("run"),
        enqueue=lambda: calls.append("queued"),
        inline=True,
    )
    assert started is None and calls == ["run"]


def test_in_process_runs_on_a_named_thread(settings):
    settings.JOBS_IN_PROCESS = True
    calls = []
    thread = jobs.start(
        name="job-7", execute=lambda: calls.append("run"), enqueue=lambda: calls.append("queued")
    )
    assert thread is not None and thread.name == "job-7"
    thread.join(timeout=10)
    assert calls == ["run"]


def test_a_job_writes_in_the_platform_language_whatever_page_started_it(settings):
    from django.utils import translation

    settings.JOBS_IN_PROCESS = True
    settings.LANGUAGE_CODE = "zh-hant"
    seen = []
    with translation.override("th"):
        jobs.start(
            name="t",
            execute=lambda: seen.append(translation.get_language()),
            enqueue=lambda: None,
            inline=True,
        )
        thread = jobs.start(
            name="t", execute=lambda: seen.append(translation.get_language()), enqueue=lambda: None
        )
        thread.join(timeout=10)
        assert translation.get_language() == "th"  # the caller's own is left as it was
    assert seen == ["zh-hant", "zh-hant"]
