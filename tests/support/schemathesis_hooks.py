"""Schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

Every id in the API is an opaque string, so generated path parameters almost always name
nothing and the run would only ever see 404. This hook offers, besides the generated values,
the real ids that tests/support/schemathesis_setup.py collected from the demo (file named by
CONCOURS_ST_FIXTURES), chosen by what the path segment before the parameter names. Generated
values stay in the mix, so unknown and malformed ids are still tried.
"""

import json
import os

import schemathesis
from hypothesis import strategies as st

with open(os.environ["CONCOURS_ST_FIXTURES"], encoding="utf-8") as _f:
    IDS = json.load(_f)["ids"]

# The collection that the segment right before `{param}` names.
KIND_BY_SEGMENT = {
    "contests": "contest",
    "ideas": "idea",
    "organizations": "organization",
    "fundings": "funding",
    "payouts": "payout",
    "attachments": "attachment",
    "entries": "entry",
    "jury-invitations": "invitation",
}


def _kinds(path):
    """{parameter name: kind of id} for a path template such as /api/v1/ideas/{id}/submit."""
    kinds = {}
    segments = path.strip("/").split("/")
    for before, segment in zip(segments, segments[1:]):
        if segment.startswith("{") and segment.endswith("}"):
            kind = KIND_BY_SEGMENT.get(before)
            if kind:
                kinds[segment[1:-1]] = kind
    return kinds


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    operation = getattr(context, "operation", None)
    if operation is None or not path_parameters:
        return st.just(path_parameters)
    real = {}
    for name, kind in _kinds(operation.path).items():
        if name in path_parameters and IDS.get(kind):
            real[name] = st.sampled_from(IDS[kind])
    if not real:
        return st.just(path_parameters)
    generated = {k: st.just(v) for k, v in path_parameters.items()}
    known = st.fixed_dictionaries({**generated, **real})
    hostile = st.fixed_dictionaries({**generated, **{k: st.sampled_from(HOSTILE_IDS) for k in real}})
    # Mostly real ids (that is where the handlers' logic is), sometimes the generated ones, and
    # sometimes ids that a database may choke on rather than simply not find.
    return st.one_of(known, known, known, st.just(path_parameters), hostile)


# A NUL byte (PostgreSQL refuses it in text), a real id with a NUL appended, and an overlong id.
HOSTILE_IDS = ["\x00", "a\x00b", "01a20b07-0000-7000-8000-000000000000\x00", "9" * 5000]


from schemathesis.specs.openapi import checks as _checks  # noqa: E402


@schemathesis.check
def use_after_free_unless_withdrawn(ctx, response, case):
    """Schemathesis' use_after_free, knowing what API.md says `DELETE /api/v1/ideas/{id}` is:
    a withdrawal. The idea stays (its receipts and the audit chain name it) and its author still
    reads it, with `status: "withdrawn"`. A read that shows it withdrawn is the deletion having
    taken effect; any other read after a successful DELETE is still reported."""
    if case.operation.path in ("/api/v1/ideas/{id}",) and response.status_code == 200:
        try:
            if response.json().get("status") == "withdrawn":
                return None
        except ValueError:
            pass
    return _checks.use_after_free(ctx, response, case)
