"""The base of every form: Flask-WTF's, with its CSRF field rendered without an id.

A page often holds several small forms (approve, reissue, cancel...) each with its hidden
CSRF field; with WTForms' default id="csrf_token" on each, the page repeats an id, which
HTML forbids. Nothing looks the field up by id: the forms post it by name.
"""
from __future__ import annotations

from flask_wtf import FlaskForm as _FlaskForm


class FlaskForm(_FlaskForm):
    class Meta(_FlaskForm.Meta):
        def render_field(self, field, render_kw):
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)
