package c2gimpl

import "unsafe"

// View is a string, bytes or list<scalar> argument of a Go → C++ call, passed without copying: C++ reads
// the Go memory in place during the call and copies whatever it keeps (docs/design.md, ownership).
//
// A View refers to the memory it was made from; it is only valid as an argument of one CallCpp or
// CallCppOneway. The memory must not contain Go pointers (strings, []byte and slices of numbers never do).
type View struct {
	ptr unsafe.Pointer // nil when n == 0
	n   int            // length in bytes (abi.h: cxx2go_view.len is in bytes for every kind)
}

// Scalar is the element type of a list that travels as a View: the fixed-size numbers. list<bool> is
// encoded instead (C++'s std::vector<bool> has no contiguous storage to view), and so are enum lists.
type Scalar interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// StringView views the bytes of s.
func StringView(s string) View {
	if len(s) == 0 {
		return View{}
	}
	return View{unsafe.Pointer(unsafe.StringData(s)), len(s)}
}

// BytesView views b.
func BytesView(b []byte) View {
	if len(b) == 0 {
		return View{}
	}
	return View{unsafe.Pointer(unsafe.SliceData(b)), len(b)}
}

// SliceView views the elements of s; C++ sees a std::span<const T> of len(s) elements.
func SliceView[T Scalar](s []T) View {
	if len(s) == 0 {
		return View{}
	}
	return View{unsafe.Pointer(unsafe.SliceData(s)), len(s) * int(unsafe.Sizeof(s[0]))}
}
