#include "leveldb_store.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/slice.h>
#include <leveldb/status.h>
#include <leveldb/write_batch.h>

#include <functional>
#include <map>
#include <string>
#include <utility>

namespace examples::kv {
namespace {

using cxx2go::Code;
using cxx2go::Error;
using cxx2go::Result;

constexpr auto kRelaxed = std::memory_order_relaxed;

std::string_view as_chars(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
std::span<const uint8_t> as_bytes(std::string_view chars) {
  return {reinterpret_cast<const uint8_t*>(chars.data()), chars.size()};
}
leveldb::Slice slice(std::span<const uint8_t> bytes) { return {as_chars(bytes).data(), bytes.size()}; }
std::vector<uint8_t> to_vector(const leveldb::Slice& s) {
  std::span<const uint8_t> bytes = as_bytes({s.data(), s.size()});
  return {bytes.begin(), bytes.end()};
}

// The isolated run's stand-in for a bug in a native library (examples/README.md): putting this key crashes
// the process serving the store. In process, that is the Go program; isolated, only its worker process.
constexpr std::string_view kPoisonKey = "cxx2go-demo:poison";

// A store through a null pointer the compiler cannot see is null (it would otherwise drop the path, whose
// behaviour is undefined): a segmentation fault, as a real bug would make.
int* volatile g_nowhere = nullptr;
[[gnu::noinline]] void crash_on_poison() { *g_nowhere = 1; }

// A LevelDB status as the code the Go caller sees (in gRPC's sense of each code), with what failed.
Error to_error(const leveldb::Status& status, std::string_view what) {
  Code code = Code::internal;
  if (status.IsNotFound()) {
    code = Code::not_found;
  } else if (status.IsCorruption()) {
    code = Code::data_loss;
  } else if (status.IsIOError()) {
    code = Code::unavailable;
  } else if (status.IsInvalidArgument()) {
    code = Code::invalid_argument;
  } else if (status.IsNotSupportedError()) {
    code = Code::unimplemented;
  }
  return Error(code, std::string(what) + ": " + status.ToString());
}

Error not_open() { return Error(Code::failed_precondition, "no database is open (call open first)"); }

}  // namespace

struct LevelDbStore::Db {
  // Declared before `db`, so destroyed after it: LevelDB uses the cache until the database is closed.
  std::unique_ptr<leveldb::Cache> cache;
  std::unique_ptr<leveldb::DB> db;
  leveldb::WriteOptions write_options;

  // What Stats reports. Relaxed increments: these are counters, nothing synchronizes through them.
  std::atomic<uint64_t> puts{0};
  std::atomic<uint64_t> gets{0};
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> removes{0};
  std::atomic<uint64_t> scans{0};
  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> merged_keys{0};
};

LevelDbStore::LevelDbStore() = default;
LevelDbStore::~LevelDbStore() = default;

cxx2go::Result<std::shared_ptr<LevelDbStore::Db>> LevelDbStore::acquire() const {
  std::shared_ptr<Db> db = db_.load();
  if (db == nullptr) return not_open();
  return db;
}

Result<void> LevelDbStore::open(std::string_view dir, const OpenOptions& config, const cxx2go::Context&) {
  std::lock_guard lock(open_close_mu_);
  if (db_.load() != nullptr) return Error(Code::failed_precondition, "a database is open already");

  auto db = std::make_shared<Db>();
  leveldb::Options options;
  options.create_if_missing = config.create_if_missing;
  if (config.write_buffer_bytes != 0)
    options.write_buffer_size = static_cast<size_t>(config.write_buffer_bytes);
  if (config.block_cache_bytes != 0) {
    db->cache.reset(leveldb::NewLRUCache(static_cast<size_t>(config.block_cache_bytes)));
    options.block_cache = db->cache.get();
  }
  db->write_options.sync = config.sync_writes;

  std::string path(dir);
  leveldb::DB* raw = nullptr;
  if (leveldb::Status status = leveldb::DB::Open(options, path, &raw); !status.ok()) {
    return to_error(status, "opening " + path);
  }
  db->db.reset(raw);
  db_.store(std::move(db));
  return {};
}

Result<void> LevelDbStore::close(const cxx2go::Context&) {
  std::lock_guard lock(open_close_mu_);
  // Calls that acquired the database hold it: LevelDB closes when the last reference goes, here or there.
  if (db_.exchange(nullptr) == nullptr) return not_open();
  return {};
}

Result<void> LevelDbStore::put(std::span<const uint8_t> key, std::span<const uint8_t> value,
                               const cxx2go::Context&) {
  if (as_chars(key) == kPoisonKey) crash_on_poison();
  Result<std::shared_ptr<Db>> db = acquire();
  if (!db) return db.error();
  KeyLocks::Guard guard(locks_, KeyLocks::Set().set(KeyLocks::stripe(key)));
  if (leveldb::Status status = (*db)->db->Put((*db)->write_options, slice(key), slice(value)); !status.ok()) {
    return to_error(status, "put");
  }
  (*db)->puts.fetch_add(1, kRelaxed);
  return {};
}

Result<std::optional<std::vector<uint8_t>>> LevelDbStore::get(std::span<const uint8_t> key,
                                                              const cxx2go::Context&) {
  Result<std::shared_ptr<Db>> db = acquire();
  if (!db) return db.error();
  (*db)->gets.fetch_add(1, kRelaxed);
  std::string value;
  leveldb::Status status = (*db)->db->Get(leveldb::ReadOptions(), slice(key), &value);
  if (status.IsNotFound()) return std::optional<std::vector<uint8_t>>();
  if (!status.ok()) return to_error(status, "get");
  (*db)->hits.fetch_add(1, kRelaxed);
  return std::optional(to_vector(value));
}

Result<void> LevelDbStore::remove(std::span<const uint8_t> key, const cxx2go::Context&) {
  Result<std::shared_ptr<Db>> db = acquire();
  if (!db) return db.error();
  KeyLocks::Guard guard(locks_, KeyLocks::Set().set(KeyLocks::stripe(key)));
  if (leveldb::Status status = (*db)->db->Delete((*db)->write_options, slice(key)); !status.ok()) {
    return to_error(status, "remove");
  }
  (*db)->removes.fetch_add(1, kRelaxed);
  return {};
}

Result<std::vector<Entry>> LevelDbStore::scan(std::span<const uint8_t> start, std::span<const uint8_t> end,
                                              uint32_t limit, const cxx2go::Context& context) {
  Result<std::shared_ptr<Db>> db = acquire();
  if (!db) return db.error();
  (*db)->scans.fetch_add(1, kRelaxed);

  std::vector<Entry> entries;
  std::unique_ptr<leveldb::Iterator> it((*db)->db->NewIterator(leveldb::ReadOptions()));
  const leveldb::Slice stop = slice(end);
  for (it->Seek(slice(start)); it->Valid() && entries.size() < limit; it->Next()) {
    if (!stop.empty() && it->key().compare(stop) >= 0) break;
    // A long scan is worth abandoning once its caller has given up (its Go context ended).
    if (entries.size() % 1024 == 1023 && context.cancelled()) return Error(Code::cancelled, "scan cancelled");
    entries.push_back(Entry{to_vector(it->key()), to_vector(it->value())});
  }
  if (!it->status().ok()) return to_error(it->status(), "scan");
  return entries;
}

Result<void> LevelDbStore::write(const std::vector<Write>& batch, const cxx2go::Context& context) {
  Result<std::shared_ptr<Db>> acquired = acquire();
  if (!acquired) return acquired.error();
  Db& db = **acquired;

  // Fold the batch into one final state per key. LevelDB applies a WriteBatch in order, so of a key's
  // writes only its last PUT or DELETE matters, and the MERGE operands after it.
  struct Pending {
    const Write* last = nullptr;                 // the last PUT or DELETE of the key; null: none
    std::vector<std::vector<uint8_t>> operands;  // the MERGE operands after it, oldest first
  };
  std::map<std::string, Pending> pending;
  KeyLocks::Set stripes;
  for (const Write& w : batch) {
    Pending& p = pending[std::string(as_chars(w.key))];
    stripes.set(KeyLocks::stripe(w.key));
    switch (w.kind) {
      case WriteKind::PUT:
      case WriteKind::DELETE:
        p.last = &w;
        p.operands.clear();
        break;
      case WriteKind::MERGE:
        p.operands.push_back(w.value);
        break;
      default:
        return Error(Code::invalid_argument,
                     "write: unknown WriteKind " + std::to_string(static_cast<int32_t>(w.kind)));
    }
  }

  // From here until the batch is written, no other write of these keys can interleave: the values the
  // merges read are the values they replace.
  KeyLocks::Guard guard(locks_, stripes);
  leveldb::WriteBatch updates;
  MergerClient merger;
  // The caller's deadline bounds the merges too: a Merger stuck in Go fails this batch, instead of
  // holding the keys' stripes (and every writer of them) forever.
  cxx2go::CallOptions merge_options;
  merge_options.deadline = context.deadline();
  uint64_t merged = 0;
  for (const auto& [key, p] : pending) {
    if (p.operands.empty()) {
      if (p.last->kind == WriteKind::PUT) {
        updates.Put(key, slice(p.last->value));
      } else {
        updates.Delete(key);
      }
      continue;
    }
    std::optional<std::vector<uint8_t>> existing;
    if (p.last != nullptr) {
      if (p.last->kind == WriteKind::PUT) existing = p.last->value;
    } else {
      std::string current;
      leveldb::Status status = db.db->Get(leveldb::ReadOptions(), key, &current);
      if (status.ok()) {
        existing = to_vector(current);
      } else if (!status.IsNotFound()) {
        return to_error(status, "write: reading the value to merge");
      }
    }
    // A synchronous call into Go from this executor thread: the Go merger runs right here, on it.
    Result<std::vector<uint8_t>> value = merger.merge(as_bytes(key), existing, p.operands, merge_options);
    if (!value) return value.error();  // the Merger's code and message; nothing was written
    updates.Put(key, slice(*value));
    ++merged;
  }

  // A caller that has given up learns nothing of what happens next, so skip the write it no longer waits for.
  if (context.cancelled()) return Error(Code::cancelled, "write cancelled; nothing was written");
  if (leveldb::Status status = db.db->Write(db.write_options, &updates); !status.ok())
    return to_error(status, "write");
  db.batches.fetch_add(1, kRelaxed);
  db.merged_keys.fetch_add(merged, kRelaxed);
  return {};
}

Result<Stats> LevelDbStore::stats(const cxx2go::Context&) {
  Result<std::shared_ptr<Db>> acquired = acquire();
  if (!acquired) return acquired.error();
  const Db& db = **acquired;

  Stats stats;
  stats.leveldb_version =
      std::to_string(leveldb::kMajorVersion) + "." + std::to_string(leveldb::kMinorVersion);
  stats.puts = db.puts.load(kRelaxed);
  stats.gets = db.gets.load(kRelaxed);
  stats.hits = db.hits.load(kRelaxed);
  stats.removes = db.removes.load(kRelaxed);
  stats.scans = db.scans.load(kRelaxed);
  stats.batches = db.batches.load(kRelaxed);
  stats.merged_keys = db.merged_keys.load(kRelaxed);

  std::string value;
  // LevelDB answers for its levels (7; db/dbformat.h is not installed) and refuses the next one.
  for (int level = 0; db.db->GetProperty("leveldb.num-files-at-level" + std::to_string(level), &value);
       ++level) {
    stats.files_per_level.push_back(static_cast<uint32_t>(std::stoul(value)));
  }
  if (db.db->GetProperty("leveldb.approximate-memory-usage", &value)) stats.memory_bytes = std::stoull(value);
  db.db->GetProperty("leveldb.stats", &stats.compactions);
  return stats;
}

std::size_t LevelDbStore::KeyLocks::stripe(std::span<const uint8_t> key) noexcept {
  return std::hash<std::string_view>{}(as_chars(key)) % kStripes;
}

LevelDbStore::KeyLocks::Guard::Guard(KeyLocks& locks, Set stripes) {
  for (std::size_t i = 0; i < kStripes; ++i) {
    if (stripes[i]) held_[i] = std::unique_lock(locks.mutexes_[i]);
  }
}

// The implementation of kv.Store that cxx2go.Start registers (kv.c2g.h; --go_opt=cgo).
std::shared_ptr<Store> make_store() { return std::make_shared<LevelDbStore>(); }

}  // namespace examples::kv
