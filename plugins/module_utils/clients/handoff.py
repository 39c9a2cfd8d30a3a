# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two transports of the IPS/IDM hand-off: the collection's own REST contract (`api`, options <admin>_url,
_user, _password; ContractClient) or a file an admin imports by hand (`file`, option dest; HandOffFile).

A hand-off file is one document: it is written whole and atomically (a temporary file in the same directory, then
a rename), with a fixed mode, and only when what it says or its mode would change. An existing file is replaced or
removed only when it is the collection's own document of that kind, a regular file (never a symbolic link, which
is not followed) and owned by the user the task runs as; anything else is refused unless the user sets
`force: true`. The refusal comes before any write, in check mode too, so check mode says what a real run does.
Every file problem fails naming `dest` (or the option that names the file) and the cause, never with a traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import re
import stat
import tempfile

from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url, require
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.options import tls_options
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import (
    HttpClient, create_confirmed, decode_json)


def read_text(path, parameter='dest', follow=True):
    """A file's text, or None when it does not exist; any other problem fails naming parameter. With
    follow=False a symbolic link is not opened (the caller refuses links before reading)."""
    flags = os.O_RDONLY | (0 if follow else getattr(os, 'O_NOFOLLOW', 0))
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, 'rb') as handle:
            return handle.read().decode('utf-8')
    except (IOError, OSError) as exc:
        if not os.path.lexists(path):
            return None
        raise ValidationError('%s: cannot read %s: %s' % (parameter, path, exc.strerror or exc))
    except UnicodeDecodeError:
        raise ValidationError('%s: %s is not UTF-8 text' % (parameter, path))


def file_mode(path):
    """The permission bits of path itself (a symbolic link is not followed), or None when it does not exist."""
    try:
        return os.lstat(path).st_mode & 0o7777
    except OSError:
        return None


def foreign(path):
    """Why the existing path is not a file this collection may replace as it is, or None (also when missing)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        return 'cannot be inspected (%s)' % (exc.strerror or exc)
    if stat.S_ISLNK(info.st_mode):
        return 'is a symbolic link to %s (a hand-off file is never written through a link)' % os.readlink(path)
    if not stat.S_ISREG(info.st_mode):
        return 'is not a regular file'
    if hasattr(os, 'geteuid') and info.st_uid != os.geteuid():
        return 'belongs to user id %d, not to the user the task runs as (%d)' % (info.st_uid, os.geteuid())
    return None


def parse_mode(value, option, world_writable=False):
    """An octal permission string as ansible.builtin.file takes it ('0644', '644', '0o644') as an int, limited to
    the permission bits: setuid, setgid and sticky are refused, and so is write access for every user unless
    world_writable is set. Anything else (negative, symbolic, blanks) fails naming option before any write."""
    text = value if isinstance(value, str) else ''
    match = re.fullmatch(r'(?:0o?)?([0-7]{1,4})', text)
    mode = int(match.group(1), 8) if match else None
    if mode is None:
        raise ValidationError('%s must be an octal mode such as 0644, got %r' % (option, value))
    if mode & 0o7000:
        raise ValidationError('%s %s sets the setuid, setgid or sticky bit, which a report or hand-off file never '
                              'needs; give permission bits only (at most 0777)' % (option, value))
    if mode & 0o002 and not world_writable:
        raise ValidationError('%s %s lets every user write; give a mode without write access for others, or set '
                              'world_writable: true to ask for it' % (option, value))
    return mode


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
            handle.flush()
            os.fsync(handle.fileno())  # the new content is on disk before the rename makes it the file
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
    shown in the diff (secrets masked by the Ensure's secret fields). owned(text) says whether a file's text is the
    collection's own document of this kind (`what`, for messages); force=True replaces or removes anything else."""

    def __init__(self, path, mode, view, owned, what, force=False, parameter='dest'):
        self.path = path
        self.mode = mode
        self.text_view = view
        self.owned = owned
        self.what = what
        self.force = force
        self.parameter = parameter

    def current(self):
        """The file as a document, None when missing; a file that is not ours fails unless force is set."""
        problem = foreign(self.path)
        text = None if problem else read_text(self.path, self.parameter, follow=False)
        if text is None and not problem:
            return None
        if not problem and not self.owned(text):
            problem = 'is not %s written by this collection' % self.what
        if problem and not self.force:
            raise ValidationError('%s: %s %s; refusing to replace or remove it (set force: true to do so)'
                                  % (self.parameter, self.path, problem))
        return {'text': text, 'mode': file_mode(self.path), 'foreign': problem}

    def view(self, document):
        if document.get('foreign'):
            out = {'content': 'a file that %s' % document['foreign']}
        else:
            out = dict(self.text_view(document['text']))
        out['file_mode'] = '%04o' % document['mode'] if document['mode'] is not None else None
        return out

    def ensure(self, ensure, text):
        """Write text when what it says or the file's mode differs. Returns True when it (would have) changed."""
        _document, changed = ensure.replace(self.current(), {'text': text, 'mode': self.mode}, self._write,
                                            view=self.view)
        return bool(changed)

    def absent(self, ensure):
        current = self.current()
        return ensure.absent(None if current is None else self.view(current),
                             lambda _view: remove(self.path, self.parameter))

    def _write(self, document):
        write_text(self.path, document['text'], self.mode, self.parameter)


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

    def ensure_document(self, ensure, current, desired, view, write_only, update_password):
        """Create the object or replace it as a whole when view(current) differs from desired.target(current), through
        ensure; a create sends the secrets, a replace only with update_password=always. The object as written."""
        def create(_target):
            return self.create(desired.to_send(send_secrets=True))

        def replace(_target):
            return self.replace(current['id'], desired.to_send(current, send_secrets=update_password == 'always'))

        written, _changed = ensure.replace(current, desired.target(current), replace, write_only=write_only,
                                           update_password=update_password, create=create, view=view)
        return written

    def absent(self, ensure, current, view):
        """Delete current (an object as find returned it, or None) through ensure, which compares view(current)."""
        return ensure.absent(view(current), lambda _view: self.delete(current['id']))


def hand_off_argument_spec():
    """Options of the sapcloud.identity.hand_off doc fragment (each module documents dest itself), and the state and
    update_password every hand-off module has (each documents them: what they keep differs)."""
    return dict(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
        transport=dict(type='str', default='file', choices=['api', 'file']),
        dest=dict(type='path'),
        force=dict(type='bool', default=False),
    )


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
