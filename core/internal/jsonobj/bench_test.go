package jsonobj

import "testing"

// benchDocs are what Parse reads on the hot path: a JOSE header, a plain
// claims set, and claims with nested objects as identity providers write
// them (Keycloak's realm_access and resource_access).
var benchDocs = []struct{ name, doc string }{
	{"header", `{"alg":"RS256","kid":"2024-01","typ":"JWT"}`},
	{"claims", `{"iss":"https://issuer.example","sub":"alice","aud":"orders-api","exp":1767225600,"iat":1767222000,"jti":"3f1c2b7a9d","scope":"read:orders write:orders"}`},
	{"nested", `{"iss":"https://idp.example/realms/acme","sub":"f81d4fae-7dec-11d0-a765-00a0c91e6bf6","aud":["orders-api","account"],"exp":1767225600,"iat":1767222000,` +
		`"realm_access":{"roles":["offline_access","uma_authorization","admin"]},` +
		`"resource_access":{"orders-api":{"roles":["read","write"]},"account":{"roles":["manage-account","view-profile"]}},` +
		`"address":{"street_address":"1 Main St","locality":"Springfield","region":"IL","postal_code":"62701","country":"US"},` +
		`"email":"alice@example.com","email_verified":true,"name":"Alice Example"}`},
}

func BenchmarkParse(b *testing.B) {
	limits := Limits{MaxDepth: 32, MaxValues: 10000}
	for _, d := range benchDocs {
		data := []byte(d.doc)
		b.Run("doc="+d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(data, limits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
