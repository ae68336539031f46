"""Locust's users for bench_load.py: logged-in members going through a mix of pages
(LOAD_TARGET=mix), or the floor route alone (LOAD_TARGET=floor)."""

import os
import re

from locust import HttpUser, constant, task

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOGIN = {"email": "bench0@example.org", "password": "bench-heslo-123"}
MIX = ["/", "/meetings/13", "/minutes", "/minutes?q=dluhova+poradna", "/visits",
       "/directory", "/lists/1"]


class Member(HttpUser):
    wait_time = constant(0)  # each user keeps one request in flight: 50 connections

    def on_start(self):
        page = self.client.get("/login", name="log-in").text
        token = TOKEN.search(page).group(1)
        self.client.post("/login", data={**LOGIN, "csrf_token": token}, name="log-in",
                         allow_redirects=False)

    @task
    def browse(self):
        if os.environ.get("LOAD_TARGET") == "floor":
            self.client.get("/_bench/floor", name="floor")
            return
        for path in MIX:
            self.client.get(path, name=path)
