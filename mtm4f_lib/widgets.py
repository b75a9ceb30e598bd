"""ipywidgets modality toggles over pure library functions, testable headless.

``ModalityToggles(compute)`` shows one checkbox per modality; whenever the ticked set changes it
calls ``compute(modalities)`` and shows what it returns. Set ``toggles.checkboxes[name].value`` in a
test and read ``toggles.result``.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display

from .data.modalities import MODALITIES


class ModalityToggles:
    def __init__(self, compute: Callable[[tuple[str, ...]], object], initial=MODALITIES, description: str = "Modalities:"):
        self.compute = compute
        self.checkboxes = {m: widgets.Checkbox(value=m in initial, description=m, indent=False, layout=widgets.Layout(width="110px")) for m in MODALITIES}
        self.output = widgets.Output()
        self.result = None
        for box in self.checkboxes.values():
            box.observe(self._update, names="value")
        self.widget = widgets.VBox([widgets.HBox([widgets.Label(description), *self.checkboxes.values()]), self.output])
        self._update()

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(m for m, box in self.checkboxes.items() if box.value)

    def _update(self, _change=None) -> None:
        """Recompute and replace the shown result; the output widget's state is set in the kernel, so
        nothing depends on a front end capturing messages (a headless run has none)."""
        self.result = self.compute(self.selected) if self.selected else None
        self.output.outputs = ()
        self.output.append_display_data(self.result if self.result is not None else "Tick at least one modality.")

    def _ipython_display_(self):
        display(self.widget)
