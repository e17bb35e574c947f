"""Long work reports what it does and stops, when asked, at its next report."""

import io

import pytest

from graph.progress import Cancelled, ConsoleProgress, Progress


def test_cancel_stops_at_the_next_report_and_says_where():
    progress = Progress()
    seen = []
    with pytest.raises(Cancelled, match="stopped while reading rows"):
        for item in progress.track(range(10), "reading rows", total=10, every=2):
            seen.append(item)
            if item == 3:
                progress.cancel()
    assert seen == [0, 1, 2, 3]


def test_console_lines_name_the_step_and_the_share_done():
    stream = io.StringIO()
    progress = ConsoleProgress(stream, interval=0)
    list(progress.track(range(2500), "loading nodes.Person.csv", total=2500))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "loading nodes.Person.csv: 0 of 2,500 (0%)"
    assert lines[-1] == "loading nodes.Person.csv: 2,500 of 2,500 (100%)"


def test_console_keeps_logs_short_when_reports_come_fast():
    stream = io.StringIO()
    progress = ConsoleProgress(stream, interval=60)
    list(progress.track(range(100_000), "counting", total=100_000, every=10))
    assert len(stream.getvalue().splitlines()) == 2  # the first, and the finish


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_leaving_the_progress_ends_its_open_line():
    stream = _Terminal()
    with ConsoleProgress(stream, interval=0) as progress:
        progress.report("Leiden on 812,004 nodes")
    assert stream.getvalue().endswith("Leiden on 812,004 nodes\n")  # the table starts on its own line


def test_a_finished_step_is_not_ended_twice():
    stream = _Terminal()
    with ConsoleProgress(stream, interval=0) as progress:
        progress.report("loading", 10, 10)
    assert stream.getvalue().endswith("loading: 10 of 10 (100%)\n")
    assert not stream.getvalue().endswith("\n\n")


def test_a_note_among_the_reports_gets_a_line_of_its_own():
    stream = _Terminal()
    with ConsoleProgress(stream, interval=0) as progress:
        progress.report("Leiden on 812,004 nodes")
        progress.say("ran in process")
        progress.report("summarising", 1, 2)
    assert "Leiden on 812,004 nodes\nran in process\n" in stream.getvalue()
    assert stream.getvalue().endswith("summarising: 1 of 2 (50%)\n")
