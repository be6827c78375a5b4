package fastverify

// Points of P-256, y² = x³ − 3x + b over the field of fe.

// affine is a point (x, y) other than the point at infinity.
type affine struct{ x, y fe }

// jacobian is the point (X/Z², Y/Z³), or the point at infinity when
// Z = 0, as in the zero value.
type jacobian struct{ x, y, z fe }

// isInf reports whether p is the point at infinity.
func (p *jacobian) isInf() bool { return p.z.isZero() }

// feB is the curve's b.
var feB = fe{0x27d2604b, 0x3bce3c3e, 0xcc53b0f6, 0x651d06b0, 0x769886bc, 0xb3ebbd55, 0xaa3a93e7, 0x5ac635d8}

// p256G is the base point.
var p256G = affine{
	x: fe{0xd898c296, 0xf4a13945, 0x2deb33a0, 0x77037d81, 0x63a440f2, 0xf8bce6e5, 0xe12c4247, 0x6b17d1f2},
	y: fe{0x37bf51f5, 0xcbb64068, 0x6b315ece, 0x2bce3357, 0x7c0f9e16, 0x8ee7eb4a, 0xfe1a7f9b, 0x4fe342e2},
}

// onCurve reports whether y² = x³ − 3x + b.
func (a *affine) onCurve() bool {
	var lhs, rhs, t fe
	feSqr(&lhs, &a.y)
	feSqr(&rhs, &a.x)
	feMul(&rhs, &rhs, &a.x)
	feAdd(&t, &a.x, &a.x)
	feAdd(&t, &t, &a.x)
	feSub(&rhs, &rhs, &t)
	feAdd(&rhs, &rhs, &feB)
	return lhs == rhs
}

// double sets p = 2p, with the a = −3 formulas dbl-2001-b of the
// Explicit-Formulas Database, except for Z3 (4M + 4S). P-256 has no point
// of order two, so only the point at infinity doubles to itself.
func (p *jacobian) double() {
	if p.isInf() {
		return
	}
	var delta, gamma, beta, alpha, t, u fe
	feSqr(&delta, &p.z)
	feSqr(&gamma, &p.y)
	feMul(&beta, &p.x, &gamma)
	// alpha = 3(X − delta)(X + delta)
	feSub(&t, &p.x, &delta)
	feAdd(&u, &p.x, &delta)
	feMul(&t, &t, &u)
	feAdd(&alpha, &t, &t)
	feAdd(&alpha, &alpha, &t)
	// Z3 = 2·Y·Z, one multiplication where the formulas' (Y+Z)² − gamma −
	// delta trades it for a squaring and three additions, which cost more
	// here.
	feMul(&t, &p.y, &p.z)
	feAdd(&p.z, &t, &t)
	// X3 = alpha² − 8 beta
	feAdd(&beta, &beta, &beta)
	feAdd(&beta, &beta, &beta) // 4 beta
	feSqr(&t, &alpha)
	feAdd(&u, &beta, &beta)
	feSub(&p.x, &t, &u)
	// Y3 = alpha(4 beta − X3) − 8 gamma²
	feSub(&t, &beta, &p.x)
	feMul(&t, &t, &alpha)
	feSqr(&gamma, &gamma)
	feAdd(&gamma, &gamma, &gamma)
	feAdd(&gamma, &gamma, &gamma)
	feAdd(&gamma, &gamma, &gamma)
	feSub(&p.y, &t, &gamma)
}

// addAffine sets p = p + q, or p − q if neg, with the mixed formulas
// madd-2007-bl of the Explicit-Formulas Database, except that Z3 is
// computed as 2·Z1·H. The cases the formulas do not cover are handled
// apart: p at infinity, p = ±q.
func (p *jacobian) addAffine(q *affine, neg bool) {
	y2 := &q.y
	var ny fe
	if neg {
		feNeg(&ny, &q.y)
		y2 = &ny
	}
	if p.isInf() {
		p.x, p.y = q.x, *y2
		p.z = fe{1}
		return
	}
	var z1z1, u2, s2, h, r, t fe
	feSqr(&z1z1, &p.z)
	feMul(&u2, &q.x, &z1z1)
	feMul(&s2, y2, &p.z)
	feMul(&s2, &s2, &z1z1)
	feSub(&h, &u2, &p.x)
	feSub(&r, &s2, &p.y)
	if h.isZero() {
		// Same x: p = q (double) or p = −q (the sum is at infinity).
		if r.isZero() {
			p.double()
		} else {
			*p = jacobian{}
		}
		return
	}
	feAdd(&r, &r, &r)
	var i, j, v fe
	feSqr(&i, &h)
	feAdd(&i, &i, &i)
	feAdd(&i, &i, &i) // I = 4H²
	feMul(&j, &h, &i) // J = H·I
	feMul(&v, &p.x, &i)
	// X3 = r² − J − 2V
	feSqr(&t, &r)
	feSub(&t, &t, &j)
	feSub(&t, &t, &v)
	feSub(&t, &t, &v)
	// Y3 = r(V − X3) − 2·Y1·J
	feSub(&v, &v, &t)
	feMul(&v, &v, &r)
	feMul(&j, &j, &p.y)
	feAdd(&j, &j, &j)
	feSub(&p.y, &v, &j)
	p.x = t
	// Z3 = 2·Z1·H
	feMul(&p.z, &p.z, &h)
	feAdd(&p.z, &p.z, &p.z)
}

// oddMultiples returns the affine points q, 3q, 5q, …, (2n−1)q. It costs
// 2n−1 additions and one inversion, shared by all points through
// Montgomery's trick.
func oddMultiples(q *affine, n int) []affine {
	jac := make([]jacobian, n)
	var acc jacobian
	acc.addAffine(q, false) // q
	for k := 1; k <= 2*n-1; k++ {
		if k%2 == 1 {
			jac[k/2] = acc
		}
		acc.addAffine(q, false)
	}
	return toAffine(jac)
}

// toAffine converts points, none at infinity, with one inversion.
func toAffine(jac []jacobian) []affine {
	n := len(jac)
	// prefix[k] = z₀·…·z_k
	prefix := make([]fe, n)
	prefix[0] = jac[0].z
	for k := 1; k < n; k++ {
		feMul(&prefix[k], &prefix[k-1], &jac[k].z)
	}
	var inv fe // (z₀·…·z_k)⁻¹, walking down
	feInvert(&inv, &prefix[n-1])
	out := make([]affine, n)
	for k := n - 1; k >= 0; k-- {
		var zinv fe
		if k > 0 {
			feMul(&zinv, &inv, &prefix[k-1])
			feMul(&inv, &inv, &jac[k].z)
		} else {
			zinv = inv
		}
		var zz fe
		feSqr(&zz, &zinv)
		feMul(&out[k].x, &jac[k].x, &zz)
		feMul(&zz, &zz, &zinv)
		feMul(&out[k].y, &jac[k].y, &zz)
	}
	return out
}
