# shellcheck shell=bash
# Source this file: `. scripts/use-node22.sh`. Hardhat 3 needs Node >= 22.13, and npm itself must run
# on it (on an older Node, npm silently skips Hardhat's native binding). When the machine's Node is
# older, install Node 22 from the npm registry into .tools/node22 (once) and put it first on PATH.
_hk_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_hk_node_ok() {
  command -v node >/dev/null 2>&1 && node -e '
    const [maj, min] = process.versions.node.split(".").map(Number);
    process.exit(maj > 22 || (maj === 22 && min >= 13) ? 0 : 1);'
}
if ! _hk_node_ok; then
  _hk_dir="$_hk_root/.tools/node22"
  if [ ! -x "$_hk_dir/node_modules/.bin/node" ]; then
    echo "Node $(node --version 2>/dev/null || echo missing) is older than 22.13: installing node@22 into .tools/node22" >&2
    npm install --prefix "$_hk_dir" --no-audit --no-fund --loglevel=error node@22 >&2 || {
      echo "error: could not install node@22 from the npm registry" >&2
      return 1 2>/dev/null || exit 1
    }
  fi
  export PATH="$_hk_dir/node_modules/.bin:$PATH"
  _hk_node_ok || { echo "error: node@22 was installed but $(node --version) is still first on PATH" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f _hk_node_ok
unset _hk_root _hk_dir
