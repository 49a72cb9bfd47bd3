"""nbgrader's ``Execute`` step, made to survive a kernel that dies in the middle of a notebook.

Stock nbgrader (through nbclient) gives up on the whole notebook with ``DeadKernelError`` when
the kernel process disappears: ``os._exit`` in a learner's cell, a segfault in native code, the
out-of-memory killer. Nothing gets a score then, not even the questions that were answered.

:class:`SurvivingExecute` runs the notebook as usual and, only after such a death,

1. gives the cell that was running an error output (``DeadKernelError: ...``), so nbgrader
   scores it like any failing cell: a test cell gets 0, and an answer cell's error is shown
   next to the test that needed it;
2. starts a fresh kernel and silently re-runs the cells above it that had completed, so the
   setup and the other answers exist again (their recorded outputs are kept as they were);
3. goes on with the next cell.

A notebook whose kernel never dies pays nothing for this. Used by
:mod:`minitf.grading.autograde` and by ``nbgrader_config.py`` for a stock ``nbgrader autograde``.
"""
from __future__ import annotations

import copy

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

DEATH_MESSAGE = ("the kernel died in this cell (os._exit, a crash, or out of memory); "
                 "a new kernel graded the cells after it")


class SurvivingExecute(Execute):
    """``Execute`` that restarts a dead kernel and carries on (see the module docstring)."""

    def preprocess(self, nb, resources=None, km=None):
        self._completed: list[int] = []
        self.kernel_deaths = 0
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        try:
            result = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.kernel_deaths += 1
            self.log.warning("kernel died in cell %d; restarting it", index)
            cell.outputs.append(NotebookNode(
                output_type="error", ename="DeadKernelError", evalue=DEATH_MESSAGE,
                traceback=[f"DeadKernelError: {DEATH_MESSAGE}"]))
            self._restart_and_replay()
            return cell, self.resources
        if cell.cell_type == "code":
            self._completed.append(index)
        return result

    def _restart_and_replay(self) -> None:
        """A new kernel with the state of the cells that completed so far, outputs untouched.

        A cell that timed out is not run again (it would only time out again). Should a cell
        that completed before kill the new kernel, it is left out and the replay starts over.
        """
        self._cleanup_kernel()          # tidies the dead process and drops km and kc
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        self._completed = [i for i in self._completed if not _timed_out(self.nb.cells[i])]
        for position, index in enumerate(self._completed):
            try:
                self.execute_cell(copy.deepcopy(self.nb.cells[index]), index, store_history=False)
            except DeadKernelError:
                self.kernel_deaths += 1
                del self._completed[position]
                self._restart_and_replay()
                return


def _timed_out(cell) -> bool:
    return any(out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError"
               for out in cell.get("outputs", []))
