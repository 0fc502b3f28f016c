"""Interop check of `keyward-authenticator serve` with an independent CTAP2 host: python-fido2.

Not part of the vitest suite (it needs Python and python-fido2, e.g. Debian's python3-fido2 0.9.1).
Run it by hand against a fresh authenticator:

    node --import tsx --conditions=@keyward/source src/cli/keyward-authenticator.ts serve --udp 127.0.0.1:8111 &
    python3 test/virtual-interop-python-fido2.py 8111

It drives CTAPHID (INIT, PING, WINK), getInfo, clientPIN with protocols 1 and 2, Fido2Client
registration and authentication with PIN and a discoverable credential (verified by python-fido2's
Fido2Server, packed attestation), hmac-secret, credential management, authenticatorConfig, CTAP1
U2F register/authenticate and the PIN lockout, and prints "ALL OK" at the end.
"""
import socket, sys, os
from fido2.hid import CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor
from fido2.ctap2 import Ctap2, ClientPin, CredentialManagement, Config
from fido2.ctap2.pin import PinProtocolV1, PinProtocolV2
from fido2.ctap1 import Ctap1
from fido2.client import Fido2Client
from fido2.server import Fido2Server
from fido2.webauthn import PublicKeyCredentialRpEntity, UserVerificationRequirement, AttestationConveyancePreference
from fido2.ctap import CtapError


port = int(sys.argv[1])
class Udp(CtapHidConnection):
    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); self.s.settimeout(5)
    def write_packet(self, data):
        # python-fido2 0.9.1 writes report id 0 + 64 bytes on Linux via the backend; here we get 64
        d = bytes(data)
        if len(d) == 65: d = d[1:]
        self.s.sendto(d, ("127.0.0.1", port))
    def read_packet(self):
        return self.s.recv(64)
    def close(self): self.s.close()

dev = CtapHidDevice(HidDescriptor("udp", 0x1234, 0x5678, 64, 64), Udp())
print("capabilities", dev.capabilities, "version", dev.version)
print("ping", dev.ping(b"x" * 500) == b"x" * 500)
dev.wink()
ctap2 = Ctap2(dev)
info = ctap2.info
print("info", info.versions, info.options, info.pin_uv_protocols, info.max_msg_size, info.algorithms, info.extensions, info.min_pin_length, info.firmware_version)

for proto in (PinProtocolV2, PinProtocolV1):
    cp = ClientPin(ctap2, proto())
    print("proto", proto.VERSION, "retries", cp.get_pin_retries())
cp = ClientPin(ctap2, PinProtocolV2())
cp.set_pin("1234")
print("pin set; retries", cp.get_pin_retries())
for proto in (PinProtocolV1, PinProtocolV2):
    cpx = ClientPin(ctap2, proto())
    try:
        cpx.get_pin_token("0000", ClientPin.PERMISSION.GET_ASSERTION, "example.com")
    except CtapError as e:
        print("wrong pin proto", proto.VERSION, e.code)
    tok = cpx.get_pin_token("1234", ClientPin.PERMISSION.MAKE_CREDENTIAL | ClientPin.PERMISSION.GET_ASSERTION, "example.com")
    print("token ok proto", proto.VERSION, len(tok))
cp.change_pin("1234", "4321")
print("changed pin")

# WebAuthn-level client with PIN + rk, server verifies packed attestation
server = Fido2Server(PublicKeyCredentialRpEntity("example.com", "Example"), attestation=AttestationConveyancePreference.DIRECT)
client = Fido2Client(dev, "https://example.com")
user = {"id": b"user-1", "name": "alice", "displayName": "Alice"}
opts, state = server.register_begin(user, resident_key=True, user_verification=UserVerificationRequirement.REQUIRED)
res = client.make_credential(opts["publicKey"], pin="4321")
auth_data = server.register_complete(state, res.client_data, res.attestation_object)
print("registered", res.attestation_object.fmt, auth_data.is_user_verified(), auth_data.credential_data.aaguid.hex())
opts2, state2 = server.authenticate_begin(user_verification=UserVerificationRequirement.REQUIRED)
res2 = client.get_assertion(opts2["publicKey"], pin="4321")
a = res2.get_response(0)
server.authenticate_complete(state2, [auth_data.credential_data], a.credential_id, a.client_data, a.authenticator_data, a.signature)
print("authenticated discoverable, user", a.user_handle if hasattr(a, 'user_handle') else res2.get_assertions()[0].user)

# hmac-secret through the client extension
opts3, state3 = server.register_begin({"id": b"user-2", "name": "bob", "displayName": "Bob"}, user_verification=UserVerificationRequirement.DISCOURAGED)
res3 = client.make_credential(dict(opts3["publicKey"], extensions={"hmacCreateSecret": True}), pin="4321")
print("hmac-secret mc ext", res3.extension_results)
ad3 = server.register_complete(state3, res3.client_data, res3.attestation_object)
opts4, state4 = server.authenticate_begin([ad3.credential_data])
salt = os.urandom(32)
res4 = client.get_assertion(dict(opts4["publicKey"], extensions={"hmacGetSecret": {"salt1": salt}}), pin="4321")
out1 = res4.get_response(0).extension_results["hmacGetSecret"]["output1"]
res5 = client.get_assertion(dict(opts4["publicKey"], extensions={"hmacGetSecret": {"salt1": salt}}), pin="4321")
print("hmac-secret stable", out1 == res5.get_response(0).extension_results["hmacGetSecret"]["output1"])

# Credential management
token = ClientPin(ctap2).get_pin_token("4321", ClientPin.PERMISSION.CREDENTIAL_MGMT)
cm = CredentialManagement(ctap2, ClientPin(ctap2).protocol, token)
print("metadata", cm.get_metadata())
rps = cm.enumerate_rps()
print("rps", [r[3] for r in rps])
creds = cm.enumerate_creds(rps[0][4])
print("creds", [c[6] for c in creds])
cm.update_user_info(creds[0][7], {"id": b"user-1", "name": "alice2", "displayName": "Alice 2"})
print("after update", [c[6] for c in cm.enumerate_creds(rps[0][4])])
cm.delete_cred(creds[0][7])
print("after delete", cm.get_metadata())

# Config
token = ClientPin(ctap2).get_pin_token("4321", ClientPin.PERMISSION.AUTHENTICATOR_CFG)
cfg = Config(ctap2, ClientPin(ctap2).protocol, token)
cfg.set_min_pin_length(6)
print("minPINLength", ctap2.get_info().min_pin_length, "force", ctap2.get_info().force_pin_change)

# CTAP1
ctap1 = Ctap1(dev)
print("u2f version", ctap1.get_version())
app = b"\x01" * 32
chal = b"\x02" * 32
reg = ctap1.register(chal, app)
reg.verify(app, chal)

sig = ctap1.authenticate(chal, app, reg.key_handle)
sig.verify(app, chal, reg.public_key)
print("u2f register/authenticate verified, counter", sig.counter)
try:
    ctap1.authenticate(chal, app, reg.key_handle, check_only=True)
except Exception as e:
    print("check-only", e)
# Lockout sequence with protocol 1
cp1 = ClientPin(ctap2, PinProtocolV1())
codes = []
for i in range(4):
    try:
        cp1.get_pin_token("000000", ClientPin.PERMISSION.GET_ASSERTION, "example.com")
    except CtapError as e:
        codes.append(hex(e.code))
print("lockout", codes, cp1.get_pin_retries())
try:
    ctap2.reset()
except CtapError as e:
    print("reset", hex(e.code))
print("ALL OK")
