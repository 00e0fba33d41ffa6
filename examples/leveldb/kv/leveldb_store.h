// LevelDbStore: the C++ implementation of the cpp service kv.Store (kv.c2g) over leveldb::DB. Go calls it
// through the generated kv.StoreClient; make_store() (leveldb_store.cc) makes the one cxx2go.Start registers.
#pragma once

#include <array>
#include <atomic>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "kv.c2g.h"

namespace examples::kv {

// Every method runs concurrently with every other: `get` on the calling Go thread (@inline), the rest on
// the cxx2go executor threads. LevelDB is thread-safe; what this class adds is the database's life cycle
// (open/close while calls run) and the atomicity of MERGE, whose read-modify-write LevelDB cannot do.
class LevelDbStore final : public Store {
 public:
  LevelDbStore();
  ~LevelDbStore() override;

  cxx2go::Result<void> open(std::string_view dir, const OpenOptions& config,
                            const cxx2go::Context& context) override;
  cxx2go::Result<void> close(const cxx2go::Context& context) override;
  cxx2go::Result<void> put(std::span<const uint8_t> key, std::span<const uint8_t> value,
                           const cxx2go::Context& context) override;
  cxx2go::Result<std::optional<std::vector<uint8_t>>> get(std::span<const uint8_t> key,
                                                          const cxx2go::Context& context) override;
  cxx2go::Result<void> remove(std::span<const uint8_t> key, const cxx2go::Context& context) override;
  cxx2go::Result<std::vector<Entry>> scan(std::span<const uint8_t> start, std::span<const uint8_t> end,
                                          uint32_t limit, const cxx2go::Context& context) override;
  cxx2go::Result<void> write(const std::vector<Write>& batch, const cxx2go::Context& context) override;
  cxx2go::Result<Stats> stats(const cxx2go::Context& context) override;

 private:
  struct Db;

  // Writes of one key exclude each other through one of kStripes mutexes, chosen by the key's hash: a
  // MERGE reads the current value, asks Go for the new one and writes it, and no other write of that key
  // may land in between. Different keys mostly map to different stripes and proceed in parallel.
  class KeyLocks {
   public:
    static constexpr std::size_t kStripes = 64;
    using Set = std::bitset<kStripes>;

    static std::size_t stripe(std::span<const uint8_t> key) noexcept;

    // Holds the stripes of a set, locked in ascending order: two writers never wait for each other in
    // a cycle, whatever keys their batches share.
    class Guard {
     public:
      Guard(KeyLocks& locks, Set stripes);

     private:
      std::array<std::unique_lock<std::mutex>, kStripes> held_;
    };

   private:
    std::array<std::mutex, kStripes> mutexes_;
  };

  // The open database, or failed_precondition. Holding the returned pointer keeps the database open.
  cxx2go::Result<std::shared_ptr<Db>> acquire() const;

  // Shared by the calls using it, so that close() never pulls the database from under a running call.
  std::atomic<std::shared_ptr<Db>> db_;
  std::mutex open_close_mu_;  // makes open's check-then-open atomic with respect to another open
  KeyLocks locks_;
};

}  // namespace examples::kv
