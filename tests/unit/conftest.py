"""Unit tests import the collection through Ansible's collection finder, installed once before any test module.

Some tests load plugins by name (which needs the finder), others import module_utils directly; if a direct import
ran first, `ansible_collections` would be a plain namespace package and the finder would fail on it later.
"""

import os
import sys

import pytest
from ansible.plugins.loader import init_plugin_loader

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ROOT = os.path.join(REPO, '.build', 'collections')
LINK = os.path.join(ROOT, 'ansible_collections', 'sapcloud', 'identity')
if not os.path.exists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(REPO, LINK)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
init_plugin_loader([ROOT])

sys.path.insert(0, os.path.join(REPO, 'tests'))
from emulator.core import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from emulator.services.s4 import S4Tenant  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='module')
def running():
    """An emulated S/4HANA Cloud tenant in this process, on a free loopback port, for one test module."""
    emulator = Emulator([{'name': 's4', 'kind': 's4'}], {'s4': S4Tenant})
    emulator.start()
    yield emulator
    emulator.stop()
