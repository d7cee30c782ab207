# nbgrader's settings for this course: read by the nbgrader commands that `npm run assignments`
# and `npm run autograde` run from the project root, and by JupyterLab's nbgrader extension when
# Lab starts here (npm run lab). See docs/teaching.md.
import time

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The course folder: source/ (made from notebooks/ by scripts/assignments.py), release/ (the
# student editions), submitted/, autograded/, feedback/ and gradebook.db; all generated, all ignored.
import os
# GAN_COURSE_DIR moves the generated folders elsewhere (the test suite grades in build/test-course/);
# keep it inside the project, so that the notebooks there still find node_modules.
c.CourseDirectory.root = os.environ.get('GAN_COURSE_DIR') or os.path.join(os.path.dirname(os.path.abspath(__file__)), 'course')
c.CourseDirectory.course_id = 'gan-lab'

# nbgrader has code stubs for Python, R, MATLAB, Octave, SAS and Java only; without one for the
# notebooks' language, generate_assignment stops with "language 'typescript' has not been
# specified in ClearSolutions.code_stub". The stub keeps the function compiling and fails loudly.
c.ClearSolutions.code_stub = {'typescript': '// YOUR CODE HERE\nthrow new Error("not implemented: write this part (see the comment above)");'}

# A graded cell may train a little (quick mode); a cell that runs longer than this scores 0.
c.Execute.timeout = 180


def _record_tslab_error(self, **kwargs):
    """nbgrader's Execute.on_cell_executed, made safe for tslab.

    tslab's error reply is only {"status": "error", "execution_count": N}: no ename, evalue or
    traceback, so nbgrader's own hook raises KeyError('ename') and drops the whole submission.
    Here the missing fields get defaults and the cell gets an error output (so it scores 0).
    tslab also aborts every request that arrives within 200 ms of an error (its execQueue.reset(200)),
    and an aborted cell would score full marks without running; waiting 300 ms after an error lets
    the next cell run, and an 'abort' reply that still happens is recorded as an error too.
    """
    cell = kwargs['cell']
    content = kwargs['execute_reply']['content']
    status = content.get('status')
    if status not in ('error', 'abort'):
        return
    if not any(output.output_type == 'error' for output in cell.outputs):
        ename = content.get('ename') or ('CellAborted' if status == 'abort' else 'Error')
        evalue = content.get('evalue') or ('the kernel did not run this cell' if status == 'abort' else 'the cell failed (its message is in the output above)')
        cell.outputs.append(NotebookNode(output_type='error', ename=ename, evalue=evalue,
                                         traceback=content.get('traceback') or [f'{ename}: {evalue}']))
    if status == 'error':
        time.sleep(0.3)


Execute.on_cell_executed = _record_tslab_error
