#!/usr/bin/env bash
# Builds the real Kubernetes control plane used by the canary integration tests:
#   kube-apiserver, kube-controller-manager, kubectl  (from the k8s.io/kubernetes Go module)
#   etcd, etcdctl                                      (from the go.etcd.io/etcd Go modules)
# Everything is built from source through the Go module proxy; no containers, no prebuilt
# binaries. Versions are pinned in versions.env next to this script.
#
# Binaries land in (outside the repository):
#   ${STAGING_CANARY_CACHE:-$HOME/.cache/staging-canary}/control-plane/<KUBERNETES_VERSION>/bin/
#
# The script is idempotent: when every binary is present and was built from the pinned
# versions it only prints where they are. Binaries are written atomically (built into a
# temporary file, then renamed), so an interrupted build never leaves a binary that looks done.
#
# Usage: bash canary/src/test/control-plane/build.sh [--force]
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "${script_dir}/versions.env"
: "${KUBERNETES_VERSION:?KUBERNETES_VERSION missing in versions.env}"
: "${ETCD_VERSION:?ETCD_VERSION missing in versions.env}"

force=false
case "${1:-}" in
  --force) force=true ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

cache_root="${STAGING_CANARY_CACHE:-${HOME}/.cache/staging-canary}"
root="${cache_root}/control-plane/${KUBERNETES_VERSION}"
bin_dir="${root}/bin"
work_dir="${root}/build"
mkdir -p "${bin_dir}" "${work_dir}"

k8s_minor="${KUBERNETES_VERSION#*.}"
k8s_minor="${k8s_minor%%.*}"
k8s_major="${KUBERNETES_VERSION%%.*}"
staging_version="v0.${KUBERNETES_VERSION#*.}"

start_seconds=${SECONDS}
log() {
  local elapsed=$((SECONDS - start_seconds))
  printf '[control-plane build %02d:%02d] %s\n' $((elapsed / 60)) $((elapsed % 60)) "$*"
}

# binary name -> the version it must have been built from (recorded in bin/.<name>.version)
declare -A want=(
  [kube-apiserver]="kubernetes-${KUBERNETES_VERSION}"
  [kube-controller-manager]="kubernetes-${KUBERNETES_VERSION}"
  [kubectl]="kubernetes-${KUBERNETES_VERSION}"
  [etcd]="etcd-${ETCD_VERSION}"
  [etcdctl]="etcd-${ETCD_VERSION}"
)
all_binaries=(etcd etcdctl kube-apiserver kube-controller-manager kubectl)

is_done() {
  local name="$1"
  [[ -x "${bin_dir}/${name}" && -f "${bin_dir}/.${name}.version" ]] &&
    [[ "$(cat "${bin_dir}/.${name}.version")" == "${want[${name}]}" ]]
}

missing=()
for name in "${all_binaries[@]}"; do
  if ${force} || ! is_done "${name}"; then
    missing+=("${name}")
  fi
done

if ((${#missing[@]} == 0)); then
  log "all binaries present (kubernetes ${KUBERNETES_VERSION}, etcd ${ETCD_VERSION}) in ${bin_dir}"
  exit 0
fi

# One build at a time per cache directory.
if command -v flock > /dev/null; then
  exec 9> "${root}/.build.lock"
  if ! flock -n 9; then
    log "another build holds ${root}/.build.lock, waiting for it"
    flock 9
  fi
fi

if ! command -v go > /dev/null; then
  echo "error: the Go toolchain (go) is required to build the control plane" >&2
  exit 1
fi

export CGO_ENABLED=0
export GOTOOLCHAIN=local
export GOFLAGS=-mod=mod
export GO111MODULE=on
# Keep the build single-minded: a 2-core machine gains nothing from more parallel jobs.
build_flags=(-trimpath -buildvcs=false)

log "building ${missing[*]} into ${bin_dir} with $(go version | awk '{print $3}')"

# Runs "go get" quietly (its module download chatter goes to a log file, shown on failure).
go_get() {
  local log_file="${work_dir}/go-get.log"
  if ! go get "$@" > "${log_file}" 2>&1; then
    cat "${log_file}" >&2
    echo "error: go get $* failed" >&2
    return 1
  fi
}

needs() {
  local name
  for name in "${missing[@]}"; do
    [[ " $* " == *" ${name} "* ]] && return 0
  done
  return 1
}

# Builds package $2 into bin/$1 atomically and records the version it was built from.
build_binary() {
  local name="$1" package="$2" ldflags="$3"
  local tmp="${bin_dir}/.${name}.tmp.$$"
  log "go build ${name} (${package})"
  rm -f "${tmp}"
  go build "${build_flags[@]}" -ldflags "-s -w ${ldflags}" -o "${tmp}" "${package}"
  mv -f "${tmp}" "${bin_dir}/${name}"
  printf '%s\n' "${want[${name}]}" > "${bin_dir}/.${name}.version.tmp"
  mv -f "${bin_dir}/.${name}.version.tmp" "${bin_dir}/.${name}.version"
  log "built ${name} ($(du -h "${bin_dir}/${name}" | cut -f1))"
}
trap 'rm -f "${bin_dir}"/.*.tmp.$$ "${bin_dir}"/.*.version.tmp' EXIT
trap 'echo "error: control-plane build failed (line ${LINENO}: ${BASH_COMMAND})" >&2' ERR

build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# ---------------------------------------------------------------- etcd, etcdctl
if needs etcd etcdctl; then
  etcd_dir="${work_dir}/etcd-${ETCD_VERSION}"
  mkdir -p "${etcd_dir}"
  cat > "${etcd_dir}/go.mod" << GOMOD
module stagingcanary.io/control-plane-build/etcd

go 1.24
GOMOD
  rm -f "${etcd_dir}/go.sum"
  log "resolving go.etcd.io/etcd/server/v3 and etcdctl/v3 v${ETCD_VERSION}"
  (cd "${etcd_dir}" &&
    go_get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" "go.etcd.io/etcd/etcdctl/v3@v${ETCD_VERSION}")
  etcd_ldflags="-X go.etcd.io/etcd/api/v3/version.GitSHA=v${ETCD_VERSION}"
  # In etcd 3.5/3.6 the etcd server's main package is the root of go.etcd.io/etcd/server/v3.
  if needs etcd; then
    (cd "${etcd_dir}" && build_binary etcd go.etcd.io/etcd/server/v3 "${etcd_ldflags}")
  fi
  if needs etcdctl; then
    (cd "${etcd_dir}" && build_binary etcdctl go.etcd.io/etcd/etcdctl/v3 "${etcd_ldflags}")
  fi
fi

# ------------------------------------------- kube-apiserver, kube-controller-manager, kubectl
if needs kube-apiserver kube-controller-manager kubectl; then
  k8s_dir="${work_dir}/kubernetes-${KUBERNETES_VERSION}"
  mkdir -p "${k8s_dir}"
  log "resolving k8s.io/kubernetes v${KUBERNETES_VERSION}"
  download_json="$(cd "${k8s_dir}" &&
    GOFLAGS= go mod download -json "k8s.io/kubernetes@v${KUBERNETES_VERSION}" 2>&1)" || true
  if grep -q '"Error"' <<< "${download_json}"; then
    echo "error: cannot download k8s.io/kubernetes v${KUBERNETES_VERSION}:" >&2
    grep '"Error"' <<< "${download_json}" >&2
    exit 1
  fi
  k8s_gomod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p' <<< "${download_json}")"
  if [[ ! -f "${k8s_gomod}" ]]; then
    echo "error: could not download the go.mod of k8s.io/kubernetes v${KUBERNETES_VERSION}:" >&2
    echo "${download_json}" >&2
    exit 1
  fi
  # k8s.io/kubernetes requires its staging modules as v0.0.0 and replaces them with
  # ./staging/src/... paths, which only work inside the kubernetes repository. Replace every
  # staging module with its published v0.<minor>.<patch> instead (sample-* are never needed).
  mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "${k8s_gomod}" |
    grep -v '^k8s\.io/sample-' | sort -u)
  if ((${#staging[@]} == 0)); then
    echo "error: found no staging replace directives in ${k8s_gomod}" >&2
    exit 1
  fi
  {
    echo "module stagingcanary.io/control-plane-build/kubernetes"
    echo
    echo "go 1.24"
    echo
    echo "replace ("
    for module in "${staging[@]}"; do
      echo "	${module} => ${module} ${staging_version}"
    done
    echo ")"
  } > "${k8s_dir}/go.mod"
  rm -f "${k8s_dir}/go.sum"
  log "resolving the modules of kube-apiserver, kube-controller-manager, kubectl"
  (cd "${k8s_dir}" &&
    go_get "k8s.io/kubernetes@v${KUBERNETES_VERSION}" &&
    go_get "k8s.io/kubernetes/cmd/kube-apiserver@v${KUBERNETES_VERSION}" \
      "k8s.io/kubernetes/cmd/kube-controller-manager@v${KUBERNETES_VERSION}" \
      "k8s.io/kubernetes/cmd/kubectl@v${KUBERNETES_VERSION}")

  git_commit="0000000000000000000000000000000000000000"
  k8s_ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    k8s_ldflags+=" -X ${pkg}.gitVersion=v${KUBERNETES_VERSION}"
    k8s_ldflags+=" -X ${pkg}.gitMajor=${k8s_major}"
    k8s_ldflags+=" -X ${pkg}.gitMinor=${k8s_minor}"
    k8s_ldflags+=" -X ${pkg}.gitCommit=${git_commit}"
    k8s_ldflags+=" -X ${pkg}.gitTreeState=clean"
    k8s_ldflags+=" -X ${pkg}.buildDate=${build_date}"
  done
  for name in kube-apiserver kube-controller-manager kubectl; do
    if needs "${name}"; then
      (cd "${k8s_dir}" && build_binary "${name}" "k8s.io/kubernetes/cmd/${name}" "${k8s_ldflags}")
    fi
  done
fi

for name in "${all_binaries[@]}"; do
  is_done "${name}" || { echo "error: ${name} was not built" >&2; exit 1; }
done
log "done: $("${bin_dir}/kube-apiserver" --version), $("${bin_dir}/etcd" --version | head -1)"
log "binaries in ${bin_dir}"
