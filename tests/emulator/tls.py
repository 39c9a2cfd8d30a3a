"""HTTPS for the emulator with a throw-away CA, so the modules' TLS verification is exercised, not switched off.

Writes ca.pem (the CA certificate the tests pass as ca_path) into the state directory; the CA key exists only in
memory. The server certificate covers 127.0.0.1 and localhost.

With mutual TLS (mtls=True) every host also asks for a client certificate and verifies one that is sent against a
test client CA (certs.py) made here, whose certificate and key are written to the state directory as client-ca.pem
and client-ca-key.pem (0600) so tests can issue client certificates from it. A client certificate stays optional at
the TLS layer: each service decides whether it needs one (S/4HANA Cloud for inbound users with x509, the token
endpoints for X.509 clients), as the real services do.
"""

import datetime
import ipaddress
import os
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, is_ca, extensions=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def server_context(state_dir, mtls=False):
    """The server SSLContext; with mtls, (context, client CA) where the client CA is a certs.Authority."""
    os.makedirs(state_dir, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate(_name('sapcloud.identity emulator CA'), _name('sapcloud.identity emulator CA'),
                           ca_key.public_key(), ca_key, True,
                           [x509.KeyUsage(False, False, False, False, False, True, True, False, False)])
    key = ec.generate_private_key(ec.SECP256R1())
    names = x509.SubjectAlternativeName([x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address('127.0.0.1'))])
    cert = _certificate(_name('127.0.0.1'), ca_cert.subject, key.public_key(), ca_key, False, [names])
    with open(os.path.join(state_dir, 'ca.pem'), 'wb') as handle:
        handle.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    # ssl needs files; they live only until the context has loaded them.
    with tempfile.NamedTemporaryFile(suffix='.pem') as chain:
        chain.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        chain.write(cert.public_bytes(serialization.Encoding.PEM))
        chain.flush()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain.name)
    if not mtls:
        return context
    from emulator.certs import Authority
    client_ca = Authority()
    ca_file, _key_file = client_ca.save(state_dir)
    context.verify_mode = ssl.CERT_OPTIONAL
    context.load_verify_locations(ca_file)
    return context, client_ca
