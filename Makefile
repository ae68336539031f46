# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CHROMIUM := /usr/bin/chromium
# The W3C Nu HTML Checker for tests/test_html_valid.py, from npm's vnu-jar (Java runs it).
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install translations update-translations chromium java postgresql nginx lint bench clean

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Intranet: http://127.0.0.1:5000  (log-ins in README.md; mail goes to instance/maildir)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(FLASK) mail deliver --worker & \
	  $(FLASK) mail receive & \
	  $(FLASK) run --host 127.0.0.1 --port 5000

# Every test that uses a database runs on SQLite and on PostgreSQL (a throwaway cluster the
# fixtures make in a temporary folder), in two processes at once.
test: $(VENV)/.installed-test translations chromium java postgresql nginx $(VNU_JAR)
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics

# Developers: after changing UI texts, refresh the catalogues and translate what is new.
update-translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _lp:1c,2 -k pgettext:1c,2 -k lazy_pgettext:1c,2 -o translations/messages.pot --sort-output --no-location --ignore-dirs='.* node_modules' .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Debian's chromium for the real-browser tests (Playwright cannot download browsers here).
chromium:
	@[ -x $(CHROMIUM) ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# Debian's PostgreSQL server for the suite's second database (its binaries are enough: the
# tests run their own cluster, not the package's).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql; }

# nginx, whose `nginx -t` checks the shipped example (deploy/nginx.conf).
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx-light; }

# Java for the HTML checker, and the checker itself (pinned; bump VNU_VERSION to update).
java:
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq default-jre-headless; }

$(VNU_JAR): | $(VENV)/.installed java
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION)
	@[ -f $@ ] && touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Both databases side by side (DB=sqlite or DB=postgresql for one). The load benchmark
# serves the page benchmark's data (kept in a temporary folder between the two).
bench: $(VENV)/.installed-bench translations postgresql
	@data=$$(mktemp -d); trap 'rm -rf "$$data"' EXIT; \
	  $(BIN)/python bench/bench_pages.py --keep "$$data" $(if $(DB),--db $(DB)); pages=$$?; \
	  $(BIN)/python bench/bench_load.py --keep "$$data" $(if $(DB),--db $(DB)); load=$$?; \
	  $(BIN)/python bench/bench_mail.py; mail=$$?; \
	  exit $$(( pages || load || mail ))

$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@
