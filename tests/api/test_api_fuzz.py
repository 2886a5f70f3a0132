"""Fuzzing the HTTP API from its own OpenAPI schema (schemathesis): no 500s, and every response matches
what the schema documents (status codes, content types, bodies, headers). It reads /openapi.json at run
time, so endpoints added later are fuzzed too. Bounded and derandomized: the same cases on every run.
Each operation gets schema-valid (positive) and schema-violating (negative) inputs. Where the schema
allows every input that can be sent (a path parameter that is any string), no negative case exists:
hypothesis reports that as Unsatisfiable, and the operation is listed as having none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks as base_checks
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from api.app import create_app

EXAMPLES = int(os.environ.get("RAG_FUZZ_EXAMPLES", "30"))  # per operation and mode
CHECKS = [
    base_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,  # what the schema forbids must get a 4xx
]
# Not run: positive_data_acceptance. Schema-valid input may still be refused on purpose (a question of
# blanks, an unknown document id), with a 4xx that the schema documents.


@pytest.mark.slow
def test_the_api_conforms_to_its_schema_under_fuzzing(make_service, seed_index_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    service = make_service(copy_seed_from=seed_index_dir, work_queue=1000)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(service.settings, service))
    tried: dict[str, int] = {}
    no_negative: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if operation.body or any(True for _ in operation.iter_parameters()):
            modes.append(GenerationMode.NEGATIVE)  # nothing to get wrong in a request without inputs
        for mode in modes:
            label = f"{operation.method.upper()} {operation.path} ({mode.value})"
            try:
                _fuzzer(operation, mode, label, tried)()
            except Unsatisfiable:
                if mode is not GenerationMode.NEGATIVE:
                    raise  # schema-valid input must always be possible
                assert label not in tried  # not a single schema-violating request could be made
                no_negative.append(label)
    assert any(label.startswith("POST /v1/ask") for label in tried)
    assert "POST /v1/ask (negative)" in tried
    with capsys.disabled():
        print(f"\nschemathesis: {sum(tried.values())} cases over {len(tried)} operation/mode pairs, all passed")
        for label, count in sorted(tried.items()):
            print(f"  {count:4d}  {label}")
        for label in no_negative:
            print(f"  none  {label}: the schema allows every input that can be sent")


def _fuzzer(operation, mode: GenerationMode, label: str, tried: dict[str, int]):  # noqa: ANN001, ANN202
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case) -> None:  # noqa: ANN001 - a schemathesis Case
        tried[label] = tried.get(label, 0) + 1
        case.call_and_validate(checks=CHECKS)

    return fuzz
