package c2gimpl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// vectorOp is one op of runtime/testdata/wire_vectors.txt, e.g. "i32=-1" or "len4=2".
type vectorOp struct {
	kind  string // u8 … f64, bool, present, str, bytes, len
	min   int    // len: the minimum element size passed to Len
	value string // "" in bad lines
}

type vector struct {
	line int
	ok   bool
	data []byte
	ops  []vectorOp
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	f, err := os.Open("../../../testdata/wire_vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vs []vector
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) < 3 || (fields[0] != "ok" && fields[0] != "bad") {
			t.Fatalf("line %d: malformed vector %q", n, sc.Text())
		}
		v := vector{line: n, ok: fields[0] == "ok"}
		if fields[1] != "-" {
			if v.data, err = hex.DecodeString(fields[1]); err != nil {
				t.Fatalf("line %d: %v", n, err)
			}
		}
		for _, f := range fields[2:] {
			kind, value, _ := strings.Cut(f, "=")
			op := vectorOp{kind: kind, value: value}
			if rest, isLen := strings.CutPrefix(kind, "len"); isLen {
				op.kind = "len"
				if op.min, err = strconv.Atoi(rest); err != nil {
					t.Fatalf("line %d: bad len op %q", n, f)
				}
			}
			v.ops = append(v.ops, op)
		}
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 40 {
		t.Fatalf("only %d vectors loaded", len(vs))
	}
	return vs
}

func mustInt(t *testing.T, v vector, s string, bits int) int64 {
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		t.Fatalf("line %d: %v", v.line, err)
	}
	return n
}

func mustUint(t *testing.T, v vector, s string, base, bits int) uint64 {
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), base, bits)
	if err != nil {
		t.Fatalf("line %d: %v", v.line, err)
	}
	return n
}

func mustHex(t *testing.T, v vector, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("line %d: %v", v.line, err)
	}
	return b
}

func encodeOp(t *testing.T, v vector, e *Encoder, op vectorOp) {
	switch op.kind {
	case "u8":
		e.U8(uint8(mustUint(t, v, op.value, 10, 8)))
	case "u16":
		e.U16(uint16(mustUint(t, v, op.value, 10, 16)))
	case "u32":
		e.U32(uint32(mustUint(t, v, op.value, 10, 32)))
	case "u64":
		e.U64(mustUint(t, v, op.value, 10, 64))
	case "i8":
		e.I8(int8(mustInt(t, v, op.value, 8)))
	case "i16":
		e.I16(int16(mustInt(t, v, op.value, 16)))
	case "i32":
		e.I32(int32(mustInt(t, v, op.value, 32)))
	case "i64":
		e.I64(mustInt(t, v, op.value, 64))
	case "f32":
		e.F32(math.Float32frombits(uint32(mustUint(t, v, op.value, 16, 32))))
	case "f64":
		e.F64(math.Float64frombits(mustUint(t, v, op.value, 16, 64)))
	case "bool":
		e.Bool(op.value == "1")
	case "present":
		e.Present(op.value == "1")
	case "str":
		e.String(string(mustHex(t, v, op.value)))
	case "bytes":
		e.Bytes(mustHex(t, v, op.value))
	case "len":
		e.Len(int(mustUint(t, v, op.value, 10, 32)))
	default:
		t.Fatalf("line %d: unknown op %q", v.line, op.kind)
	}
}

// decodeOp reads op's kind and returns what was read, rendered like the vector file writes it.
func decodeOp(t *testing.T, v vector, d *Decoder, op vectorOp) string {
	switch op.kind {
	case "u8":
		return strconv.FormatUint(uint64(d.U8()), 10)
	case "u16":
		return strconv.FormatUint(uint64(d.U16()), 10)
	case "u32":
		return strconv.FormatUint(uint64(d.U32()), 10)
	case "u64":
		return strconv.FormatUint(d.U64(), 10)
	case "i8":
		return strconv.FormatInt(int64(d.I8()), 10)
	case "i16":
		return strconv.FormatInt(int64(d.I16()), 10)
	case "i32":
		return strconv.FormatInt(int64(d.I32()), 10)
	case "i64":
		return strconv.FormatInt(d.I64(), 10)
	case "f32":
		return "0x" + strconv.FormatUint(uint64(math.Float32bits(d.F32())), 16)
	case "f64":
		return "0x" + strconv.FormatUint(math.Float64bits(d.F64()), 16)
	case "bool":
		if d.Bool() {
			return "1"
		}
		return "0"
	case "present":
		if d.Present() {
			return "1"
		}
		return "0"
	case "str":
		return hex.EncodeToString([]byte(d.String()))
	case "bytes":
		return hex.EncodeToString(d.Bytes())
	case "len":
		return strconv.Itoa(d.Len(op.min))
	}
	t.Fatalf("line %d: unknown op %q", v.line, op.kind)
	return ""
}

func TestWireVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.ok {
			e := GetEncoder()
			for _, op := range v.ops {
				encodeOp(t, v, e, op)
			}
			if e.Err() != nil || !bytes.Equal(e.Data(), v.data) {
				t.Errorf("line %d: encoded %x (err %v), want %x", v.line, e.Data(), e.Err(), v.data)
			}
			e.Release()
		}
		d := NewDecoder(v.data)
		for _, op := range v.ops {
			got := decodeOp(t, v, d, op)
			if v.ok && got != op.value {
				t.Errorf("line %d: %s decoded %s, want %s", v.line, op.kind, got, op.value)
			}
		}
		err := d.Finish()
		switch {
		case v.ok && err != nil:
			t.Errorf("line %d: unexpected error %v", v.line, err)
		case !v.ok && CodeOf(err) != Protocol:
			t.Errorf("line %d: decoding succeeded or failed with the wrong code: %v", v.line, err)
		}
	}
}

func TestDecoderErrorIsStickyAndReadsReturnZero(t *testing.T) {
	d := NewDecoder([]byte{0x02, 0x01, 0x00, 0x00, 0x00, 0x07})
	if d.Bool() {
		t.Fatal("invalid bool decoded as true")
	}
	first := d.Err()
	if CodeOf(first) != Protocol || !strings.Contains(first.Error(), "invalid bool byte 2") {
		t.Fatalf("error = %v", first)
	}
	// The remaining bytes are valid, but nothing is read after the first error.
	if d.U8() != 0 || d.U32() != 0 || d.String() != "" || d.Bytes() != nil || d.Len(1) != 0 || d.Present() {
		t.Fatal("reads after an error returned data")
	}
	if d.Err() != first || d.Finish() != first {
		t.Fatal("the first error was replaced")
	}
}

func TestDecoderRejectsHostileCountsBeforeAllocating(t *testing.T) {
	// A count of 2^32-1 elements of 8 bytes, with 8 bytes of input: a decoder that trusted the count
	// would allocate 32 GiB.
	d := NewDecoder([]byte{0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8})
	if n := d.Len(8); n != 0 {
		t.Fatalf("Len = %d", n)
	}
	if err := d.Err(); err == nil || !strings.Contains(err.Error(), "count 4294967295") {
		t.Fatalf("error = %v", err)
	}
	// The largest count that fits is accepted.
	d = NewDecoder([]byte{1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8})
	if n := d.Len(8); n != 1 || d.Err() != nil {
		t.Fatalf("Len = %d, err %v", n, d.Err())
	}
}

func TestDecoderTruncationsNeverPanic(t *testing.T) {
	// Every prefix of a valid encoding must fail cleanly for every reader.
	e := GetEncoder()
	defer e.Release()
	e.I64(-5)
	e.String("hello")
	e.Len(2)
	e.F64(1.5)
	e.F64(2.5)
	e.Present(true)
	e.Bytes([]byte{9, 9, 9})
	full := e.Data()
	for n := 0; n < len(full); n++ {
		d := NewDecoder(full[:n])
		d.I64()
		_ = d.String()
		for i, c := 0, d.Len(8); i < c; i++ {
			d.F64()
		}
		if d.Present() {
			d.Bytes()
		}
		if d.Finish() == nil {
			t.Fatalf("prefix of %d bytes decoded without error", n)
		}
	}
}

func TestDecodedValuesDoNotAliasTheInput(t *testing.T) {
	in := []byte{3, 0, 0, 0, 'a', 'b', 'c', 3, 0, 0, 0, 'x', 'y', 'z'}
	d := NewDecoder(in)
	s, b := d.String(), d.Bytes()
	for i := range in {
		in[i] = 0
	}
	if s != "abc" || string(b) != "xyz" {
		t.Fatalf("decoded values changed with the input: %q %q", s, b)
	}
}

func TestEncoderLengthOverflowIsSticky(t *testing.T) {
	e := GetEncoder()
	defer e.Release()
	e.U8(1)
	e.Len(math.MaxUint32 + 1)
	e.U8(2)
	e.String("ignored")
	if CodeOf(e.Err()) != OutOfRange || !strings.Contains(e.Err().Error(), "4294967296") {
		t.Fatalf("err = %v", e.Err())
	}
	if !bytes.Equal(e.Data(), []byte{1}) {
		t.Fatalf("data grew after the error: %x", e.Data())
	}
	e.Reset()
	e.Len(math.MaxUint32)
	if e.Err() != nil || !bytes.Equal(e.Data(), []byte{0xff, 0xff, 0xff, 0xff}) {
		t.Fatalf("largest length rejected: %v %x", e.Err(), e.Data())
	}
}

func TestErrorsMapToContextErrors(t *testing.T) {
	for _, c := range []struct {
		err    error
		target error
		want   bool
	}{
		{&Error{Code: Cancelled}, context.Canceled, true},
		{&Error{Code: DeadlineExceeded}, context.DeadlineExceeded, true},
		{&Error{Code: Cancelled}, context.DeadlineExceeded, false},
		{&Error{Code: Unknown}, context.Canceled, false},
		{Errorf(NotFound, "sku %d", 7), &Error{Code: NotFound}, true},
		{Errorf(NotFound, "sku %d", 7), &Error{Code: Internal}, false},
	} {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("errors.Is(%v, %v) = %v", c.err, c.target, got)
		}
	}
	if CodeOf(nil) != OK || CodeOf(errors.New("x")) != Unknown || CodeOf(context.DeadlineExceeded) != DeadlineExceeded ||
		CodeOf(wrapped{Errorf(Aborted, "a")}) != Aborted {
		t.Fatal("CodeOf mapping")
	}
	if code, msg := wireError(&Error{Code: OK, Message: "bogus"}); code != Unknown || msg == "" {
		t.Fatalf("an *Error with code OK crossed as %v %q", code, msg)
	}
	if Code(105).String() != "protocol" || Code(77).String() != "code(77)" {
		t.Fatal("Code.String")
	}
}

// TestWireErrorCodeSpace pins the code space at the boundary: every positive code, including the ones the
// runtime itself uses, crosses unchanged; OK and negative codes (CXX2GO_PENDING is -1) become Unknown with
// the number kept in the message, so that a handler can never forge a reply sentinel.
func TestWireErrorCodeSpace(t *testing.T) {
	carried := []Code{Cancelled, Unknown, DeadlineExceeded, Unauthenticated, 17, 42, 99, Panic, Exception,
		NotStarted, Stopped, UnknownMethod, Protocol, 106, math.MaxInt32}
	for _, code := range carried {
		if got, msg := wireError(&Error{Code: code, Message: "x"}); got != code || msg != "x" {
			t.Errorf("code %d crossed as %v %q, want it unchanged", int32(code), got, msg)
		}
		if got := CodeOf(wrapped{&Error{Code: code}}); got != code {
			t.Errorf("CodeOf(code %d) = %v", int32(code), got)
		}
	}
	for _, c := range []struct {
		code    Code
		message string
		want    string
	}{
		{-1, "x", "code -1: x"},
		{math.MinInt32, "x", "code -2147483648: x"},
		{-2, "", "code -2"},
		{OK, "bogus", "code 0: bogus"},
	} {
		if got, msg := wireError(wrapped{&Error{Code: c.code, Message: c.message}}); got != Unknown || msg != c.want {
			t.Errorf("code %d crossed as %v %q, want unknown %q", int32(c.code), got, msg, c.want)
		}
		if got := CodeOf(&Error{Code: c.code}); got != Unknown {
			t.Errorf("CodeOf(code %d) = %v, want unknown", int32(c.code), got)
		}
	}
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

// Strings writes and reads a list<string> exactly as Len and a String per element do: the same bytes, the
// same values, and on every truncation the same error, and the strings it returns own their bytes.
func TestStringsIsLenAndAStringPerElement(t *testing.T) {
	for _, l := range [][]string{nil, {""}, {"a", "", "bcd"}, {strings.Repeat("x", 300), "é"}} {
		one, each := GetEncoder(), GetEncoder()
		one.Strings(l)
		each.Len(len(l))
		for _, s := range l {
			each.String(s)
		}
		if !bytes.Equal(one.Data(), each.Data()) {
			t.Fatalf("Strings(%q) wrote %x, Len and String wrote %x", l, one.Data(), each.Data())
		}
		full := append([]byte(nil), one.Data()...)
		one.Release()
		each.Release()
		for n := 0; n <= len(full); n++ {
			in := append([]byte(nil), full[:n]...)
			d1, d2 := NewDecoder(in), NewDecoder(in)
			got := d1.Strings()
			var want []string
			if c := d2.Len(4); c > 0 {
				want = make([]string, c)
				for i := range want {
					want[i] = d2.String()
				}
			}
			err1, err2 := d1.Finish(), d2.Finish()
			if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
				t.Fatalf("%q, %d bytes: Strings failed with %v, Len and String with %v", l, n, err1, err2)
			}
			if err1 == nil && !slices.Equal(got, want) {
				t.Fatalf("%q: Strings read %q, Len and String %q", l, got, want)
			}
			for i := range in {
				in[i] = 0
			}
			if err1 == nil && !slices.Equal(got, l) && !(len(l) == 0 && got == nil) {
				t.Fatalf("%q: the strings changed with the input: %q", l, got)
			}
		}
	}
}
