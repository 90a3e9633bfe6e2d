"""`next=` leads back to a page of this site only (issue 10): whatever a browser would read as
another host — tabs and newlines it drops, backslashes it reads as slashes, schemes, CR/LF
that would split the header — sends the user to the inbox instead."""

from __future__ import annotations

import pytest

from engine.demo import DEMO_PASSWORD
from tests.factories import report

from .pages import post, signed_in_as
from .test_sign_in import csrf_of

OFF_SITE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "//evil.example",
    "///evil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "/\r\nSet-Cookie: x=1",
    "/inbox\r\n",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " /\t/evil.example",
    "/\x7f/evil.example",
]


def sign_in_with_next(client, target):  # type: ignore[no-untyped-def]
    token = csrf_of(client)
    return client.post(
        "/login",
        query_string={"next": target},
        data={"username": "c_12328", "password": DEMO_PASSWORD, "csrf_token": token},
    )


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_sends_the_user_off_site(client, target):
    response = sign_in_with_next(client, target)
    assert response.status_code == 302 and response.location == "/"


@pytest.mark.parametrize("target", ["/", "/tasks/7", "/audit/cases?q=%E6%BC%8F&page=2"])
def test_sign_in_comes_back_to_a_page_of_this_site(client, target):
    response = sign_in_with_next(client, target)
    assert response.status_code == 302 and response.location == target


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\r\nX: y"])
def test_claiming_from_the_inbox_never_redirects_off_site(client, jtflow, target):
    task = report(jtflow).tasks[0]
    signed_in_as(client, "c_12328")
    response = post(client, f"/tasks/{task.id}/claim", {"next": target})
    assert response.status_code == 302 and response.location == "/"
