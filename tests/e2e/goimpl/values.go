package goimpl

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"strconv"
	"strings"

	e2e "github.com/cxx2go/cxx2go/tests/gen/e2e"
)

// ConcatFormat is what both implementations of concat return:
//
//	text=<text>;blob=<blob in lowercase hex>;numbers=<n,n,…>;doubles=<d,d,…>
//
// with the doubles printed with 3 decimals (C's "%.3f"). tests/e2e/cppimpl has the same function; each
// battery computes its expectation with its own language's version, so the two must agree exactly.
func ConcatFormat(text string, blob []byte, numbers []int32, doubles []float64) string {
	var b strings.Builder
	b.Grow(len(text) + 2*len(blob) + 12*len(numbers) + 16*len(doubles) + 32)
	b.WriteString("text=")
	b.WriteString(text)
	b.WriteString(";blob=")
	b.WriteString(hex.EncodeToString(blob))
	b.WriteString(";numbers=")
	for i, n := range numbers {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(int64(n), 10))
	}
	b.WriteString(";doubles=")
	for i, d := range doubles {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(d, 'f', 3, 64))
	}
	return b.String()
}

// MiB is the size of the "large" strings and byte slices.
const MiB = 1 << 20

// Pattern returns n bytes that are not all alike, so that a shifted or truncated copy is detected.
func Pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*131+i/251) ^ seed
	}
	return b
}

// FullEverything returns an Everything in which every field is set and non-zero: the extremes of each
// scalar type, present optionals, non-empty lists and maps of every key kind (with an empty list as a
// map value and an empty inner list), a recursive Node using both children and next, non-ASCII and
// NUL-containing strings, and the fields named after keywords.
func FullEverything() e2e.Everything {
	maybeText := "maybe ☃"
	maybeList := []int32{1, -2, math.MaxInt32}
	return e2e.Everything{
		Scalars: e2e.Scalars{
			Flag: true, I8Value: math.MinInt8, I16Value: math.MinInt16, I32Value: math.MinInt32,
			I64Value: math.MinInt64, U8Value: math.MaxUint8, U16Value: math.MaxUint16,
			U32Value: math.MaxUint32, U64Value: math.MaxUint64, F32Value: -3.5, F64Value: -1.25e300,
		},
		Text:      "text with ünïcödé and a \x00 NUL",
		Blob:      []byte{0, 1, 2, 0xfe, 0xff},
		Color:     e2e.ColorBlue,
		MaybeText: &maybeText,
		MaybeScalars: &e2e.Scalars{
			Flag: true, I8Value: math.MaxInt8, I16Value: math.MaxInt16, I32Value: math.MaxInt32,
			I64Value: math.MaxInt64, U8Value: 1, U16Value: 2, U32Value: 3, U64Value: 4,
			F32Value: math.SmallestNonzeroFloat32, F64Value: math.MaxFloat64,
		},
		MaybeList: &maybeList,
		Texts:     []string{"a", "", "ß", "x\x00y"},
		Numbers:   []int64{math.MinInt64, -1, 0, math.MaxInt64},
		Colors:    []e2e.Color{e2e.ColorRed, e2e.ColorGreen, e2e.ColorBlue, e2e.Color(7)},
		Flags:     []bool{true, false, true},
		Small:     []uint8{0, 1, 255},
		ByName:    map[string]float64{"pi": 3.14159, "": -0.5, "e": 2.71828},
		ByID:      map[uint32]string{0: "zero", math.MaxUint32: "max"},
		ByColor:   map[e2e.Color][]string{e2e.ColorRed: {"r"}, e2e.ColorGreen: nil, e2e.ColorBlue: {"b1", "b2"}},
		ByFlag:    map[bool]int8{true: 1, false: math.MinInt8},
		Nested:    [][]string{{"a", "b"}, nil, {"c"}},
		Tree: e2e.Node{
			Name: "root",
			Children: []e2e.Node{
				{Name: "c1", Children: []e2e.Node{{Name: "c1.1"}, {Name: "c1.2"}}},
				{Name: "c2", Next: &e2e.Node{Name: "c2-next"}},
			},
			Next: &e2e.Node{Name: "n1", Next: &e2e.Node{Name: "n2", Children: []e2e.Node{{Name: "n2.1"}}}},
		},
		Type:   "type",
		Func:   42,
		Class:  true,
		Delete: 7,
		Range:  []string{"range", "for"},
	}
}

// LargeEverything is FullEverything with a 1 MiB text and a 1 MiB blob.
func LargeEverything() e2e.Everything {
	v := FullEverything()
	v.Text = strings.Repeat("0123456789abcdef", MiB/16)
	v.Blob = Pattern(MiB, 0x5a)
	return v
}

// Diff describes the first difference between want and got ("" if none). Nil and empty slices and maps
// are equal: the wire format does not distinguish them. Floats compare with ==.
func Diff(want, got any) string {
	return diff("value", reflect.ValueOf(want), reflect.ValueOf(got))
}

func diff(path string, a, b reflect.Value) string {
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: type %v != %v", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if d := diff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Pointer:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: want nil=%v, got nil=%v", path, a.IsNil(), b.IsNil())
		}
		if a.IsNil() {
			return ""
		}
		return diff("(*"+path+")", a.Elem(), b.Elem())
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: want length %d, got %d", path, a.Len(), b.Len())
		}
		if a.Type().Elem().Kind() == reflect.Uint8 {
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				return fmt.Sprintf("%s: bytes differ", path)
			}
			return ""
		}
		for i := range a.Len() {
			if d := diff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: want %d entries, got %d", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return fmt.Sprintf("%s: missing key %v", path, k)
			}
			if d := diff(fmt.Sprintf("%s[%v]", path, k), a.MapIndex(k), bv); d != "" {
				return d
			}
		}
		return ""
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: want %s, got %s", path, abbreviate(a.String()), abbreviate(b.String()))
		}
		return ""
	default:
		if !a.Equal(b) {
			return fmt.Sprintf("%s: want %v, got %v", path, a, b)
		}
		return ""
	}
}

func abbreviate(s string) string {
	if len(s) > 64 {
		return strconv.Quote(s[:64]) + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}

// DirectDigestOf is what both implementations of direct_digest return: FNV-1a (64 bits) over every field
// of r in order, then salt, each number as 8 little-endian bytes and each string or bytes as its length
// and its bytes. tests/e2e/cppimpl has the same function (direct_digest_of); they must agree exactly.
func DirectDigestOf(r e2e.DirectRecord, salt uint8) uint64 {
	h := fnv.New64a()
	var word [8]byte
	number := func(v uint64) {
		binary.LittleEndian.PutUint64(word[:], v)
		h.Write(word[:])
	}
	sized := func(b []byte) {
		number(uint64(len(b)))
		h.Write(b)
	}
	number(r.ID)
	sized([]byte(r.Name))
	number(uint64(len(r.Tags)))
	for _, t := range r.Tags {
		sized([]byte(t))
	}
	sized(r.Blob)
	number(uint64(len(r.Blobs)))
	for _, b := range r.Blobs {
		sized(b)
	}
	number(uint64(len(r.Numbers)))
	for _, n := range r.Numbers {
		number(uint64(int64(n)))
	}
	number(uint64(r.Color))
	number(math.Float64bits(r.Point.X))
	if r.Point.Ok {
		number(1)
	} else {
		number(0)
	}
	if r.Note == nil {
		number(0)
	} else {
		number(1)
		sized([]byte(*r.Note))
	}
	number(uint64(salt))
	return h.Sum64()
}

// DirectRecords are the records both batteries send to direct_digest (tests/e2e/cppimpl has their twins):
// empty, typical, more tags than C++ keeps inline, and large.
func DirectRecords() []e2e.DirectRecord {
	note := "ñote"
	var many []string
	var blobs [][]byte
	for i := range 20 {
		many = append(many, strings.Repeat("t", i))
		blobs = append(blobs, Pattern(i, byte(i)))
	}
	big := strings.Repeat("é", 50_000)
	return []e2e.DirectRecord{
		{},
		{ID: 42, Name: "0123456789abcdef", Tags: []string{"alpha", "beta", "gamma"}, Blob: []byte{0, 1, 2},
			Blobs: [][]byte{{7}, {}, {8, 9}}, Numbers: []int32{math.MinInt32, -1, 7}, Color: e2e.ColorBlue,
			Point: e2e.DirectPoint{X: -2.5, Ok: true}, Note: &note},
		{ID: math.MaxUint64, Name: "x", Tags: many, Blobs: blobs, Color: e2e.ColorGreen, Point: e2e.DirectPoint{X: math.Inf(1)}},
		{ID: 1, Name: big, Tags: []string{big, "", big}, Blob: Pattern(MiB, 0x22), Blobs: [][]byte{Pattern(MiB, 0x33)},
			Numbers: rangeInt32(1000), Note: &big},
	}
}
