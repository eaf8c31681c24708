#!/usr/bin/env bash
# ./test.sh: install what is missing, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
vitrum_install_packages
vitrum_build
cd build
ctest --output-on-failure -j "$VITRUM_CORES"
