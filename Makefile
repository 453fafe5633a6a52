# KomMA Netzwerk — the two commands of the README, and their helpers.
# `make run`  sets up a virtualenv, migrates, seeds demo content and serves
#             HTTP + WebSockets (Daphne) on http://127.0.0.1:8000
# `make test` runs the whole test suite (SQLite by default; PostgreSQL and Redis
#             when DATABASE_URL / REDIS_URL are set)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py search_index update

run: setup
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-extract and compile the German catalogue after changing UI strings.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l de --no-obsolete \
	  -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*" -i "build/*"
	msgfmt --check -o platform/komma/locale/de/LC_MESSAGES/django.mo \
	  platform/komma/locale/de/LC_MESSAGES/django.po

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/knowledge.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/forums.py
	$(BIN)/python bench/alliance.py
	$(BIN)/python bench/live.py

clean:
	rm -rf $(VENV) var .pytest_cache
