"""The server's share of a first render (issue 10): Bokeh's immutable property defaults looked up once per
model class, with the same values Bokeh gives, mutable defaults still made per instance, themes still
applied; the templates compiled and a throwaway page built at the server's start, reading no project."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from bokeh.core.property.descriptors import PropertyDescriptor
from bokeh.document import Document
from bokeh.model import Model
from bokeh.models import Button, Column, DataTable, Div, Select, Tabs, TextInput
from bokeh.themes import Theme

from studio_kit.templating import compile_all, environment
from studio_kit.ui.server_speed import cache_stable_bokeh_defaults

MODELS = (Button, Column, DataTable, Div, Select, Tabs, TextInput)


@pytest.fixture
def cached(monkeypatch):
    """The cache switched on, on a fresh cache; Bokeh's own method back afterwards."""
    original = getattr(PropertyDescriptor._get_default, "__wrapped__", PropertyDescriptor._get_default)
    monkeypatch.setattr(PropertyDescriptor, "_get_default", original)
    cache_stable_bokeh_defaults()
    cache_stable_bokeh_defaults()                                     # once only
    assert PropertyDescriptor._get_default.__wrapped__ is original
    return original, PropertyDescriptor._get_default.cache


def _defaults(model) -> dict:
    return {name: getattr(model, name) for name in model.properties() if name not in model._property_values}


def test_cached_defaults_equal_bokehs_and_mutable_ones_stay_per_instance(cached):
    original, cache = cached
    for cls in MODELS:
        first, second = cls(), cls()
        got, again = _defaults(first), _defaults(second)
        fresh = cls()
        for name, value in got.items():
            bokehs = original(fresh.lookup(name), fresh)             # Bokeh's own look-up, a fresh instance
            if isinstance(value, Model):                             # a model default: each instance its own
                assert type(value) is type(bokehs) is type(again[name]) and value is not again[name]
            else:
                assert value == again[name] == bokehs, (cls.__name__, name)
    assert cache, "no default was kept"
    assert all(type(v) in (type(None), bool, int, float, str, bytes, tuple) for v in cache.values())
    # a list default is the instance's own: changing one model's list leaves the other's as it was
    a, b = Div(), Div()
    assert a.css_classes is not b.css_classes
    a.css_classes.append("mine")
    assert b.css_classes == [] and Div().css_classes == []
    c, d = Column(), Column()
    assert c.children is not d.children


def test_a_themed_property_comes_from_the_theme_not_the_cache(cached):
    _, cache = cached
    plain = Div()
    assert plain.width is None and plain.margin == 5 and (Div, "width") in cache
    doc = Document()
    doc.theme = Theme(json={"attrs": {"Div": {"width": 333, "margin": 7}}})
    themed = Div()
    doc.add_root(themed)
    assert (themed.width, themed.margin) == (333, 7)
    assert (Div().width, Div().margin) == (None, 5)                  # the cache still holds Bokeh's defaults
    doc.remove_root(themed)


def test_the_templates_compile_and_the_warm_up_reads_no_project(tmp_path):
    assert compile_all() == len(environment().list_templates(extensions=["j2"])) >= 20
    home = tmp_path / "home"
    home.mkdir()
    code = ("import panel as pn; before = dict(pn.config.param.values()); import studio_kit.ui.preload; "
            "from bokeh.core.property.descriptors import PropertyDescriptor as D; "
            "after = dict(pn.config.param.values()); "
            "print(getattr(D._get_default, 'caches_stable_defaults', False), len(D._get_default.cache), "
            "[k for k in after if after[k] != before.get(k)] == [])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "STUDIO_HOME": str(home)})
    flag, kept, same_config = run.stdout.split()
    assert flag == "True" and int(kept) > 200                        # the throwaway page filled the cache
    assert same_config == "True"                                     # no setting of the server's changed
    assert "warm-up skipped" not in run.stderr
    assert list(home.iterdir()) == []                                # no store, no settings written
