//go:build !jwtwasm_lean

package guest

import (
	"encoding/base64"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// The operations that sign or make keys, which the verify-only module
// (build tag jwtwasm_lean) answers with keyops_lean.go instead.

// keyOp runs an operation that signs, makes or converts keys.
func (g *Guest) keyOp(op abi.Op, req []byte) []byte {
	switch op {
	case abi.OpSign:
		return decodeThen(req, g.sign)
	case abi.OpSignerNew:
		return decodeThen(req, g.newSigner)
	case abi.OpSignerFree:
		return decodeThen(req, g.freeSigner)
	case abi.OpKeygen:
		return decodeThen(req, keygen)
	case abi.OpConvertKeys:
		return decodeThen(req, convert)
	}
	return badRequest("unknown operation %d", op)
}

func (g *Guest) newSigner(r *abi.SignerRequest) []byte {
	if len(g.signers) >= MaxVerifiers {
		return badRequest("%d signers are live, the most one instance holds (MaxVerifiers): free some", MaxVerifiers)
	}
	key, set, err := signingKey(r.KeysRequest)
	if err != nil {
		return errResult(err)
	}
	res := abi.HandleResult{KeyID: key.KeyID()}
	if r.ReturnKeys {
		if res.Keys, err = plainKeys(set); err != nil {
			return errResult(err)
		}
	}
	res.Handle = g.handle()
	g.signers[res.Handle] = key
	return okResult(res)
}

func (g *Guest) freeSigner(r *abi.HandleRequest) []byte {
	if g.signers[r.Handle] == nil {
		return badRequest("no signer with handle %d (freed already, or never made)", r.Handle)
	}
	delete(g.signers, r.Handle)
	return result(abi.StatusOK, []byte("{}"))
}

// sign signs with a prepared signer when the request names one, else with
// the request's key document.
func (g *Guest) sign(r *abi.SignRequest) []byte {
	if r.Handle == 0 {
		key, _, err := signingKey(r.KeysRequest)
		if err != nil {
			return errResult(err)
		}
		return answer(signWith(key, r))
	}
	if r.Keys != "" {
		return badRequest("a sign request names a signer handle or keys, not both")
	}
	key := g.signers[r.Handle]
	if key == nil {
		return badRequest("no signer with handle %d (freed already, or never made)", r.Handle)
	}
	return answer(signWith(key, r))
}

func keygen(r *abi.KeygenRequest) []byte { return answer(generate(r)) }

func convert(r *abi.ConvertRequest) []byte { return answer(convertKeys(r)) }

// signingKey returns the active key of a key document.
func signingKey(r abi.KeysRequest) (*core.Key, *core.KeySet, error) {
	set, err := parseKeys(r)
	if err != nil {
		return nil, nil, err
	}
	key := set.Active()
	if key == nil {
		return nil, nil, core.Errorf(core.CodeInvalidKey, "no private key to sign with: sign with a private key or key set, not a published (public) one")
	}
	return key, set, nil
}

// signWith signs the request's claims, or payload, with key.
func signWith(key *core.Key, r *abi.SignRequest) (*abi.SignResult, error) {
	var opts []core.SignOption
	if r.Alg != "" {
		opts = append(opts, core.WithAlgorithm(r.Alg))
	}
	if r.KeyID != nil {
		opts = append(opts, core.WithKeyID(*r.KeyID))
	}
	if r.Type != nil {
		opts = append(opts, core.WithType(*r.Type))
	}
	if r.AllowWeakKeys {
		opts = append(opts, core.AllowWeakKeys())
	}
	if r.Payload == "" && len(r.Claims) == 0 {
		return nil, core.Errorf(core.CodeInvalidArgument, "a sign request needs claims (a JWT) or a payload (a JWS)")
	}
	var token string
	var err error
	if r.Payload != "" {
		if len(r.Claims) != 0 {
			return nil, core.Errorf(core.CodeInvalidArgument, "a sign request has claims (a JWT) or a payload (a JWS), not both")
		}
		payload, derr := base64.RawURLEncoding.DecodeString(r.Payload)
		if derr != nil {
			return nil, core.WrapError(core.CodeInvalidArgument, derr, "payload is not base64url without padding")
		}
		token, err = core.SignJWS(key, payload, opts...)
	} else {
		token, err = core.Sign(key, r.Claims, opts...)
	}
	if err != nil {
		return nil, err
	}
	return &abi.SignResult{Token: token}, nil
}

// generate makes a key and writes it, private and public parts.
func generate(r *abi.KeygenRequest) (*abi.KeygenResult, error) {
	key, err := core.GenerateKey(core.KeyParams{Type: r.Type, Bits: r.Bits, Curve: r.Curve, Alg: r.Alg, KeyID: r.KeyID, Use: r.Use})
	if err != nil {
		return nil, err
	}
	priv, pub, err := core.EncodeKeyPair(key, core.KeyFormat(r.Format), core.PEMOptions{Format: r.PEMFormat, Passphrase: []byte(r.Passphrase)})
	if err != nil {
		return nil, err
	}
	return &abi.KeygenResult{Private: string(priv), Public: string(pub), KeyID: key.KeyID(), Type: key.Type(), Bits: key.Bits(), Curve: key.Curve(), Thumbprint: key.Thumbprint()}, nil
}

func convertKeys(r *abi.ConvertRequest) (*abi.ConvertResult, error) {
	set, err := parseKeys(r.KeysRequest)
	if err != nil {
		return nil, err
	}
	out, err := core.EncodeKeys(set, core.KeyFormat(r.To), core.PEMOptions{Format: r.PEMFormat})
	if err != nil {
		return nil, err
	}
	return &abi.ConvertResult{Output: string(out)}, nil
}
