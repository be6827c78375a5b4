package abi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
)

// resultLimits bounds a VerifyResult body: a header and a claims set, each
// within core's JSON limits, one level down.
var resultLimits = jsonobj.Limits{MaxDepth: core.MaxJSONDepth + 1, MaxValues: 2*core.MaxJSONValues + 8}

// ParseVerifyResult reads the body of a successful verification (the bytes
// after the status byte). Hosts decode one per verified token, so it reads
// the body in one pass with core's own JSON parser instead of
// encoding/json (about a third of the time, measured natively); header and
// claims are sub-slices of body. Members the ABI may add later are
// ignored; header, claims and key_index are required.
func ParseVerifyResult(body []byte) (*VerifyResult, error) {
	obj, err := jsonobj.Parse(body, resultLimits)
	if err != nil {
		return nil, err
	}
	var r VerifyResult
	var haveIndex bool
	for _, m := range obj {
		switch m.Name {
		case "header":
			r.Header, err = objectMember(m)
		case "claims":
			r.Claims, err = objectMember(m)
		case "kid":
			if m.Value[0] != '"' {
				return nil, errors.New(`"kid" is not a string`)
			}
			if bytes.IndexByte(m.Value, '\\') < 0 {
				r.KeyID = string(m.Value[1 : len(m.Value)-1])
			} else {
				err = json.Unmarshal(m.Value, &r.KeyID)
			}
		case "key_index":
			r.KeyIndex, err = strconv.Atoi(string(m.Value))
			haveIndex = true
		}
		if err != nil {
			return nil, fmt.Errorf("%q: %w", m.Name, err)
		}
	}
	switch {
	case r.Header == nil:
		return nil, errors.New(`no "header"`)
	case r.Claims == nil:
		return nil, errors.New(`no "claims"`)
	case !haveIndex:
		return nil, errors.New(`no "key_index"`)
	}
	return &r, nil
}

func objectMember(m jsonobj.Member) (json.RawMessage, error) {
	if m.Value[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	return json.RawMessage(m.Value), nil
}
