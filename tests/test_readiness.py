"""API.md, "Nothing secret in logs or output": the /readyz of a standby worker clears its
error once the database answers again (it used to say "retrying" for as long as it lived
after one transient error, since only a leader's successful step cleared it)."""
from __future__ import annotations

from eventsourcing.persistence import OperationalError

from projections.runner import ProjectionRunner


class Election:
    """Leads or stands by as told; can fail like a database that is away."""

    def __init__(self):
        self.leads = True
        self.fails = False

    def try_lead(self) -> bool:
        if self.fails:
            raise OperationalError("connection refused")
        return self.leads

    def resign(self) -> None:
        pass


def _away(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_standby_clears_its_error_once_the_database_answers(client, monkeypatch):
    rt = client.app.state.runtime
    election = Election()
    runner = ProjectionRunner(rt.app, rt.projection, election=election)
    runner._stopped.set()  # its waits return at once: the test turns the loop by hand
    monkeypatch.setattr(rt, "runner", runner)

    # Leading, a step fails: the database went away.
    with monkeypatch.context() as away:
        away.setattr(rt.app.recorder, "max_notification_id", _away)
        runner._turn()
    assert runner.last_error == "OperationalError"
    # Another worker leads meanwhile; while the database is still away the error stays...
    election.leads = False
    with monkeypatch.context() as away:
        away.setattr(runner.view, "max_tracking_id", _away)
        runner._turn()
    assert runner.last_error == "OperationalError" and not runner.leading
    # ...and once it answers, the standby has nothing left to retry.
    runner._turn()
    assert runner.last_error is None
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    assert [p["state"] for p in r.json()["projections"]] == ["standby"]


def test_an_election_that_fails_is_standing_by_not_the_end_of_the_loop(client, monkeypatch):
    rt = client.app.state.runtime
    election = Election()
    runner = ProjectionRunner(rt.app, rt.projection, election=election)
    runner._stopped.set()
    election.fails = True
    with monkeypatch.context() as away:
        away.setattr(runner.view, "max_tracking_id", _away)
        runner._turn()  # raised out of the loop before, ending the projection thread
    assert not runner.leading and runner.last_error == "OperationalError"
    election.fails, election.leads = False, True
    runner._turn()
    assert runner.leading and runner.last_error is None
