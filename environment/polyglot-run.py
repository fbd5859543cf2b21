#!/usr/bin/env python3
"""Runs a .dib notebook in the dotnet-interactive kernel that VS Code Polyglot Notebooks uses, the way the
extension drives it: `dotnet-interactive stdio` in the notebook's folder, one SubmitCode per cell over the
JSON protocol. Unlike `clipmem notebook run`, nothing is rewritten: the cells' own #r paths, kernel names
and relative paths are used as they are. Prints one line per cell and exits 1 at the first failing cell.

Usage: environment/polyglot-run.py NOTEBOOK.dib [--param name=value ...] [--kernel PATH_TO_dotnet-interactive] [--timeout SECONDS]
(--param sets a string declaration of the notebook's `// Parameters` cell, as a user would edit it.)
Get the kernel with environment/setup-polyglot.sh (dotnet tool install Microsoft.dotnet-interactive).
"""
import argparse, json, os, re, signal, subprocess, sys, time, uuid

PLOTLY_NET_CHART = "fsharpPlotlyRequire(['plotly']"


def cells(path):
    """(kernel, code) for every cell of a .dib file; the #!meta block is skipped."""
    result, kernel, lines = [], None, []
    for line in open(path, encoding="utf-8").read().splitlines():
        m = re.match(r"^#!(csharp|markdown|meta|fsharp|pwsh|html|javascript)\s*$", line)
        if m:
            if kernel is not None:
                result.append((kernel, "\n".join(lines).strip("\n")))
            kernel, lines = m.group(1), []
        else:
            lines.append(line)
    if kernel is not None:
        result.append((kernel, "\n".join(lines).strip("\n")))
    return [(k, c) for k, c in result if k != "meta"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--kernel", default=os.path.expanduser("~/.dotnet-interactive/dotnet-interactive"))
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--param", action="append", default=[])
    args = parser.parse_args()
    overrides = dict(p.split("=", 1) for p in args.param)
    folder = os.path.dirname(os.path.abspath(args.notebook))
    kernel = subprocess.Popen([args.kernel, "stdio", "--working-dir", folder], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
                              start_new_session=True)
    failed, total_charts = False, 0
    for index, (name, code) in enumerate(cells(args.notebook), start=1):
        if name != "csharp":
            continue
        if code.lstrip().startswith("// Parameters"):
            for key, value in overrides.items():
                code, n = re.subn(rf'^(\s*string\s+{re.escape(key)}\s*=\s*)"[^"]*"', lambda m: m.group(1) + json.dumps(value), code, flags=re.M)
                if n != 1:
                    sys.exit(f"--param {key}: no string declaration of that name in the parameters cell")
        token = str(uuid.uuid4())
        envelope = {"token": token, "id": token, "commandType": "SubmitCode",
                    "command": {"code": code, "targetKernelName": "csharp"}, "routingSlip": []}
        kernel.stdin.write(json.dumps(envelope) + "\n")
        kernel.stdin.flush()
        start, html, charts, updates, error = time.time(), 0, 0, 0, None
        while True:
            line = kernel.stdout.readline()
            if not line:
                error = "the kernel exited"
                break
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "eventType" not in message or (message.get("command") or {}).get("token") != token:
                continue
            kind = message["eventType"]
            values = message.get("event", {}).get("formattedValues", [])
            if kind in ("DisplayedValueProduced", "ReturnValueProduced") and any(v.get("mimeType") == "text/html" for v in values):
                html += 1
                # Plotly.NET.Interactive's formatter draws through its RequireJS loader: that marks its charts.
                charts += any(PLOTLY_NET_CHART in v.get("value", "") for v in values)
            if kind == "DisplayedValueUpdated":
                updates += 1
            if kind == "CommandFailed":
                error = message["event"].get("message", "failed")
                break
            if kind == "CommandSucceeded":
                break
            if time.time() - start > args.timeout:
                error = f"no result after {args.timeout:.0f} s"
                break
        total_charts += charts
        status = f"FAILED: {error}" if error else (f"ok, {html} html outputs" + (f", {charts} Plotly.NET charts" if charts else "")
                                                   + (f", {updates} in-place updates" if updates else ""))
        print(f"cell {index}: {status} ({time.time() - start:.1f} s)", flush=True)
        if error:
            failed = True
            break
    # The kernel starts helper processes of its own: end the whole process group, not just the host.
    kernel.stdin.close()
    try:
        kernel.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(kernel.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    print(f"{total_charts} Plotly.NET charts", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
