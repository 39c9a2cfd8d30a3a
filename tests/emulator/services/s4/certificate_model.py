"""Certificates of communication users in the emulated S/4HANA Cloud tenant, and logon with them (mutual TLS):
state and rules. S4Model (model.py) mixes this in; certificate_routes.py serves them.

Documented: the communication user service has the entity set `Certificates`, read with the keys UserID,
SubjectHash, IssuerHash and the fields Issuer and Subject; an inbound user of a communication system may
authenticate with `x509`. UNCONFIRMED, and therefore tenant variants (variants.py: s4_certificate_pem,
s4_one_certificate, s4_password_required), or set with `POST /_emulator/faults {"host": "s4_t1", "action":
"certificates", ...}` (emulator-only):
- `shape`: the property a certificate is written with, `binary` (Certificate, Edm.Binary: base64 of DER) or `pem`
  (CertificateContent, Edm.String: the PEM text); $metadata declares the one in force;
- `max_certificates`: how many certificates a user may hold (null: no limit);
- `password_required`: whether a communication user must be created with a password.
The hashes are the emulator's own (SHA-1 of the DER-encoded name, upper-case hex); how SAP computes them is
unknown, and the collection only reads them back. Subject and Issuer are RFC 4514 strings (SAP's exact text is
unconfirmed, so the collection compares names attribute by attribute).
"""

import base64
import binascii
import datetime
import hashlib
import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from emulator.model import Refused

VARIANT_DEFAULTS = {'shape': 'binary', 'max_certificates': None, 'password_required': False}
PEM_BLOCK = re.compile(rb'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', re.S)


def name_hash(name):
    return hashlib.sha1(name.public_bytes()).hexdigest().upper()


def entity_key(user_id, subject_hash, issuer_hash):
    return '%s|%s|%s' % (user_id, subject_hash, issuer_hash)


class CertificateModel:
    """state['certificates'] holds the entities, keyed by entity_key."""

    def certificate_variant(self):
        """The unconfirmed certificate facts of this tenant: the host's tenant variants (variants.py: switches
        certificate_shape, max_certificates, password_required), overridden by the faults action."""
        out = dict(VARIANT_DEFAULTS)
        for key, switch in (('shape', 'certificate_shape'), ('max_certificates', 'max_certificates'),
                            ('password_required', 'password_required')):
            if self.switch(switch) is not None:
                out[key] = self.switch(switch)
        out.update(self.state.get('certificate_variant') or {})
        return out

    def certificates(self):
        return self.state.setdefault('certificates', {})

    def certificate(self, user_id, subject_hash, issuer_hash):
        entry = self.certificates().get(entity_key(user_id, subject_hash, issuer_hash))
        if entry is None:
            raise Refused(404, 'The requested entity Certificates does not exist', 'EMULATOR/NOT_FOUND')
        return entry

    def user_by_certificate(self, der):
        """The user a client certificate (verified by the TLS layer) belongs to: same subject and issuer as one
        uploaded to it, and valid now. None when no user holds it."""
        certificate = x509.load_der_x509_certificate(der)
        now = datetime.datetime.now(datetime.timezone.utc)
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            return None
        subject, issuer = name_hash(certificate.subject), name_hash(certificate.issuer)
        for entry in self.certificates().values():
            if entry['SubjectHash'] == subject and entry['IssuerHash'] == issuer:
                return self.state['users'].get(entry['UserID'])
        return None

    def parsed_certificate(self, body):
        """The one certificate of a write, in the shape the tenant variant takes; 400 naming the property else."""
        shape = self.certificate_variant()['shape']
        field = 'Certificate' if shape == 'binary' else 'CertificateContent'
        value = body.get(field)
        if not value:
            raise Refused(400, "Property '%s' is required" % field, 'EMULATOR/REQUIRED', field)
        try:
            if shape == 'binary':
                padded = value + '=' * (-len(value) % 4)
                der = base64.b64decode(padded.replace('-', '+').replace('_', '/'), validate=True)
                return x509.load_der_x509_certificate(der)
            blocks = PEM_BLOCK.findall(value.encode('ascii'))
            if len(blocks) != 1:
                raise ValueError('%d certificates' % len(blocks))
            return x509.load_pem_x509_certificate(blocks[0])
        except (ValueError, binascii.Error, UnicodeEncodeError) as exc:
            raise Refused(400, "Property '%s' does not hold one X.509 certificate in the expected encoding (%s)"
                          % (field, exc), 'EMULATOR/CERTIFICATE', field)

    def create_certificate(self, body):
        user_id = body.get('UserID') or ''
        if user_id not in self.state['users']:
            raise Refused(400, 'Communication user %s does not exist' % user_id, 'EMULATOR/UNKNOWN_USER', 'UserID')
        return self.add_certificate(user_id, self.parsed_certificate(body))

    def seed_certificate(self, user_id, text):
        """Upload a PEM certificate to a user by hand (as an admin does in the Maintain Communication Users app)."""
        certificate = x509.load_pem_x509_certificate(text.encode('ascii'))
        key = entity_key(user_id, name_hash(certificate.subject), name_hash(certificate.issuer))
        if key not in self.certificates():
            self.add_certificate(user_id, certificate)

    def add_certificate(self, user_id, certificate):
        subject, issuer = name_hash(certificate.subject), name_hash(certificate.issuer)
        held = [e for e in self.certificates().values() if e['UserID'] == user_id]
        if any(e['SubjectHash'] == subject and e['IssuerHash'] == issuer for e in held):
            raise Refused(400, 'User %s already has a certificate with this subject and issuer' % user_id,
                          'EMULATOR/DUPLICATE')
        limit = self.certificate_variant()['max_certificates']
        if limit is not None and len(held) >= limit:
            raise Refused(400, 'User %s already has %d certificate(s), the most it may hold' % (user_id, len(held)),
                          'EMULATOR/CERTIFICATE_LIMIT')
        entry = {'UserID': user_id, 'SubjectHash': subject, 'IssuerHash': issuer,
                 'Subject': certificate.subject.rfc4514_string(), 'Issuer': certificate.issuer.rfc4514_string(),
                 '_der': base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode('ascii')}
        self.certificates()[entity_key(user_id, subject, issuer)] = self.touch(entry)
        entry.pop('ChangedAt', None)
        entry.pop('ChangedBy', None)
        return entry

    def delete_certificate(self, entry):
        del self.certificates()[entity_key(entry['UserID'], entry['SubjectHash'], entry['IssuerHash'])]

    def drop_certificates(self, user_id):
        for key in [k for k, e in self.certificates().items() if e['UserID'] == user_id]:
            del self.certificates()[key]

    def set_certificate_variant(self, params):
        variant = dict((k, params[k]) for k in VARIANT_DEFAULTS if k in params)
        if variant.get('shape', 'binary') not in ('binary', 'pem'):
            raise ValueError('shape must be binary or pem')
        self.state['certificate_variant'] = dict(self.state.get('certificate_variant') or {}, **variant)
        self.save()
