# The two commands a newcomer needs: `make run` and `make test`. Every install step
# lives here, so a fresh clone (and CI) gets exactly what a developer has.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
NEO4J_JARS := devserver/target/lib
GRAPH_DB ?= data/graph.kgl

.PHONY: run test lint venv neo4j-jars chromium neo4j neo4j-stop demo bench screenshots clean

venv: $(STAMPS)/venv
$(STAMPS)/venv: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@mkdir -p $(STAMPS) && touch $@

# Neo4j Community 5.26 LTS jars from Maven Central (the dev and test server runs on them),
# and the Graph Data Science plugin's own jars apart (the server installs them in its plugins/).
neo4j-jars: $(STAMPS)/neo4j-jars
$(STAMPS)/neo4j-jars: devserver/pom.xml
	mvn --batch-mode --quiet -f devserver/pom.xml dependency:copy-dependencies \
	    -DoutputDirectory=target/lib -DincludeScope=runtime -DexcludeGroupIds=org.neo4j.gds
	mvn --batch-mode --quiet -f devserver/pom.xml dependency:copy-dependencies \
	    -DoutputDirectory=target/plugins -DincludeScope=runtime -DincludeGroupIds=org.neo4j.gds
	@mkdir -p $(STAMPS) && touch $@

# Debian's Chromium for the browser tests and PNG exports (Playwright drives it; it never
# downloads a browser of its own).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium: /usr/bin/chromium
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# A local Neo4j on 127.0.0.1 with a generated password, written to .env.
neo4j: venv neo4j-jars
	$(PY) -m devserver.neo4j_server start --home .neo4j --env-file .env

neo4j-stop: venv
	$(PY) -m devserver.neo4j_server stop --home .neo4j

# The demo network as neo4j-admin CSV, loaded into the embedded store.
demo: venv
	$(PY) -m ingest demo --out data/demo
	NEO4J_URI= GRAPH_DB=$(GRAPH_DB) $(PY) -m ingest data/demo --rejects data/demo-rejects.csv

run: venv demo
	NEO4J_URI= GRAPH_DB=$(GRAPH_DB) $(VENV)/bin/streamlit run app.py --server.headless true --server.address 127.0.0.1

lint: venv
	$(VENV)/bin/ruff check graph ingest ui devserver tests bench app.py

test: venv neo4j-jars chromium lint
	$(PY) -m pytest

# The README's screenshots (the Explore page, a briefing's first page), retaken by the browser tests.
screenshots: venv chromium
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest -q tests/ui/test_browser.py tests/ui/test_map_browser.py tests/ui/test_timeline_browser.py tests/graph/views/test_briefing.py -k screenshot

bench: venv neo4j-jars chromium
	$(PY) bench/store.py
	$(PY) bench/ingest.py
	$(PY) bench/communities.py
	$(PY) bench/resolution.py
	$(PY) bench/screening.py
	$(PY) bench/views.py  # the case views measured, then bench/render.py timing
	$(PY) bench/concurrency.py
	$(PY) bench/app_sessions.py
	$(PY) bench/scale.py

clean:
	rm -rf $(VENV) $(STAMPS) devserver/target .pytest_cache .ruff_cache
