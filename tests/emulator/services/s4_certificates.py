"""Certificates of communication users in the emulated S/4HANA Cloud tenant, and logon with them (mutual TLS).

S4Tenant (services/s4.py) mixes this in. Documented: the communication user service has the entity set
`Certificates`, read with the keys UserID, SubjectHash, IssuerHash and the fields Issuer and Subject; an inbound
user of a communication system may authenticate with `x509`. UNCONFIRMED, and therefore tenant variants (variants.py: s4_certificate_pem, s4_one_certificate,
s4_password_required), or set with `POST /_emulator/faults {"host": "s4_t1", "action": "certificates", ...}`
(emulator-only):
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

from emulator.core import route
from emulator.odata import v4_error

CU = '/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/aps_com_cu_a4c_odata/0001'
CERTIFICATE_KEY = r"UserID='(?P<user>[^']*)',SubjectHash='(?P<subject>[0-9A-F]*)',IssuerHash='(?P<issuer>[0-9A-F]*)'"
VARIANT_DEFAULTS = {'shape': 'binary', 'max_certificates': None, 'password_required': False}
PEM_BLOCK = re.compile(rb'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', re.S)


def name_hash(name):
    return hashlib.sha1(name.public_bytes()).hexdigest().upper()


def entity_key(user_id, subject_hash, issuer_hash):
    return '%s|%s|%s' % (user_id, subject_hash, issuer_hash)


class S4Certificates:
    """Routes of the Certificates entity set and the certificate logon; state['certificates'] holds the entities."""

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
            raise v4_error(400, 'EMULATOR/REQUIRED', "Property '%s' is required" % field, field)
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
            raise v4_error(400, 'EMULATOR/CERTIFICATE', "Property '%s' does not hold one X.509 certificate in the "
                           "expected encoding (%s)" % (field, exc), field)

    def render_certificate(self, entry):
        return dict((k, v) for k, v in entry.items() if not k.startswith('_'))

    @route('GET', CU + '/Certificates')
    def certificates_list(self, request):
        return self.collection(request, 'Certificates', 'certificates', list(self.certificates().values()))

    @route('GET', CU + r'/Certificates\(%s\)' % CERTIFICATE_KEY)
    def certificate_read(self, request, user, subject, issuer):
        entry = self.certificates().get(entity_key(user, subject, issuer))
        if entry is None:
            raise self.missing('Certificates')
        return self.single(request, 'Certificates', 'certificates', entry)

    @route('POST', CU + '/Certificates')
    def certificate_create(self, request):
        body = self.payload(request, 'cu', 'Certificate', 'c')
        user_id = body.get('UserID') or ''
        if user_id not in self.state['users']:
            raise v4_error(400, 'EMULATOR/UNKNOWN_USER', 'Communication user %s does not exist' % user_id, 'UserID')
        entry = self.add_certificate(user_id, self.parsed_certificate(body))
        relative = "Certificates(UserID='%s',SubjectHash='%s',IssuerHash='%s')" % (
            user_id, entry['SubjectHash'], entry['IssuerHash'])
        return self.created(CU, relative, 'certificates', entry)

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
            raise v4_error(400, 'EMULATOR/DUPLICATE', 'User %s already has a certificate with this subject and issuer'
                           % user_id)
        limit = self.certificate_variant()['max_certificates']
        if limit is not None and len(held) >= limit:
            raise v4_error(400, 'EMULATOR/CERTIFICATE_LIMIT', 'User %s already has %d certificate(s), the most it may '
                           'hold' % (user_id, len(held)))
        entry = {'UserID': user_id, 'SubjectHash': subject, 'IssuerHash': issuer,
                 'Subject': certificate.subject.rfc4514_string(), 'Issuer': certificate.issuer.rfc4514_string(),
                 '_der': base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode('ascii')}
        self.certificates()[entity_key(user_id, subject, issuer)] = self.touch(entry)
        entry.pop('ChangedAt', None)
        entry.pop('ChangedBy', None)
        return entry

    @route('DELETE', CU + r'/Certificates\(%s\)' % CERTIFICATE_KEY)
    def certificate_delete(self, request, user, subject, issuer):
        key = entity_key(user, subject, issuer)
        entry = self.certificates().get(key)
        if entry is None:
            raise self.missing('Certificates')
        self.check_etag(request, entry)
        del self.certificates()[key]
        return self.deleted()

    def drop_certificates(self, user_id):
        for key in [k for k, e in self.certificates().items() if e['UserID'] == user_id]:
            del self.certificates()[key]

    def set_certificate_variant(self, params):
        variant = dict((k, params[k]) for k in VARIANT_DEFAULTS if k in params)
        if variant.get('shape', 'binary') not in ('binary', 'pem'):
            raise ValueError('shape must be binary or pem')
        self.state['certificate_variant'] = dict(self.state.get('certificate_variant') or {}, **variant)
        self.save()
