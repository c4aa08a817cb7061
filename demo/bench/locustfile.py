"""Locust users for the page bench: each logs in as one bench role (a session cookie made by
`bench_pages`) and walks that role's pages of `demo/data/page_bench_pages.json` in turn.

`bench_pages --concurrent N` writes the plan (pages with placeholders filled, a session per role) and runs
locust itself; to run it by hand against a server of your own, keep the plan it wrote and:

    PAGE_BENCH_PLAN=var/page_bench_plan.json locust -f demo/bench/locustfile.py --headless \
        -u 10 -r 5 -t 60s --host http://127.0.0.1:8000
"""

import itertools
import json
import os
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ.get("PAGE_BENCH_PLAN", "var/page_bench_plan.json")).read_text(encoding="utf-8"))
ROLES = list(dict.fromkeys(page["role"] for page in PLAN["pages"]))
_visitors = itertools.count()


class PageVisitor(HttpUser):
    """A person of one role clicking through that role's pages, with a short pause between pages."""

    wait_time = between(*PLAN.get("wait", (0.5, 1.5)))

    def on_start(self):
        self.role = ROLES[next(_visitors) % len(ROLES)]
        session = PLAN["sessions"].get(self.role)
        if session:
            self.client.cookies.set(PLAN["cookie"], session)
        self.pages = itertools.cycle([page for page in PLAN["pages"] if page["role"] == self.role])

    @task
    def visit(self):
        page = next(self.pages)
        with self.client.get(page["url"], name=page["name"], allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
