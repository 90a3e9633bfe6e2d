"""S1 on PostgreSQL: failed sign-ins counted per name and address with the same upsert, so
failures arriving at once never collide, and another address still signs in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.demo import DEMO_PASSWORD
from engine.people.accounts import REFUSED, SignInRefused, authenticate
from tests.pg.conftest import engine_on


def attempt(jtflow, password: str, address: str) -> str:  # type: ignore[no-untyped-def]
    with jtflow.sessions() as session:
        try:
            now = jtflow.clock.now()
            return authenticate(session, "c_12328", password, now, address=address).username
        except SignInRefused as e:
            return str(e)
        finally:
            session.commit()


@pytest.mark.postgres
def test_failures_at_once_lock_one_address_and_not_the_account(pg_url):
    jtflow = engine_on(pg_url)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: attempt(jtflow, "guess", "203.0.113.9"), range(8)))
    assert answers == [REFUSED] * 8
    assert attempt(jtflow, DEMO_PASSWORD, "203.0.113.9") == REFUSED  # locked there
    assert attempt(jtflow, DEMO_PASSWORD, "10.1.1.7") == "c_12328"
