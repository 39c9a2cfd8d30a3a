"""Every module and plugin says in which release it came, and that agrees with the changelog: a version_added that
names a release of changelogs/changelog.yaml lists the plugin there; any other is the coming release (galaxy.yml's
version, not released yet), and then no release lists it."""

import glob
import os
import re

import pytest
import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PLUGINS = sorted(glob.glob(os.path.join(REPO, 'plugins', 'modules', '*.py'))
                 + glob.glob(os.path.join(REPO, 'plugins', 'lookup', '*.py'))
                 + glob.glob(os.path.join(REPO, 'plugins', 'filter', '*.yml')))


def load(*parts):
    with open(os.path.join(REPO, *parts)) as handle:
        return yaml.safe_load(handle)


def released():
    """{(plugin type, name): the release whose changelog lists it}."""
    listed = {}
    for version, release in load('changelogs', 'changelog.yaml')['releases'].items():
        for module in release.get('modules', []):
            listed[('module', module['name'])] = version
        for kind, plugins in release.get('plugins', {}).items():
            listed.update(((kind, plugin['name']), version) for plugin in plugins)
    return listed


def kind_and_name(path):
    folder = os.path.basename(os.path.dirname(path))
    return {'modules': 'module'}.get(folder, folder), os.path.splitext(os.path.basename(path))[0]


def test_the_coming_release_is_not_released_yet():
    coming = load('galaxy.yml')['version']
    assert coming not in load('changelogs', 'changelog.yaml')['releases']


@pytest.mark.parametrize('path', PLUGINS, ids=[os.path.relpath(p, REPO) for p in PLUGINS])
def test_version_added_matches_the_changelog(path):
    with open(path) as handle:
        found = re.search(r'''version_added:\s*['"]?([0-9.]+)''', handle.read())
    assert found, 'no version_added'
    version_added = found.group(1)
    release = released().get(kind_and_name(path))
    if release:
        assert version_added == release, 'the changelog lists it in %s' % release
    else:
        assert version_added == load('galaxy.yml')['version'], 'no release lists it: it comes with galaxy.yml version'
