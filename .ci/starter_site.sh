#!/usr/bin/env bash
# Wagtail's own starter as the blog's host, as a new user meets it: `wagtail start mysite` (offline)
# in a fresh virtualenv, the blog's wheel installed together with the starter's requirements.txt
# in one pip command (no Django downgrade allowed), docs/installation.md's "Wagtail's starter,
# step by step" applied from the docs' own code blocks, then: check (warning before the steps,
# clean after), migrate, collectstatic with the starter's production settings
# (ManifestStaticFilesStorage) and the graphiql extra, and a smoke test of a post page, the
# comment form and GraphQL (.ci/starter_smoke.py). Nothing of it is left behind.
#
#   bash .ci/starter_site.sh WHEEL PYTHON
#
# WHEEL is the built wheel, PYTHON the interpreter of the starter's virtualenv. With BROWSER_PYTHON
# set to a Python that has Playwright (and Chromium at /usr/bin/chromium), the starter is also
# served and opened on a desktop and a phone (.ci/starter_browser.py); SCREENSHOTS=DIR keeps the
# pictures.
set -euo pipefail

WHEEL="$(realpath "$1")"
PYTHON="$2"
CI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { printf 'starter_site: %s\n' "$*" >&2; exit 1; }

VENV="$WORK/venv"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# What a new user does first: install Wagtail, then run its starter.
"$VENV/bin/pip" install --quiet "wagtail>=8.0,<8.1"
BEFORE="$("$VENV/bin/python" -c 'import django; print(django.get_version())')"

# `wagtail start` needs nothing but the installed package: prove it with no network at all where
# this machine allows a network namespace (root in CI).
OFFLINE=()
if unshare --net true 2>/dev/null; then OFFLINE=(unshare --net); fi
mkdir "$WORK/pristine"
(cd "$WORK/pristine" && "${OFFLINE[@]}" "$VENV/bin/wagtail" start mysite .)
[ -f "$WORK/pristine/requirements.txt" ] || fail "wagtail start wrote no requirements.txt"

# One pip command for the starter's requirements and the blog, as docs/installation.md says.
if ! "$VENV/bin/pip" install -r "$WORK/pristine/requirements.txt" "$WHEEL[graphiql]" \
  > "$WORK/pip.log" 2>&1; then
  cat "$WORK/pip.log"
  fail "pip cannot install the starter's requirements together with the blog"
fi
grep "^Successfully installed" "$WORK/pip.log"
if grep -q "Uninstalling Django-" "$WORK/pip.log"; then fail "installing the blog replaced Django $BEFORE"; fi
AFTER="$("$VENV/bin/python" -c 'import django; print(django.get_version())')"
[ "$AFTER" = "$BEFORE" ] || fail "Django went from $BEFORE to $AFTER"
"$VENV/bin/pip" check
echo "Django $AFTER, kept; $("$VENV/bin/python" -V)"

manage() { (cd "$1" && shift && unset PYTHONPATH DATABASE_URL REDIS_URL && "$VENV/bin/python" manage.py "$@"); }

# The blog added the way that fails silently: the checks must say so.
cp -r "$WORK/pristine" "$WORK/naive"
python3 "$CI_DIR/starter_steps.py" naive "$WORK/naive"
manage "$WORK/naive" check > "$WORK/naive.log" 2>&1 || true
cat "$WORK/naive.log"
for id in cms_blog.W101 cms_blog.W102; do
  grep -q "($id)" "$WORK/naive.log" || fail "check did not warn $id about the naive install"
done

# The documented steps: clean checks, then the production settings.
SITE="$WORK/mysite"
cp -r "$WORK/pristine" "$SITE"
python3 "$CI_DIR/starter_steps.py" docs "$SITE"
manage "$SITE" check --fail-level WARNING
# The starter's production settings, with what a deployment adds (a secret key, its hosts) and
# the graphiql extra's app, which collectstatic must take even under ManifestStaticFilesStorage.
cat > "$SITE/mysite/settings/ci.py" <<'PY'
from .production import *  # noqa: F403

SECRET_KEY = "starter-site-ci-only"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
INSTALLED_APPS += ["graphene_django_graphiql_static"]  # noqa: F405
PY
export DJANGO_SETTINGS_MODULE=mysite.settings.ci
manage "$SITE" check --fail-level WARNING
manage "$SITE" migrate --no-input --verbosity 0
manage "$SITE" collectstatic --no-input --verbosity 0
grep -q '"cms_blog/cms_blog.css"' "$SITE/static/staticfiles.json" || fail "no manifest entry for the blog"
(cd "$SITE" && unset DATABASE_URL REDIS_URL && PYTHONPATH=. "$VENV/bin/python" "$CI_DIR/starter_smoke.py")

if [ -n "${BROWSER_PYTHON:-}" ]; then
  # The development settings (DEBUG: runserver serves the static and media files) on the same
  # database, which the smoke test filled.
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  (cd "$SITE" && DJANGO_SETTINGS_MODULE=mysite.settings.dev exec "$VENV/bin/python" manage.py \
    runserver "127.0.0.1:$PORT" --noreload > "$WORK/server.log" 2>&1) &
  SERVER_PID=$!
  "$BROWSER_PYTHON" "$CI_DIR/starter_browser.py" "http://127.0.0.1:$PORT" "${SCREENSHOTS:-$WORK/shots}" \
    || { cat "$WORK/server.log"; fail "the starter did not look right in Chromium"; }
fi
echo "starter_site: OK"
