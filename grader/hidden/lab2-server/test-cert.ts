// A self-signed test certificate for 127.0.0.1 and localhost, valid until 2126, with its private
// key: public on purpose, for these tests only (never for a real site). Embedded here because the
// hidden tests may not read files from grader/hidden at run time. Made once with:
//
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
//     -keyout key.pem -out cert.pem -days 36500 -subj '/CN=localhost' \
//     -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
//     -addext 'basicConstraints=critical,CA:FALSE' -addext 'extendedKeyUsage=serverAuth'
//
// A client proves it reached the server with this certificate by trusting it alone (`ca`), never by
// turning verification off: a server that used any other certificate would fail the handshake.
import { X509Certificate } from 'node:crypto';

export const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2ON6LdGCwdY77e4T
nsq1t98QmHrwKgkIjNBweOdT3AqhRANCAAQXm1Z7g3GEedHNT6DExInHr4oJKPDN
NH8n8sh+TTGkvvczctg3cXPGBhxunXWl1J1hMKUBXBTlp1M3yc1EB/yy
-----END PRIVATE KEY-----
`;

export const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBrjCCAVSgAwIBAgIUOqBts7Af1p3ZmwFUBFmDy6TMdLowCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNTIxMzQxOFoYDzIxMjYxMTEx
MjEzNDE4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQXm1Z7g3GEedHNT6DExInHr4oJKPDNNH8n8sh+TTGkvvczctg3cXPG
BhxunXWl1J1hMKUBXBTlp1M3yc1EB/yyo4GBMH8wHQYDVR0OBBYEFOPbFKJLoHuJ
grcOomTj7jlS4jwZMB8GA1UdIwQYMBaAFOPbFKJLoHuJgrcOomTj7jlS4jwZMBoG
A1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAMBgNVHRMBAf8EAjAAMBMGA1UdJQQM
MAoGCCsGAQUFBwMBMAoGCCqGSM49BAMCA0gAMEUCIBl1hqQDMWvrw7gAhKkmjlBz
+MJupjs6hzeusDnK/rfWAiEAnzKSXR9NfZtMKD+9C+YoQKjt6fJ9nw4m+w7NDlcL
lWQ=
-----END CERTIFICATE-----
`;

/** The certificate's SHA-256 fingerprint, as `getPeerCertificate().fingerprint256` shows it. */
export const TEST_CERT_FINGERPRINT = new X509Certificate(TEST_CERT).fingerprint256;
