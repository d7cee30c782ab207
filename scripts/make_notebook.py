"""Writes a notebook from a list of (kind, source) cells. Used while authoring; notebooks are
stored without outputs."""
import sys, json, nbformat

def write(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "tslab", "display_name": "TypeScript", "language": "typescript"},
        "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
    }
    for kind, src in cells:
        src = src.strip("\n")
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src))
    nbformat.write(nb, path)

if __name__ == "__main__":
    # stdin: cells separated by lines '%% md' or '%% code'
    text = sys.stdin.read()
    cells, kind, buf = [], None, []
    for line in text.split("\n"):
        if line.startswith("%% "):
            if kind: cells.append((kind, "\n".join(buf)))
            kind, buf = line[3:].strip(), []
        else:
            buf.append(line)
    if kind: cells.append((kind, "\n".join(buf)))
    write(sys.argv[1], cells)
