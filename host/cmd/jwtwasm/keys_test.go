package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// wroteKID returns the kid from keygen's "wrote ... key KID to FILE" line.
func wroteKID(t testing.TB, stderr string) string {
	t.Helper()
	m := regexp.MustCompile(`^jwtwasm: wrote .+ key (\S+) to .+\n$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("keygen -o did not report the key written: %q", stderr)
	}
	return m[1]
}

func fileMode(t testing.TB, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// thumbprint runs "jwtwasm thumbprint" on path and returns its one line.
func thumbprint(t testing.TB, path string, extra ...string) string {
	t.Helper()
	out := mustRun(t, "", append(append([]string{"thumbprint"}, extra...), path)...)
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("thumbprint printed %q, want one line", out)
	}
	return strings.TrimSpace(out)
}

// TestKeygen makes every key type in every format it has, and checks the
// encoding, the file mode, and that the kid is the thumbprint.
func TestKeygen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		kty     string
		crv     string
		pemType string // the private PEM block; "" if there is no PEM form
	}{
		{"rsa 2048", []string{"--type", "rsa", "--bits", "2048"}, "RSA", "", "PRIVATE KEY"},
		{"rsa pkcs1", []string{"--type", "rsa", "--pem-format", "pkcs1"}, "RSA", "", "RSA PRIVATE KEY"},
		{"ec default", nil, "EC", "P-256", "PRIVATE KEY"},
		{"ec P-256", []string{"--type", "ec", "--curve", "P-256"}, "EC", "P-256", "PRIVATE KEY"},
		{"ec P-384", []string{"--type", "ec", "--curve", "P-384"}, "EC", "P-384", "PRIVATE KEY"},
		{"ec P-521", []string{"--type", "ec", "--curve", "P-521"}, "EC", "P-521", "PRIVATE KEY"},
		{"ec sec1", []string{"--pem-format", "sec1"}, "EC", "P-256", "EC PRIVATE KEY"},
		{"ES384 picks P-384", []string{"--alg", "ES384"}, "EC", "P-384", "PRIVATE KEY"},
		{"ed25519", []string{"--type", "ed25519"}, "OKP", "Ed25519", "PRIVATE KEY"},
		{"oct", []string{"--type", "oct"}, "oct", "", ""},
		{"oct 512", []string{"--type", "oct", "--bits", "512"}, "oct", "", ""},
	}
	for _, tt := range tests {
		for _, format := range []string{"pem", "jwk", "jwks"} {
			if tt.pemType == "" && format == "pem" {
				continue
			}
			if (strings.Contains(tt.name, "pkcs1") || strings.Contains(tt.name, "sec1")) && format != "pem" {
				continue
			}
			if tt.kty == "RSA" && format != "pem" && tt.name != "rsa 2048" {
				continue
			}
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				out := filepath.Join(dir, "key."+format)
				r := jw(t, "", append([]string{"keygen", "--format", format, "-o", out}, tt.args...)...)
				wantExit(t, r, exitOK, "")
				if r.stdout != "" {
					t.Errorf("stdout with -o: %q", r.stdout)
				}
				kid := wroteKID(t, r.stderr)
				if m := fileMode(t, out); m != 0o600 {
					t.Errorf("mode %o, want 600", m)
				}
				data := readFile(t, out)
				var jwk map[string]any
				switch format {
				case "pem":
					block, rest := pem.Decode(data)
					if block == nil || block.Type != tt.pemType || len(bytes.TrimSpace(rest)) != 0 {
						t.Fatalf("want one %q PEM block:\n%s", tt.pemType, data)
					}
				case "jwk":
					jwk = jsonObject(t, string(data))
				case "jwks":
					set := parseJWKS(t, data)
					if len(set.Keys) != 1 {
						t.Fatalf("%d keys, want 1", len(set.Keys))
					}
					jwk = set.Keys[0]
				}
				if jwk != nil {
					if jwk["kty"] != tt.kty || (tt.crv != "" && jwk["crv"] != tt.crv) || jwk["kid"] != kid {
						t.Errorf("JWK %v: want kty %s crv %q kid %s", jwk, tt.kty, tt.crv, kid)
					}
					priv := "d"
					if tt.kty == "oct" {
						priv = "k"
					}
					if _, ok := jwk[priv]; !ok {
						t.Errorf("JWK has no private member %q", priv)
					}
					if use, ok := jwk["use"]; (tt.kty == "oct") == ok || (ok && use != "sig") {
						t.Errorf("use = %v: want sig, and none on a secret", use)
					}
				}
				// The kid keygen reports is the RFC 7638 thumbprint that
				// "jwtwasm thumbprint" computes from the file, except for
				// a secret, whose thumbprint (a hash of the secret) must
				// not become a kid that every token shows.
				got := thumbprint(t, out)
				if tt.kty == "oct" {
					if got == kid {
						t.Errorf("a secret's kid is its thumbprint %s", kid)
					}
				} else if got != kid {
					t.Errorf("thumbprint %s, keygen's kid %s", got, kid)
				}
			})
		}
	}
}

// TestKeygenStdout pins that without -o the key goes to stdout and
// nothing to stderr.
func TestKeygenStdout(t *testing.T) {
	t.Parallel()
	r := jw(t, "", "keygen", "--type", "ed25519", "--format", "jwk", "--kid", "mine", "--use", "")
	wantExit(t, r, exitOK, "")
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
	jwk := jsonObject(t, r.stdout)
	if jwk["kid"] != "mine" || jwk["crv"] != "Ed25519" {
		t.Errorf("JWK %v", jwk)
	}
	if _, ok := jwk["use"]; ok {
		t.Errorf("--use \"\" wrote use %v", jwk["use"])
	}
	r = jw(t, "", "keygen", "--alg", "EdDSA", "--format", "jwk")
	if jwk := jsonObject(t, r.stdout); jwk["alg"] != "EdDSA" || jwk["crv"] != "Ed25519" {
		t.Errorf("--alg EdDSA: %v", jwk)
	}
	r = jw(t, "", "keygen")
	if block, _ := pem.Decode([]byte(r.stdout)); r.code != exitOK || block == nil || block.Type != "PRIVATE KEY" {
		t.Errorf("default keygen: %v", r)
	}
}

// TestKeygenFiles pins -o, --pub and --force: private keys 0600, no
// overwriting without --force, and the original intact after a refusal.
func TestKeygenFiles(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"pem", "jwk", "jwks"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			priv, pub := filepath.Join(dir, "key"), filepath.Join(dir, "key.pub")
			r := jw(t, "", "keygen", "--format", format, "-o", priv, "--pub", pub)
			wantExit(t, r, exitOK, "")
			kid := wroteKID(t, r.stderr)
			if m := fileMode(t, priv); m != 0o600 {
				t.Errorf("private key mode %o, want 600", m)
			}
			pubData := readFile(t, pub)
			switch format {
			case "pem":
				if b, _ := pem.Decode(pubData); b == nil || b.Type != "PUBLIC KEY" {
					t.Errorf("public key:\n%s", pubData)
				}
			case "jwk":
				checkPublicOnly(t, jwks{Keys: []map[string]any{jsonObject(t, string(pubData))}})
			case "jwks":
				checkPublicOnly(t, parseJWKS(t, pubData))
			}
			if got := thumbprint(t, pub); got != kid {
				t.Errorf("public key thumbprint %s, want %s", got, kid)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 2 {
				t.Errorf("directory holds %d files, want 2 (no temporary file left)", len(entries))
			}

			// A second keygen to the same file is refused; the key stays.
			before := readFile(t, priv)
			r = jw(t, "", "keygen", "--format", format, "-o", priv)
			msg := wantExit(t, r, exitUsage, "invalid_argument")
			if !strings.Contains(msg, "exists") || !strings.Contains(strings.Join(hints(r.stderr), " "), "--force") {
				t.Errorf("refusal does not name --force:\n%s", r.stderr)
			}
			if !bytes.Equal(readFile(t, priv), before) {
				t.Fatal("the refused keygen changed the existing key")
			}
			if m := fileMode(t, priv); m != 0o600 {
				t.Errorf("mode after refusal %o", m)
			}

			// --force replaces it, still 0600, with a new key.
			if err := os.Chmod(priv, 0o644); err != nil {
				t.Fatal(err)
			}
			r = jw(t, "", "keygen", "--format", format, "-o", priv, "--force")
			wantExit(t, r, exitOK, "")
			if bytes.Equal(readFile(t, priv), before) {
				t.Error("--force did not replace the key")
			}
			if m := fileMode(t, priv); m != 0o600 {
				t.Errorf("mode after --force %o, want 600", m)
			}
		})
	}
	// A refusal writes nothing: no new public key beside the old private
	// key, no new private key beside an old public one.
	t.Run("refusal writes neither file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		priv, pub := filepath.Join(dir, "key"), filepath.Join(dir, "key.pub")
		mustRun(t, "", "keygen", "-o", priv)
		wantExit(t, jw(t, "", "keygen", "-o", priv, "--pub", pub), exitUsage, "invalid_argument")
		if _, err := os.Stat(pub); err == nil {
			t.Error("a refused keygen wrote --pub")
		}
		priv2 := filepath.Join(dir, "key2")
		wantExit(t, jw(t, "", "keygen", "-o", priv2, "--pub", priv), exitUsage, "invalid_argument")
		if _, err := os.Stat(priv2); err == nil {
			t.Error("a refused keygen wrote -o")
		}
	})
	// A directory that does not exist is an input error.
	r := jw(t, "", "keygen", "-o", filepath.Join(t.TempDir(), "no", "such", "dir", "key.pem"))
	wantExit(t, r, exitUsage, "invalid_argument")
}

// TestEncryptedPEM writes a passphrase-protected key and reads it back:
// without a passphrase (a hint names --passphrase-file), with a wrong one,
// and with the right one. PBKDF2 at 600,000 iterations is slow, so this
// is one of only two tests that encrypt.
func TestEncryptedPEM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pass := writeFile(t, dir, "pass.txt", []byte("correct horse battery staple\n"))
	wrong := writeFile(t, dir, "wrong.txt", []byte("incorrect horse\n"))
	key := filepath.Join(dir, "key.pem")
	r := jw(t, "", "keygen", "--passphrase-file", pass, "-o", key)
	wantExit(t, r, exitOK, "")
	kid := wroteKID(t, r.stderr)
	data := readFile(t, key)
	if b, _ := pem.Decode(data); b == nil || b.Type != "ENCRYPTED PRIVATE KEY" {
		t.Fatalf("want an encrypted PKCS#8 key:\n%s", data)
	}

	r = jw(t, "", "thumbprint", key)
	msg := wantExit(t, r, exitUsage, "invalid_key")
	if !strings.Contains(msg, "encrypted") || !strings.Contains(strings.Join(hints(r.stderr), " "), "--passphrase-file") {
		t.Errorf("no passphrase: want a hint naming --passphrase-file:\n%s", r.stderr)
	}
	r = jw(t, "", "sign", "--key", key)
	wantExit(t, r, exitUsage, "invalid_key")

	r = jw(t, "", "thumbprint", "--passphrase-file", wrong, key)
	if msg := wantExit(t, r, exitUsage, "invalid_key"); !strings.Contains(msg, "incorrect passphrase") {
		t.Errorf("wrong passphrase: %q", msg)
	}

	// The trailing newline of the passphrase file is not part of it.
	if got := thumbprint(t, key, "--passphrase-file", pass); got != kid {
		t.Errorf("thumbprint %s, want %s", got, kid)
	}

	// Cheap refusals, before any key derivation.
	empty := writeFile(t, dir, "empty.txt", []byte("\n"))
	r = jw(t, "", "thumbprint", "--passphrase-file", empty, key)
	wantExit(t, r, exitUsage, "invalid_argument")
	r = jw(t, "", "keygen", "--passphrase-file", pass, "--format", "jwk")
	wantExit(t, r, exitUsage, "invalid_argument")
	r = jw(t, "", "keygen", "--passphrase-file", pass, "--pem-format", "sec1")
	wantExit(t, r, exitUsage, "invalid_argument")
	r = jw(t, "", "keygen", "--passphrase-file", filepath.Join(dir, "nope"))
	wantExit(t, r, exitUsage, "invalid_argument")
}

// TestEncryptedPEMEnv takes the passphrase from JWTWASM_PASSPHRASE, for
// writing and for reading. It cannot run in parallel (t.Setenv).
func TestEncryptedPEMEnv(t *testing.T) {
	t.Setenv(passphraseEnv, "from the environment")
	dir := t.TempDir()
	key := filepath.Join(dir, "key.pem")
	r := jw(t, "", "keygen", "--type", "ed25519", "-o", key)
	wantExit(t, r, exitOK, "")
	kid := wroteKID(t, r.stderr)
	if b, _ := pem.Decode(readFile(t, key)); b == nil || b.Type != "ENCRYPTED PRIVATE KEY" {
		t.Fatal("JWTWASM_PASSPHRASE did not encrypt the key")
	}
	if got := thumbprint(t, key); got != kid {
		t.Errorf("thumbprint %s, want %s", got, kid)
	}
}

// TestThumbprint checks that PEM, JWK and JWKS forms of one key, private
// or public, give the kid keygen assigned.
func TestThumbprint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pemKey := filepath.Join(dir, "key.pem")
	r := jw(t, "", "keygen", "--type", "ec", "--curve", "P-384", "--kid", "custom", "-o", pemKey, "--pub", filepath.Join(dir, "pub.pem"))
	wantExit(t, r, exitOK, "")
	// A custom kid does not change the thumbprint; PEM has no kid.
	if wroteKID(t, r.stderr) != "custom" {
		t.Fatalf("kid: %s", r.stderr)
	}
	want := thumbprint(t, pemKey)
	setFile := writeFile(t, dir, "key.jwks", []byte(mustRun(t, "", "jwks", "public", pemKey)))
	oneKey, err := json.Marshal(parseJWKS(t, readFile(t, setFile)).Keys[0])
	if err != nil {
		t.Fatal(err)
	}
	jwk := writeFile(t, dir, "key.jwk", oneKey)
	for _, p := range []string{filepath.Join(dir, "pub.pem"), setFile, jwk} {
		if got := thumbprint(t, p); got != want {
			t.Errorf("%s: thumbprint %s, want %s", filepath.Base(p), got, want)
		}
	}
	// Stdin works too.
	if got := strings.TrimSpace(mustRun(t, string(readFile(t, pemKey)), "thumbprint", "-")); got != want {
		t.Errorf("stdin: %s, want %s", got, want)
	}

	// A set prints "thumbprint kid" per key.
	k := newSigningSet(t, t.TempDir())
	mustRun(t, "", "jwks", "rotate", k.signing)
	out := mustRun(t, "", "thumbprint", k.signing)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[1], " "+k.kid) || !strings.HasPrefix(lines[1], k.kid+" ") {
		t.Errorf("set thumbprints:\n%s\nwant the old kid %s on line 2", out, k.kid)
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 || f[0] != f[1] {
			t.Errorf("line %q: want the thumbprint twice (the kids are thumbprints)", l)
		}
	}
}

// keyOfEveryType returns files holding one private key of each type.
func keyOfEveryType(t *testing.T, dir string) map[string]string {
	t.Helper()
	rsa := sharedRSA(t)
	files := map[string]string{"rsa": rsa.signing}
	for name, args := range map[string][]string{
		"ec":      {"--type", "ec"},
		"ed25519": {"--type", "ed25519"},
		"ec-pem":  {"--type", "ec", "--curve", "P-521", "--format", "pem"},
	} {
		p := filepath.Join(dir, name)
		if !strings.HasSuffix(name, "-pem") {
			args = append(args, "--format", "jwks")
		}
		mustRun(t, "", append([]string{"keygen", "-o", p}, args...)...)
		files[name] = p
	}
	return files
}

// TestJWKSPublic pins that the published set never holds a private member,
// whatever the key type, and that secrets are left out.
func TestJWKSPublic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, file := range keyOfEveryType(t, dir) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			set := parseJWKS(t, []byte(mustRun(t, "", "jwks", "public", file)))
			if len(set.Keys) != 1 {
				t.Fatalf("%d keys", len(set.Keys))
			}
			checkPublicOnly(t, set)
			// From stdin, the same.
			again := mustRun(t, string(readFile(t, file)), "jwks", "public", "-")
			checkPublicOnly(t, parseJWKS(t, []byte(again)))
		})
	}

	// A set (made by hand: rotate refuses to mix kinds) whose active key
	// is a secret and whose retiring key is EC: only the EC key is
	// published.
	k := newSigningSet(t, t.TempDir())
	secretJWK := mustRun(t, "", "keygen", "--type", "oct", "--format", "jwk")
	ecJWK, _ := json.Marshal(parseJWKS(t, readFile(t, k.public)).Keys[0])
	writeFile(t, filepath.Dir(k.signing), "signing.jwks", []byte(`{"keys":[`+secretJWK+`,`+string(ecJWK)+`]}`))
	set := parseJWKS(t, []byte(mustRun(t, "", "jwks", "public", k.signing)))
	checkPublicOnly(t, set)
	if len(set.Keys) != 1 || set.Keys[0]["kid"] != k.kid {
		t.Errorf("published %v, want only the EC key %s", set.Keys, k.kid)
	}

	// A set of secrets only has nothing to publish.
	secret := filepath.Join(dir, "secret.jwks")
	mustRun(t, "", "keygen", "--type", "oct", "--format", "jwks", "-o", secret)
	r := jw(t, "", "jwks", "public", secret)
	if msg := wantExit(t, r, exitUsage, "invalid_argument"); !strings.Contains(msg, "HMAC") {
		t.Errorf("message %q", msg)
	}
	if r.stdout != "" {
		t.Errorf("printed %q", r.stdout)
	}

	// -o writes the file (0644: it is public) and refuses to overwrite.
	out := filepath.Join(dir, "public.jwks")
	mustRun(t, "", "jwks", "public", k.signing, "-o", out)
	if m := fileMode(t, out); m != 0o644 {
		t.Errorf("public set mode %o, want 644", m)
	}
	wantExit(t, jw(t, "", "jwks", "public", k.signing, "-o", out), exitUsage, "invalid_argument")
	mustRun(t, "", "jwks", "public", k.signing, "-o", out, "--force")
}

func TestJWKSMerge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newSigningSet(t, filepath.Join(dir))
	bDir := t.TempDir()
	b := newSigningSet(t, bDir, "--type", "ed25519")
	pemKey := filepath.Join(dir, "c.pem")
	mustRun(t, "", "keygen", "--curve", "P-384", "-o", pemKey)

	// Each key once, in order, public only, whatever the input held.
	set := parseJWKS(t, []byte(mustRun(t, "", "jwks", "merge", a.public, a.signing, b.signing, pemKey, b.public, pemKey)))
	checkPublicOnly(t, set)
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k["kid"].(string))
	}
	if want := []string{a.kid, b.kid, thumbprint(t, pemKey)}; strings.Join(kids, " ") != strings.Join(want, " ") {
		t.Errorf("merged kids %v, want %v", kids, want)
	}

	// Two different keys under one kid are an error.
	x := filepath.Join(dir, "x.jwk")
	y := filepath.Join(dir, "y.jwk")
	mustRun(t, "", "keygen", "--kid", "same", "--format", "jwk", "-o", x)
	mustRun(t, "", "keygen", "--kid", "same", "--format", "jwk", "-o", y)
	r := jw(t, "", "jwks", "merge", x, y)
	if msg := wantExit(t, r, exitUsage, "invalid_key"); !strings.Contains(msg, `"same"`) {
		t.Errorf("collision message %q does not name the kid", msg)
	}
	if r.stdout != "" {
		t.Errorf("printed %q", r.stdout)
	}
	// An unreadable input names the file in a hint.
	junk := writeFile(t, dir, "junk", []byte("junk"))
	r = jw(t, "", "jwks", "merge", a.public, junk)
	wantExit(t, r, exitUsage, "invalid_key")
	if h := strings.Join(hints(r.stderr), " "); !strings.Contains(h, junk) {
		t.Errorf("hint %q does not name %s", h, junk)
	}
}

func TestJWKSRotate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir, "--alg", "ES256")
	before := sign(t, k, "--now", t0)
	// The file mode is 0600 after rotation even if it was wider.
	if err := os.Chmod(k.signing, 0o640); err != nil {
		t.Fatal(err)
	}

	r := jw(t, "", "jwks", "rotate", k.signing)
	wantExit(t, r, exitOK, "")
	set := parseJWKS(t, readFile(t, k.signing))
	if len(set.Keys) != 2 {
		t.Fatalf("%d keys after rotation, want 2", len(set.Keys))
	}
	active, old := set.Keys[0], set.Keys[1]
	if _, ok := active["d"]; !ok {
		t.Error("the new active key is not private")
	}
	if old["kid"] != k.kid {
		t.Errorf("second key %v, want the old key %s", old["kid"], k.kid)
	}
	checkPublicOnly(t, jwks{Keys: []map[string]any{old}})
	// The new key is like the old one: same curve and alg.
	if active["crv"] != "P-256" || active["alg"] != "ES256" {
		t.Errorf("new key %v: want a P-256 key for ES256", active)
	}
	if m := fileMode(t, k.signing); m != 0o600 {
		t.Errorf("mode %o after rotation, want 600", m)
	}
	if !strings.Contains(r.stdout, "active key: "+active["kid"].(string)) || !strings.Contains(r.stdout, k.kid+" (EC P-256, public only)") {
		t.Errorf("rotate reported:\n%s", r.stdout)
	}

	// Tokens from before and after verify against the rotated public set.
	after := sign(t, k, "--now", t0)
	if h, _ := tokenParts(t, after); h["kid"] != active["kid"] {
		t.Errorf("new token kid %v, want %v", h["kid"], active["kid"])
	}
	mustRun(t, "", "jwks", "public", "--force", k.signing, "-o", k.public)
	for _, tok := range []string{before, after} {
		wantExit(t, jw(t, "", "verify", "--jwks", k.public, "--alg", "ES256", "--now", at(time.Minute), tok), exitOK, "")
	}

	// --keep bounds the retiring keys.
	mustRun(t, "", "jwks", "rotate", k.signing)
	mustRun(t, "", "jwks", "rotate", k.signing)
	if n := len(parseJWKS(t, readFile(t, k.signing)).Keys); n != 4 {
		t.Errorf("%d keys after three rotations, want 4", n)
	}
	mustRun(t, "", "jwks", "rotate", "--keep", "1", k.signing)
	set = parseJWKS(t, readFile(t, k.signing))
	if len(set.Keys) != 2 {
		t.Errorf("%d keys with --keep 1, want 2", len(set.Keys))
	}
	checkPublicOnly(t, jwks{Keys: set.Keys[1:]})

	// Another type on request; -o writes elsewhere and leaves FILE alone.
	unchanged := readFile(t, k.signing)
	out := filepath.Join(dir, "rotated.jwks")
	mustRun(t, "", "jwks", "rotate", "--type", "ed25519", "-o", out, k.signing)
	if !bytes.Equal(readFile(t, k.signing), unchanged) {
		t.Error("rotate -o changed the input")
	}
	if got := parseJWKS(t, readFile(t, out)).Keys[0]["crv"]; got != "Ed25519" {
		t.Errorf("--type ed25519 made %v", got)
	}
	if m := fileMode(t, out); m != 0o600 {
		t.Errorf("-o mode %o, want 600", m)
	}

	// A published set cannot be rotated: it has no private key.
	pubBefore := readFile(t, k.public)
	r = jw(t, "", "jwks", "rotate", k.public)
	if msg := wantExit(t, r, exitUsage, "invalid_argument"); !strings.Contains(msg, "no active private key") {
		t.Errorf("message %q", msg)
	}
	if !bytes.Equal(readFile(t, k.public), pubBefore) {
		t.Error("the refused rotation changed the public set")
	}
	wantExit(t, jw(t, "", "jwks", "rotate", filepath.Join(dir, "nope.jwks")), exitUsage, "invalid_argument")
	wantExit(t, jw(t, "", "jwks", "rotate", "--curve", "P-1", k.signing), exitUsage, "invalid_argument")
}

// TestJWKDocumentsAreJSON pins that JWK and JWKS outputs are indented JSON
// ending in a newline.
func TestJWKDocumentsAreJSON(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"jwk", "jwks"} {
		out := mustRun(t, "", "keygen", "--format", format)
		if !strings.HasSuffix(out, "}\n") || !strings.Contains(out, "\n  \"") || !json.Valid([]byte(out)) {
			t.Errorf("%s output:\n%s", format, out)
		}
	}
}
