# Creative Labs portal. `make run` serves the portal, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check messages static demo clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The compiled catalogues are committed too, so a machine without GNU gettext still runs.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv -v0; \
	else echo "msgfmt (GNU gettext) not found: using the committed .mo files"; fi

static: $(STAMP)
	$(BIN)/python manage.py collectstatic --noinput -v0

# On the embedded default the web server and `run_periodic` (the beat schedule's tasks, in-process);
# web, worker and beat together when a broker is configured.
run: $(STAMP) messages static
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@if [ -n "$$CELERY_BROKER_URL$$REDIS_URL" ]; then \
		echo "Starting web, worker and beat on http://127.0.0.1:8000"; \
		PATH="$(CURDIR)/$(BIN):$$PATH" PORT=8000 $(BIN)/honcho start -f Procfile; \
	else \
		echo "Serving on http://127.0.0.1:8000 (embedded default: SQLite under var/, tasks in-process)"; \
		$(BIN)/python manage.py run_periodic & periodic=$$!; \
		trap 'kill $$periodic 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP) messages static
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# In parallel, one pytest-xdist worker per core (TEST_WORKERS=0 runs serially). Each worker has its
# own test database, Redis database and live-server port; the static files are collected before
# the workers start, never by one of them (tests/conftest.py).
TEST_WORKERS ?= auto
test: lint check
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

demo: $(STAMP)
	$(BIN)/python manage.py seed_demo

clean:
	rm -rf $(VENV) var
