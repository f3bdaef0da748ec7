"""One small input class per question type, and the INPUTS table that picks one.

Why: the question widget used to build, read and fill its inputs in three parallel if-chains
over the seven types; a new type had to be added in all three, and a slip in one left a
widget that draws but cannot be answered. Each class here does the three things for one
type: ``body`` (the widgets drawn between the prompt and the buttons), ``answer()`` (the raw
answer in the format ``helpers.questions.evaluate`` takes) and ``set_answer(raw)`` (fill the
inputs from a recorded answer; unusable parts are left blank). ipywidgets is imported here,
and this module is imported on first use only, so ``import helpers`` stays light.
"""
from __future__ import annotations

import ipywidgets as w

from ..normalize import word_count
from .render import markdown, ordinal, plain

__all__ = ["INPUTS", "Input"]

LABEL = {"description_width": "initial"}
CHOOSE = ("\u2014 choose \u2014", None)


def _full():
    return w.Layout(width="auto", max_width="100%")


def _choose(box, value) -> None:
    """Select ``value`` in a dropdown or radio group if it is one of its options, else nothing."""
    values = [v for _, v in box.options]
    box.value = value if value in values else None


class Input:
    """The inputs of one question; subclasses fill ``boxes`` (the answerable widgets) and ``body``."""

    def __init__(self, q: dict):
        self.q = q
        self.boxes: list = []
        self.body: list = []

    def answer(self):
        return self.boxes[0].value

    def set_answer(self, raw) -> None:
        raise NotImplementedError


class SingleInput(Input):
    def __init__(self, q):
        super().__init__(q)
        box = w.RadioButtons(options=[(plain(o["text"]), o["id"]) for o in q["options"]], value=None,
                             description="Your answer:", style=LABEL, layout=_full())
        self.boxes, self.body = [box], [box]

    def set_answer(self, raw):
        _choose(self.boxes[0], raw if isinstance(raw, str) else None)


class MultiInput(Input):
    def __init__(self, q):
        super().__init__(q)
        self.boxes = [w.Checkbox(value=False, description=plain(o["text"]), indent=False, layout=_full())
                      for o in q["options"]]
        self.body = [w.Label(value="Tick every option that applies:"), *self.boxes]

    def answer(self):
        return [o["id"] for o, box in zip(self.q["options"], self.boxes) if box.value]

    def set_answer(self, raw):
        chosen = {v for v in raw if isinstance(v, str)} if isinstance(raw, (list, tuple, set)) else set()
        for option, box in zip(self.q["options"], self.boxes):
            box.value = option["id"] in chosen


class OrderInput(Input):
    def __init__(self, q):
        super().__init__(q)
        items = [(plain(i["text"]), i["id"]) for i in q["items"]]
        self.boxes = [w.Dropdown(options=[CHOOSE, *items], value=None, layout=_full(), style=LABEL,
                                 description=f"{ordinal(n)}{' (first)' if n == 1 else ''}:")
                      for n in range(1, len(items) + 1)]
        self.body = [w.Label(value="Choose which item comes at each position, first to last:"), *self.boxes]

    def answer(self):
        return [box.value for box in self.boxes]

    def set_answer(self, raw):
        raw = list(raw) if isinstance(raw, (list, tuple)) else []
        for n, box in enumerate(self.boxes):
            _choose(box, raw[n] if n < len(raw) else None)


class MatchInput(Input):
    def __init__(self, q):
        super().__init__(q)
        rights = [(plain(r["text"]), r["id"]) for r in q["right"]]
        for n, left in enumerate(q["left"], 1):
            dropdown = w.Dropdown(options=[CHOOSE, *rights], value=None, style=LABEL,
                                  description=f"Match for {n}:", layout=_full())
            self.boxes.append(dropdown)
            self.body += [w.HTML(value=f'<div class="course-match-item"><strong>{n}.</strong> '
                                       f'{markdown(left["text"])}</div>'), dropdown]

    def answer(self):
        return {left["id"]: box.value for left, box in zip(self.q["left"], self.boxes)}

    def set_answer(self, raw):
        raw = raw if isinstance(raw, dict) else {}
        for left, box in zip(self.q["left"], self.boxes):
            _choose(box, raw.get(left["id"]))


class NumericInput(Input):
    def __init__(self, q):
        super().__init__(q)
        unit = q.get("unit", "")
        box = w.Text(value="", description="Your answer:", placeholder=f"a number ({unit})",
                     style=LABEL, continuous_update=False)
        self.boxes, self.body = [box], [w.HBox([box, w.Label(value=unit)])]

    def set_answer(self, raw):
        self.boxes[0].value = "" if raw is None or isinstance(raw, bool) else str(raw)


class TextInput(Input):
    def __init__(self, q):
        super().__init__(q)
        box = w.Text(value="", description="Your answer:", placeholder="type a few words",
                     style=LABEL, continuous_update=False, layout=w.Layout(width="30em"))
        self.boxes, self.body = [box], [box]

    def set_answer(self, raw):
        self.boxes[0].value = raw if isinstance(raw, str) else ""


class ReflectionInput(TextInput):
    """A text area with a live word count; saved, not checked."""

    def __init__(self, q):
        Input.__init__(self, q)
        box = w.Textarea(value="", description="Your reflection:", rows=6, style=LABEL,
                         placeholder="Write a few sentences in your own words.", layout=w.Layout(width="100%"))
        self.words = w.Label(value="0 words")
        box.observe(self._count_words, names="value")
        self.boxes, self.body = [box], [box, self.words]

    def _count_words(self, change):
        value = change.get("new") if isinstance(change, dict) else getattr(change, "new", "")
        count = word_count(value if isinstance(value, str) else "")
        self.words.value = f"{count} word{'s' if count != 1 else ''}"


INPUTS = {"single": SingleInput, "multi": MultiInput, "order": OrderInput, "match": MatchInput,
          "numeric": NumericInput, "text": TextInput, "reflection": ReflectionInput}
