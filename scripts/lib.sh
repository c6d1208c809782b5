# Shared set-up for scripts/run, scripts/test and friends. Source it; do not run it.
# Installs whatever is missing on a Debian 12 machine, idempotently and quietly.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WAILS_VERSION=v2.15.0
STATICCHECK_VERSION=v0.8.2
# What the desktop app needs to build, and the colour emoji font its window
# shows emoji with (without it a minimal Debian, or Xvfb, shows boxes).
BUILD_PKGS=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.0-dev fonts-noto-color-emoji)
TEST_PKGS=(xvfb xauth x11-utils xdotool imagemagick chromium fonts-dejavu-core curl)

export PATH="/usr/local/go/bin:$PATH"
if command -v go >/dev/null 2>&1; then
  export PATH="$(go env GOPATH)/bin:$PATH"
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

ensure_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_go() {
  command -v go >/dev/null 2>&1 || die "Go is not installed (expected /usr/local/go/bin/go, Go >= 1.26.8); install it from https://go.dev/dl and re-run"
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then ensure_apt nodejs npm; fi
}

ensure_go_tool() { # name module@version version-regex
  local name=$1 mod=$2 want=$3
  if ! { command -v "$name" >/dev/null 2>&1 && "$name" -version 2>/dev/null | grep -q -- "$want"; } &&
     ! { command -v "$name" >/dev/null 2>&1 && "$name" version 2>/dev/null | grep -q -- "$want"; }; then
    say "installing $mod"
    (cd /tmp && go install "$mod")
  fi
}

ensure_wails() { ensure_go_tool wails "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION" "$WAILS_VERSION"; }
ensure_staticcheck() { ensure_go_tool staticcheck "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" "(${STATICCHECK_VERSION#v})"; }

ensure_npm_deps() { # dir
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.streamscope-lock"; then
    # npm ci installs exactly the lock file and never rewrites it. The lock
    # must list every platform's optional packages (rollup, esbuild): after a
    # change, regenerate it with `npm install --package-lock-only` in a copy
    # without node_modules, or npm ci rejects it.
    say "npm ci in ${dir#$ROOT/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.streamscope-lock"
  fi
}

ensure_build_deps() {
  ensure_apt "${BUILD_PKGS[@]}"
  ensure_go
  ensure_node
  ensure_wails
  ensure_npm_deps "$ROOT/frontend"
}

# start_xvfb sets DISPLAY to a fresh virtual display and XVFB_PID.
start_xvfb() {
  local n
  for n in $(seq 90 140); do
    [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
    XVFB_PID=$!
    local i
    for i in $(seq 1 50); do
      if xdpyinfo -display ":$n" >/dev/null 2>&1; then export DISPLAY=":$n"; return 0; fi
      sleep 0.1
    done
    kill "$XVFB_PID" 2>/dev/null || true
  done
  die "could not start Xvfb"
}

# build_app builds the production desktop binary into build/bin/streamscope.
build_app() {
  say "building the desktop app (wails build)"
  (cd "$ROOT" && wails build -m -s -skipbindings -ldflags "-X github.com/streamscope/streamscope/backend/cli.Version=$(app_version)" >/tmp/streamscope-wails-build.log 2>&1) ||
    { tail -40 /tmp/streamscope-wails-build.log >&2; die "wails build failed (full log: /tmp/streamscope-wails-build.log)"; }
}

build_frontend() {
  say "building the frontend"
  (cd "$ROOT/frontend" && npm run build --silent >/tmp/streamscope-frontend-build.log 2>&1) ||
    { tail -40 /tmp/streamscope-frontend-build.log >&2; die "frontend build failed"; }
}

app_version() {
  (cd "$ROOT" && git describe --tags --always --dirty 2>/dev/null) || echo dev
}
