"""A self-contained HTML page (a map, the report) as a string that Jupyter shows inline.

>>> page = HtmlPage("<!DOCTYPE html><html><body>é & <b>ok</b></body></html>", notes=["note"])
>>> page.startswith("<!DOCTYPE html>"), page.notes
(True, ['note'])
>>> "srcdoc=" in page._repr_html_() and "&lt;b&gt;ok" in page._repr_html_()
True
>>> class Printer:   # IPython's plain-text form (kept in a saved notebook next to the HTML one)
...     text = print
>>> page._repr_pretty_(Printer, cycle=False)
<HtmlPage: 54 characters>
"""

from __future__ import annotations

from html import escape


class HtmlPage(str):
    """The page's HTML (a ``str``: write it, search it) that displays itself in a notebook, isolated in an
    iframe; ``notes`` are the warnings the page shows (for the command line)."""

    height = 640

    def __new__(cls, html: str, notes: list[str] | None = None, height: int | None = None):
        page = super().__new__(cls, html)
        page.notes = list(notes or [])
        if height:
            page.height = height
        return page

    def _repr_pretty_(self, p, cycle) -> None:
        # IPython's plain-text form, kept next to the HTML one in a saved notebook: not the page again.
        p.text(f"<HtmlPage: {len(self):,} characters>")

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{escape(str(self), quote=True)}" style="width:100%;height:{self.height}px;'
                'border:1px solid #ccc" sandbox="allow-scripts allow-same-origin"></iframe>')
