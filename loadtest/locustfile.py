"""Locust load test of ScenarioHub: people browsing, searching, signing in and submitting scenarios.

Run through `make loadtest` (loadtest/run.sh), which prepares PostgreSQL with the demo data, starts
gunicorn on loopback and runs this headless, bounded in users and time. Loopback only: the host must be
127.0.0.1/localhost/[::1]; anything else is refused before a request is sent.

At the end it prints the verdict and exits non-zero unless there were 0 server errors (5xx or no answer)
and 0 requests over 15 s; the p95 is printed with it.
"""

import itertools
import os
import random
import re
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

SLOW_MS = 15_000
LOGINS = [u for u in os.environ.get("LOADTEST_LOGINS", "provider").split(",") if u]
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "Demo-2025-scenario")
SEARCH_TERMS = [
    "智能",
    "巡检",
    "机器视觉",
    "应急",
    "医疗",
    "交通",
    "农业",
    "政务",
    "大模型",
    "无人机",
    "能源",
    "教育",
]
REGIONS = ["510100", "510700", "510600", "511300", ""]
SECTORS = ["manufacturing", "government", "livelihood", "agriculture", ""]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SCENARIO_LINK = re.compile(r'href="/scenarios/(\d+)/"')

_numbers = itertools.count(1)
_verdict = {"server_errors": 0, "slow": 0, "requests": 0}


@events.init.add_listener
def _loopback_only(environment, **kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"loadtest: refusing host {environment.host!r}: loopback addresses only")


@events.request.add_listener
def _count(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    _verdict["requests"] += 1
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 or (exception is not None and status == 0):
        _verdict["server_errors"] += 1
    if response_time is not None and response_time > SLOW_MS:
        _verdict["slow"] += 1


@events.quitting.add_listener
def _report(environment, **kwargs):
    total = environment.stats.total
    p50 = total.get_response_time_percentile(0.50)
    p95 = total.get_response_time_percentile(0.95)
    p99 = total.get_response_time_percentile(0.99)
    print(
        f"loadtest: {_verdict['requests']} requests, {total.total_rps:.1f} req/s, "
        f"{_verdict['server_errors']} server errors, {_verdict['slow']} over {SLOW_MS // 1000} s, "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {total.max_response_time:.0f} ms"
    )
    ok = _verdict["server_errors"] == 0 and _verdict["slow"] == 0 and _verdict["requests"] > 0
    environment.process_exit_code = 0 if ok else 1


class Visitor(HttpUser):
    """Anyone: home, catalogue with filters and pages, scenario pages, keyword search, the public dashboard."""

    weight = 3
    wait_time = between(1, 4)

    def on_start(self):
        n = next(_numbers)
        # Each simulated person has an address of their own (behind the trusted proxy), so per-address
        # limits see 50 people, not one; the addresses are loopback ones, nothing is sent to them.
        self.client.headers["X-Forwarded-For"] = f"127.1.{n // 250}.{n % 250 + 1}"
        self.scenario_ids: list[str] = []

    def _remember(self, response):
        found = SCENARIO_LINK.findall(response.text or "")
        if found:
            self.scenario_ids = found[:20]

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(4)
    def catalogue(self):
        params = {
            "region": random.choice(REGIONS),
            "sector": random.choice(SECTORS),
            "page": random.choice([1, 1, 2, 3]),
        }
        with self.client.get(
            "/scenarios/", params=params, name="/scenarios/?filters", catch_response=True
        ) as r:
            if r.status_code == 404 and params["page"] > 1:
                r.success()  # a filtered list may have fewer pages
            self._remember(r)

    @task(3)
    def search(self):
        with self.client.get(
            "/scenarios/",
            params={"q": random.choice(SEARCH_TERMS)},
            name="/scenarios/?q",
            catch_response=True,
        ) as r:
            self._remember(r)

    @task(1)
    def api_search(self):
        self.client.get(
            "/api/v1/scenarios",
            params={"q": random.choice(SEARCH_TERMS), "page_size": 20},
            name="/api/v1/scenarios?q",
        )

    @task(4)
    def scenario_page(self):
        if not self.scenario_ids:
            return self.catalogue()
        self.client.get(f"/scenarios/{random.choice(self.scenario_ids)}/", name="/scenarios/[id]/")

    @task(1)
    def dashboard(self):
        self.client.get("/dashboard/public/", name="/dashboard/public/")


class Provider(Visitor):
    """A provider's staff: sign in (and now and then out and in again), the workspace, drafting and
    submitting a scenario through the API with the session and its CSRF token."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.username = LOGINS[next(_numbers) % len(LOGINS)]
        self.log_in()

    def log_in(self):
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = CSRF_INPUT.search(page.text or "")
        with self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="/accounts/login/ POST",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"login of {self.username} answered {r.status_code}")

    @task(1)
    def sign_in_again(self):
        self.client.post(
            "/accounts/logout/",
            {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="/accounts/logout/",
            allow_redirects=False,
        )
        self.log_in()

    @task(3)
    def workspace(self):
        self.client.get("/workspace/", name="/workspace/")

    @task(2)
    def submit_scenario(self):
        n = next(_numbers)
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        body = {
            "title": f"压测场景 {self.username} {n}",
            "sector": "manufacturing",
            "field": "machine-vision",
            "kind": "industrial",
            "purpose": "利用机器视觉对产线产品外观缺陷进行自动检测，替代人工目检，提升检出率与一致性。",
            "tech_requirements": "缺陷检出率不低于99%，单件检测时间小于200毫秒，支持本地化部署。",
            "cooperation_mode": "pilot",
            "budget_min": 50,
            "budget_max": 200,
            "deadline": "2030-06-30",
            "contact_name": "张伟",
            "contact_phone": "13800000000",
            "contact_email": "zhang@example.cn",
        }
        with self.client.post(
            "/api/v1/scenarios",
            json=body,
            headers=headers,
            name="/api/v1/scenarios POST",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"create answered {r.status_code}: {r.text[:200]}")
                return
            scenario_id = r.json()["id"]
        self.client.post(
            f"/api/v1/scenarios/{scenario_id}/transitions",
            json={"to": "submitted"},
            headers=headers,
            name="/api/v1/scenarios/[id]/transitions POST",
        )
