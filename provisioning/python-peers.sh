#!/usr/bin/env bash
# Makes the Python virtual environments the tests use as real third-party peers, one per set of packages whose
# needs could clash, under .build-venvs/ (ignored by git). Idempotent: an environment that already has its packages
# is left alone. Needs python3-venv (provisioning/setup.sh installs it) and PyPI.
#   beancount: bean-check, which must accept the ledger's beancount export.
#   sparkplug: pysparkplug and paho-mqtt 1.x, a simulated Sparkplug B edge node (Tests/Peers/sparkplug_edge.py).
#   schemathesis: st, which checks the running hub and agent against docs/openapi/*.json.
#   browser: selenium, which drives Debian's chromium through chromium-driver over the dashboards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=.build-venvs

make_venv() {
  local name=$1 probe=$2; shift 2
  if [ -x "$root/$name/bin/$probe" ]; then return 0; fi
  echo "provisioning: python environment $name ($*)" >&2
  rm -rf "${root:?}/$name"
  python3 -m venv "$root/$name"
  "$root/$name/bin/pip" install --quiet --disable-pip-version-check "$@"
}

make_venv beancount bean-check 'beancount>=3,<4'
make_venv sparkplug "../lib/$(python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')/site-packages/pysparkplug" 'pysparkplug==0.6.1' 'paho-mqtt<2'
make_venv schemathesis st 'schemathesis>=4,<5'
make_venv browser "../lib/$(python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')/site-packages/selenium" 'selenium>=4.20,<5'
