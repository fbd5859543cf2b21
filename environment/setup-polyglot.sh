#!/usr/bin/env bash
# Installs the dotnet-interactive kernel that VS Code Polyglot Notebooks runs, so that
# environment/polyglot-run.py (and the test that uses it) can run the notebooks exactly as VS Code does.
# Usage: environment/setup-polyglot.sh [TOOL_DIR]   (default: ~/.dotnet-interactive)
set -euo pipefail
dir=${1:-${CLIPMEM_POLYGLOT_HOME:-$HOME/.dotnet-interactive}}
if [ -x "$dir/dotnet-interactive" ]; then
  echo "dotnet-interactive already in $dir ($("$dir/dotnet-interactive" --version))"
  exit 0
fi
dotnet tool install Microsoft.dotnet-interactive --tool-path "$dir" >/dev/null
echo "dotnet-interactive $("$dir/dotnet-interactive" --version) installed in $dir"
