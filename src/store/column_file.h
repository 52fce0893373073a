// The column file (docs/store-format.md §4): a header, a directory, one zstd
// frame per column, and a trailer holding the SHA-256 of everything before it.
//
// ColumnFileWriter assembles a whole file in memory (the caller writes it
// through the Env); ColumnFileReader checks a file's bytes and decodes
// columns by name. EncodeColumnFile/DecodeBatchColumns do this for a whole
// batch. Errors name the file (`where`) and say what is wrong.
//
// Thread safety: none shared; Finish() uses worker threads internally.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/extract_schema.h"
#include "store/column_encoder.h"
#include "store/sha256.h"

namespace csu::store {

enum class ValueType : uint8_t { kU8 = 1, kU16 = 2, kU32 = 3, kI32 = 4 };

template <typename T>
constexpr ValueType ValueTypeOf() {
  if constexpr (std::is_same_v<T, uint8_t>) return ValueType::kU8;
  else if constexpr (std::is_same_v<T, uint16_t>) return ValueType::kU16;
  else if constexpr (std::is_same_v<T, uint32_t>) return ValueType::kU32;
  else {
    static_assert(std::is_same_v<T, int32_t>, "column values are u8, u16, u32 or i32");
    return ValueType::kI32;
  }
}

class ColumnFileWriter {
 public:
  ColumnFileWriter(ingest::ExtractKind kind, uint64_t rows, const Digest& rows_sha256, int zstd_level = 1);

  // Adds a column. The vector is referenced, not copied: it must stay alive
  // and unchanged until Finish(). Names are at most 23 ASCII characters.
  template <typename T>
  void Add(std::string_view name, const std::vector<T>& values) {
    AddRaw(name, ValueTypeOf<T>(), values.size(), values.data(), values.size() * sizeof(T));
  }

  // Compresses every column (in parallel) and returns the file's bytes.
  std::string Finish();

 private:
  struct Pending {
    std::string name;
    ValueType type;
    uint64_t count;
    const void* data;
    size_t bytes;
    std::string block;
  };
  void AddRaw(std::string_view name, ValueType type, uint64_t count, const void* data, size_t bytes);

  ingest::ExtractKind kind_;
  uint64_t rows_;
  Digest rows_sha256_;
  int level_;
  std::vector<Pending> columns_;
};

class ColumnFileReader {
 public:
  // Checks the structure and the trailer's SHA-256 (and, when given, that it
  // equals `expected_sha256_hex` from the catalog). `bytes` must outlive the
  // reader. `path` is only used to name the file in errors. Pass
  // `checksum = false` only for bytes already opened once with the check
  // (hashing a large file costs ~0.6 ms/MB).
  static Result<ColumnFileReader> Open(std::string_view bytes, std::string path,
                                       const std::optional<std::string>& expected_sha256_hex, bool checksum = true);

  ingest::ExtractKind kind() const { return kind_; }
  uint64_t rows() const { return rows_; }
  const Digest& rows_sha256() const { return rows_sha256_; }
  const Digest& file_sha256() const { return file_sha256_; }
  const std::string& path() const { return path_; }
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  // Decodes column `name` into `out` (resized). `expected_count` < 0 accepts
  // any count. Error when the column is missing, of another type, of another
  // count, or its frame is damaged.
  template <typename T>
  Status Read(std::string_view name, int64_t expected_count, std::vector<T>& out) const {
    auto count = Count<T>(name, expected_count);
    if (!count.ok()) return count.error();
    if (Status s = CheckFrameSize(*Find(name), count.value(), sizeof(T)); !s.ok()) return s;
    out.resize(count.value());
    return Decompress(*Find(name), out.data(), count.value() * sizeof(T));
  }

  // Decodes column `name`, which must hold exactly `count` values, into
  // out[0, count).
  template <typename T>
  Status ReadInto(std::string_view name, uint64_t count, T* out) const {
    auto checked = Count<T>(name, static_cast<int64_t>(count));
    if (!checked.ok()) return checked.error();
    if (Status s = CheckFrameSize(*Find(name), count, sizeof(T)); !s.ok()) return s;
    return Decompress(*Find(name), out, count * sizeof(T));
  }

  // The number of values of column `name`, checking its type (and count,
  // unless `expected_count` < 0).
  template <typename T>
  Result<uint64_t> Count(std::string_view name, int64_t expected_count) const {
    const Entry* e = Find(name);
    if (e == nullptr) return MakeError(path_, "column " + std::string(name) + " is missing");
    if (e->type != ValueTypeOf<T>()) return MakeError(path_, "column " + std::string(name) + " has the wrong type");
    if (expected_count >= 0 && e->count != static_cast<uint64_t>(expected_count)) {
      return MakeError(path_, "column " + std::string(name) + " has " + std::to_string(e->count) +
                                  " values, expected " + std::to_string(expected_count));
    }
    return e->count;
  }

 private:
  struct Entry {
    std::string name;
    ValueType type;
    uint64_t count;
    uint64_t offset;
    uint64_t stored;
  };
  const Entry* Find(std::string_view name) const;
  // Before anything is allocated for a column: its frame must declare exactly
  // count × width bytes, and its blocks must be able to make that many, so a
  // damaged count cannot ask for more memory than the file's bytes can fill.
  Status CheckFrameSize(const Entry& e, uint64_t count, size_t width) const;
  Status Decompress(const Entry& e, void* out, size_t bytes) const;

  std::string_view bytes_;
  std::string path_;
  ingest::ExtractKind kind_ = ingest::ExtractKind::kApc;
  uint64_t rows_ = 0;
  Digest rows_sha256_{};
  Digest file_sha256_{};
  std::vector<Entry> entries_;
};

// The whole column file of a batch.
std::string EncodeColumnFile(const BatchColumns& columns, const Digest& rows_sha256);

// The SHA-256 in a column file's trailer, in hex: what the catalog records
// as cols_sha256. `file` must be a complete file from ColumnFileWriter.
std::string TrailerSha256Hex(std::string_view file);

// Reads the secondary diagnosis pair of an APC column file; a file written
// before the pair existed has neither column and reads as none (both
// vectors empty). One column without the other is damage.
Status ReadSecondaryDiagnoses(const ColumnFileReader& reader, std::vector<uint32_t>& rows,
                              std::vector<uint16_t>& ids);

// Decodes every column of a batch, checking counts against each other.
Result<BatchColumns> DecodeBatchColumns(const ColumnFileReader& reader);

// Only what restatement needs: providers and record ids.
Status DecodeKeys(const ColumnFileReader& reader, std::vector<uint16_t>& provider, std::vector<uint32_t>& id_offsets,
                  std::vector<uint8_t>& id_bytes);

}  // namespace csu::store
