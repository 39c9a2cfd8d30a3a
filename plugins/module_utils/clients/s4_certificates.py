# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certificates of a communication user (entity set Certificates of the communication user service).

Documented: the entity set, read with the keys UserID, SubjectHash, IssuerHash and the fields Subject and Issuer.
UNCONFIRMED: the property a certificate is written with and its encoding. write_shape() takes them from the
options, else from the tenant's $metadata: the one writable property of the entity type besides the keys and the
names; Edm.Binary means base64 of the DER bytes, Edm.String the PEM text. A certificate is the same as one the
user holds when subject and issuer are the same names (compared attribute by attribute).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import unconfirmed
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import edmx
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.certificates import (
    der_base64, describe, name_key, pem_text)
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.odata import eq_filter, literal

CERTIFICATES = 'Certificates'
READ_FIELDS = ('UserID', 'SubjectHash', 'IssuerHash', 'Subject', 'Issuer')
ENCODINGS = {'Edm.Binary': 'base64', 'Edm.String': 'pem'}


def identity(subject, issuer):
    return name_key(subject), name_key(issuer)


def held_view(entry):
    """A certificate the user holds, as results and diffs show it (the server gives names only)."""
    return {'subject': entry.get('Subject'), 'issuer': entry.get('Issuer')}


def write_shape_from_metadata(text):
    """(property, encoding) of a certificate write from the communication user service's $metadata, or None."""
    try:
        sets = edmx.parse(text)[0]
    except edmx.MetadataError:
        return None
    return write_shape(sets)


def write_shape(sets):
    """(property, encoding) from parsed entity sets (edmx.parse), or None when Certificates does not tell."""
    info = sets.get(CERTIFICATES)
    if not info:
        return None
    candidates = [(name, prop['type']) for name, prop in info['properties'].items()
                  if name not in READ_FIELDS and prop['type'] in ENCODINGS]
    if len(candidates) != 1:
        return None
    return candidates[0][0], ENCODINGS[candidates[0][1]]


def certificate_facts(facts, sets):
    """The preflight's certificate facts from the communication user service's $metadata: the Certificates entity
    set with its documented keys, and the (unconfirmed) property and encoding a certificate is written with."""
    info = sets.get(CERTIFICATES)
    keys = ['UserID', 'SubjectHash', 'IssuerHash']
    fact = 'Certificates entity set (certificate authentication)'
    if info is None:
        facts.add(fact, 'declared, keys %s' % ', '.join(keys), 'not declared', 'different',
                  'sapcloud_ips_s4_authentication: basic (this tenant offers no certificate writes)')
        return
    if sorted(info['keys']) != sorted(keys):
        facts.add(fact, 'keys %s' % ', '.join(keys), 'keys %s' % ', '.join(info['keys']), 'different',
                  'no setting: report the $metadata of the communication user service to the collection')
    else:
        facts.add(fact, 'declared, keys %s' % ', '.join(keys), 'declared', 'confirmed')
    shape = write_shape(sets)
    fact = 'certificate written as'
    if shape is None:
        facts.add(fact, 'one Edm.Binary or Edm.String property besides keys and names', 'not clear from $metadata',
                  'unknown', 'certificate_property and certificate_encoding of s4_comm_user')
    else:
        facts.add(fact, 'a property read from $metadata', '%s (%s)' % shape, 'confirmed')


class UserCertificates:
    """Reads and writes of one tenant's Certificates entity set, on the users service of an S4Client."""

    def __init__(self, service):
        self.service = service

    def held(self, user_id):
        """The certificates user_id holds (one request)."""
        return self.service.list(CERTIFICATES, filter=eq_filter(UserID=user_id))

    def write_shape(self, prop, encoding, parameter):
        """(property, encoding): the options' when given, else read from $metadata (one request)."""
        if prop and encoding != 'auto':
            return prop, encoding
        response = self.service.http.request('GET', self.service.path('$metadata'),
                                             params=self.service._params(), headers={'Accept': 'application/xml'})
        found = write_shape_from_metadata(response.text)
        if found is None:
            raise ValidationError('%s: the tenant\'s $metadata does not show how a certificate is written (no single '
                                  'Edm.Binary or Edm.String property of Certificates besides its keys and names); set '
                                  'certificate_property and certificate_encoding' % parameter)
        return prop or found[0], found[1] if encoding == 'auto' else encoding

    def add(self, user_id, certificate, shape):
        prop, encoding = shape
        value = der_base64(certificate) if encoding == 'base64' else pem_text(certificate)
        body = {'UserID': user_id, prop: value}
        return unconfirmed('Uploading a certificate with property %s (%s)' % (prop, encoding),
                           'check certificate_property and certificate_encoding against the tenant and whether it '
                           'limits how many certificates a user holds (then remove one first with purge_certificates, '
                           'or cut over to a second user), or upload it in the Maintain Communication Users app',
                           lambda: self.service.create(CERTIFICATES, body))

    def remove(self, entry):
        path = '%s(UserID=%s,SubjectHash=%s,IssuerHash=%s)' % (
            CERTIFICATES, literal(entry['UserID']), literal(entry['SubjectHash']), literal(entry['IssuerHash']))
        return self.service.delete(path)


def holds(held, certificate):
    """Whether one of the held entries has the subject and issuer of certificate."""
    key = identity(certificate.subject.rfc4514_string(), certificate.issuer.rfc4514_string())
    return any(identity(e.get('Subject'), e.get('Issuer')) == key for e in held)


def plan(held, wanted, purge):
    """(add, keep, remove): wanted certificates (cryptography objects) the user lacks, the held entries that match
    one, and with purge the held entries that match none."""
    by_identity = dict((identity(e.get('Subject'), e.get('Issuer')), e) for e in held)
    wanted_ids = set()
    add = []
    for certificate in wanted:
        key = identity(certificate.subject.rfc4514_string(), certificate.issuer.rfc4514_string())
        if key in wanted_ids:
            continue
        wanted_ids.add(key)
        if key not in by_identity:
            add.append(certificate)
    keep = [e for k, e in by_identity.items() if k in wanted_ids]
    remove = [e for k, e in by_identity.items() if k not in wanted_ids] if purge else []
    return add, keep, remove


def ensure_certificates(ensure, client_users, user, held, wanted, options, check_mode):
    """Make user's certificates match wanted (adds, and with purge removals), recording each write on ensure.
    Returns the certificates the user holds afterwards as shown in results (held names; added ones described)."""
    certificates = UserCertificates(client_users)
    add, keep, remove = plan(held, wanted, options['purge_certificates'])
    before = [held_view(e) for e in held]
    after = [held_view(e) for e in held if not any(e is r for r in remove)] + [describe(c) for c in add]
    shape = None
    if add and not check_mode:
        shape = certificates.write_shape(options['certificate_property'], options['certificate_encoding'],
                                         'certificates')
    user_before = dict(user, certificates=before)
    user_after = dict(user, certificates=after)
    # Adds first: a certificate that replaces another works before the old one goes, so no logon fails between.
    for certificate in add:
        ensure.write('add_certificate', user_before, user_after, certificates.add, user.get('ID'), certificate, shape)
    for entry in remove:
        ensure.write('remove_certificate', user_before, user_after, certificates.remove, entry)
    return after
