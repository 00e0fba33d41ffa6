package c2gimpl

import (
	"bytes"
	"math"
	"testing"
)

// FuzzDecoder runs a program of reads (ops, one byte each) over arbitrary bytes (data) and checks the
// Decoder's contract on hostile input: no panic; every read bounds-checked (Remaining never leaves
// [0, len(data)]); after the first error every read returns a zero value and consumes nothing; Len never
// returns a count whose minimum encoding exceeds the remaining bytes; String/Bytes never alias the input;
// Finish agrees with Err and Remaining; and whatever was read successfully re-encodes to exactly the
// bytes consumed (so the decoder accepts only canonical encodings of what it returns).
//
// `go test` runs the seeds (with the shared wire vectors' inputs); scripts/run-sanitizers.sh runs
// `go test -fuzz '^FuzzDecoder$' -fuzztime 30s` (tests/sanitizers/README.md).
func FuzzDecoder(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, []byte{})
	f.Add([]byte{12, 13, 14, 0x1e, 0x4e, 0x0f}, []byte{1, 0, 2, 0, 0, 0, 'h', 'i', 3, 0, 0, 0, 1, 2, 3, 1, 0, 0, 0})
	f.Add([]byte{14, 14, 14}, []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Add([]byte{15, 0x2e, 0xfe}, []byte{0xff, 0xff, 0xff, 0x7f, 2, 0, 0, 0, 9, 9})
	e := NewEncoderForTest()
	e.U32(3)
	e.String("three")
	e.Bool(true)
	e.Present(false)
	e.F64(math.Inf(-1))
	f.Add([]byte{2, 12, 10, 11, 9}, append([]byte(nil), e.Data()...))
	f.Fuzz(func(t *testing.T, ops, data []byte) {
		if len(ops) > 256 {
			ops = ops[:256]
		}
		input := append([]byte(nil), data...) // to check that nothing writes into the input
		d := NewDecoder(data)
		re := NewEncoderForTest()
		for i, op := range ops {
			before := d.Remaining()
			hadErr := d.Err() != nil
			zero := decodeFuzzOp(d, re, op)
			after := d.Remaining()
			if after < 0 || after > len(data) || after > before {
				t.Fatalf("op %d (%#x): Remaining went from %d to %d over %d bytes", i, op, before, after, len(data))
			}
			if hadErr && (!zero || after != before) {
				t.Fatalf("op %d (%#x) after an error: returned a non-zero value or consumed %d bytes", i, op, before-after)
			}
			if d.Err() != nil && after != before && !hadErr {
				// A failing read leaves the offset where the read started.
				t.Fatalf("op %d (%#x) failed but consumed %d bytes", i, op, before-after)
			}
		}
		consumed := len(data) - d.Remaining()
		if d.Err() == nil {
			if re.Err() != nil {
				t.Fatalf("re-encoding what was decoded failed: %v", re.Err())
			}
			if !bytes.Equal(re.Data(), data[:consumed]) {
				t.Fatalf("decoded values re-encode to %x, not to the %d bytes consumed %x", re.Data(), consumed, data[:consumed])
			}
		}
		finish := d.Finish()
		if (finish == nil) != (d.Err() == nil) || (finish == nil && d.Remaining() != 0) {
			t.Fatalf("Finish() = %v with Err() = %v and %d bytes remaining", finish, d.Err(), d.Remaining())
		}
		if finish != nil {
			if e, ok := finish.(*Error); !ok || e.Code != Protocol {
				t.Fatalf("Finish() = %#v, want a *Error with Code Protocol", finish)
			}
		}
		if !bytes.Equal(input, data) {
			t.Fatalf("decoding modified its input")
		}
	})
}

// NewEncoderForTest returns an empty Encoder that is not from the pool.
func NewEncoderForTest() *Encoder { return &Encoder{} }

// decodeFuzzOp performs the read op&0x0f selects (op>>4 is Len's minimum element size; for String, bit 4
// reads a list of strings with Strings instead), re-encodes a successful result into re, and reports
// whether the value read is the zero value of its type.
func decodeFuzzOp(d *Decoder, re *Encoder, op byte) (zero bool) {
	ok := func() bool { return d.Err() == nil }
	switch op & 0x0f {
	case 0:
		v := d.U8()
		if ok() {
			re.U8(v)
		}
		return v == 0
	case 1:
		v := d.U16()
		if ok() {
			re.U16(v)
		}
		return v == 0
	case 2:
		v := d.U32()
		if ok() {
			re.U32(v)
		}
		return v == 0
	case 3:
		v := d.U64()
		if ok() {
			re.U64(v)
		}
		return v == 0
	case 4:
		v := d.I8()
		if ok() {
			re.I8(v)
		}
		return v == 0
	case 5:
		v := d.I16()
		if ok() {
			re.I16(v)
		}
		return v == 0
	case 6:
		v := d.I32()
		if ok() {
			re.I32(v)
		}
		return v == 0
	case 7:
		v := d.I64()
		if ok() {
			re.I64(v)
		}
		return v == 0
	case 8:
		v := d.F32()
		if ok() {
			re.F32(v)
		}
		return math.Float32bits(v) == 0
	case 9:
		v := d.F64()
		if ok() {
			re.F64(v)
		}
		return math.Float64bits(v) == 0
	case 10:
		v := d.Bool()
		if ok() {
			re.Bool(v)
		}
		return !v
	case 11:
		v := d.Present()
		if ok() {
			re.Present(v)
		}
		return !v
	case 12:
		if op&0x10 != 0 { // a list<string> in one read
			l := d.Strings()
			if ok() {
				re.Strings(l)
			}
			return len(l) == 0
		}
		v := d.String()
		if ok() {
			re.String(v)
		}
		return v == ""
	case 13:
		v := d.Bytes()
		if ok() {
			if v == nil {
				panic("Bytes() returned nil without an error")
			}
			re.Bytes(v)
			if len(v) > 0 {
				v[0] ^= 0xff // must be a copy: the input check at the end catches aliasing
			}
			return false
		}
		return v == nil
	case 14:
		min := int(op >> 4)
		before := d.Remaining()
		n := d.Len(min)
		if ok() {
			if min < 1 {
				min = 1
			}
			if n < 0 || n*min > d.Remaining() || before-d.Remaining() != 4 {
				panic("Len returned a count whose minimum encoding exceeds the remaining bytes")
			}
			re.Len(n)
		}
		return n == 0
	default:
		d.Finish() // may record "trailing bytes"; afterwards every read must return zero
		return true
	}
}
