// A table of calls in flight by call id (the call layer's two tables: tables.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace cxx2go::detail {

// Records of calls in flight by call id, chained through the records themselves: inserting and erasing
// allocate nothing, and a record allocated on one thread and finished on another never frees a table node
// into the first thread's malloc arena. Sharded by id, each shard with its own mutex: ids are consecutive,
// so consecutive calls land in different shards and rarely contend.
//
// Links says how a Node is chained: `static uint64_t id(const Node*)` and `static Node*& next(Node*)`.
// Extra is more state each shard keeps under its mutex.
template <class Node, class Links, class Extra = std::nullptr_t>
class ShardedIdTable {
 public:
  struct Shard {
    std::mutex mu;
    std::vector<Node*> buckets;  // chain heads, a power of two; grows while calls outnumber them
    size_t size = 0;
    Extra extra{};
  };

  Shard& shard(uint64_t id) noexcept { return shards_[id % kShards].shard; }

  // The *_locked functions need `shard(id).mu` held. insert_locked throws std::bad_alloc only if the
  // shard's first buckets cannot be allocated (a failed growth just leaves longer chains).
  void insert_locked(Shard& shard, Node* node) {
    if (shard.buckets.empty()) shard.buckets.assign(kFirstBuckets, nullptr);
    if (shard.size >= shard.buckets.size()) grow(shard);
    push_front(shard, node);
    ++shard.size;
  }
  Node* find_locked(Shard& shard, uint64_t id) noexcept {
    if (shard.buckets.empty()) return nullptr;
    Node* node = shard.buckets[bucket_of(shard, id)];
    while (node != nullptr && Links::id(node) != id) node = Links::next(node);
    return node;
  }
  Node* erase_locked(Shard& shard, uint64_t id) noexcept {
    if (shard.buckets.empty()) return nullptr;
    for (Node** link = &shard.buckets[bucket_of(shard, id)]; *link != nullptr; link = &Links::next(*link)) {
      if (Node* node = *link; Links::id(node) == id) {
        *link = Links::next(node);
        Links::next(node) = nullptr;
        --shard.size;
        return node;
      }
    }
    return nullptr;
  }
  // Removes `node` itself, not just a node with its id: a caller that owns the node never unlinks another.
  bool erase_node_locked(Shard& shard, Node* node) noexcept {
    if (shard.buckets.empty()) return false;
    Node** link = &shard.buckets[bucket_of(shard, Links::id(node))];
    for (; *link != nullptr; link = &Links::next(*link)) {
      if (*link == node) {
        *link = Links::next(node);
        Links::next(node) = nullptr;
        --shard.size;
        return true;
      }
    }
    return false;
  }

  // Calls fn(node) for every node, each shard under its mutex in turn.
  template <class F>
  void for_each(F&& fn) {
    for (Padded& p : shards_) {
      std::lock_guard lock(p.shard.mu);
      for (Node* head : p.shard.buckets) {
        for (Node* node = head; node != nullptr; node = Links::next(node)) fn(node);
      }
    }
  }
  // Calls fn(shard) for every shard, under its mutex.
  template <class F>
  void for_each_shard(F&& fn) {
    for (Padded& p : shards_) {
      std::lock_guard lock(p.shard.mu);
      fn(p.shard);
    }
  }
  size_t size() noexcept {
    size_t n = 0;
    for_each_shard([&n](Shard& shard) { n += shard.size; });
    return n;
  }

 private:
  static constexpr size_t kShards = 16;
  static constexpr size_t kFirstBuckets = 64;
  struct alignas(64) Padded {
    Shard shard;
  };

  static size_t bucket_of(const Shard& shard, uint64_t id) noexcept {
    return (id / kShards) & (shard.buckets.size() - 1);
  }
  // Onto its chain; the size is unchanged.
  static void push_front(Shard& shard, Node* node) noexcept {
    Node*& head = shard.buckets[bucket_of(shard, Links::id(node))];
    Links::next(node) = head;
    head = node;
  }
  static void grow(Shard& shard) noexcept {
    std::vector<Node*> old;
    try {
      old.assign(shard.buckets.size() * 2, nullptr);
    } catch (...) {
      return;  // out of memory: the chains just get longer
    }
    old.swap(shard.buckets);
    for (Node* node : old) {
      while (node != nullptr) {
        Node* const following = Links::next(node);
        push_front(shard, node);
        node = following;
      }
    }
  }

  Padded shards_[kShards];
};

}  // namespace cxx2go::detail
