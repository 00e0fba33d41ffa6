package c2gimpl

/*
#include "cxx2go/abi.h"
*/
import "C"

import (
	"encoding/binary"
	"unsafe"
)

// The readers of a @direct call's views that build owned Go values (abi.h; the compiler's direct_layout.h
// decides which leaf travels how). Each copies out of C++'s memory in one pass: nothing they return
// points into it.

// CopyViewBytes returns view i (a bytes field) as a new slice, never nil, like Decoder.Bytes.
func (in *Incoming) CopyViewBytes(i int) []byte {
	b := in.viewBytes(i)
	return append(make([]byte, 0, len(b)), b...)
}

// CopyViewSlice returns view i (a list<T> field) as a new slice (nil when empty, like a decoded list).
func CopyViewSlice[T Scalar](in *Incoming, i int) []T {
	s := ViewSlice[T](in, i)
	if len(s) == 0 {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// ViewStrings returns view i, the views of a list<string>'s elements, as Go strings (nil when empty, like
// a decoded list). The strings share one allocation.
func (in *Incoming) ViewStrings(i int) []string {
	elems := in.elementViews(i)
	if len(elems) == 0 {
		return nil
	}
	out := make([]string, len(elems))
	total := 0
	for j, v := range elems {
		if v.len != 0 {
			out[j] = unsafe.String((*byte)(v.data), int(v.len)) // C++'s memory, until ownStrings copies it
			total += int(v.len)
		}
	}
	ownStrings(out, total)
	return out
}

// ViewBytesList returns view i, the views of a list<bytes>'s elements, as new slices (each never nil,
// like Decoder.Bytes; the list nil when empty). The slices share one allocation, each capped at its end.
func (in *Incoming) ViewBytesList(i int) [][]byte {
	elems := in.elementViews(i)
	if len(elems) == 0 {
		return nil
	}
	buf := make([]byte, 0, elementBytes(elems))
	out := make([][]byte, len(elems))
	for j, v := range elems {
		start := len(buf)
		buf = append(buf, cBytes(v.data, int(v.len))...)
		out[j] = buf[start:len(buf):len(buf)]
	}
	return out
}

// elementViews views view i as the array of cxx2go_view that C++ passes for a list's elements; nil if its
// size or alignment does not fit one, which bindings of one schema never produce.
func (in *Incoming) elementViews(i int) []C.cxx2go_view {
	if in.owned != nil { // a worker's @direct call (directMessageHandler): flattened
		return flattenedElements(in.viewBytes(i))
	}
	b := in.viewBytes(i)
	const size = int(unsafe.Sizeof(C.cxx2go_view{}))
	if len(b) == 0 || len(b)%size != 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%unsafe.Alignof(C.cxx2go_view{}) != 0 {
		return nil
	}
	return unsafe.Slice((*C.cxx2go_view)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

// flattenedElements views the elements of a list a worker process flattened (worker.cc,
// flatten_element_views): a count, each element's length, then their bytes, lengths 4 bytes little-endian.
// The views point into b. nil if b is not of that form, which a worker's bindings never produce: a
// broken worker's call gets an empty list.
func flattenedElements(b []byte) []C.cxx2go_view {
	if len(b) < 4 {
		return nil
	}
	count := uint64(binary.LittleEndian.Uint32(b))
	if count == 0 || count > uint64(len(b)-4)/4 {
		return nil
	}
	data := 4 + 4*int(count)
	out := make([]C.cxx2go_view, count)
	for j := range out {
		n := int(binary.LittleEndian.Uint32(b[4+4*j:]))
		if n > len(b)-data {
			return nil
		}
		if n != 0 {
			out[j] = C.cxx2go_view{data: unsafe.Pointer(&b[data]), len: C.size_t(n)}
		}
		data += n
	}
	return out
}

func elementBytes(elems []C.cxx2go_view) int {
	n := 0
	for _, v := range elems {
		n += int(v.len)
	}
	return n
}
