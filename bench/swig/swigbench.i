// The SWIG baseline of `make bench`: `swig -go -c++` wrapping C++ functions doing what CppBench does,
// with SWIG's usual mappings: a struct becomes a proxy class, std::string a copied Go string, and
// (char* STRING, size_t LENGTH) a []byte passed as pointer and length.
%module swigbench

%include <stdint.i>
%include <std_string.i>
%include <std_vector.i>

%apply (char *STRING, size_t LENGTH) { (const char* data, size_t len) };

%{
#include <cstdint>
#include <string>
#include <vector>

struct Small {
  int64_t a;
  double b;
  int32_t c;
};

void ping() { asm volatile(""); }
Small small_struct(const Small& v) { return Small{v.a + 1, v.b * 2, v.c - 1}; }
uint64_t text(const std::string& s) { return s.size(); }
uint64_t blob(const char* data, size_t len) {
  asm volatile("" : : "r"(data));
  return len;
}
uint64_t names(const std::vector<std::string>& l) {
  uint64_t n = 0;
  for (const auto& s : l) n += s.size();
  return n;
}
%}

%template(StringVector) std::vector<std::string>;

struct Small {
  int64_t a;
  double b;
  int32_t c;
};

void ping();
Small small_struct(const Small& v);
uint64_t text(const std::string& s);
uint64_t blob(const char* data, size_t len);
uint64_t names(const std::vector<std::string>& l);
