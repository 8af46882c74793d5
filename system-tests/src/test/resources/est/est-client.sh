#!/usr/bin/env bash
# A minimal EST (RFC 7030) client made of curl and openssl only, as a device-side integrator would write it.
# Files go to the current directory. Every request prints "status=", "content-type=" and
# "content-transfer-encoding=" lines, then the response body when it is not a success.
#
#   EST_CACERT=root-ca.pem est-client.sh cacerts   https://host:8181
#   EST_CACERT=root-ca.pem est-client.sh csrattrs  https://host:8181
#   est-client.sh csr NAME COMMON_NAME                          -> NAME.key (EC P-256), NAME.b64 (base64 DER CSR)
#   EST_CACERT=... est-client.sh enroll   https://host:8181 DEVICE_ID TOKEN NAME.b64 OUT [CONTENT_TYPE]
#   EST_CACERT=... est-client.sh reenroll https://host:8443 CERT.pem KEY.pem NAME.b64 OUT [CONTENT_TYPE]
#                                                               -> OUT.pem (the issued certificate) on status 200
#   EST_CACERT=... est-client.sh get      https://host:8443/api/v1/device/session CERT.pem KEY.pem
#   EST_CACERT=... est-client.sh enroll-cert https://host:8443 IDEVID.pem IDEVID.key NAME.b64 OUT [CONTENT_TYPE]
#                                                               simpleenroll with a factory certificate, no token
# A throwaway manufacturer, as a factory would set it up:
#   est-client.sh factory-ca NAME                               -> NAME.key, NAME.pem (self-signed CA, P-256)
#   est-client.sh idevid NAME CA SERIAL_NUMBER                  -> NAME.key, NAME.pem (IDevID, subject serialNumber)
set -euo pipefail

: "${EST_CACERT:=root-ca.pem}"
CURL=(curl -sS --max-time 30 --cacert "$EST_CACERT")

# request OUTFILE curl-args... : prints status and headers of interest, the body on failure
request() {
  local out="$1"; shift
  local headers; headers="$(mktemp)"
  local status
  status="$("${CURL[@]}" -D "$headers" -o "$out" -w '%{http_code}' "$@")"
  echo "status=$status"
  echo "content-type=$(grep -i '^content-type:' "$headers" | head -1 | cut -d' ' -f2- | tr -d '\r')"
  echo "content-transfer-encoding=$(grep -i '^content-transfer-encoding:' "$headers" | head -1 | cut -d' ' -f2- | tr -d '\r')"
  echo "www-authenticate=$(grep -i '^www-authenticate:' "$headers" | head -1 | cut -d' ' -f2- | tr -d '\r')"
  rm -f "$headers"
  if [ "$status" != 200 ]; then
    cat "$out"; echo
    return 1
  fi
}

# certs-only CMS in base64 -> PEM certificates
certs_only_to_pem() { openssl base64 -d -in "$1" | openssl pkcs7 -inform DER -print_certs -out "$2"; }

cmd="${1:?command}"; shift
case "$cmd" in
  cacerts)
    request cacerts.b64 "$1/.well-known/est/cacerts"
    certs_only_to_pem cacerts.b64 cacerts.pem
    grep -c 'BEGIN CERTIFICATE' cacerts.pem | sed 's/^/certificates=/'
    openssl crl2pkcs7 -nocrl -certfile cacerts.pem | openssl pkcs7 -print_certs -noout | grep '^subject' ;;
  csrattrs)
    request csrattrs.b64 "$1/.well-known/est/csrattrs"
    openssl base64 -d -in csrattrs.b64 | openssl asn1parse -inform DER ;;
  csr)
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
      -subj "/CN=$2" 2>/dev/null
    openssl req -in "$1.csr" -outform DER | openssl base64 > "$1.b64"
    echo "csr=$1.b64" ;;
  enroll)
    request "$5.b64" -u "$2:$3" -H "Content-Type: ${6:-application/pkcs10}" --data-binary "@$4" \
      "$1/.well-known/est/simpleenroll"
    certs_only_to_pem "$5.b64" "$5.pem"
    openssl x509 -in "$5.pem" -noout -subject -serial -enddate ;;
  reenroll)
    request "$5.b64" --cert "$2" --key "$3" -H "Content-Type: ${6:-application/pkcs10}" --data-binary "@$4" \
      "$1/.well-known/est/simplereenroll"
    certs_only_to_pem "$5.b64" "$5.pem"
    openssl x509 -in "$5.pem" -noout -subject -serial -enddate ;;
  enroll-cert)
    request "$5.b64" --cert "$2" --key "$3" -H "Content-Type: ${6:-application/pkcs10}" --data-binary "@$4" \
      "$1/.well-known/est/simpleenroll"
    certs_only_to_pem "$5.b64" "$5.pem"
    openssl x509 -in "$5.pem" -noout -subject -serial -enddate ;;
  factory-ca)
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" \
      -days 30 -subj "/O=Example Manufacturer/CN=$1" -addext basicConstraints=critical,CA:TRUE \
      -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl x509 -in "$1.pem" -noout -subject ;;
  idevid)
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
      -subj "/O=Example Manufacturer/CN=Example Sensor/serialNumber=$3" 2>/dev/null
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' \
      > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 30 -extfile "$1.ext" \
      -out "$1.pem" 2>/dev/null
    openssl x509 -in "$1.pem" -noout -subject ;;
  get)
    request body.txt --cert "$2" --key "$3" "$1"
    cat body.txt; echo ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
