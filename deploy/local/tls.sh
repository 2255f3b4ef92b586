#!/usr/bin/env bash
# A private CA and one server certificate for 127.0.0.1/localhost, made with openssl under
# .local/tls once: the local Kafka SASL_SSL listener, and the TLS tests of Postgres, Redis and Vault,
# trust it as a cluster's dependencies trust a platform team's CA.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"; source "$here/lib.sh"
dir="$APPGOV_TLS_DIR"

make_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Appgov local CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
}
make_server() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
  # Kafka (Java) reads a PKCS12 key store; the other servers read the PEM files.
  openssl pkcs12 -export -in "$dir/server.pem" -inkey "$dir/server.key" -name server \
    -out "$dir/server.p12" -passout "pass:$APPGOV_TLS_STORE_PASSWORD"
  rm -f "$dir/server.csr" "$dir/server.ext"
}
command -v openssl >/dev/null || apt_install openssl
mkdir -p "$dir"
if [ ! -f "$dir/ca.pem" ]; then log "tls: making a private CA in $dir"; make_ca; rm -f "$dir/server.pem"; fi
if [ ! -f "$dir/server.p12" ]; then make_server; fi
# Readable by the postgres user (its server key must be its own: postgres.sh copies it).
chmod 755 "$dir" && chmod 644 "$dir"/*.pem
