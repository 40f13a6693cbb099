"""The ``/ui`` dashboard's renderers (charts, pages) and templates (``page.html``, ``style.css``).

The routes are in ``gates/service/_ui.py``; ``gates history page`` uses :func:`trend_document`
without the service running.
"""
