#include "cxx2go/error.h"

#include <gtest/gtest.h>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace cxx2go_test {

struct CustomError : std::runtime_error {
  CustomError() : std::runtime_error("custom what") {}
};
struct NotAnException {};

}  // namespace cxx2go_test

namespace cxx2go {
namespace {

template <class Throw>
Error caught(Throw&& throw_it) {
  try {
    throw_it();
  } catch (...) {
    return error_from_current_exception();
  }
  return Error();
}

TEST(Code, ValuesMatchAbi) {
  EXPECT_EQ(static_cast<int32_t>(Code::deadline_exceeded), CXX2GO_DEADLINE_EXCEEDED);
  EXPECT_EQ(static_cast<int32_t>(Code::protocol), CXX2GO_PROTOCOL);
}

TEST(Code, Names) {
  EXPECT_EQ(code_name(Code::ok), "ok");
  EXPECT_EQ(code_name(Code::deadline_exceeded), "deadline_exceeded");
  EXPECT_EQ(code_name(Code::unknown_method), "unknown_method");
  EXPECT_EQ(code_name(static_cast<Code>(42)), "unrecognized");
}

TEST(Error, ToString) {
  EXPECT_EQ(Error(Code::cancelled, "by user").to_string(), "cancelled: by user");
  EXPECT_EQ(Error(Code::not_found, "").to_string(), "not_found");
  EXPECT_EQ(Error(static_cast<Code>(42), "odd").to_string(), "code(42): odd");
  EXPECT_EQ(Error().code, Code::unknown);
}

TEST(Error, FromStdException) {
  Error e = caught([] { throw std::runtime_error("boom"); });
  EXPECT_EQ(e.code, Code::exception);
  EXPECT_EQ(e.message, "std::runtime_error: boom");
}

TEST(Error, FromDerivedExceptionUsesDynamicType) {
  Error e = caught([] { throw cxx2go_test::CustomError(); });
  EXPECT_EQ(e.message, "cxx2go_test::CustomError: custom what");
}

TEST(Error, FromBadAllocIsResourceExhausted) {
  EXPECT_EQ(caught([] { throw std::bad_alloc(); }), Error(Code::resource_exhausted, "std::bad_alloc: std::bad_alloc"));
  Error e = caught([] { throw std::bad_array_new_length(); });  // a subclass
  EXPECT_EQ(e.code, Code::resource_exhausted);
  EXPECT_EQ(e.message, "std::bad_array_new_length: std::bad_array_new_length");
}

TEST(Error, FromInt) {
  Error e = caught([] { throw 42; });
  EXPECT_EQ(e.code, Code::exception);
  EXPECT_EQ(e.message, "int");
}

TEST(Error, FromNonExceptionClass) {
  Error e = caught([] { throw cxx2go_test::NotAnException(); });
  EXPECT_EQ(e.message, "cxx2go_test::NotAnException");
}

TEST(Error, OutsideCatchBlock) {
  Error e = error_from_current_exception();
  EXPECT_EQ(e.code, Code::exception);
  EXPECT_EQ(e.message, "unknown exception");
}

TEST(Result, HoldsValue) {
  Result<std::string> r = "hello";  // convertible to T
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(*r, "hello");
  EXPECT_EQ(r->size(), 5u);
  EXPECT_EQ(r.error().code, Code::ok);
  EXPECT_EQ(std::move(r).value(), "hello");
}

TEST(Result, HoldsError) {
  Result<int> r = Error(Code::not_found, "no such sku");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error(Code::not_found, "no such sku"));
  EXPECT_EQ(r.value_or(7), 7);
  try {
    (void)r.value();
    ADD_FAILURE() << "value() did not throw";
  } catch (const BadResultAccess& e) {
    EXPECT_EQ(e.error().code, Code::not_found);
    EXPECT_STREQ(e.what(), "Result holds no value: not_found: no such sku");
  }
  EXPECT_THROW((void)*r, BadResultAccess);
}

TEST(Result, ErrorWithCodeOkIsNotASuccess) {
  Result<int> r = Error(Code::ok, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::internal);
}

TEST(Result, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(Result, Equality) {
  EXPECT_EQ(Result<int>(1), Result<int>(1));
  EXPECT_NE(Result<int>(1), Result<int>(2));
  EXPECT_NE(Result<int>(1), Result<int>(Error(Code::internal, "x")));
  EXPECT_EQ(Result<int>(Error(Code::internal, "x")), Result<int>(Error(Code::internal, "x")));
}

TEST(ResultVoid, DefaultIsSuccess) {
  Result<void> r;
  EXPECT_TRUE(r.ok());
  EXPECT_NO_THROW(r.value());
  EXPECT_EQ(r.error().code, Code::ok);
  EXPECT_EQ(r, Result<void>(Error(Code::ok, "ignored")));
}

TEST(ResultVoid, HoldsError) {
  Result<void> r = Error(Code::aborted, "stop");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "stop");
  EXPECT_THROW(r.value(), BadResultAccess);
  EXPECT_NE(r, Result<void>());
}

}  // namespace
}  // namespace cxx2go
