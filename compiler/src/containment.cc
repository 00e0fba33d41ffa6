#include "containment.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <queue>
#include <string>

namespace cxx2go::compiler {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

struct Edge {
  uint32_t target;  // struct index
  uint32_t field;   // index of the field in the containing struct
  bool optional;    // through optional<>, rather than a direct field
};

// The struct a field of type `type` holds by value, if any.
bool contained_struct(const ast::TypeRef& type, Edge& edge) {
  if (type.target == ast::TypeRefTarget::Struct) {
    edge.target = type.decl_index;
    edge.optional = false;
    return true;
  }
  if (type.target == ast::TypeRefTarget::Builtin && type.builtin_kind == TypeKind::Optional &&
      type.args.size() == 1 && type.args[0].target == ast::TypeRefTarget::Struct) {
    edge.target = type.args[0].decl_index;
    edge.optional = true;
    return true;
  }
  return false;
}

class ContainmentAnalysis {
 public:
  ContainmentAnalysis(const ast::File& file, Reporter& reporter) : file_(file), reporter_(reporter) {
    edges_.resize(file.structs.size());
    for (uint32_t s = 0; s < file.structs.size(); ++s) {
      const std::vector<ast::FieldDecl>& fields = file.structs[s].fields;
      for (uint32_t f = 0; f < fields.size(); ++f) {
        Edge edge{kNone, f, false};
        if (contained_struct(fields[f].type, edge)) edges_[s].push_back(edge);
      }
    }
  }

  Containment run() {
    Containment result;
    bool has_cycle = report_direct_cycles();
    result.boxed = find_boxed();
    if (!has_cycle) result.order = dependency_order(result.boxed);
    return result;
  }

 private:
  std::vector<std::vector<uint32_t>> adjacency(bool with_optional) const {
    std::vector<std::vector<uint32_t>> out(edges_.size());
    for (size_t s = 0; s < edges_.size(); ++s) {
      for (const Edge& edge : edges_[s]) {
        if (with_optional || !edge.optional) out[s].push_back(edge.target);
      }
    }
    return out;
  }

  // Reports one error per strongly connected component of direct containment that has a cycle, at
  // the first struct of the component in declaration order. Returns whether there was any.
  bool report_direct_cycles() {
    std::vector<uint32_t> component = strongly_connected_components(adjacency(false));
    std::vector<uint32_t> component_size(edges_.size(), 0);
    for (uint32_t c : component) ++component_size[c];
    std::vector<bool> reported(edges_.size(), false);
    bool any = false;
    for (uint32_t s = 0; s < edges_.size(); ++s) {
      uint32_t c = component[s];
      bool self_contained = std::any_of(edges_[s].begin(), edges_[s].end(),
                                        [&](const Edge& e) { return !e.optional && e.target == s; });
      if (reported[c] || (component_size[c] < 2 && !self_contained)) continue;
      reported[c] = true;
      any = true;
      report_cycle_from(s, component);
    }
    return any;
  }

  // Reports the shortest cycle of direct containment from `start` back to itself (breadth-first, in
  // field order, so the reported path is deterministic).
  void report_cycle_from(uint32_t start, const std::vector<uint32_t>& component) {
    std::vector<Edge> reached_by(edges_.size(), Edge{kNone, kNone, false});  // target = predecessor
    std::deque<uint32_t> queue{start};
    uint32_t last = kNone;
    uint32_t closing_field = kNone;
    while (!queue.empty() && last == kNone) {
      uint32_t s = queue.front();
      queue.pop_front();
      for (const Edge& edge : edges_[s]) {
        if (edge.optional || component[edge.target] != component[start]) continue;
        if (edge.target == start) {
          last = s;
          closing_field = edge.field;
          break;
        }
        if (reached_by[edge.target].target == kNone) {
          reached_by[edge.target] = Edge{s, edge.field, false};
          queue.push_back(edge.target);
        }
      }
    }
    // Walk back from the struct that closes the cycle: (struct, field) steps in reverse.
    std::vector<std::pair<uint32_t, uint32_t>> steps{{last, closing_field}};
    for (uint32_t s = last; s != start; s = reached_by[s].target)
      steps.emplace_back(reached_by[s].target, reached_by[s].field);
    std::reverse(steps.begin(), steps.end());

    std::string path;
    for (const auto& [s, f] : steps)
      path += file_.structs[s].name.text + "." + file_.structs[s].fields[f].name.text + " -> ";
    path += file_.structs[start].name.text;
    const ast::FieldDecl& first_field = file_.structs[start].fields[steps.front().second];
    reporter_.error(DiagId::StructContainsItself, first_field.name.loc,
                    {file_.structs[start].name.text, path});
  }

  // An optional field is on a cycle exactly when the struct it is in and the struct it holds are in
  // one strongly connected component of the whole containment graph.
  std::vector<std::vector<bool>> find_boxed() const {
    std::vector<uint32_t> component = strongly_connected_components(adjacency(true));
    std::vector<std::vector<bool>> boxed(edges_.size());
    for (uint32_t s = 0; s < edges_.size(); ++s) {
      boxed[s].assign(file_.structs[s].fields.size(), false);
      for (const Edge& edge : edges_[s]) {
        if (edge.optional && component[s] == component[edge.target]) boxed[s][edge.field] = true;
      }
    }
    return boxed;
  }

  // Kahn's algorithm, always taking the ready struct declared first.
  std::vector<uint32_t> dependency_order(const std::vector<std::vector<bool>>& boxed) const {
    std::vector<std::vector<uint32_t>> dependents(edges_.size());
    std::vector<uint32_t> pending(edges_.size(), 0);
    for (uint32_t s = 0; s < edges_.size(); ++s) {
      for (const Edge& edge : edges_[s]) {
        if (boxed[s][edge.field]) continue;
        dependents[edge.target].push_back(s);
        ++pending[s];
      }
    }
    std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> ready;
    for (uint32_t s = 0; s < edges_.size(); ++s) {
      if (pending[s] == 0) ready.push(s);
    }
    std::vector<uint32_t> order;
    while (!ready.empty()) {
      uint32_t s = ready.top();
      ready.pop();
      order.push_back(s);
      for (uint32_t dependent : dependents[s]) {
        if (--pending[dependent] == 0) ready.push(dependent);
      }
    }
    return order;
  }

  const ast::File& file_;
  Reporter& reporter_;
  std::vector<std::vector<Edge>> edges_;
};

}  // namespace

std::vector<uint32_t> strongly_connected_components(const std::vector<std::vector<uint32_t>>& edges) {
  const size_t n = edges.size();
  std::vector<uint32_t> index(n, kNone);
  std::vector<uint32_t> low(n, 0);
  std::vector<uint32_t> component(n, kNone);
  std::vector<bool> on_stack(n, false);
  std::vector<uint32_t> stack;
  struct Frame {
    uint32_t node;
    size_t next_edge;
  };
  std::vector<Frame> calls;  // the recursion of textbook Tarjan, made explicit
  uint32_t next_index = 0;
  uint32_t next_component = 0;

  auto visit = [&](uint32_t v) {
    index[v] = low[v] = next_index++;
    stack.push_back(v);
    on_stack[v] = true;
    calls.push_back(Frame{v, 0});
  };
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    visit(root);
    while (!calls.empty()) {
      uint32_t v = calls.back().node;
      if (calls.back().next_edge < edges[v].size()) {
        uint32_t w = edges[v][calls.back().next_edge++];
        if (index[w] == kNone) {
          visit(w);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        uint32_t w = kNone;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component[w] = next_component;
        } while (w != v);
        ++next_component;
      }
      calls.pop_back();
      if (!calls.empty()) low[calls.back().node] = std::min(low[calls.back().node], low[v]);
    }
  }
  return component;
}

Containment analyze_containment(const ast::File& file, Reporter& reporter) {
  return ContainmentAnalysis(file, reporter).run();
}

}  // namespace cxx2go::compiler
