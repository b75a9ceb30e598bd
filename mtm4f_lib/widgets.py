"""ipywidgets modality toggles over pure library functions, testable headless.

``ModalityToggles(compute)`` shows one checkbox per modality; whenever the ticked set changes it
calls ``compute(modalities)`` and shows what it returns. ``controls`` adds named widgets (e.g. a
slider of missing rates) whose values go to ``compute`` as keyword arguments. Set
``toggles.checkboxes[name].value`` (or ``toggles.controls[name].value``) in a test and read ``toggles.result``.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display

from .data.modalities import MODALITIES


class ModalityToggles:
    def __init__(self, compute: Callable[..., object], initial=MODALITIES, description: str = "Modalities:", controls: dict | None = None):
        self.compute = compute
        self.checkboxes = {m: widgets.Checkbox(value=m in initial, description=m, indent=False, layout=widgets.Layout(width="110px")) for m in MODALITIES}
        self.controls = dict(controls or {})
        self.output = widgets.Output()
        self.result = None
        for box in (*self.checkboxes.values(), *self.controls.values()):
            box.observe(self._update, names="value")
        rows = [widgets.HBox([widgets.Label(description), *self.checkboxes.values()]), *self.controls.values(), self.output]
        self.widget = widgets.VBox(rows)
        self._update()

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(m for m, box in self.checkboxes.items() if box.value)

    def _update(self, _change=None) -> None:
        """Recompute and replace the shown result; the output widget's state is set in the kernel, so
        nothing depends on a front end capturing messages (a headless run has none)."""
        self.result = self.compute(self.selected, **{name: box.value for name, box in self.controls.items()}) if self.selected else None
        self.output.outputs = ()
        self.output.append_display_data(self.result if self.result is not None else "Tick at least one modality.")

    def _ipython_display_(self):
        display(self.widget)
