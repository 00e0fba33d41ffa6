#include "parser.h"

#include <charconv>
#include <limits>
#include <string>

namespace cxx2go::compiler {
namespace {

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, Reporter& reporter)
      : tokens_(tokens), reporter_(reporter), doc_used_(tokens.size(), false) {}

  ast::File run() {
    if (tokens_.size() == 1) {
      reporter_.error(DiagId::EmptyFile, SourceLoc{1, 1});
      return std::move(file_);
    }
    bool first_declaration = true;
    while (!at(TokenKind::End)) {
      if (!declaration(first_declaration)) recover_declaration();
      first_declaration = false;
    }
    if (!have_package_) reporter_.error(DiagId::MissingPackage, tokens_.front().loc);
    if (!reporter_.has_errors()) report_unattached_docs();
    return std::move(file_);
  }

 private:
  // ---- token access ----

  const Token& current() const { return tokens_[pos_]; }
  const Token& next() const { return tokens_[pos_ + 1 < tokens_.size() ? pos_ + 1 : pos_]; }
  bool at(TokenKind kind) const { return current().kind == kind; }
  bool at_word(std::string_view word) const { return at(TokenKind::Identifier) && current().text == word; }
  bool next_is_word(std::string_view word) const {
    return next().kind == TokenKind::Identifier && next().text == word;
  }
  void advance() {
    if (!at(TokenKind::End)) ++pos_;
  }

  // Consumes a token of `kind`, or reports "expected <what>, found <current token>".
  bool expect(TokenKind kind, const std::string& what) {
    if (!at(kind)) {
      reporter_.error(DiagId::ExpectedToken, current().loc, {what, describe_token(current())});
      return false;
    }
    advance();
    return true;
  }

  bool expect_name(const std::string& what, ast::Name& name) {
    if (!at(TokenKind::Identifier)) return expect(TokenKind::Identifier, what);
    name = ast::Name{std::string(current().text), current().loc};
    advance();
    return true;
  }

  // The doc comment in front of the current token, which starts a documented member.
  Doc take_doc() {
    doc_used_[pos_] = true;
    return current().doc;
  }

  void report_unattached_docs() {
    for (size_t i = 0; i < tokens_.size(); ++i) {
      if (!tokens_[i].doc.empty() && !doc_used_[i]) {
        reporter_.error(DiagId::UnattachedDocComment, tokens_[i].doc_loc);
      }
    }
  }

  // ---- recovery ----

  // Skips the rest of a broken top-level declaration: through the next `;` outside braces, or through
  // the `}` that closes the braces opened since the error.
  void recover_declaration() {
    int depth = 0;
    while (!at(TokenKind::End)) {
      TokenKind kind = current().kind;
      advance();
      if (kind == TokenKind::LeftBrace) ++depth;
      if (kind == TokenKind::RightBrace && --depth <= 0) return;
      if (kind == TokenKind::Semicolon && depth == 0) return;
    }
  }

  // Skips the rest of a broken member (field, enum value, method): through its `;`, or up to (not
  // through) the `}` that closes the enclosing body.
  void recover_member() {
    int depth = 0;
    while (!at(TokenKind::End)) {
      TokenKind kind = current().kind;
      if (kind == TokenKind::RightBrace && depth == 0) return;
      advance();
      if (kind == TokenKind::LeftBrace) ++depth;
      if (kind == TokenKind::RightBrace) --depth;
      if (kind == TokenKind::Semicolon && depth == 0) return;
    }
  }

  // Parses `{ member* }`, calling `member` for each member with the body's doc comments handled by the
  // member itself. Returns false when the file ends before the closing brace.
  template <class MemberFn>
  bool body(const std::string& owner, MemberFn member) {
    if (!expect(TokenKind::LeftBrace, "'{' after " + owner)) return false;
    bool member_failed = false;
    while (!at(TokenKind::RightBrace)) {
      if (at(TokenKind::End)) {
        // After a broken member the missing brace is most likely a consequence: stay quiet.
        if (!member_failed) expect(TokenKind::RightBrace, "'}' to close " + owner);
        return false;
      }
      if (!member()) {
        member_failed = true;
        recover_member();
      }
    }
    advance();
    return true;
  }

  // ---- declarations ----

  bool attributes(std::vector<ast::Attribute>& out) {
    while (at(TokenKind::At)) {
      SourceLoc loc = current().loc;
      advance();
      ast::Name name;
      if (!expect_name("an attribute name after '@'", name)) return false;
      ast::Attribute attribute{name.text, loc, false, {}};
      if (at(TokenKind::LeftParen)) {
        advance();
        attribute.has_argument = true;
        if (!expect_name("an argument of '@" + name.text + "'", attribute.argument)) return false;
        if (!expect(TokenKind::RightParen, "')'")) return false;
      }
      out.push_back(std::move(attribute));
    }
    return true;
  }

  bool declaration(bool first_declaration) {
    // The doc comment of a declaration sits on its first token, which may be an attribute's '@'.
    const size_t first_token = pos_;
    auto doc = [&] {
      doc_used_[first_token] = true;
      return tokens_[first_token].doc;
    };
    std::vector<ast::Attribute> attrs;
    if (!attributes(attrs)) return false;
    if (at_word("package")) return package(doc(), std::move(attrs), first_declaration);
    if (at_word("option")) return option(std::move(attrs));  // options have no doc
    if (at_word("enum")) return enum_decl(doc(), std::move(attrs));
    if (at_word("struct")) return struct_decl(doc(), std::move(attrs));
    if (at_word("service") || at_word("go") || at_word("cpp") ||
        (at(TokenKind::Identifier) && next_is_word("service"))) {
      return service(doc(), std::move(attrs));
    }
    reporter_.error(DiagId::ExpectedDeclaration, current().loc, {describe_token(current())});
    return false;
  }

  bool package(Doc doc, std::vector<ast::Attribute> attrs, bool first_declaration) {
    SourceLoc loc = current().loc;
    advance();
    // A package declaration counts even when it is broken, so that its error is the only one.
    const bool duplicate = have_package_;
    if (duplicate) {
      reporter_.error_with_note(DiagId::DuplicatePackage, loc, first_package_loc_);
    } else {
      have_package_ = true;
      first_package_loc_ = loc;
    }
    ast::PackageDecl decl;
    decl.loc = loc;
    decl.doc = std::move(doc);
    decl.attributes = std::move(attrs);
    while (true) {
      ast::Name segment;
      if (!expect_name("a package name", segment)) return false;
      decl.segments.push_back(std::move(segment));
      if (!at(TokenKind::Dot)) break;
      advance();
    }
    if (!expect(TokenKind::Semicolon, "';' after the package name")) return false;
    if (duplicate) return true;
    if (!first_declaration) reporter_.error(DiagId::PackageNotFirst, loc, {decl.dotted()});
    file_.package = std::move(decl);
    return true;
  }

  bool option(std::vector<ast::Attribute> attrs) {
    advance();
    ast::OptionDecl decl;
    decl.attributes = std::move(attrs);
    if (!expect_name("an option name", decl.name)) return false;
    if (!expect(TokenKind::Equals, "'=' after option '" + decl.name.text + "'")) return false;
    if (!at(TokenKind::String)) {
      return expect(TokenKind::String, "a string value for option '" + decl.name.text + "'");
    }
    decl.value = std::string(current().text);
    decl.value_loc = current().loc;
    advance();
    if (!expect(TokenKind::Semicolon, "';' after option '" + decl.name.text + "'")) return false;
    file_.options.push_back(std::move(decl));
    return true;
  }

  bool enum_decl(Doc doc, std::vector<ast::Attribute> attrs) {
    advance();
    ast::EnumDecl decl;
    decl.doc = std::move(doc);
    decl.attributes = std::move(attrs);
    if (!expect_name("an enum name", decl.name)) return false;
    bool closed = body("enum '" + decl.name.text + "'", [&] { return enum_value(decl); });
    file_.enums.push_back(std::move(decl));
    return closed;
  }

  bool enum_value(ast::EnumDecl& owner) {
    ast::EnumValueDecl value;
    value.doc = take_doc();
    if (!attributes(value.attributes)) return false;
    if (!expect_name("an enum value name", value.name)) return false;
    if (!expect(TokenKind::Equals, "'=' after enum value '" + value.name.text + "'")) return false;
    if (!at(TokenKind::Integer)) return expect(TokenKind::Integer, "a number for '" + value.name.text + "'");
    value.value_loc = current().loc;
    std::string_view digits = current().text;
    int64_t number = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (error != std::errc() || end != digits.data() + digits.size() ||
        number < std::numeric_limits<int32_t>::min() || number > std::numeric_limits<int32_t>::max()) {
      reporter_.error(DiagId::EnumValueOutOfRange, value.value_loc, {digits});
    } else {
      value.value = static_cast<int32_t>(number);
    }
    advance();
    if (!expect(TokenKind::Semicolon, "';' after enum value '" + value.name.text + "'")) return false;
    owner.values.push_back(std::move(value));
    return true;
  }

  bool struct_decl(Doc doc, std::vector<ast::Attribute> attrs) {
    advance();
    ast::StructDecl decl;
    decl.doc = std::move(doc);
    decl.attributes = std::move(attrs);
    if (!expect_name("a struct name", decl.name)) return false;
    bool closed = body("struct '" + decl.name.text + "'", [&] { return field(decl); });
    file_.structs.push_back(std::move(decl));
    return closed;
  }

  bool field(ast::StructDecl& owner) {
    ast::FieldDecl decl;
    decl.doc = take_doc();
    if (!attributes(decl.attributes)) return false;
    if (!expect_name("a field name", decl.name)) return false;
    if (!expect(TokenKind::Colon, "':' after field '" + decl.name.text + "'")) return false;
    if (!type(decl.type, 1)) return false;
    if (!expect(TokenKind::Semicolon, "';' after field '" + decl.name.text + "'")) return false;
    owner.fields.push_back(std::move(decl));
    return true;
  }

  // `go service Name`, `cpp service Name`; a missing or unknown language is reported, and the service
  // is still parsed so that errors inside it are found too.
  bool service(Doc doc, std::vector<ast::Attribute> attrs) {
    ast::ServiceDecl decl;
    decl.doc = std::move(doc);
    decl.attributes = std::move(attrs);
    const Token& first = current();
    const std::string side(first.text);
    auto name_for_hint = [&] {
      return next().kind == TokenKind::Identifier ? std::string(next().text) : "Name";
    };
    if (side == "service") {
      reporter_.error(DiagId::MissingServiceSide, first.loc, {name_for_hint()});
      advance();
    } else {
      advance();  // the language
      if (!at_word("service")) {
        reporter_.error(DiagId::ExpectedServiceKeyword, current().loc, {side, describe_token(current())});
        return false;
      }
      if (side == "cpp") {
        decl.side = ServiceSide::Cpp;
      } else if (side != "go") {
        reporter_.error(DiagId::UnknownServiceSide, first.loc, {side, name_for_hint()});
      }
      advance();  // `service`
    }
    if (!expect_name("a service name", decl.name)) return false;
    bool closed = body("service '" + decl.name.text + "'", [&] { return method(decl); });
    file_.services.push_back(std::move(decl));
    return closed;
  }

  bool method(ast::ServiceDecl& owner) {
    ast::MethodDecl decl;
    decl.doc = take_doc();
    if (!attributes(decl.attributes)) return false;
    if (!expect_name("a method name", decl.name)) return false;
    const std::string quoted_name = "'" + decl.name.text + "'";
    if (!expect(TokenKind::LeftParen, "'(' after method " + quoted_name)) return false;
    if (!at(TokenKind::RightParen)) {
      while (true) {
        ast::ParamDecl param;
        if (!expect_name("a parameter name", param.name)) return false;
        if (!expect(TokenKind::Colon, "':' after parameter '" + param.name.text + "'")) return false;
        if (!type(param.type, 1)) return false;
        decl.params.push_back(std::move(param));
        if (at(TokenKind::Comma)) {
          advance();
          continue;
        }
        if (!at(TokenKind::RightParen)) {
          return expect(TokenKind::RightParen, "',' or ')' in the parameters of " + quoted_name);
        }
        break;
      }
    }
    advance();  // ')'
    if (at(TokenKind::Arrow)) {
      advance();
      decl.result.emplace();
      if (!type(*decl.result, 1)) return false;
    }
    if (!expect(TokenKind::Semicolon, "';' after method " + quoted_name)) return false;
    owner.methods.push_back(std::move(decl));
    return true;
  }

  // A type reference `name` or `name<arg, …>` at nesting level `depth` (1 for the outermost).
  bool type(ast::TypeRef& out, uint32_t depth) {
    if (depth > kMaxTypeDepth) {
      reporter_.error(DiagId::TypeTooDeep, current().loc, {std::to_string(kMaxTypeDepth)});
      return false;
    }
    if (!expect_name("a type", out.name)) return false;
    if (!at(TokenKind::LeftAngle)) return true;
    advance();
    while (true) {
      out.args.emplace_back();
      if (!type(out.args.back(), depth + 1)) return false;
      if (at(TokenKind::Comma)) {
        advance();
        continue;
      }
      return expect(TokenKind::RightAngle, "',' or '>' in the type arguments of '" + out.name.text + "'");
    }
  }

  const std::vector<Token>& tokens_;
  Reporter& reporter_;
  std::vector<bool> doc_used_;
  size_t pos_ = 0;
  ast::File file_;
  bool have_package_ = false;
  SourceLoc first_package_loc_;
};

}  // namespace

ast::File parse(const std::vector<Token>& tokens, Reporter& reporter) {
  return Parser(tokens, reporter).run();
}

}  // namespace cxx2go::compiler
