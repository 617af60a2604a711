#!/usr/bin/env python3
"""Prepares a `concours serve --demo` server for scripts/schemathesis.sh.

Signs in one account per role (two tokens each: one for the run, one that the run's
`POST /auth/logout` cases may revoke), adds a little data the demo lacks (a draft idea with an
attachment, so that the draft-only idea routes and downloads have something to reach), collects
the ids of what each role can see, and writes it all to one JSON file that
tests/support/schemathesis_hooks.py reads to put real ids into the generated paths.

Usage: schemathesis_setup.py BASE_URL MAIL_DIR OUT_JSON
Standard library only, so that it runs with any Python 3.
"""

import glob
import json
import re
import sys
import urllib.error
import urllib.request
import uuid

PASSWORD = "concours-demo"
ROLES = {
    "innovator": "ines@innovators.example",
    "juror": "juror1@jury.concours.example",
    "member": "brand@demo.concours.example",
    "admin": "admin@demo.concours.example",
}


def call(base, method, path, token=None, body=None, raw=None, content_type=None):
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    if raw is not None:
        data = raw
        headers["content-type"] = content_type
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        text = error.read()
        status = error.code
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, None


def must(status, body, what, ok=(200, 201)):
    if status not in ok:
        sys.exit(f"schemathesis setup: {what} answered {status}: {body}")
    return body


def login(base, email):
    status, body = call(base, "POST", "/api/v1/auth/login", body={"email": email, "password": PASSWORD})
    return must(status, body, f"sign-in of {email}")["token"]


def multipart(field, filename, content_type, payload):
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + payload + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def main():
    base, mail_dir, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    tokens = {role: login(base, email) for role, email in ROLES.items()}
    logout_tokens = {role: login(base, email) for role, email in ROLES.items()}

    ids = {k: set() for k in ("contest", "idea", "organization", "funding", "payout", "attachment", "entry", "invitation")}

    contests = must(*call(base, "GET", "/api/v1/contests", tokens["member"]), "contest list")["contests"]
    ids["contest"].update(c["id"] for c in contests)
    open_for_ideas = [c["id"] for c in contests if c["phase"] == "submission"]

    # A draft idea with an attachment: the demo's ideas are all submitted, and the routes that
    # change a draft (PUT, DELETE, submit, attachments) would otherwise only ever answer 409.
    if open_for_ideas:
        status, idea = call(
            base, "POST", f"/api/v1/contests/{open_for_ideas[0]}/ideas", tokens["innovator"],
            body={"title": "Fuzzing draft", "summary": "A draft for the API fuzzer.",
                  "body": "Draft *body*.", "accept_terms": True, "draft": True},
        )
        idea = must(status, idea, "draft idea")
        raw, ctype = multipart("file", "notes.txt", "text/plain", b"plain notes for the fuzzer\n")
        status, attachment = call(base, "POST", f"/api/v1/ideas/{idea['id']}/attachments",
                                  tokens["innovator"], raw=raw, content_type=ctype)
        must(status, attachment, "attachment upload")

    ideas = must(*call(base, "GET", "/api/v1/me/ideas", tokens["innovator"]), "my ideas")["ideas"]
    for idea in ideas:
        ids["idea"].add(idea["id"])
        ids["attachment"].update(a["id"] for a in idea.get("attachments", []))

    orgs = must(*call(base, "GET", "/api/v1/organizations", tokens["member"]), "organisations")["organizations"]
    ids["organization"].update(o["id"] for o in orgs)

    status, fundings = call(base, "GET", "/api/v1/admin/fundings", tokens["admin"])
    ids["funding"].update(f["id"] for f in must(status, fundings, "admin fundings")["fundings"])
    for contest in contests:
        cid = contest["id"]
        status, body = call(base, "GET", f"/api/v1/contests/{cid}/fundings", tokens["member"])
        if status == 200:
            ids["funding"].update(f["id"] for f in body["fundings"])
        status, body = call(base, "GET", f"/api/v1/contests/{cid}/results")
        if status == 200:
            ids["payout"].update(p["id"] for p in body["payouts"])
            ids["idea"].update(r["entry_id"] for r in body["ranking"])
        # Empty with the demo as it is: its jurors and authors share the domain
        # demo.concours.example, which counts as a conflict, so the jurors' panels are empty.
        status, body = call(base, "GET", f"/api/v1/contests/{cid}/jury/entries", tokens["juror"])
        if status == 200:
            ids["entry"].update(e["entry_id"] for e in body["entries"])

    # Jury invitations travel only by email: take their tokens from the file transport's mail.
    for path in glob.glob(f"{mail_dir}/*.eml"):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().replace("=\r\n", "").replace("=\n", "")
        ids["invitation"].update(re.findall(r"/jury-invitations/([A-Za-z0-9_-]{16,})", text))

    fixtures = {
        "tokens": tokens,
        "logout_tokens": logout_tokens,
        "ids": {k: sorted(v) for k, v in ids.items()},
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(fixtures, f, indent=1)
    print("schemathesis setup: " + ", ".join(f"{len(v)} {k}" for k, v in fixtures["ids"].items()))


if __name__ == "__main__":
    main()
