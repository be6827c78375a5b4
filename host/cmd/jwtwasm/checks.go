package main

import "bytes"

// isPEM reports whether data holds a PEM block.
func isPEM(data []byte) bool { return bytes.Contains(data, []byte("-----BEGIN ")) }

// isEncryptedPEM reports whether data holds an encrypted PEM private key:
// PKCS#8 "ENCRYPTED PRIVATE KEY" or a legacy block with a Proc-Type
// header.
func isEncryptedPEM(data []byte) bool {
	return bytes.Contains(data, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----")) ||
		bytes.Contains(data, []byte("Proc-Type: 4,ENCRYPTED"))
}
