# Sourced (bash) by scripts/test.sh and the browser suite's scripts: puts the
# pinned Node.js of node-runtime/ first on PATH when it is installed there.
# scripts/test.sh installs it only when the machine has no Node 20 or newer.
_brief_node_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node-runtime/node_modules/.bin"
if [ -x "$_brief_node_bin/node" ]; then
  PATH="$_brief_node_bin:$PATH"
  export PATH
fi
unset _brief_node_bin
