"""Student editions and autograding of the lessons, with nbgrader (run through npm; see docs/teaching.md).

  npm run assignments [-- NAME ...]     build course/source/ from notebooks/ and course/tests/,
                                        then nbgrader generate_assignment -> course/release/
  npm run autograde -- FOLDER           grade FOLDER/<student>/<assignment>/<notebook>.ipynb
                                        (nbgrader's submitted layout) with nbgrader autograde and
                                        generate_feedback; write course/grades.csv,
                                        course/grades-cells.csv and course/grades.html

The source notebooks are the lessons themselves: a lesson marks what the student edition leaves
out with // BEGIN SOLUTION ... // END SOLUTION inside a function body, and the graded tests of
lesson NAME live in course/tests/NAME.ts (each block becomes one locked, autograded cell). Grading
runs every notebook in quick mode (GAN_QUICK=1, the same code path as CI, few steps) with the
lessons' own checks friendly, so that only the graded cells decide the score.
"""
import csv
import html
import os
import re
import shutil
import subprocess
import sys

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Generated folders (source/, release/, submitted/, autograded/, feedback/, gradebook.db, grades):
# course/ unless GAN_COURSE_DIR says otherwise (nbgrader_config.py reads the same variable).
COURSE = os.path.abspath(os.environ.get('GAN_COURSE_DIR') or os.path.join(ROOT, 'course'))
TESTS = os.path.join(ROOT, 'course', 'tests')
SHOWN = os.path.relpath(COURSE, ROOT)  # the course folder as messages name it
NOTEBOOKS = os.path.join(ROOT, 'notebooks')
HEADER = re.compile(r'^//# test (?P<id>[a-z0-9-]+) points=(?P<points>\d+(?:\.\d+)?) after=(?P<after>.+)$')


class UsageError(Exception):
    pass


def assignment_names():
    """Every lesson that has graded tests in course/tests/, in lesson order."""
    return sorted(f[:-3] for f in os.listdir(TESTS) if f.endswith('.ts'))


def parse_tests(path):
    """The test blocks of a course/tests file: [{id, points, after, source}]."""
    tests, current = [], None
    with open(path, encoding='utf-8') as f:
        for line in f.read().split('\n'):
            m = HEADER.match(line)
            if m:
                current = {'id': m['id'], 'points': float(m['points']), 'after': m['after'], 'lines': []}
                tests.append(current)
            elif current is not None:
                current['lines'].append(line)
    for t in tests:
        t['source'] = '\n'.join(t.pop('lines')).strip('\n')
    if not tests:
        raise UsageError(f'{path} has no "//# test <id> points=<n> after=<text>" block.')
    return tests


def nbgrader_meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {'grade': grade, 'grade_id': grade_id, 'locked': locked, 'schema_version': 3, 'solution': solution}
    if points is not None:
        meta['points'] = points
    return meta


STUDENT_NOTE = """**Student edition.** The parts of this lesson marked `// YOUR CODE HERE` are yours to write:
each says what to build in the comment above it, and throws "not implemented" until you do. The
cells marked **graded test** check your code (an instructor's copy may run more); run all cells and
make them pass. Everything else works as in the lesson, with your code."""


def make_source(name):
    """course/source/NAME/NAME.ipynb: the lesson with nbgrader's cell metadata and the graded tests."""
    lesson_path = os.path.join(NOTEBOOKS, f'{name}.ipynb')
    if not os.path.exists(lesson_path):
        raise UsageError(f'course/tests/{name}.ts has no lesson notebooks/{name}.ipynb: rename one of them.')
    nb = nbformat.read(lesson_path, as_version=4)
    solutions = 0
    for cell in nb.cells:
        if cell.cell_type == 'code' and 'BEGIN SOLUTION' in cell.source:
            solutions += 1
            cell.metadata['nbgrader'] = nbgrader_meta(f'{name}-solution-{solutions}', solution=True)
    if solutions == 0:
        raise UsageError(f'notebooks/{name}.ipynb has no // BEGIN SOLUTION region: mark what students write.')
    tests = parse_tests(os.path.join(TESTS, f'{name}.ts'))
    for test in reversed(tests):
        anchors = [i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and test['after'] in c.source]
        if not anchors:
            raise UsageError(f'test {test["id"]} in course/tests/{name}.ts: no code cell of notebooks/{name}.ipynb contains "{test["after"]}".')
        title = nbformat.v4.new_markdown_cell(f'**Graded test** `{test["id"]}` ({test["points"]:g} point{"" if test["points"] == 1 else "s"})')
        title.metadata['nbgrader'] = nbgrader_meta(f'{test["id"]}-title', locked=True)
        cell = nbformat.v4.new_code_cell(test['source'])
        cell.metadata['nbgrader'] = nbgrader_meta(test['id'], grade=True, locked=True, points=test['points'])
        nb.cells[anchors[0] + 1:anchors[0] + 1] = [title, cell]
    note = nbformat.v4.new_markdown_cell(STUDENT_NOTE)
    note.metadata['nbgrader'] = nbgrader_meta(f'{name}-student-note', locked=True)
    nb.cells.insert(1, note)
    folder = os.path.join(COURSE, 'source', name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    nbformat.write(nb, os.path.join(folder, f'{name}.ipynb'))
    return len(tests), sum(t['points'] for t in tests)


def nbgrader(*args, env=None):
    """Runs one nbgrader command; its messages are returned (printed by the caller), not interleaved."""
    cmd = [sys.executable, '-m', 'nbgrader', *args]
    env = dict(env or os.environ)
    env['GAN_COURSE_DIR'] = COURSE
    # nbgrader 0.9.6's gradebook code trips SQLAlchemy 2.1's autoflush warnings on every submission:
    # noise for an instructor, not a problem (the grades are written).
    env['PYTHONWARNINGS'] = 'ignore:Object of type'
    result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise UsageError(f'nbgrader {" ".join(args)} failed (exit {result.returncode}):\n{result.stdout}')
    return result.stdout


def jobs():
    """How many assignments are processed at once: GAN_GRADING_JOBS, else 2 (or 1 on one core).
    Each is its own nbgrader process and tslab kernel; nbgrader's gradebook (SQLite) takes their
    short writes one at a time."""
    wanted = os.environ.get('GAN_GRADING_JOBS')
    if wanted:
        if not wanted.isdigit() or int(wanted) < 1:
            raise UsageError(f'GAN_GRADING_JOBS={wanted}: give a whole number of at least 1.')
        return int(wanted)
    return min(2, os.cpu_count() or 1)


def gradebook():
    """nbgrader's gradebook of this course, opened as nbgrader opens it: the database in the course
    folder, rows under the course id that nbgrader_config.py sets (read with traitlets' own loader,
    as nbgrader reads that file)."""
    from nbgrader.api import Gradebook
    from traitlets.config.loader import PyFileConfigLoader
    course = PyFileConfigLoader('nbgrader_config.py', path=ROOT).load_config().CourseDirectory.get('course_id')
    if not course:
        raise UsageError('nbgrader_config.py sets no c.CourseDirectory.course_id: restore it from git.')
    os.makedirs(COURSE, exist_ok=True)
    return Gradebook(f'sqlite:///{os.path.join(COURSE, "gradebook.db")}', course)


def ensure_gradebook(students=()):
    """Creates nbgrader's gradebook (its tables, the course, the students) before processes share
    it: two nbgrader processes that both find a row missing would both insert it, and one fails."""
    with gradebook() as gb:
        for student in students:
            gb.update_or_create_student(student)


def for_each(names, work, students=()):
    """Runs work(name) -> message for every name, `jobs()` at a time, printing each message in
    order as it is ready. After a failure the jobs not yet started are cancelled, the running
    ones end, and the first failure is raised with what nbgrader said."""
    from concurrent.futures import ThreadPoolExecutor
    ensure_gradebook(students)
    failure = None
    with ThreadPoolExecutor(max_workers=jobs()) as pool:
        futures = [pool.submit(work, name) for name in names]
        for name, future in zip(names, futures):
            if future.cancelled():
                continue
            try:
                print(future.result(), end='', flush=True)
            except Exception as e:  # noqa: BLE001 -- any failure of a job stops the rest, said once
                failure = failure or (e if isinstance(e, UsageError) else UsageError(f'{name}: {type(e).__name__}: {e}'))
                for other in futures:
                    other.cancel()
    if failure:
        raise failure


def release(names):
    names = names or assignment_names()
    unknown = [n for n in names if n not in assignment_names()]
    if unknown:
        raise UsageError(f'no graded tests for {", ".join(unknown)} (have: {", ".join(assignment_names())}).')
    def one(name):
        count, points = make_source(name)
        out = nbgrader('generate_assignment', name, '--force', '--log-level=WARN')
        return f'{out}{name}: {count} graded tests, {points:g} points -> {SHOWN}/release/{name}/{name}.ipynb\n'
    for_each(names, one)
    print(f'The student editions are in {SHOWN}/release/ (hand them out as they are, or with nbgrader release_assignment).')


def grading_env():
    env = dict(os.environ)
    env.update({'GAN_QUICK': '1', 'GAN_CHECKS': 'friendly', 'TF_CPP_MIN_LOG_LEVEL': '2'})
    return env


def autograde(folder):
    if not folder or not os.path.isdir(folder):
        raise UsageError('give the folder of submissions: npm run autograde -- FOLDER, with FOLDER/<student>/<assignment>/<notebook>.ipynb inside.')
    known = set(assignment_names())
    graded, students = set(), set()
    for student in sorted(os.listdir(folder)):
        for assignment in sorted(os.listdir(os.path.join(folder, student))) if os.path.isdir(os.path.join(folder, student)) else []:
            if assignment not in known:
                raise UsageError(f'{folder}/{student}/{assignment}: not an assignment of this course (have: {", ".join(sorted(known))}).')
            if not os.path.exists(os.path.join(COURSE, 'source', assignment, f'{assignment}.ipynb')):
                raise UsageError(f'{assignment} has not been released here: run npm run assignments first.')
            students.add(student)
            target = os.path.join(COURSE, 'submitted', student, assignment)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(os.path.join(folder, student, assignment), target)
            graded.add(assignment)
    if not graded:
        raise UsageError(f'{folder} holds no <student>/<assignment>/ folders.')
    def one(assignment):
        out = nbgrader('autograde', assignment, '--force', '--log-level=WARN', env=grading_env())
        try:
            out += nbgrader('generate_feedback', assignment, '--force', '--log-level=ERROR')  # (WARN lists every image without alt text)
        except UsageError as e:
            raise UsageError(f'{assignment} was graded, but its feedback failed: {e}\n(autograde said:\n{out})') from e
        return f'{out}{assignment}: graded\n'
    for_each(sorted(graded), one, students=sorted(students))
    write_grades(sorted(graded))


def write_grades(assignments):
    rows, cells = [], []
    with gradebook() as gb:
        for assignment in assignments:
            for submission in gb.assignment_submissions(assignment):
                student = submission.student.id
                rows.append({'student': student, 'assignment': assignment, 'score': submission.score, 'max_score': submission.max_score})
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        cells.append({'student': student, 'assignment': assignment, 'notebook': nb.name,
                                      'cell': grade.name, 'score': grade.score, 'max_score': grade.max_score})
    rows.sort(key=lambda r: (r['assignment'], r['student']))
    cells.sort(key=lambda r: (r['assignment'], r['student'], r['cell']))
    write_csv(os.path.join(COURSE, 'grades.csv'), rows)
    write_csv(os.path.join(COURSE, 'grades-cells.csv'), cells)
    write_html(os.path.join(COURSE, 'grades.html'), rows, cells)
    for r in rows:
        print(f'{r["assignment"]:<22} {r["student"]:<16} {r["score"]:g} / {r["max_score"]:g}')
    print(f'Grades: {SHOWN}/grades.csv (per submission), {SHOWN}/grades-cells.csv (per graded cell), '
          f'{SHOWN}/grades.html; feedback for students: {SHOWN}/feedback/.')


def write_csv(path, rows):
    tmp = path + '.tmp'
    with open(tmp, 'w', newline='', encoding='utf-8') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ['student'])
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)


def write_html(path, rows, cells):
    by_cell = {}
    for c in cells:
        by_cell.setdefault((c['assignment'], c['student']), []).append(c)
    parts = ['<!doctype html><meta charset="utf-8"><title>Grades</title>',
             '<style>body{font-family:sans-serif}td,th{padding:2px 8px;border-bottom:1px solid #ddd}'
             '.lost{color:#b00;font-weight:bold}</style><h1>Grades</h1>',
             '<table><tr><th>assignment</th><th>student</th><th>score</th><th>graded cells (score / max)</th></tr>']
    for r in rows:
        detail = ', '.join(
            f'<span class="{"lost" if c["score"] < c["max_score"] else ""}">{html.escape(c["cell"])} {c["score"]:g}/{c["max_score"]:g}</span>'
            for c in by_cell.get((r['assignment'], r['student']), []))
        parts.append(f'<tr><td>{html.escape(r["assignment"])}</td><td>{html.escape(r["student"])}</td>'
                     f'<td>{r["score"]:g} / {r["max_score"]:g}</td><td>{detail}</td></tr>')
    parts.append('</table><p>Per-student feedback (each cell with its score and output): course/feedback/.</p>')
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('\n'.join(parts))
    os.replace(tmp, path)


def main(argv):
    if not argv or argv[0] not in ('release', 'autograde'):
        raise UsageError('usage: assignments.py release [NAME ...] | autograde FOLDER')
    if argv[0] == 'release':
        release(argv[1:])
    else:
        autograde(argv[1] if len(argv) > 1 else None)


if __name__ == '__main__':
    try:
        main(sys.argv[1:])
    except UsageError as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(2)
