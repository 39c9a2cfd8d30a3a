# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two transports of the IPS/IDM hand-off: the collection's own REST contract (`api`, options <admin>_url,
_user, _password; ContractClient) or a file an admin imports by hand (`file`, option dest; HandOffFile).

A hand-off file is one document: it is written whole and atomically, with a fixed mode, and only when what it
says or its mode would change. Every file problem fails naming `dest` (or the option that names the file) and the
cause, never with a traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.sapcloud.identity.plugins.module_utils.base import (
    ValidationError, check_base_url, new_module, require, run, tls_options)
from ansible_collections.sapcloud.identity.plugins.module_utils.transport import HttpClient, create_confirmed, decode_json


def read_text(path, parameter='dest'):
    """A file's text, or None when it does not exist; any other problem fails naming parameter."""
    try:
        with open(path, 'rb') as handle:
            return handle.read().decode('utf-8')
    except (IOError, OSError) as exc:
        if not os.path.lexists(path):
            return None
        raise ValidationError('%s: cannot read %s: %s' % (parameter, path, exc.strerror or exc))
    except UnicodeDecodeError:
        raise ValidationError('%s: %s is not UTF-8 text' % (parameter, path))


def file_mode(path):
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        return None


def check_dest(path, parameter='dest'):
    """dest must name a file in an existing, writable directory; checked before any request or write."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValidationError('%s must name a file, %s is a directory' % (parameter, path))
    parent = directory
    while not os.path.lexists(parent) and os.path.dirname(parent) != parent:
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise ValidationError('%s: %s is a file, not a directory, so %s cannot be created' % (parameter, parent, path))
    if parent != directory:
        raise ValidationError('%s: directory %s does not exist' % (parameter, directory))
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ValidationError('%s: directory %s is not writable (permission denied)' % (parameter, directory))


def write_text(path, text, mode, parameter='dest'):
    """Replace a file atomically with exactly these bytes and this mode."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.sapcloud-')
        os.fchmod(fd, mode)
        with os.fdopen(fd, 'wb') as handle:
            handle.write(text.encode('utf-8'))
        os.rename(tmp, path)
    except (IOError, OSError) as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise ValidationError('%s: cannot write %s: %s' % (parameter, path, exc.strerror or exc))


def remove(path, parameter='dest'):
    try:
        os.unlink(path)
    except (IOError, OSError) as exc:
        if os.path.lexists(path):
            raise ValidationError('%s: cannot remove %s: %s' % (parameter, path, exc.strerror or exc))


class HandOffFile:
    """The file at dest as a document for Ensure.replace: {'text', 'mode'}; view(text) is what is compared and
    shown in the diff (secrets masked by the Ensure's secret fields)."""

    def __init__(self, path, mode, view):
        self.path = path
        self.mode = mode
        self.text_view = view

    def current(self):
        text = read_text(self.path)
        return None if text is None else {'text': text, 'mode': file_mode(self.path)}

    def view(self, document):
        out = dict(self.text_view(document['text']))
        out['file_mode'] = '%04o' % document['mode'] if document['mode'] is not None else None
        return out

    def ensure(self, ensure, text):
        """Write text when what it says or the file's mode differs. Returns True when it (would have) changed."""
        ensure.replace(self.current(), {'text': text, 'mode': self.mode}, self._write, view=self.view)
        return ensure.changed

    def absent(self, ensure):
        current = self.current()
        return ensure.absent(None if current is None else self.view(current), lambda _view: remove(self.path))

    def _write(self, document):
        write_text(self.path, document['text'], self.mode)


class ContractClient:
    """One collection of the collection's own REST contract (docs/ips-idm-contract.md; the emulator implements it,
    no SAP system does): objects found by name and written as whole documents, as admin (<admin>_url, _user,
    _password)."""

    def __init__(self, params, admin, base_path, collection):
        base = check_base_url(params[admin + '_url'], admin + '_url')
        self.http = HttpClient(base + base_path, auth=(params[admin + '_user'], params[admin + '_password']),
                               **tls_options(params))
        self.collection = collection

    def path(self, object_id, *below):
        return '/'.join((self.collection, quote(str(object_id), safe='')) + below)

    def list(self, name=None):
        """All objects, or those named name (one request)."""
        body = self.http.get_json(self.collection, params={'name': name} if name else None)
        return body.get(self.collection, [])

    def find(self, name):
        found = self.list(name)
        return found[0] if found else None

    def create(self, document):
        def post():
            return decode_json(self.http.request('POST', self.collection, json_body=document))
        return create_confirmed(post, lambda: self.find(document['name']))

    def replace(self, object_id, document):
        return decode_json(self.http.request('PUT', self.path(object_id), json_body=document))

    def delete(self, object_id):
        self.http.request('DELETE', self.path(object_id), ok=(200, 204, 404))


def check_admin(params, admin, why):
    """The options <admin>_url, _user and _password of the collection's own REST contract."""
    names = tuple(admin + suffix for suffix in ('_url', '_user', '_password'))
    require(params, names, why)
    check_base_url(params[names[0]], names[0])


def check_transport(params, admin):
    """The options the chosen transport needs: those of check_admin for api, dest for file."""
    if params['transport'] == 'api':
        check_admin(params, admin, 'with transport=api')
    else:
        require(params, ('dest',), 'with transport=file')
        check_dest(params['dest'])


def run_hand_off(argument_spec, desired, apply_api, apply_file):
    """main() of a module with the two transports: desired(params) validates the input before any request, then
    apply_api or apply_file(module, desired) makes it so."""
    module = new_module(argument_spec, supports_check_mode=True)

    def body(module):
        apply = apply_api if module.params['transport'] == 'api' else apply_file
        return apply(module, desired(module.params))

    run(module, body)
