"""The shape of the code, read from the source: module_utils layers import only the layers before them, and the
modules use the engine through its methods and no other file's private names (issue 20)."""

import ast
import inspect
import os

import pytest

from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Ensure

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODULE_UTILS = os.path.join(ROOT, 'plugins', 'module_utils')
MODULES = os.path.join(ROOT, 'plugins', 'modules')
PACKAGE = 'ansible_collections.sapcloud.identity.plugins.module_utils'
# Each layer may import the ones before it (and itself); nothing may import a later one.
LAYERS = ('errors', 'checks', 'options', 'protocols', 'codecs', 'clients', 'engine', 'plumbing')


def layer_of(dotted):
    """The layer of a module_utils module given as its path below module_utils ('protocols.oauth' -> 'protocols')."""
    return dotted.split('.')[0]


def python_files(top):
    for folder, _dirs, files in os.walk(top):
        for name in sorted(files):
            if name.endswith('.py') and name != '__init__.py':
                yield os.path.join(folder, name)


def collection_imports(tree):
    """(module path below module_utils, imported names) for each import from module_utils."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            below = node.module[len(PACKAGE):].lstrip('.')
            for alias in node.names:
                yield (below + '.' + alias.name).lstrip('.') if not below else below, alias.name


def parse(path):
    with open(path) as handle:
        return ast.parse(handle.read(), path)


@pytest.mark.parametrize('path', list(python_files(MODULE_UTILS)), ids=lambda p: os.path.relpath(p, MODULE_UTILS))
def test_a_layer_imports_only_the_layers_before_it(path):
    own = layer_of(os.path.relpath(path, MODULE_UTILS)[:-3].replace(os.sep, '.'))
    assert own in LAYERS, '%s is in no layer; add it to LAYERS or move it' % path
    later = [below for below, _name in collection_imports(parse(path))
             if LAYERS.index(layer_of(below)) > LAYERS.index(own)]
    assert not later, '%s (layer %s) imports from later layers: %s' % (path, own, later)


def engine_names(tree):
    """Names a module binds to an Ensure (ensure = Ensure(...))."""
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == 'Ensure'):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


ENGINE_METHODS = set(name for name, member in inspect.getmembers(Ensure, inspect.isfunction)
                     if not name.startswith('_'))


@pytest.mark.parametrize('path', list(python_files(MODULES)), ids=os.path.basename)
def test_a_module_uses_the_engine_through_methods_and_no_private_names(path):
    tree = parse(path)
    bound = engine_names(tree)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in bound and node.attr not in ENGINE_METHODS:
                problems.append('line %d reads %s.%s, not a method of Ensure' % (node.lineno, node.value.id, node.attr))
            if node.attr.startswith('_') and not node.attr.startswith('__') and node.value.id not in ('self', 'cls'):
                problems.append('line %d reads the private name %s.%s' % (node.lineno, node.value.id, node.attr))
    problems += ['imports the private name %s from %s' % (name, below)
                 for below, name in collection_imports(tree) if name.startswith('_')]
    assert not problems, '%s: %s' % (os.path.basename(path), '; '.join(problems))


def test_the_checks_see_what_they_look_for():
    """The two scans above on code that breaks each rule, so a scan that matches nothing cannot pass for clean."""
    bad = ast.parse('ensure = Ensure(module)\nensure.applied\nclient._session\n'
                    'from %s.protocols.http_client import _private\n' % PACKAGE)
    assert engine_names(bad) == {'ensure'}
    assert 'applied' not in ENGINE_METHODS and 'result' in ENGINE_METHODS
    assert ('protocols.http_client', '_private') in list(collection_imports(bad))
    assert LAYERS.index(layer_of('plumbing.module')) > LAYERS.index(layer_of('protocols.http_client'))
