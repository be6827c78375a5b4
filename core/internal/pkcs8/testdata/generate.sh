#!/bin/sh
# Regenerates the OpenSSL interop fixtures. The keys are random, so running
# this replaces every fixture; the tests only rely on each *.plain.der
# matching the encrypted files derived from it.
#
#   <key>.plain.der              unencrypted PKCS#8 PrivateKeyInfo (DER)
#   <key>.<cipher>-<prf>.der     EncryptedPrivateKeyInfo (DER), passphrase "correct horse"
#   p256.scrypt.der              PBES2 with scrypt, which the package does not support
set -eu
cd "$(dirname "$0")"
pass='pass:correct horse'

# genpkey -outform DER writes RSA and EC keys in their traditional (PKCS #1,
# SEC 1) forms, so the PEM output, which is PKCS #8, is converted instead.
plain() { # key genpkey-options...
	name=$1
	shift
	openssl genpkey "$@" | openssl pkcs8 -topk8 -nocrypt -outform DER -out "$name.plain.der"
}
plain p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
plain rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
plain ed25519 -algorithm ED25519

enc() { # key cipher prf
	openssl pkcs8 -topk8 -inform DER -in "$1.plain.der" -outform DER \
		-v2 "$2" -v2prf "$3" -iter 2048 -passout "$pass" -out "$1.$2-$3.der"
}
enc p256 aes-256-cbc hmacWithSHA256
enc p256 aes-128-cbc hmacWithSHA1 # OpenSSL omits the PRF when it is the default, hmacWithSHA1
enc rsa2048 aes-192-cbc hmacWithSHA512
enc rsa2048 aes-256-cbc hmacWithSHA384
enc ed25519 aes-256-cbc hmacWithSHA256
enc ed25519 aes-128-cbc hmacWithSHA224

openssl pkcs8 -topk8 -inform DER -in p256.plain.der -outform DER \
	-scrypt -passout "$pass" -out p256.scrypt.der
