"""Copies the course's lessons into a student's folder, the way nbgitpuller updates a
student's clone: what the student has not changed follows the course, what the student has
changed is never overwritten, and what the student deleted comes back.

    python hub/sync_lessons.py COURSE_NOTEBOOKS STUDENT_NOTEBOOKS

Run as the student (hub/singleuser.sh), so it can only write what the student may write. For
each lesson it remembers (in STUDENT_NOTEBOOKS/.course-sync.json) the hash of the course
version it last copied:
- missing in the student's folder: copied (a new lesson, or one the student deleted);
- unchanged since the last copy: replaced by the course's current version if that changed;
- changed by the student: kept; a newer course version is written beside it as
  `NAME.course-update.ipynb`, for the student to compare.
Every file is written to a temporary name and renamed, so an interrupted sync leaves no half file.
"""
import hashlib
import json
import os
import sys


def digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_atomically(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def sync(course: str, student: str) -> list:
    """Returns one line per action taken."""
    record_path = os.path.join(student, ".course-sync.json")
    try:
        with open(record_path) as f:
            record = json.load(f)
    except (OSError, ValueError):
        record = {}
    actions = []
    for name in sorted(os.listdir(course)):
        if not name.endswith(".ipynb"):
            continue
        with open(os.path.join(course, name), "rb") as f:
            data = f.read()
        new = hashlib.sha256(data).hexdigest()
        mine = os.path.join(student, name)
        last = record.get(name)
        if not os.path.exists(mine):
            write_atomically(mine, data)
            actions.append(f"copied {name}")
        elif new != last:
            if last is not None and digest(mine) == last:
                write_atomically(mine, data)
                actions.append(f"updated {name}")
            elif digest(mine) != new:
                write_atomically(os.path.join(student, name[: -len(".ipynb")] + ".course-update.ipynb"), data)
                actions.append(f"kept your {name}; the course's new version is beside it")
        record[name] = new
    write_atomically(record_path, json.dumps(record, indent=1).encode())
    return actions


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for line in sync(sys.argv[1], sys.argv[2]):
        print(f"sync_lessons: {line}", file=sys.stderr)
