package c2gimpl

// InsertUnique puts k→v into m, the map being decoded by d. A key m already holds fails d with
// "duplicate map key" (the wire format allows each key once: docs/wire-format.md) and returns false, and
// the generated decoding loop stops.
func InsertUnique[K comparable, V any](d *Decoder, m map[K]V, k K, v V) bool {
	if _, dup := m[k]; dup {
		d.Fail("duplicate map key")
		return false
	}
	m[k] = v
	return true
}
