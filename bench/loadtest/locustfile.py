"""The simulated users of the load test (locust, headless; started by ``python -m bench.loadtest``).

Four kinds, weighted like a working day of a département: prescribers follow their referrals,
coordinators their dashboard, pathways and queue (and write a follow-up note now and then),
funders read convention reports and the observatory, families read the public site and try
the fee simulator. Partners sign in through the real pages (password, then the TOTP code),
one account each, read from ``LOADTEST_ACCOUNTS`` (``bench.loadtest.accounts``).

Every request goes to the loopback server given by ``--host``, with ``X-Forwarded-Proto: https``
as the reverse proxy would send it. The measuring window opens once every simulated user is
signed in and closes ``LOADTEST_SECONDS`` later, which stops the run; the samples of that window
go to ``LOADTEST_SAMPLES`` (JSON).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task

from bench.loadtest.totp import totp_code

ACCOUNTS = json.loads(Path(os.environ["LOADTEST_ACCOUNTS"]).read_text()) if os.environ.get("LOADTEST_ACCOUNTS") else []
PASSWORD = os.environ.get("BENCH_PASSWORD", "Bench-Parcours-2026!")
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EXPECTED_STATE = re.compile(r'name="expected_state" value="(\w+)"')
PUBLIC_LINK = re.compile(r'href="(/(?!espace/|static/|cms/|admin/|documents/|media/)[\w\-/]*)"')

_next_account = {role: itertools.count() for role in ("prescripteur", "coordinateur", "financeur")}
_state = {"ready": 0, "measure_from": None, "samples": []}


def _ready(environment) -> None:
    _state["ready"] += 1
    if _state["measure_from"] is None and _state["ready"] >= environment.parsed_options.num_users:
        _state["measure_from"] = time.time()
        gevent.spawn_later(SECONDS, environment.runner.quit)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kw):
    if _state["measure_from"] is None or name.startswith("connexion"):
        return
    status = getattr(response, "status_code", 0) or 0
    _state["samples"].append([name, round(response_time, 2), exception is None, status, round(time.time(), 3)])


@events.test_stop.add_listener
def _write(environment, **kw):
    path = os.environ.get("LOADTEST_SAMPLES")
    if path:
        with open(path, "w") as out:
            json.dump({"measure_from": _state["measure_from"], "until": time.time(),
                       "ready": _state["ready"], "samples": _state["samples"]}, out)


class Visitor(FastHttpUser):
    """A browser behind the HTTPS proxy: secure cookies kept (locust's fast client does), Origin on POST."""

    abstract = True
    wait_time = between(1, 3)
    default_headers = {"X-Forwarded-Proto": "https"}

    def on_start(self):
        # The proxy terminates HTTPS: its secure cookies travel over the loopback HTTP hop.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "http")))

    def post(self, path: str, name: str, data: dict):
        """POSTs a form as the browser would, without following the redirect."""
        return self.client.post(path, name=name, data=data, allow_redirects=False,
                                headers={"Origin": "https://" + self.host.split("://", 1)[1], "Referer": path})

    def page(self, path: str, name: str, expect: str = ""):
        """GETs ``path``; anything but a 200 with ``expect`` in it (a sign-in form: lost session) fails."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif 'name="password"' in (response.text or ""):
                response.failure("renvoyé vers la connexion")
            elif expect and expect not in (response.text or ""):
                response.failure(f"« {expect} » absent")
            else:
                response.success()
            return response


class Partner(Visitor):
    abstract = True
    role = ""

    def on_start(self):
        super().on_start()
        accounts = [a for a in ACCOUNTS if a["role"] == self.role]
        self.account = accounts[next(_next_account[self.role]) % len(accounts)]
        self.links = {}
        for _attempt in range(3):
            if self.sign_in():
                break
            time.sleep(31 - time.time() % 30)  # the code of this 30 s step was already used
        _ready(self.environment)

    def sign_in(self) -> bool:
        """The real pages: password form, then (roles that open family files) the TOTP code."""
        login = self.client.get("/espace/connexion/", name="connexion (page)")
        token = CSRF.search(login.text or "")
        response = self.post("/espace/connexion/", "connexion (mot de passe)", {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": self.account["email"], "password": PASSWORD,
        })
        if response.status_code != 302:
            return False
        home = self.client.get("/espace/", name="connexion (accueil)", allow_redirects=False)
        location = home.headers.get("Location") or ""
        if "double-authentification/verification" in location:
            form = self.client.get(location, name="connexion (page du code)")
            token = CSRF.search(form.text or "")
            response = self.post(location, "connexion (code)", {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "token": totp_code(self.account["totp_key"]),
            })
            if response.status_code != 302:
                return False
            home = self.client.get("/espace/", name="connexion (accueil)", allow_redirects=False)
        return home.status_code == 200

    def ids(self, response, pattern: str) -> list[str]:
        return re.findall(pattern, response.text or "") if response is not None and response.status_code == 200 \
            else []


class Prescripteur(Partner):
    weight = 3
    role = "prescripteur"

    @task(2)
    def accueil(self):
        self.page("/espace/", "prescripteur : accueil")

    @task(4)
    def orientations(self):
        response = self.page("/espace/orientations/", "prescripteur : mes orientations")
        self.links["orientation"] = self.ids(response, r'href="/espace/orientations/(\d+)/"')

    @task(4)
    def orientation(self):
        if self.links.get("orientation"):
            pk = random.choice(self.links["orientation"])
            self.page(f"/espace/orientations/{pk}/", "prescripteur : une orientation")

    @task(1)
    def parcours(self):
        self.page("/espace/parcours/", "prescripteur : parcours")


class Coordinateur(Partner):
    weight = 3
    role = "coordinateur"

    @task(3)
    def tableau_de_bord(self):
        self.page("/espace/parcours/tableau-de-bord/", "coordination : tableau de bord")

    @task(3)
    def liste(self):
        page = random.choice(["", "?page=2"])
        response = self.page(f"/espace/parcours/{page}", "coordination : liste des parcours")
        self.links["parcours"] = self.ids(response, r'href="/espace/parcours/(\d+)/"') or self.links.get("parcours")

    @task(3)
    def detail(self):
        if self.links.get("parcours"):
            pk = random.choice(self.links["parcours"])
            self.page(f"/espace/parcours/{pk}/", "coordination : un parcours")

    @task(2)
    def file(self):
        self.page("/espace/orientations/file/", "coordination : file des orientations")

    @task(1)
    def note(self):
        """A follow-up note on a pathway (a write: note + audit event in one transaction)."""
        if not self.links.get("parcours"):
            return
        pk = random.choice(self.links["parcours"])
        detail = self.page(f"/espace/parcours/{pk}/", "coordination : un parcours")
        token, state = CSRF.search(detail.text), EXPECTED_STATE.search(detail.text)
        if not (token and state):
            return
        response = self.post(f"/espace/parcours/{pk}/notes/", "coordination : ajouter une note", {
            "csrfmiddlewaretoken": token.group(1), "expected_state": state.group(1),
            "texte": f"Note de charge {random.randrange(10**6)}", "visibilite": "coordination",
        })
        if response.status_code == 302:
            self.page(f"/espace/parcours/{pk}/", "coordination : un parcours", expect="La note est ajoutée")


class Financeur(Partner):
    weight = 1
    role = "financeur"

    @task(2)
    def rapports(self):
        response = self.page("/espace/rapports/", "financeur : rapports")
        self.links["convention"] = self.ids(response, r'href="/espace/rapports/conventions/(\d+)/"')

    @task(3)
    def rapport(self):
        if self.links.get("convention"):
            pk = random.choice(self.links["convention"])
            self.page(f"/espace/rapports/conventions/{pk}/", "financeur : rapport d'une convention")

    @task(1)
    def observatoire(self):
        self.page("/espace/rapports/observatoire/", "financeur : observatoire")

    @task(1)
    def export(self):
        """Asks for the CSV export of a report (a Celery task), then opens the export's page."""
        if not self.links.get("convention"):
            return
        pk = random.choice(self.links["convention"])
        report = self.page(f"/espace/rapports/conventions/{pk}/", "financeur : rapport d'une convention")
        token = CSRF.search(report.text or "")
        if not token:
            return
        with self.client.post(
            f"/espace/rapports/conventions/{pk}/export/", name="financeur : demander un export CSV",
            data={"csrfmiddlewaretoken": token.group(1), "kind": "semestre", "annee": "2026", "semestre": "1",
                  "format": "csv"},
            allow_redirects=False, catch_response=True,
            headers={"Origin": "https://" + self.host.split("://", 1)[1]},
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code == 302 and "/espace/rapports/exports/" in location:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}, export non créé")
                return
        self.page(location, "financeur : page d'un export")


class Famille(Visitor):
    weight = 3

    def on_start(self):
        super().on_start()
        self.pages = ["/"]
        _ready(self.environment)

    @task(3)
    def accueil(self):
        response = self.page("/", "public : accueil")
        found = [p for p in PUBLIC_LINK.findall(response.text or "") if p != "/"] if response.status_code == 200 else []
        self.pages = found or self.pages

    @task(3)
    def une_page(self):
        self.page(random.choice(self.pages), "public : une page du site")

    @task(2)
    def simulateur(self):
        query = (f"?ressources={random.randrange(9000, 80000, 500)}&periode=annuelles&enfants={random.randint(1, 4)}"
                 f"&accueil={random.choice(['collectif', 'familial'])}&heures={random.randrange(40, 200, 10)}")
        self.page("/calculer-votre-tarif/" + query, "public : simulateur de tarif", expect="Votre tarif estimé")
