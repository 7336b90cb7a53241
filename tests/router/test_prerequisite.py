"""A first step the chosen tool needs (router.prerequisite): hand-made catalogues with known answers."""

from __future__ import annotations

from typing import Any

import pytest

from router.prerequisite import provider
from router.types import ToolSpec


def tool(name: str, properties: dict[str, Any], required: list[str], description: str = "") -> ToolSpec:
    return ToolSpec(name, description, {"type": "object", "properties": properties, "required": required})


TOKEN = tool("GetUserToken", {"username": {"type": "string"}, "password": {"type": "string"}},
             ["username", "password"], "Get the user token by username and password.")
DELETE = tool("DeleteAccount", {"token": {"type": "string"}}, ["token"], "Delete the user's account.")
DOCTOR_ID = tool("getDoctorIdFromName", {"doctorName": {"type": "string", "description": "Name of the doctor"}},
                 ["doctorName"])
BOOK = tool("bookAppointment", {"doctorId": {"type": "string"}, "date": {"type": "string", "format": "date"}},
            ["doctorId", "date"])


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def test_a_missing_token_is_got_first_when_the_credentials_are_there() -> None:
    found = provider(user("Delete my account. My username is jdoe and my password is hunter2."),
                     [DELETE, TOKEN], DELETE)
    assert found is not None and found[0].name == "GetUserToken" and found[1] == "token"


@pytest.mark.parametrize("text", [
    "Delete my account please.",  # the provider could not run: no credentials
    "Delete my account, my token is tk-1234abcd.",  # the chosen tool can run as it is
])
def test_no_first_step_when_the_provider_cannot_run_or_is_not_needed(text: str) -> None:
    assert provider(user(text), [DELETE, TOKEN], DELETE) is None


def test_an_identifier_from_a_name_comes_from_the_tool_that_looks_it_up() -> None:
    messages = user("Book me an appointment with Dr. Lee on 2025-01-05.")
    found = provider(messages, [BOOK, DOCTOR_ID], BOOK)
    assert found is not None and found[0].name == "getDoctorIdFromName" and found[1] == "doctorId"


def test_only_identifiers_and_only_tools_that_read() -> None:
    # a free-text parameter the filler missed is no reason to run a tool named after it
    symptom = tool("EmergencyKnowledge", {"symptom": {"type": "string"}}, ["symptom"])
    search = tool("SymptomSearch", {"query": {"type": "string"}}, ["query"])
    assert provider(user("I have trouble breathing"), [symptom, search], symptom) is None
    # a tool that changes things is never a first step
    make = tool("CreateUserToken", {"username": {"type": "string"}, "password": {"type": "string"}},
                ["username", "password"])
    assert provider(user("Delete my account, username jdoe, password hunter2"), [DELETE, make], DELETE) is None


def test_python_style_schemas_count_too() -> None:
    delete = ToolSpec("DeleteAccount", "", {"type": "dict", "properties": {"token": {"type": "str"}}, "required": ["token"]})
    token = ToolSpec("GetUserToken", "", {"type": "dict", "properties": {"username": {"type": "str"},
                                                                          "password": {"type": "str"}},
                                          "required": ["username", "password"]})
    found = provider(user("Delete my account, username jdoe, password hunter2"), [delete, token], delete)
    assert found is not None and found[0].name == "GetUserToken"
