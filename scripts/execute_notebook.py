"""Executes one notebook with the pinned nbclient from .venv/ (the tslab kernel), as CI and the
gallery do, and writes the executed copy; optionally exports it to HTML with nbconvert.

    .venv/bin/python scripts/execute_notebook.py IN.ipynb OUT.ipynb [--html DIR] [--timeout S]

The notebook runs in IN's folder. A cell whose execute_reply is not `ok` stops the run: its
source and what it printed are shown and the exit status is 1. tslab reports the execution
count only in its execute_reply (no execute_input message), so the count is copied from there:
the executed notebook and its HTML show In [1], In [2], ... instead of In [ ].
"""
import argparse
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--html", help="also export the executed notebook to HTML in this folder")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    args = ap.parse_args()

    nb = nbformat.read(args.input, as_version=4)

    current = {}

    def remember(cell, cell_index):
        current["cell"] = cell

    def count_from_reply(cell, cell_index, execute_reply):
        count = execute_reply.get("content", {}).get("execution_count")
        if count:
            cell["execution_count"] = count

    client = NotebookClient(
        nb,
        kernel_name="tslab",
        timeout=args.timeout,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.input))}},
        on_cell_execute=remember,
        on_cell_executed=count_from_reply,
    )
    status = 0
    try:
        client.execute()
    except CellExecutionError as err:
        status = 1
        failed = current.get("cell")
        print(f"FAILED CELL in {args.input}", file=sys.stderr)
        if failed is not None:
            print("--- source ---\n" + failed.source, file=sys.stderr)
            text = "".join(o.get("text", "") for o in failed.outputs if o.get("output_type") == "stream")
            print("--- output ---\n" + text[-4000:], file=sys.stderr)
        else:
            print(str(err)[-4000:], file=sys.stderr)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    tmp = args.output + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, args.output)
    if args.html and status == 0:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(nb)
        os.makedirs(args.html, exist_ok=True)
        name = os.path.splitext(os.path.basename(args.output))[0] + ".html"
        with open(os.path.join(args.html, name), "w", encoding="utf-8") as f:
            f.write(body)
    return status


if __name__ == "__main__":
    sys.exit(main())
