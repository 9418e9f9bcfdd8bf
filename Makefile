# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL := postgres://postgres@127.0.0.1:5432/liuwei_safety
MANAGE := $(BIN)/python manage.py
# The quick start's port: `make run PORT=8001` when 8000 is taken.
PORT ?= 8000

.PHONY: run port-free test install lint typecheck migrations-check deploy-check messages messages-check pytest worker beat

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed

# Quick start: SQLite file, tasks run in-process, demo data, http://127.0.0.1:$(PORT)
run: export DEBUG := true
run: port-free install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) load_demo_data
	$(MANAGE) load_plan
	$(MANAGE) load_demo_plan
	$(MANAGE) load_checklists
	$(MANAGE) create_quarter_plans
	$(MANAGE) load_demo_readiness_training
	$(MANAGE) load_demo_readiness_drills
	$(MANAGE) load_demo_readiness_filing
	$(MANAGE) generate_hazards 300 --seed 2024 --if-empty
	$(MANAGE) generate_hazards 40 --seed 2025 --township 341324990 --if-empty
	$(MANAGE) send_reminders
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Fails at once, before installing anything, when another program holds the quick start's port.
port-free:
	@$(PYTHON) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	sys.exit(0 if s.connect_ex(("127.0.0.1", $(PORT))) else "Port $(PORT) on 127.0.0.1 is taken: stop what runs there or use make run PORT=8001")'

# The whole suite on PostgreSQL (DATABASE_URL, default the local server), plus linters and checks.
test: export DJANGO_SETTINGS_MODULE := liuwei_safety.settings.test
test: export DATABASE_URL := $(or $(DATABASE_URL),$(PG_TEST_URL))
test: install lint typecheck migrations-check deploy-check messages-check pytest

# What pre-commit runs too (.pre-commit-config.yaml): style, format, the layer contract (liuwei_safety/layers.py), types.
lint: install typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m liuwei_safety.layers

typecheck: install
	$(BIN)/mypy .

migrations-check: install
	DJANGO_SETTINGS_MODULE=liuwei_safety.settings.test DATABASE_URL=sqlite:////tmp/liuwei-migrations-check.sqlite3 \
		$(MANAGE) makemigrations --check --dry-run

# Production-like settings as the README documents them must pass Django's deployment checks.
deploy-check: install
	DJANGO_SETTINGS_MODULE=liuwei_safety.settings.base DEBUG=false HTTPS=true \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=aqsc.example.gov.cn DATABASE_URL=sqlite:////tmp/liuwei-deploy-check.sqlite3 \
	$(MANAGE) check --deploy --fail-level WARNING

# Extract every translatable string; fails when a Chinese translation is missing or fuzzy.
messages: install
	DJANGO_SETTINGS_MODULE=liuwei_safety.settings.test $(MANAGE) makemessages -l zh_Hans --no-location --no-obsolete \
		--ignore=.venv --ignore=static --ignore=staticfiles --ignore=test-artifacts --ignore=tests
	DJANGO_SETTINGS_MODULE=liuwei_safety.settings.test $(MANAGE) compilemessages -l zh_Hans --ignore=.venv

messages-check: messages
	@po=locale/zh_Hans/LC_MESSAGES/django.po; \
	missing=$$(msgattrib --untranslated --no-obsolete $$po | grep -c '^msgid ' || true); \
	fuzzy=$$(msgattrib --only-fuzzy --no-obsolete $$po | grep -c '^msgid ' || true); \
	echo "$$po: $$missing untranslated, $$fuzzy fuzzy"; \
	if [ "$$missing$$fuzzy" != "00" ]; then msgattrib --untranslated --only-fuzzy $$po | head -n 40; exit 1; fi

pytest: install
	$(BIN)/python -m pytest

# Production processes (see README): workers scale out; exactly one beat.
worker: install
	$(BIN)/celery -A liuwei_safety worker --loglevel=info

beat: install
	$(BIN)/celery -A liuwei_safety beat --loglevel=info
