"""A countdown for pair work in class: ``timer(minutes=5)``.

Why: "three minutes in pairs" runs over when nobody watches the clock. The timer is a widget:
Start, Pause and Reset buttons, the time left in large digits and a bar. The ticking happens
in the browser (ipywidgets' Play widget, kept out of sight, linked to the bar in the page), so
a busy kernel does not stop the bar; the digits follow each tick. Nothing is recorded.
"""
from __future__ import annotations

import math
import numbers

__all__ = ["timer", "TimerInputError", "clock", "seconds_of"]

MAX_MINUTES = 180


class TimerInputError(ValueError):
    """timer() was given a time it cannot count down; the message says what to type."""


def seconds_of(minutes=5, seconds=0) -> int:
    """The whole number of seconds to count down, or TimerInputError saying what is wrong."""
    total = 0.0
    for name, value, factor in (("minutes", minutes, 60), ("seconds", seconds, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TimerInputError(f"{name} is a number, e.g. timer(minutes=5), not {type(value).__name__}.")
        if not math.isfinite(float(value)) or value < 0:
            raise TimerInputError(f"{name}={value} cannot be counted down; give 0 or more, e.g. timer(minutes=3).")
        total += float(value) * factor
    whole = int(round(total))
    if whole < 1:
        raise TimerInputError("The timer needs at least one second, e.g. timer(minutes=5).")
    if whole > MAX_MINUTES * 60:
        raise TimerInputError(f"That is longer than {MAX_MINUTES} minutes; a class timer counts down less.")
    return whole


def clock(seconds: int) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _timer_widget(total: int, label: str):
    import html

    import ipywidgets as w

    class CountdownTimer(w.VBox):
        def __init__(self):
            super().__init__()
            self.total = total
            self.add_class("course-timer")
            self.play = w.Play(value=0, min=0, max=total, step=1, interval=1000, show_repeat=False,
                               description="Timer ticks", layout=w.Layout(display="none"))
            self.bar = w.IntProgress(value=0, min=0, max=total, description="Time used:",
                                     style={"description_width": "initial"}, layout=w.Layout(width="100%"))
            w.jslink((self.play, "value"), (self.bar, "value"))
            self.face = w.HTML(value="")
            self.start_button = w.Button(description="Start", button_style="primary", tooltip="Start the countdown")
            self.pause_button = w.Button(description="Pause", tooltip="Pause the countdown")
            self.reset_button = w.Button(description="Reset", tooltip="Back to the full time")
            self.start_button.on_click(self.start)
            self.pause_button.on_click(self.pause)
            self.reset_button.on_click(self.reset)
            self.play.observe(self._tick, names="value")
            self.children = [self.face, self.bar, w.HBox([self.start_button, self.pause_button, self.reset_button]),
                             self.play]
            self._draw(0)

        def _draw(self, used: int) -> None:
            left = self.total - used
            done = left <= 0
            text = "Time is up" if done else f"{clock(left)} left"
            colour = "#D55E00" if done else "#1a1a1a"
            self.face.value = (f'<div class="course-timer-face" style="font-size:2.4em;font-weight:bold;color:{colour};'
                               f'font-variant-numeric:tabular-nums"><span class="course-timer-label">'
                               f'{html.escape(label)}:</span> <span class="course-timer-left">{text}</span></div>')

        def _tick(self, change) -> None:
            self._draw(int(change["new"]))

        def start(self, _button=None) -> None:
            if self.play.value >= self.total:
                self.play.value = 0
            self.play.playing = True

        def pause(self, _button=None) -> None:
            self.play.playing = False

        def reset(self, _button=None) -> None:
            self.play.playing = False
            self.play.value = 0
            self._draw(0)

        def __repr__(self) -> str:
            return f"Countdown timer {clock(self.total)} (interactive)"

    return CountdownTimer()


_LAST: list = []  # the timer shown last (kernel-side handle for scripts and tests)


def timer(minutes=5, seconds=0, *, label: str = "Pair work") -> None:
    """Show a countdown, e.g. ``timer(minutes=5)`` or ``timer(minutes=2, seconds=30)``, and
    press Start. A bad time gets a message, not a traceback."""
    from IPython.display import display

    try:
        total = seconds_of(minutes, seconds)
    except TimerInputError as err:
        display({"text/plain": f"\u26a0 timer(): {err}"}, raw=True)
        return
    widget = _timer_widget(total, str(label)[:60] or "Time")
    _LAST[:] = [widget]
    display(widget)
