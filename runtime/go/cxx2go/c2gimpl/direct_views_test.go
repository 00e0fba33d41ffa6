package c2gimpl

import (
	"encoding/binary"
	"reflect"
	"testing"
)

// flatten writes a list as a worker flattens a @direct call's list<string> (worker.cc, flatten_element_views).
func flatten(elements ...string) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(elements)))
	for _, e := range elements {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(e)))
	}
	for _, e := range elements {
		b = append(b, e...)
	}
	return b
}

func TestFlattenedListsOfAWorkersDirectCallReadBack(t *testing.T) {
	for _, list := range [][]string{{"a"}, {"", "xyz", "", "last one"}, {""}} {
		in := &Incoming{owned: [][]byte{flatten(list...)}, nview: 1}
		if got := in.ViewStrings(0); !reflect.DeepEqual(got, list) {
			t.Errorf("ViewStrings of %q = %q", list, got)
		}
		if got := in.ViewBytesList(0); len(got) != len(list) || string(got[len(got)-1]) != list[len(list)-1] {
			t.Errorf("ViewBytesList of %q = %q", list, got)
		}
	}
	if got := (&Incoming{owned: [][]byte{flatten()}, nview: 1}).ViewStrings(0); got != nil {
		t.Errorf("an empty list: %q, want nil", got)
	}
}

func TestMalformedFlattenedListsReadAsEmpty(t *testing.T) {
	good := flatten("abc", "de")
	tooMany := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(tooMany, 1<<30)
	tooLong := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(tooLong[8:], 1<<31) // the second element's length
	for name, b := range map[string][]byte{
		"short":                 {1, 0},
		"count beyond the data": tooMany,
		"length beyond the end": tooLong,
		"cut short":             good[:len(good)-1],
	} {
		if got := (&Incoming{owned: [][]byte{b}, nview: 1}).ViewStrings(0); got != nil {
			t.Errorf("%s: %q, want nil (a broken worker breaks its own call only)", name, got)
		}
	}
}
