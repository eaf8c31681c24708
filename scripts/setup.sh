#!/usr/bin/env bash
# Shared by run.sh and test.sh: install the Debian packages vitrum needs (only
# those missing), then configure and build into build/.
set -euo pipefail

# Cores, counted before OMP_NUM_THREADS=1 is exported below: GNU nproc obeys
# OMP_NUM_THREADS and would then report 1.
VITRUM_CORES="$(env -u OMP_NUM_THREADS nproc)"

VITRUM_PACKAGES=(libdeal.ii-dev cmake g++ make googletest libgtest-dev
                 openmpi-bin python3-numpy python3-matplotlib python3-scipy
                 python3-h5py python3-meshio
                 libopenblas0-pthread libmumps-dev libmetis-dev)

vitrum_install_packages() {
  local missing=()
  for p in "${VITRUM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "vitrum: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

vitrum_build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 \
    || { cat build.log; return 1; }
  cmake --build build -j "$VITRUM_CORES" >> build.log 2>&1 \
    || { tail -50 build.log; return 1; }
  echo "vitrum: built build/vitrum (log in build.log)"
}

# One MPI rank per core; BLAS threads would compete with the ranks.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
VITRUM_MPIRUN=(mpirun -np "$VITRUM_CORES" -x OMP_NUM_THREADS -x OPENBLAS_NUM_THREADS)
[ "$(id -u)" -eq 0 ] && VITRUM_MPIRUN+=(--allow-run-as-root)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
