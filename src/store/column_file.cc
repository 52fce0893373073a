#include "store/column_file.h"

// ZSTD_decompressBound (CheckFrameSize) is in zstd's static section, and
// exported by the shared library all the same.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

namespace csu::store {
namespace {

// The format is little-endian and the code copies arrays verbatim.
static_assert(std::endian::native == std::endian::little, "column files are little-endian");

constexpr char kMagic[8] = {'O', 'C', 'S', 'U', 'C', 'O', 'L', '1'};
constexpr char kEndMagic[8] = {'O', 'C', 'S', 'U', 'E', 'N', 'D', '1'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 64;
constexpr size_t kEntryBytes = 64;
constexpr size_t kTrailerBytes = 40;
constexpr size_t kNameBytes = 24;

void PutU32(std::string& out, size_t at, uint32_t v) { std::memcpy(out.data() + at, &v, 4); }
void PutU64(std::string& out, size_t at, uint64_t v) { std::memcpy(out.data() + at, &v, 8); }
uint32_t GetU32(std::string_view in, size_t at) {
  uint32_t v;
  std::memcpy(&v, in.data() + at, 4);
  return v;
}
uint64_t GetU64(std::string_view in, size_t at) {
  uint64_t v;
  std::memcpy(&v, in.data() + at, 8);
  return v;
}

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

// Room for compressed output, kept between columns and never cleared.
struct Scratch {
  std::unique_ptr<char[]> bytes;
  size_t size = 0;
};

// Compresses into `scratch` (grown to the bound) and returns a copy of the
// frame: a fresh zero-filled string of the bound per column cost a memset and
// a page fault per 4 KiB of bound, for output that is mostly far smaller.
std::string CompressBlock(ZSTD_CCtx* cctx, const void* data, size_t bytes, int level, Scratch& scratch) {
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  const size_t bound = ZSTD_compressBound(bytes);
  if (scratch.size < bound) {
    scratch.bytes.reset(new char[bound]);  // uninitialised: zstd writes before anything reads
    scratch.size = bound;
  }
  size_t n = ZSTD_compress2(cctx, scratch.bytes.get(), bound, data, bytes);
  // Compressing into a buffer of compressBound bytes cannot fail for valid
  // input; if it does, libzstd is broken: unexpected, so throw.
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  return std::string(scratch.bytes.get(), n);
}

}  // namespace

ColumnFileWriter::ColumnFileWriter(ingest::ExtractKind kind, uint64_t rows, const Digest& rows_sha256, int zstd_level)
    : kind_(kind), rows_(rows), rows_sha256_(rows_sha256), level_(zstd_level) {}

void ColumnFileWriter::AddRaw(std::string_view name, ValueType type, uint64_t count, const void* data, size_t bytes) {
  columns_.push_back(Pending{std::string(name.substr(0, kNameBytes - 1)), type, count, data, bytes, {}});
}

std::string ColumnFileWriter::Finish() {
  // Columns are independent frames: compress them on every core, largest
  // first so the workers finish together.
  std::vector<size_t> order(columns_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return columns_[a].bytes > columns_[b].bytes; });
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
    if (!cctx) throw std::bad_alloc();
    Scratch scratch;
    for (size_t k; (k = next++) < order.size();) {
      Pending& c = columns_[order[k]];
      c.block = CompressBlock(cctx.get(), c.data, c.bytes, level_, scratch);
    }
  };
  size_t threads = std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 4, columns_.size()});
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  size_t data_at = kHeaderBytes + kEntryBytes * columns_.size();
  size_t total = data_at + kTrailerBytes;
  for (const Pending& c : columns_) total += c.block.size();
  std::string out(total, '\0');
  std::memcpy(out.data(), kMagic, 8);
  PutU32(out, 8, kVersion);
  out[12] = static_cast<char>(kind_);
  PutU64(out, 16, rows_);
  PutU32(out, 24, static_cast<uint32_t>(columns_.size()));
  std::memcpy(out.data() + 32, rows_sha256_.data(), 32);
  size_t at = data_at;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Pending& c = columns_[i];
    size_t e = kHeaderBytes + kEntryBytes * i;
    std::memcpy(out.data() + e, c.name.data(), c.name.size());
    out[e + 24] = static_cast<char>(c.type);
    out[e + 25] = 1;  // zstd
    PutU64(out, e + 32, c.count);
    PutU64(out, e + 40, at);
    PutU64(out, e + 48, c.block.size());
    std::memcpy(out.data() + at, c.block.data(), c.block.size());
    at += c.block.size();
  }
  Digest sha = Sha256Of(std::string_view(out.data(), at));
  std::memcpy(out.data() + at, sha.data(), 32);
  std::memcpy(out.data() + at + 32, kEndMagic, 8);
  return out;
}

Result<ColumnFileReader> ColumnFileReader::Open(std::string_view bytes, std::string path,
                                                const std::optional<std::string>& expected_sha256_hex,
                                                bool checksum) {
  auto bad = [&](const std::string& why) { return MakeError(path, "column file damaged: " + why); };
  if (bytes.size() < kHeaderBytes + kTrailerBytes) return bad("too short (" + std::to_string(bytes.size()) + " bytes)");
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) return bad("not a column file (bad magic)");
  if (std::memcmp(bytes.data() + bytes.size() - 8, kEndMagic, 8) != 0) return bad("truncated (no end marker)");
  size_t body = bytes.size() - kTrailerBytes;
  ColumnFileReader r;
  std::memcpy(r.file_sha256_.data(), bytes.data() + body, 32);
  if (checksum && Sha256Of(bytes.substr(0, body)) != r.file_sha256_) {
    return bad("checksum mismatch (the bytes do not match the SHA-256 in its trailer)");
  }
  if (expected_sha256_hex && HexOf(r.file_sha256_) != *expected_sha256_hex) {
    return bad("checksum mismatch (SHA-256 " + HexOf(r.file_sha256_).substr(0, 12) + "... is not the catalog's " +
               expected_sha256_hex->substr(0, 12) + "...)");
  }
  uint32_t version = GetU32(bytes, 8);
  if (version != kVersion) return MakeError(path, "column file version " + std::to_string(version) + " is not supported");
  uint8_t kind = static_cast<uint8_t>(bytes[12]);
  if (kind > 2) return bad("unknown kind " + std::to_string(kind));
  r.kind_ = static_cast<ingest::ExtractKind>(kind);
  r.rows_ = GetU64(bytes, 16);
  // Rows are numbered in 32 bits (record id offsets, unbundled and secondary
  // diagnosis rows); a larger count is damage, and read as a signed expected
  // count it would turn negative and let columns of any length through.
  if (r.rows_ > UINT32_MAX) return bad("a row count of " + std::to_string(r.rows_) + " is more than a batch can hold");
  uint64_t count = GetU32(bytes, 24);
  std::memcpy(r.rows_sha256_.data(), bytes.data() + 32, 32);
  if (kHeaderBytes + count * kEntryBytes > body) return bad("directory runs past the end");
  for (uint64_t i = 0; i < count; ++i) {
    size_t e = kHeaderBytes + kEntryBytes * i;
    Entry entry;
    entry.name.assign(bytes.data() + e, strnlen(bytes.data() + e, kNameBytes));
    entry.type = static_cast<ValueType>(bytes[e + 24]);
    entry.count = GetU64(bytes, e + 32);
    entry.offset = GetU64(bytes, e + 40);
    entry.stored = GetU64(bytes, e + 48);
    if (bytes[e + 25] != 1) return bad("column " + entry.name + " has an unknown encoding");
    if (entry.offset < kHeaderBytes + count * kEntryBytes || entry.offset > body || entry.stored > body - entry.offset) {
      return bad("column " + entry.name + " lies outside the file");
    }
    r.entries_.push_back(std::move(entry));
  }
  r.bytes_ = bytes;
  r.path_ = std::move(path);
  return r;
}

const ColumnFileReader::Entry* ColumnFileReader::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Status ColumnFileReader::CheckFrameSize(const Entry& e, uint64_t count, size_t width) const {
  auto damaged = [&](const std::string& why) {
    return MakeError(path_, "column file damaged: column " + e.name + " " + why);
  };
  if (count > UINT64_MAX / width) return damaged("claims more values than memory holds");
  const char* src = bytes_.data() + e.offset;
  const unsigned long long declared = ZSTD_getFrameContentSize(src, e.stored);
  if (declared != count * width) return damaged("has the wrong size");
  const unsigned long long bound = ZSTD_decompressBound(src, e.stored);
  if (bound == ZSTD_CONTENTSIZE_ERROR || declared > bound) return damaged("has a frame too short for its values");
  return Status::Ok();
}

Status ColumnFileReader::Decompress(const Entry& e, void* out, size_t bytes) const {
  static thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx(ZSTD_createDCtx());
  const char* src = bytes_.data() + e.offset;
  unsigned long long size = ZSTD_getFrameContentSize(src, e.stored);
  if (size != bytes) return MakeError(path_, "column file damaged: column " + e.name + " has the wrong size");
  size_t n = ZSTD_decompressDCtx(dctx.get(), out, bytes, src, e.stored);
  if (ZSTD_isError(n) || n != bytes) {
    return MakeError(path_, "column file damaged: column " + e.name + ": " +
                                (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
  }
  return Status::Ok();
}

}  // namespace csu::store

namespace csu::store {
namespace {

template <typename F>
void ForEachBatchRowColumn(const BatchColumns& c, F&& f) {
  switch (c.kind) {
    case ingest::ExtractKind::kApc: ForEachRowColumn(c.apc, f); break;
    case ingest::ExtractKind::kOp: ForEachRowColumn(c.op, f); break;
    case ingest::ExtractKind::kAe: ForEachRowColumn(c.ae, f); break;
  }
}

template <typename F>
void ForEachBatchRowColumn(BatchColumns& c, F&& f) {
  switch (c.kind) {
    case ingest::ExtractKind::kApc: ForEachRowColumn(c.apc, f); break;
    case ingest::ExtractKind::kOp: ForEachRowColumn(c.op, f); break;
    case ingest::ExtractKind::kAe: ForEachRowColumn(c.ae, f); break;
  }
}

Error Damaged(const ColumnFileReader& r, const std::string& why) {
  return MakeError(r.path(), "column file damaged: " + why);
}

// Cross-column checks that keep later indexing in bounds.
Status CheckShape(const ColumnFileReader& r, const BatchColumns& c) {
  const auto& ur = c.apc.unbundled_row;
  for (size_t i = 0; i < ur.size(); ++i) {
    if (ur[i] >= r.rows() || (i > 0 && ur[i] < ur[i - 1])) return Damaged(r, "unbundled rows out of order or range");
  }
  const auto& sr = c.apc.secondary_diagnosis_row;
  for (size_t i = 0; i < sr.size(); ++i) {
    if (sr[i] >= r.rows() || (i > 0 && sr[i] < sr[i - 1])) {
      return Damaged(r, "secondary diagnosis rows out of order or range");
    }
  }
  if (c.patient_keys.size() % 32 != 0) return Damaged(r, "patient keys are not 32-byte pseudonyms");
  uint32_t patients = static_cast<uint32_t>(c.patient_keys.size() / 32);
  for (uint32_t p : c.common().patient) {
    if (p > patients) return Damaged(r, "a patient number has no pseudonym");
  }
  const auto& off = c.record_id_offsets;
  if (off.empty() || off[0] != 0 || off.back() != c.record_id_bytes.size()) {
    return Damaged(r, "record id offsets do not span the record id bytes");
  }
  for (size_t i = 1; i < off.size(); ++i) {
    if (off[i] < off[i - 1]) return Damaged(r, "record id offsets go backwards");
  }
  return Status::Ok();
}

}  // namespace

std::string TrailerSha256Hex(std::string_view file) {
  Digest d{};
  std::memcpy(d.data(), file.data() + file.size() - kTrailerBytes, 32);
  return HexOf(d);
}

std::string EncodeColumnFile(const BatchColumns& c, const Digest& rows_sha256) {
  ColumnFileWriter w(c.kind, c.rows(), rows_sha256);
  ForEachBatchRowColumn(c, [&](const char* name, const auto& values) { w.Add(name, values); });
  if (c.kind == ingest::ExtractKind::kApc) {
    w.Add("unbundled_row", c.apc.unbundled_row);
    w.Add("unbundled_hrg", c.apc.unbundled_hrg);
    w.Add("secondary_diagnosis_row", c.apc.secondary_diagnosis_row);
    w.Add("secondary_diagnosis", c.apc.secondary_diagnosis);
  }
  w.Add("patient_keys", c.patient_keys);
  w.Add("record_id_offsets", c.record_id_offsets);
  w.Add("record_id_bytes", c.record_id_bytes);
  return w.Finish();
}

Status ReadSecondaryDiagnoses(const ColumnFileReader& r, std::vector<uint32_t>& rows, std::vector<uint16_t>& ids) {
  const bool has_rows = r.Has("secondary_diagnosis_row"), has_ids = r.Has("secondary_diagnosis");
  if (!has_rows && !has_ids) {
    // Written before secondary diagnoses were kept: the batch has none.
    rows.clear();
    ids.clear();
    return Status::Ok();
  }
  if (has_rows != has_ids) return Damaged(r, "only one column of the secondary diagnosis pair is present");
  if (Status s = r.Read("secondary_diagnosis_row", -1, rows); !s.ok()) return s;
  return r.Read("secondary_diagnosis", static_cast<int64_t>(rows.size()), ids);
}

Result<BatchColumns> DecodeBatchColumns(const ColumnFileReader& r) {
  BatchColumns c;
  c.kind = r.kind();
  const int64_t rows = static_cast<int64_t>(r.rows());
  Status st;
  auto read = [&](const char* name, int64_t count, auto& values) {
    if (st.ok()) st = r.Read(name, count, values);
  };
  ForEachBatchRowColumn(c, [&](const char* name, auto& values) { read(name, rows, values); });
  if (c.kind == ingest::ExtractKind::kApc) {
    read("unbundled_row", -1, c.apc.unbundled_row);
    read("unbundled_hrg", static_cast<int64_t>(c.apc.unbundled_row.size()), c.apc.unbundled_hrg);
    if (st.ok()) st = ReadSecondaryDiagnoses(r, c.apc.secondary_diagnosis_row, c.apc.secondary_diagnosis);
  }
  read("patient_keys", -1, c.patient_keys);
  read("record_id_offsets", rows + 1, c.record_id_offsets);
  read("record_id_bytes", -1, c.record_id_bytes);
  if (st.ok()) st = CheckShape(r, c);
  if (!st.ok()) return st.error();
  return c;
}

Status DecodeKeys(const ColumnFileReader& r, std::vector<uint16_t>& provider, std::vector<uint32_t>& id_offsets,
                  std::vector<uint8_t>& id_bytes) {
  const int64_t rows = static_cast<int64_t>(r.rows());
  if (Status s = r.Read("provider", rows, provider); !s.ok()) return s;
  if (Status s = r.Read("record_id_offsets", rows + 1, id_offsets); !s.ok()) return s;
  if (Status s = r.Read("record_id_bytes", -1, id_bytes); !s.ok()) return s;
  if (id_offsets[0] != 0 || id_offsets.back() != id_bytes.size()) {
    return Damaged(r, "record id offsets do not span the record id bytes");
  }
  for (size_t i = 1; i < id_offsets.size(); ++i) {
    if (id_offsets[i] < id_offsets[i - 1]) return Damaged(r, "record id offsets go backwards");
  }
  return Status::Ok();
}

}  // namespace csu::store
