"""Figures that every student can read.

Why: each lesson figure needs the same things (a colour-blind-safe palette, labelled axes,
a caption that states the finding, alt text for screen readers) and the same deterministic
output for nbval. Keeping that here means a lesson cell only draws.
"""
from __future__ import annotations

import base64
import html
import io

__all__ = ["PALETTE", "new_figure", "show"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with common colour-vision
# deficiencies. Order chosen so the first two contrast strongly.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}


def new_figure(width: float = 7.0, height: float = 3.8):
    """A figure and axes in the course style, with the course palette as the colour cycle."""
    import matplotlib.pyplot as plt
    from cycler import cycler

    with plt.rc_context({**_STYLE, "axes.prop_cycle": cycler(color=PALETTE)}):
        fig, ax = plt.subplots(figsize=(width, height))
    ax.set_prop_cycle(color=PALETTE)
    return fig, ax


class Figure:
    """A rendered figure with its description, shown as an image with alt text and caption."""

    def __init__(self, png: bytes, alt: str, caption: str):
        self.png, self.alt, self.caption = png, alt, caption

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<figure class="course-figure"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(self.alt, quote=True)}"/>'
                f"<figcaption>{html.escape(self.caption)}</figcaption></figure>")

    def __repr__(self) -> str:
        return f"Figure: {self.caption}\nDescription: {self.alt}"


def show(fig, alt: str, caption: str) -> Figure:
    """Render ``fig`` to PNG and return it with its alt text and caption for display.

    The caption says what the figure shows and its limits; ``alt`` describes it for someone
    who cannot see it. Both are required: an undescribed figure is a bug in a lesson.
    """
    import matplotlib.pyplot as plt

    if not (isinstance(alt, str) and alt.strip() and isinstance(caption, str) and caption.strip()):
        raise ValueError("show(fig, alt=..., caption=...) needs a non-empty alt text and caption.")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return Figure(buffer.getvalue(), alt.strip(), caption.strip())
