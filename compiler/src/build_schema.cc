#include "build_schema.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "direct_layout.h"
#include "fingerprint.h"

namespace cxx2go::compiler {
namespace {

uint32_t saturating_add(uint32_t a, uint32_t b) {
  return a > std::numeric_limits<uint32_t>::max() - b ? std::numeric_limits<uint32_t>::max() : a + b;
}

class SchemaBuilder {
 public:
  SchemaBuilder(const ast::File& file, const CheckedFacts& facts, Reporter& reporter)
      : file_(file), facts_(facts), reporter_(reporter) {}

  Schema run(std::string_view path) {
    schema_.file = std::string(path);
    schema_.package = file_.package.dotted();
    schema_.go_package = facts_.names.go_package;
    schema_.go_package_name = facts_.names.go_package_name;
    schema_.go_package_set = facts_.names.go_package_set;
    schema_.go_package_loc = facts_.names.go_package_loc;
    schema_.cpp_namespace = facts_.names.cpp_namespace;
    schema_.package_doc = file_.package.doc;
    build_enums();
    build_structs();
    build_services();
    return std::move(schema_);
  }

 private:
  void build_enums() {
    for (const ast::EnumDecl& decl : file_.enums) {
      EnumDef def{decl.name.text, {}, decl.doc, decl.name.loc};
      for (const ast::EnumValueDecl& value : decl.values) {
        def.values.push_back(EnumValue{value.name.text, value.value, value.doc, value.name.loc});
      }
      schema_.enums.push_back(std::move(def));
    }
  }

  // Structs are created first, in dependency order, so that types can point at them; fields follow.
  void build_structs() {
    const std::vector<uint32_t>& order = facts_.containment.order;
    schema_.structs.resize(order.size());
    struct_slot_.resize(file_.structs.size());
    for (uint32_t slot = 0; slot < order.size(); ++slot) {
      const ast::StructDecl& decl = file_.structs[order[slot]];
      struct_slot_[order[slot]] = slot;
      StructDef& def = schema_.structs[slot];
      def.name = decl.name.text;
      def.doc = decl.doc;
      def.loc = decl.name.loc;
    }
    for (uint32_t slot = 0; slot < order.size(); ++slot) {
      const ast::StructDecl& decl = file_.structs[order[slot]];
      const std::vector<bool>& boxed = facts_.containment.boxed[order[slot]];
      StructDef& def = schema_.structs[slot];
      uint32_t size = 0;
      for (size_t f = 0; f < decl.fields.size(); ++f) {
        const ast::FieldDecl& field = decl.fields[f];
        const Type* type = intern(field.type);
        def.fields.push_back(Field{field.name.text, type, boxed[f], field.doc, field.name.loc});
        // Dependency order guarantees that a struct held by value already has its size.
        size = saturating_add(size, min_encoded_size(*type));
      }
      def.min_encoded_size = std::max<uint32_t>(size, 1);
    }
  }

  void build_services() {
    for (size_t s = 0; s < file_.services.size(); ++s) {
      const ast::ServiceDecl& decl = file_.services[s];
      const ServiceAttributes& attributes = facts_.services[s];
      ServiceDef service;
      service.name = decl.name.text;
      service.side = decl.side;
      service.affine = attributes.service.affine;
      service.ring = attributes.service.transport == Transport::Ring;
      service.doc = decl.doc;
      service.loc = decl.name.loc;
      for (size_t m = 0; m < decl.methods.size(); ++m)
        service.methods.push_back(build_method(service, decl.methods[m], attributes.methods[m]));
      schema_.services.push_back(std::move(service));
    }
  }

  Method build_method(const ServiceDef& service, const ast::MethodDecl& decl, const Attributes& attributes) {
    Method method;
    method.name = decl.name.text;
    method.oneway = attributes.oneway;
    // A @direct cpp method runs on the calling Go thread, like @inline; a go method always does.
    method.inline_call = attributes.inline_call || (attributes.direct && service.side == ServiceSide::Cpp);
    method.direct = attributes.direct;
    method.doc = decl.doc;
    method.loc = decl.name.loc;
    size_t views = 0;
    for (const ast::ParamDecl& param : decl.params) {
      method.params.push_back(Param{param.name.text, intern(param.type), param.name.loc});
      if (is_view_type(*method.params.back().type)) ++views;
    }
    if (decl.result) method.result = intern(*decl.result);
    if (method.direct && !direct_layout(method, service.side).result_fits) {
      reporter_.error(DiagId::DirectResultTooLarge, decl.result->name.loc,
                      {method.name, spell(*decl.result), std::to_string(kDirectResultWords)});
    }
    if (views > kMaxViewParams) {
      reporter_.error(DiagId::TooManyViewParams, method.loc,
                      {method.name, std::to_string(views), std::to_string(kMaxViewParams)});
    }
    fingerprint(service, method);
    return method;
  }

  // Sets the method's canonical signature and id, within the limits of one signature and of all.
  void fingerprint(const ServiceDef& service, Method& method) {
    if (total_signatures_exceeded_) return;  // reported once; the schema is rejected anyway
    const size_t remaining = kMaxTotalSignatureSize - total_signature_size_;
    const bool total_limits = remaining < kMaxSignatureSize;
    std::optional<std::string> canonical =
        canonical_signature(schema_.package, service, method, total_limits ? remaining : kMaxSignatureSize);
    if (!canonical) {
      if (total_limits) {
        total_signatures_exceeded_ = true;
        reporter_.error(DiagId::SignaturesTooLargeInTotal, method.loc,
                        {method.name, std::to_string(kMaxTotalSignatureSize)});
      } else {
        reporter_.error(DiagId::SignatureTooLarge, method.loc,
                        {method.name, std::to_string(kMaxSignatureSize)});
      }
      return;
    }
    total_signature_size_ += canonical->size();
    method.canonical = std::move(*canonical);
    method.id = fnv1a64(method.canonical);
  }

  // One Type per distinct type, so emitters may compare types by pointer.
  const Type* intern(const ast::TypeRef& ref) {
    Type type;
    switch (ref.target) {
      case ast::TypeRefTarget::Enum:
        type.kind = TypeKind::Enum;
        type.enum_def = &schema_.enums[ref.decl_index];
        break;
      case ast::TypeRefTarget::Struct:
        type.kind = TypeKind::Struct;
        type.struct_def = &schema_.structs[struct_slot_[ref.decl_index]];
        break;
      case ast::TypeRefTarget::Builtin:
      case ast::TypeRefTarget::Unresolved:  // not after a successful resolve
        type.kind = ref.builtin_kind;
        if (type.kind == TypeKind::Map) {
          type.key = intern(ref.args[0]);
          type.elem = intern(ref.args[1]);
        } else if (type.kind == TypeKind::List || type.kind == TypeKind::Optional) {
          type.elem = intern(ref.args[0]);
        }
        break;
    }
    auto key = std::make_tuple(type.kind, type.elem, type.key, type.enum_def, type.struct_def);
    auto [it, inserted] = interned_.emplace(key, nullptr);
    if (inserted) it->second = &schema_.types.emplace_back(type);
    return it->second;
  }

  const ast::File& file_;
  const CheckedFacts& facts_;
  Reporter& reporter_;
  Schema schema_;
  std::vector<uint32_t> struct_slot_;  // index in File::structs → index in Schema::structs
  size_t total_signature_size_ = 0;    // of the methods fingerprinted so far
  bool total_signatures_exceeded_ = false;
  std::map<std::tuple<TypeKind, const Type*, const Type*, const EnumDef*, const StructDef*>, const Type*>
      interned_;
};

}  // namespace

Schema build_schema(std::string_view path, const ast::File& file, const CheckedFacts& facts,
                    Reporter& reporter) {
  return SchemaBuilder(file, facts, reporter).run(path);
}

}  // namespace cxx2go::compiler
