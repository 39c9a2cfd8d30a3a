# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: s4_password
author: sapcloud.identity contributors (@sapcloud)
version_added: 0.1.0
short_description: a communication user password that meets the S/4HANA Cloud policy, kept in a file
description:
  - Returns the password stored in the file named by the term. When the file does not exist, generates a password
    that meets the S/4HANA Cloud communication user policy and stores it there (mode 0600, directory 0700), so a
    later run returns the same password, as P(ansible.builtin.password#lookup) does.
  - "Generated passwords have at least 20 characters with an upper-case letter, a lower-case letter, a digit and a
    special character. They contain no comma (IPS rejects commas in user and password), no quote and no space, do
    not start with C(!) or C(?) and never repeat a character three times in a row (classic SAP logon rules)."
  - A stored password is checked against the same policy; a file that does not meet it is an error, never silently
    replaced.
  - Like every lookup, this runs on the controller as the user running the playbook.
options:
  _terms:
    description:
      - Path of the file that holds the password. A relative path is resolved like P(ansible.builtin.password#lookup)
        does (role files, then the playbook directory).
    required: true
    type: list
    elements: path
  length:
    description: Length of a generated password.
    type: int
    default: 24
  specials:
    description:
      - The special characters a generated password draws from.
      - Must not contain a comma, a quote or white space.
    type: str
    default: '-_.!*+#@'
  persist:
    description:
      - Store a generated password in the file.
      - C(false) returns a throw-away password without writing anything, e.g. in check mode, where nothing is
        created in S/4HANA either.
    type: bool
    default: true
notes:
  - The file contains the password only, on one line. Keep the directory out of version control, or encrypt the
    files with Ansible Vault; see the collection's docs/awx.md for jobs whose file system does not survive.
seealso:
  - plugin: ansible.builtin.password
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: Ensure the communication user with a persisted password
  sapcloud.identity.s4_comm_user:
    name: IDM_IPS_PROXY
    description: IPS proxy user for SAP Identity Management
    password: "{{ lookup('sapcloud.identity.s4_password', 'secrets/my300000/IDM_IPS_PROXY') }}"
  no_log: true

- name: A dry run leaves no password file behind
  ansible.builtin.set_fact:
    comm_password: "{{ lookup('sapcloud.identity.s4_password', 'secrets/user', persist=not ansible_check_mode) }}"
  no_log: true
'''

RETURN = r'''
_raw:
  description: One password per term.
  type: list
  elements: str
'''

import os
import re
import string
import tempfile
from secrets import SystemRandom

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.lookup import LookupBase
from ansible.utils.path import makedirs_safe

MIN_LENGTH = 20
FORBIDDEN = ',\'"`'
POLICY = ('at least %d characters with an upper-case letter, a lower-case letter, a digit and a special character; '
          'no comma, quote or white space' % MIN_LENGTH)


def policy_problems(password):
    """What keeps password from meeting the policy (empty when it does)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append('%d characters' % len(password))
    for pattern, what in ((r'[A-Z]', 'upper-case letter'), (r'[a-z]', 'lower-case letter'), (r'[0-9]', 'digit'),
                          (r'[^A-Za-z0-9]', 'special character')):
        if not re.search(pattern, password):
            problems.append('no %s' % what)
    if any(c in FORBIDDEN or c.isspace() for c in password):
        problems.append('a comma, quote or white space')
    return problems


def generate(length, specials, rng=None):
    """A password of `length` characters with every class present, a letter first and no character thrice in a row."""
    rng = rng or SystemRandom()
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, specials]
    alphabet = ''.join(classes)
    while True:
        chars = [rng.choice(c) for c in classes] + [rng.choice(alphabet) for _position in range(length - len(classes))]
        rng.shuffle(chars)
        password = ''.join(chars)
        if password[0].isalpha() and not re.search(r'(.)\1\1', password):
            return password


def read_password(path):
    with open(path, 'rb') as handle:
        return to_text(handle.read(), errors='surrogate_or_strict').rstrip('\r\n')


def store_new(path, password):
    """Create path holding password unless it exists; return what the file holds afterwards.

    The password is written to a temporary file first and linked into place, so a parallel fork either wins or
    reads the complete password of the fork that did.
    """
    directory = os.path.dirname(path) or '.'
    makedirs_safe(directory, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.s4_password-')
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(to_bytes(password + '\n', errors='surrogate_or_strict'))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return read_password(path)
    finally:
        os.unlink(tmp)
    return password


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        length = self.get_option('length')
        specials = self.get_option('specials')
        persist = self.get_option('persist')
        if length < MIN_LENGTH:
            raise AnsibleError('s4_password: length must be at least %d, got %d' % (MIN_LENGTH, length))
        if not specials or any(c in FORBIDDEN or c.isspace() or c.isalnum() for c in specials):
            raise AnsibleError('s4_password: specials must be special characters without a comma, quote or white '
                               'space, got %r' % specials)
        out = []
        for term in terms:
            path = self._loader.path_dwim(term)
            try:
                if os.path.exists(path):
                    password = read_password(path)
                else:
                    password = generate(length, specials)
                    if persist:
                        password = store_new(path, password)
            except (IOError, OSError) as exc:
                raise AnsibleError('s4_password: cannot read or create the password file %s: %s'
                                   % (path, exc.strerror or exc))
            problems = policy_problems(password)
            if problems:
                raise AnsibleError('s4_password: the password in %s does not meet the S/4HANA policy (%s): %s. Fix '
                                   'or remove the file; removing it makes a new password, which the communication user '
                                   'in S/4HANA does not have.' % (path, POLICY, ', '.join(problems)))
            out.append(password)
        return out
