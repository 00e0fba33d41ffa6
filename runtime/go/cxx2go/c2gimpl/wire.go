package c2gimpl

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"sync"
	"unsafe"
)

// This file is the Go half of docs/wire-format.md; runtime/cpp/include/cxx2go/detail/wire.h is the C++
// half. Both are checked against runtime/testdata/wire_vectors.txt.

// maxWireLength is the largest length or count the format can carry (a u32).
const maxWireLength = math.MaxUint32

// Encoder appends the wire encoding of values. Generated code gets one with GetEncoder and gives it back
// with Release once the bytes have been handed to the other side. After a length overflow the encoder
// is dead (Err reports it) and further writes are ignored.
type Encoder struct {
	buf []byte
	err *Error
	// reply is the Reply of the Go → C++ call whose arguments this Encoder holds (CallCpp): it travels in
	// the Encoder's pool, saving a pool round trip per call, and is valid until the Encoder is released or
	// used for another call.
	reply *Reply
}

// maxPooledEncoder bounds what a released Encoder keeps: one huge call must not pin its buffer forever.
const maxPooledEncoder = 64 << 10

var encoderPool = sync.Pool{New: func() any { return &Encoder{buf: make([]byte, 0, 256)} }}

// GetEncoder returns an empty Encoder from a pool.
func GetEncoder() *Encoder { return encoderPool.Get().(*Encoder) }

// Release returns e to the pool. e and the slice returned by Data must not be used afterwards.
func (e *Encoder) Release() {
	if cap(e.buf) > maxPooledEncoder {
		return
	}
	e.Reset()
	encoderPool.Put(e)
}

// Reset empties e and clears its error, keeping its capacity.
func (e *Encoder) Reset() {
	e.buf = e.buf[:0]
	e.err = nil
}

// Data returns the encoded bytes, valid until the next write, Reset or Release.
func (e *Encoder) Data() []byte { return e.buf }

// Err returns the first error (a length above 2³²−1, Code OutOfRange), or nil.
func (e *Encoder) Err() error {
	if e.err == nil {
		return nil
	}
	return e.err
}

func (e *Encoder) U8(v uint8) {
	if e.err == nil {
		e.buf = append(e.buf, v)
	}
}

func (e *Encoder) U16(v uint16) {
	if e.err == nil {
		e.buf = binary.LittleEndian.AppendUint16(e.buf, v)
	}
}

func (e *Encoder) U32(v uint32) {
	if e.err == nil {
		e.buf = binary.LittleEndian.AppendUint32(e.buf, v)
	}
}

func (e *Encoder) U64(v uint64) {
	if e.err == nil {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, v)
	}
}

func (e *Encoder) I8(v int8)     { e.U8(uint8(v)) }
func (e *Encoder) I16(v int16)   { e.U16(uint16(v)) }
func (e *Encoder) I32(v int32)   { e.U32(uint32(v)) }
func (e *Encoder) I64(v int64)   { e.U64(uint64(v)) }
func (e *Encoder) F32(v float32) { e.U32(math.Float32bits(v)) }
func (e *Encoder) F64(v float64) { e.U64(math.Float64bits(v)) }

func (e *Encoder) Bool(v bool) {
	if v {
		e.U8(1)
	} else {
		e.U8(0)
	}
}

// Present writes optional<T>'s presence byte; the value follows when v is true.
func (e *Encoder) Present(v bool) { e.Bool(v) }

// Len writes a list or map count.
func (e *Encoder) Len(n int) {
	if uint64(n) > maxWireLength {
		e.failLength(n)
		return
	}
	e.U32(uint32(n))
}

func (e *Encoder) String(s string) {
	e.Len(len(s))
	if e.err == nil {
		e.buf = append(e.buf, s...)
	}
}

func (e *Encoder) Bytes(b []byte) {
	e.Len(len(b))
	if e.err == nil {
		e.buf = append(e.buf, b...)
	}
}

// Strings writes a list<string>: exactly what Len and a String per element write, with the buffer grown
// once.
func (e *Encoder) Strings(l []string) {
	e.Len(len(l))
	if e.err != nil {
		return
	}
	size := 4 * len(l)
	for _, s := range l {
		if uint64(len(s)) > maxWireLength { // before growing: fail as String would, without the copy
			e.failLength(len(s))
			return
		}
		size += len(s)
	}
	e.buf = slices.Grow(e.buf, size)
	for _, s := range l {
		e.buf = append(binary.LittleEndian.AppendUint32(e.buf, uint32(len(s))), s...)
	}
}

func (e *Encoder) failLength(n int) {
	if e.err == nil {
		e.err = &Error{Code: OutOfRange,
			Message: "cannot encode a length of " + strconv.Itoa(n) + ": the wire format's limit is 4294967295"}
	}
}

// Decoder reads the wire encoding from a byte slice it does not own. Every read is bounds-checked; after
// the first error every read returns a zero value and Err/Finish report the error (Code Protocol).
// String and Bytes return copies, so decoded values never alias the input.
type Decoder struct {
	data []byte
	off  int
	err  *Error
}

// NewDecoder returns a Decoder reading data.
func NewDecoder(data []byte) *Decoder { return &Decoder{data: data} }

// Reset makes d read data from the start, clearing any error.
func (d *Decoder) Reset(data []byte) { *d = Decoder{data: data} }

// Remaining returns the number of unread bytes.
func (d *Decoder) Remaining() int { return len(d.data) - d.off }

// Err returns the first error, or nil.
func (d *Decoder) Err() error {
	if d.err == nil {
		return nil
	}
	return d.err
}

// Finish returns the first error, or an error if unread bytes remain, or nil.
func (d *Decoder) Finish() error {
	if d.err == nil && d.Remaining() != 0 {
		d.fail(d.off, strconv.Itoa(d.Remaining())+" unexpected trailing bytes")
	}
	return d.Err()
}

// Fail marks the input malformed (e.g. a repeated map key). The first error wins.
func (d *Decoder) Fail(message string) { d.fail(d.off, message) }

func (d *Decoder) fail(at int, msg string) {
	if d.err == nil {
		d.err = &Error{Code: Protocol, Message: "malformed encoding: " + msg + " at offset " + strconv.Itoa(at)}
	}
}

// take returns the next n bytes, or nil after recording an error.
func (d *Decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if d.Remaining() < n {
		d.fail(d.off, "truncated input: need "+strconv.Itoa(n)+" bytes, "+strconv.Itoa(d.Remaining())+" remain")
		return nil
	}
	b := d.data[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

func (d *Decoder) U8() uint8 {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *Decoder) U16() uint16 {
	if b := d.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (d *Decoder) U32() uint32 {
	if b := d.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (d *Decoder) U64() uint64 {
	if b := d.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *Decoder) I8() int8     { return int8(d.U8()) }
func (d *Decoder) I16() int16   { return int16(d.U16()) }
func (d *Decoder) I32() int32   { return int32(d.U32()) }
func (d *Decoder) I64() int64   { return int64(d.U64()) }
func (d *Decoder) F32() float32 { return math.Float32frombits(d.U32()) }
func (d *Decoder) F64() float64 { return math.Float64frombits(d.U64()) }

// Bool reads a bool: 0 or 1, anything else is a protocol error.
func (d *Decoder) Bool() bool { return d.flag("bool byte") }

// Present reads optional<T>'s presence byte: 0 or 1, anything else is a protocol error.
func (d *Decoder) Present() bool { return d.flag("optional presence byte") }

func (d *Decoder) flag(what string) bool {
	at := d.off
	b := d.U8()
	if b > 1 {
		d.off = at
		d.fail(at, "invalid "+what+" "+strconv.Itoa(int(b))+" (must be 0 or 1)")
		return false
	}
	return b == 1
}

// Len reads a list or map count and rejects it when count × minElemSize exceeds the remaining bytes, so
// a hostile count cannot make the caller allocate more than the input's size. minElemSize is the
// minimum encoded size of one element (one entry for maps); values below 1 count as 1.
func (d *Decoder) Len(minElemSize int) int {
	at := d.off
	n := d.U32()
	if d.err != nil {
		return 0
	}
	if minElemSize < 1 {
		minElemSize = 1
	}
	if uint64(n) > uint64(d.Remaining()/minElemSize) {
		d.off = at
		d.fail(at, "count "+strconv.FormatUint(uint64(n), 10)+" of elements of at least "+
			strconv.Itoa(minElemSize)+" bytes exceeds the "+strconv.Itoa(d.Remaining()-4)+" remaining bytes")
		return 0
	}
	return int(n)
}

// sized reads a string/bytes length and returns that many bytes of the input (not a copy).
func (d *Decoder) sized() []byte {
	at := d.off
	n := d.U32()
	if d.err != nil {
		return nil
	}
	if uint64(n) > uint64(d.Remaining()) {
		d.off = at
		d.fail(at, "length "+strconv.FormatUint(uint64(n), 10)+" exceeds the "+strconv.Itoa(d.Remaining())+" remaining bytes")
		return nil
	}
	return d.take(int(n))
}

// String reads a string into a new Go string.
func (d *Decoder) String() string { return string(d.sized()) }

// Strings reads a list<string> (nil when empty, like any decoded list) whose strings share one
// allocation: it reads as Len and a String per element would, and fails with the same error.
func (d *Decoder) Strings() []string {
	at := d.off
	n := d.Len(4)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	total := 0
	for i := range out {
		b := d.sized()
		if d.err != nil {
			d.off = at // like every failed read, it consumes nothing
			return nil
		}
		if len(b) != 0 {
			out[i] = unsafe.String(&b[0], len(b)) // the input, until the copy below
		}
		total += len(b)
	}
	ownStrings(out, total)
	return out
}

// ownStrings copies the strings of l, which point into memory that is only borrowed and hold total bytes,
// into one new allocation, in place.
func ownStrings(l []string, total int) {
	if total == 0 {
		return
	}
	buf := make([]byte, total)
	off := 0
	for i, s := range l {
		if len(s) != 0 {
			n := copy(buf[off:], s)
			l[i] = unsafe.String(&buf[off], n) // buf is never written again
			off += n
		}
	}
}

// Bytes reads bytes into a new slice (never nil after a successful read, so that an empty bytes value
// and an absent one stay distinguishable in generated code that cares).
func (d *Decoder) Bytes() []byte {
	b := d.sized()
	if d.err != nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}
