"""The OpenAPI document and the server agree (issue 10): schemathesis, as `schemathesis run
--checks all` would, generates requests for every operation of /api/openapi.json — examples,
boundary values, valid and invalid data — against the app on a real SQLite file, and checks
every answer: no 5xx, statuses, content types, headers and bodies as documented, invalid input
refused and valid input accepted.

The app is served over HTTP on a free port rather than called as WSGI: schemathesis's
`ignored_auth` check cannot re-send a request through its WSGI transport (werkzeug refuses
its `max_redirects` argument), and over HTTP the run is the CLI's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from tests import serving
from tests.factories import report, resource, step

MAX_EXAMPLES = 20  # per operation and phase: the run stays within seconds


@pytest.fixture
def served(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving.served(app) as base_url:
        yield base_url


def problems_found(base_url: str, token: str) -> list[str]:
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Bearer {token}"},
            "checks": {"enabled": True},  # every check, as --checks all
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # NUL is refused in any text (PostgreSQL cannot store it): the 400 says so
                "allow-x00": False,
            },
            "seed": 10,
            "operations": [
                {
                    # The document gives a completion's `data` as any object: the form it
                    # must fill is the task's own (its form_schema), so a body the document
                    # allows may still break that form, a documented 422.
                    "include-operation-id": "completeTask",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                        }
                    },
                },
                *(
                    {
                        # A catalogue body the document allows may still break a rule the
                        # document states in words (one data one source, conditional sharing
                        # states its terms: 422), and only a unit's registered data
                        # administrator writes (O5: 403 for the token's user, a 12328 seat).
                        "include-operation-id": operation,
                        "checks": {
                            "positive_data_acceptance": {
                                "expected-statuses": ["2xx", "401", "403", "404", "422"]
                            }
                        },
                    }
                    for operation in ("createResource", "updateResource")
                ),
                {
                    # An application names a catalogue entry and the applicant's own uploads,
                    # which a schema cannot know: a generated one is refused (403 to anyone
                    # not an external applicant, 404 an unknown upload, 422 an unknown entry).
                    "include-operation-id": "createApplication",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "401", "403", "404", "422"]
                        }
                    },
                },
                {
                    # A notice names the unit's own published catalogue entries, which a
                    # schema cannot know: the token's user (a center seat) is notified, never
                    # notifies (403), and a generated entry id is unknown (422).
                    "include-operation-id": "fileNotice",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "401", "403", "422"]
                        }
                    },
                },
                *(
                    {
                        # The knowledge base (O2): a generated unit code, entry or case is
                        # mostly unknown (422, 404), a change cannot lie in the future (422),
                        # and an entry links only on an event case (422).
                        "include-operation-id": operation,
                        "checks": {
                            "positive_data_acceptance": {
                                "expected-statuses": ["2xx", "401", "403", "404", "422"]
                            }
                        },
                    }
                    for operation in (
                        "addKnowledgeEntry",
                        "reviseKnowledgeEntry",
                        "reportPolicyChange",
                        "linkCaseKnowledge",
                    )
                ),
                {
                    # A file's type is read from its content (magic numbers), which a schema
                    # cannot say: generated bytes are mostly no PDF nor image, a documented 422.
                    "include-operation-id": "uploadAttachment",
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "422"]}
                    },
                },
            ],
        }
    )
    schema = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json", config=config)
    operations = {result.ok().label for result in schema.get_all_operations()}
    found, tested = [], set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status != Status.SKIP:
            tested.add(event.recorder.label)
        if isinstance(event, events.ScenarioFinished) and event.status == Status.FAILURE:
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        steps = "\n".join(s.curl for s in check.failure_info.steps) or ""
                        found.append(f"{event.recorder.label}: {check.name}: {failure}\n{steps}")
        elif isinstance(event, events.NonFatalError | events.FatalError):
            found.append(f"error: {getattr(event, 'label', '')} {getattr(event, 'value', event)}")
    found += [f"{label}: never tested" for label in sorted(operations - tested)]
    return found


def test_the_api_keeps_to_its_document(served, jtflow, token_for):  # type: ignore[no-untyped-def]
    case = report(jtflow)  # tasks and cases to find: the lowest ids exist
    step(jtflow, case, "classify")
    resource(jtflow, share_type="unconditional")  # a catalogue entry to request and check
    problems = problems_found(served, token_for("c_12328"))
    assert not problems, "\n\n".join(problems)
